"""The handbook's account of surveys: who each questionnaire asks, each question with its answer
scale and the answers its indicator counts, which criteria or sections it informs, and how its
figures are reported (response rate, shares, Wilson intervals at the declared confidence), so a
reviewer can see what questionnaire evidence the methodology relies on without reading YAML."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from omi_rules.handbook.views import SourceView, SurveyQuestionView, SurveyView
from omi_rules.handbook.words import either_words
from omi_rules.model import Ruleset, Source, Survey, SurveyQuestion


def _informs(ids: list[str]) -> str | None:
    return f"Informs {either_words(ids, 'and')}." if ids else None


def _label(question: SurveyQuestion, answer: str) -> str:
    for a in question.answers:
        if isinstance(a, str) and a == answer:
            return a
        if not isinstance(a, str) and a.id == answer:
            return a.label or a.id
    return answer


def _question(question: SurveyQuestion, source: Callable[[Source], SourceView]) -> SurveyQuestionView:
    answers = either_words([_label(question, a) for a in question.answer_ids()])
    counted = either_words([f"'{_label(question, a)}'" for a in question.indicator_answers()])
    return SurveyQuestionView(
        text=question.text,
        answers=f"Answers: {answers}.",
        indicator=f"Reported as the share of those answering who answered {counted}.",
        informs=_informs(question.informs),
        source=source(question.source),
    )


def _reporting(survey: Survey) -> str:
    confidence = f"{Decimal(repr(survey.confidence * 100)).normalize():f}%"
    correction = (
        "narrowed by the finite-population correction when the number sent is known"
        if survey.finite_population_correction
        else "without a finite-population correction (respondents choose to reply)"
    )
    return (
        "Reported: the response rate (returned of sent, when the number sent is known) and, for each "
        "question, the share of the respondents answering it who gave each answer, each with a "
        f"{confidence} Wilson score interval, {correction}. Survey figures are evidence beside the "
        "criteria they inform; they are not part of any score."
    )


def survey_views(
    model: Ruleset, anchor: Callable[[str, str], str], source: Callable[[Source], SourceView]
) -> list[SurveyView]:
    return [
        SurveyView(
            id=s.id,
            anchor=anchor("survey", s.id),
            title=s.title,
            respondents=f"Asked: {s.respondents}.",
            informs=_informs(s.informs),
            reporting=_reporting(s),
            questions=[_question(q, source) for q in s.questions],
            source=source(s.source),
        )
        for s in model.surveys
    ]
