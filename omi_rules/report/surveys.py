"""Survey indicators as report sections, for the terminal, Markdown and HTML reports.

They are given to the renderers as ``ReportSection``s, the shape plugin sections already use,
so every format shows them (after the Summary of Scores, before the provenance) without each
renderer learning about surveys: the renderers and the HTML template are unchanged.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from omi_rules.model.results import AnswerShare, Result, SurveyInterval, SurveyResult
from omi_rules.plugins.hookspecs import ReportSection

HEADER = ("Question", "Answer", "Respondents", "Share", "Interval", "Informs")


def _decimals(display: str | None) -> int:
    """The decimals the ruleset displays shares with, read off a displayed share (`92%`, `91.9%`)."""
    if not display or "." not in display:
        return 0
    return len(display.rstrip("%").split(".", 1)[1])


def interval_text(interval: SurveyInterval | None, decimals: int) -> str:
    """`79-97%`: the interval's limits at the displayed precision (half up)."""
    if interval is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)

    def shown(value: float) -> str:
        return str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))

    return f"{shown(interval.low)}-{shown(interval.high)}%"


def _answered(given: AnswerShare, answered: int) -> str:
    return f"{given.count} of {answered}"


def survey_section(survey: SurveyResult) -> ReportSection:
    """One survey: who was asked, the response rate, then each question's indicator."""
    paragraphs = [f"Asked: {survey.respondents}."]
    if survey.response_rate is not None and survey.sent is not None:
        rate = survey.response_rate
        decimals = _decimals(rate.display)
        paragraphs.append(
            f"{survey.sent} sent, {survey.returned} returned: response rate {rate.display}"
            f" ({_confidence(rate.interval)} interval {interval_text(rate.interval, decimals)})."
        )
    else:
        paragraphs.append(f"{survey.returned} returned (how many were sent is not known, so no response rate).")
    rows: list[list[str]] = []
    method = None
    for question in survey.questions.values():
        given = question.share
        method = method or (given.interval.method if given.interval else None)
        answer = given.label or " or ".join(question.indicator)
        respondents = _answered(given, question.answered)
        if question.blank:
            respondents += f" ({question.blank} blank)"
        rows.append(
            [
                question.text,
                answer,
                respondents,
                given.display or "no answers",
                interval_text(given.interval, _decimals(given.display)),
                ", ".join(question.informs),
            ]
        )
    confidence = next((q.share.interval for q in survey.questions.values() if q.share.interval), None)
    words = "Wilson score intervals"
    if method == "wilson_fpc":
        words += f", narrowed by the finite-population correction for the {survey.sent} sent"
    paragraphs.append(
        f"Share: of the respondents who answered the question. Interval: {_confidence(confidence)} {words}."
    )
    if survey.note:
        paragraphs.append(f"Data: {survey.note}")
    return ReportSection(survey.title, paragraphs, HEADER, rows)


def _confidence(interval: SurveyInterval | None) -> str:
    if interval is None:
        return "95%"
    return f"{Decimal(repr(interval.confidence * 100)).normalize():f}%"


def survey_sections(result: Result) -> list[ReportSection]:
    """A section per survey that has data, in the ruleset's order; none without survey data."""
    return [survey_section(s) for s in result.surveys.values()]
