"""Survey indicators: response rate and the share giving each answer, with intervals.

Why the Wilson score interval (Wilson 1927), at the survey's declared confidence (95% unless it
says otherwise): survey shares here come from few respondents (9 sentencers, 9 victims, 37
offenders) and are often at or near 0% or 100% ("all 9 found the information clearly written").
The textbook Wald interval (p ± z·sqrt(p(1-p)/n)) collapses to 100%-100% for 9 of 9 and falls
outside 0-100 near the ends; its coverage is far below the nominal level at these sizes. The
Clopper-Pearson ("exact") interval never under-covers, but only by being conservative: wider than
it needs to be, on average well above 95% coverage. Wilson's interval stays within 0-100, is not
degenerate at 0 or n, and has coverage close to the nominal level on average for small n, which
is why Agresti & Coull (1998) and Brown, Cai & DasGupta (2001, "Interval estimation for a
binomial proportion") recommend it for n below about 40. It has a closed form, so it needs no
iteration and gives the same figures on every run.

The finite-population correction is **not applied by default**, and never to the response
rate:

* the response rate (returned of sent) is a count of everyone sent a questionnaire, not a
  sample of them; its interval describes how firmly it measures the propensity to reply
  (as another round of the same questionnaire would), for which the questionnaires sent are
  the trials, so there is nothing finite to correct;
* answer shares: the respondents are the people who chose to reply, not a random sample of
  those sent, so the correction (which assumes simple random sampling without replacement from
  the `sent`) would claim a precision that self-selection does not give; and what a methodology
  wants to know is usually the experience of the area's offenders (or victims) generally, of
  whom those sent are themselves a sample.

A ruleset may still ask for it (`finite_population_correction: true` on the survey) when `sent`
is known, e.g. for a census of sentencers: the share's interval is then the Wilson interval with
the effective sample size n·(N-1)/(N-n) (the design-effect form of the correction), which is the
point itself when every questionnaire sent came back (n = N).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING

from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.diagnostics.codes import make
from omi_rules.engine.grading import display
from omi_rules.model import Rounding, Ruleset, Survey
from omi_rules.model.results import AnswerShare, SurveyInterval, SurveyQuestionResult, SurveyResult

if TYPE_CHECKING:
    from omi_rules.engine.compiled import CompiledRuleset

if TYPE_CHECKING:  # the survey data reader is imported only when --surveys gives data to read
    from omi_rules.casedata.surveys import SurveyData

DECIMALS = 4
"""Interval limits are rounded to 4 decimals of a percent in the result, so the JSON does not
depend on the last bits of floating-point arithmetic."""


def wilson(successes: int, of: int, confidence: float, effective: float | None = None) -> tuple[float, float]:
    """The Wilson score interval of ``successes`` of ``of`` (positive) as fractions 0-1.
    ``effective`` replaces ``of`` as the sample size in the interval's width (the
    finite-population correction); the share itself is always ``successes / of``."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / of
    n = of if effective is None else effective
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share(count: int, of: int, confidence: float, rounding: Rounding, population: int | None = None) -> AnswerShare:
    """``count`` of ``of`` as a share in percent with its Wilson interval; with ``population``
    (the number sent, when the finite-population correction applies) the interval uses the
    effective sample size ``of·(N-1)/(N-of)``."""
    if of == 0:
        return AnswerShare(count=count, share=None, display=None, interval=None)
    exact = Fraction(100 * count, of)
    method = "wilson"
    if population is not None and population > 1 and of <= population:
        method = "wilson_fpc"
        if of == population:  # a census: the share is known exactly
            low = high = count / of
        else:
            low, high = wilson(count, of, confidence, of * (population - 1) / (population - of))
    else:
        low, high = wilson(count, of, confidence)
    interval = SurveyInterval(
        low=round(100 * low, DECIMALS), high=round(100 * high, DECIMALS), confidence=confidence, method=method
    )
    return AnswerShare(count=count, share=exact, display=display(exact, rounding), interval=interval)


def survey_result(survey: Survey, data: SurveyData, rounding: Rounding, hashes: Mapping[Path, str]) -> SurveyResult:
    """One survey's indicators from its checked data."""
    confidence = survey.confidence
    fpc = survey.finite_population_correction and data.sent is not None
    population = data.sent if fpc else None
    questions: dict[str, SurveyQuestionResult] = {}
    for question in survey.questions:
        counts = data.counts.get(question.id)
        if counts is None:
            continue  # not given (Q008 said so)
        answered = sum(counts.values())
        labels = {
            a if isinstance(a, str) else a.id: a if isinstance(a, str) else a.label or a.id for a in question.answers
        }
        indicator = question.indicator_answers()
        questions[question.id] = SurveyQuestionResult(
            id=question.id,
            text=question.text,
            answered=answered,
            blank=data.returned - answered,
            answers={
                a: share(counts[a], answered, confidence, rounding, population).model_copy(update={"label": labels[a]})
                for a in question.answer_ids()
            },
            indicator=list(indicator),
            share=share(sum(counts[a] for a in indicator), answered, confidence, rounding, population).model_copy(
                update={"label": " or ".join(labels[a] for a in indicator)}
            ),
            informs=list(dict.fromkeys([*survey.informs, *question.informs])),
        )
    return SurveyResult(
        id=survey.id,
        title=survey.title,
        respondents=survey.respondents,
        files={str(p): hashes[p] for p in data.files},
        data=data.data,
        sent=data.sent,
        returned=data.returned,
        response_rate=share(data.returned, data.sent, confidence, rounding) if data.sent is not None else None,
        finite_population_correction=fpc,
        informs=list(survey.informs),
        questions=questions,
        note=data.note,
    )


def score_surveys(
    model: Ruleset, data: Mapping[str, SurveyData], hashes: Mapping[Path, str]
) -> dict[str, SurveyResult]:
    """Every survey that has data, in the ruleset's order."""
    return {s.id: survey_result(s, data[s.id], model.rounding, hashes) for s in model.surveys if s.id in data}


def survey_calls(surveys: Mapping[str, SurveyResult]) -> dict[tuple[str, str], object]:
    """The values of ``survey('s.q')`` (the question's indicator), ``survey('s.q.answer')`` (one
    answer's share) and ``response_rate('s')`` in percent, for decisions. A figure the data does
    not give is absent: ``survey_figures_missing`` reports a decision that reads one."""
    calls: dict[tuple[str, str], object] = {}
    for sid, result in surveys.items():
        if result.response_rate is not None:
            calls[("response_rate", sid)] = result.response_rate.share
        for qid, question in result.questions.items():
            calls[("survey", f"{sid}.{qid}")] = question.share.share
            for answer, given in question.answers.items():
                calls[("survey", f"{sid}.{qid}.{answer}")] = given.share
    return calls


def survey_figures_missing(compiled: CompiledRuleset, surveys: Mapping[str, SurveyResult]) -> list[Diagnostic]:
    """A decision (or an overall rating's limit) that reads a survey figure the data does not
    give (no data for the survey, the question not answered by anyone, or a response rate
    without ``sent``) cannot be made: an error (``Q009``), never one taken on a missing figure."""
    given = survey_calls(surveys)
    out: list[Diagnostic] = []
    readers = [("decision", d.id, compiled.decisions[d.id]) for d in compiled.model.decisions]
    readers += [("overall rating", o.id, list(compiled.limits[o.id])) for o in compiled.model.overall_ratings]
    for kind, rid, conditions in readers:
        wanted = sorted(
            {
                key
                for condition in conditions
                if condition is not None
                for key in condition.calls
                if key[0] in ("survey", "response_rate")
            }
        )
        for func, arg in wanted:
            if given.get((func, arg)) is not None:
                continue
            sid = arg.split(".", 1)[0]
            why = (
                "no data was given for the survey"
                if sid not in surveys
                else "the data does not say how many were sent"
                if func == "response_rate"
                else "no respondent answered the question"
            )
            out.append(
                make(
                    "Q009",
                    f"{kind} '{rid}' reads {func}('{arg}'), but {why}",
                    Position("--surveys"),
                    hint=f"give survey '{sid}' with --surveys (and 'sent' for a response rate)",
                )
            )
    return out
