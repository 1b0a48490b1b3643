"""Rounding for display, band lookup, section 4 grades and decisions.

Scores are kept exact (fractions); the ruleset says how they are displayed (``rounding``) and
whether a band or a decision is decided on the displayed or the exact value (``basis``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from omi_rules.conditions.checker import Checked
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.model import BandSet, Decision, JudgementCriterion, JudgementRule, Outcome, Rounding
from omi_rules.model.results import (
    BandResult,
    CriterionResult,
    DecisionResult,
    HeadlineResult,
    JudgedCriterionResult,
    OverallRatingResult,
    RatingResult,
    SectionResult,
    ThreadResult,
)
from omi_rules.numbers import round_exact
from omi_rules.plugins.manager import Registry
from omi_rules.ruleset.environments import PUBLISHED_SCORES


def rounded(score: Fraction, rounding: Rounding) -> Decimal:
    """``score`` rounded exactly as the report prints it (70.5 -> 71 half-up, 70 half-even)."""
    return round_exact(score, rounding.decimals, rounding.method)


def display(score: Fraction | None, rounding: Rounding) -> str | None:
    return None if score is None else f"{rounded(score, rounding)}%"


def on_basis(score: Fraction, basis: str, rounding: Rounding) -> Fraction:
    """The value a band or decision compares: the published (rounded) figure or the exact one."""
    return Fraction(rounded(score, rounding)) if basis == "rounded" else score


def band_for(
    score: Fraction | None, band_set: BandSet | None, rounding: Rounding, registry: Registry
) -> BandResult | None:
    """The band a score falls in, by the band set's grade rule, on the basis it names."""
    if score is None or band_set is None:
        return None
    value = on_basis(score, band_set.basis, rounding)
    rule = registry.grade_rules[band_set.rule]
    band_id = registry.call("grade rule", rule.name, rule.grade, value, band_set)
    band = next((b for b in band_set.bands if b.id == band_id), None)
    return None if band is None else BandResult(id=band.id, label=band.label, sentence=band.sentence)


def first_outcome(outcomes: list[Outcome], conditions: list[Checked | None], row: RowData) -> Outcome:
    """The first outcome whose condition holds (the last has none: it applies otherwise)."""
    for outcome, condition in zip(outcomes, conditions, strict=True):
        if condition is None or evaluate_row(condition, row):
            return outcome
    return outcomes[-1]


def grade_criterion(
    compiled: CompiledRuleset, rule: JudgementRule, criterion: JudgementCriterion, judgements: dict[str, str]
) -> JudgedCriterionResult:
    """Grade a section 4 criterion from its specific criteria's judgements."""
    counts = {value: 0 for value in rule.judgements}
    for value in judgements.values():
        counts[value] += 1
    total = sum(counts.values())
    calls: dict[tuple[str, str], object] = {}
    for value, count in counts.items():
        calls[("n", value)] = count
        calls[("share", value)] = Fraction(count, total) if total else None
    grade = None
    if total:
        outcome = first_outcome(rule.grades, compiled.grade_rules[rule.id], RowData({"total": total}, calls))
        grade = BandResult(id=outcome.id, label=outcome.label, sentence=outcome.sentence)
    return JudgedCriterionResult(id=criterion.id, title=criterion.title, grade=grade, counts=counts, total=total)


def decision_calls(
    threads: Mapping[str, ThreadResult],
    criteria: Mapping[str, CriterionResult],
    sections: Mapping[str, SectionResult],
    grades: Mapping[str, JudgedCriterionResult],
    headlines: Mapping[str, HeadlineResult],
    ratings: Mapping[str, RatingResult],
    overall: Mapping[str, OverallRatingResult],
) -> dict[tuple[str, str], object]:
    """The value of every function a decision may call (``thread('roh')``, ``rating('2.1')``,
    ...), from the figures of one sample. Scoring and ``explain`` both use it, so the values a
    decision is explained with are the ones it was decided on."""
    calls: dict[tuple[str, str], object] = {}
    calls.update({("thread", k): v.score for k, v in threads.items()})
    calls.update({("criterion", k): v.score for k, v in criteria.items()})
    calls.update({("section", k): v.score for k, v in sections.items()})
    calls.update({("grade", k): (v.grade.id if v.grade else None) for k, v in grades.items()})
    calls.update({("headline", k): v.score for k, v in headlines.items()})
    calls.update({("rating", k): v.rating for k, v in ratings.items()})
    calls.update({("points", k): v.points for k, v in ratings.items()})
    calls.update({("overall", k): v.rating for k, v in overall.items()})
    calls.update({("total", k): v.total for k, v in overall.items()})
    return calls


def on_decision_basis(
    decision: Decision, calls: Mapping[tuple[str, str], object], rounding: Rounding
) -> Mapping[tuple[str, str], object]:
    """The values ``decision`` compares: the scores as published when its basis is ``rounded``,
    else (declared ``unrounded`` or not declared) the exact scores."""
    if decision.basis != "rounded":
        return calls
    return {
        key: on_basis(value, "rounded", rounding)
        if key[0] in PUBLISHED_SCORES and isinstance(value, Fraction)
        else value
        for key, value in calls.items()
    }


def decide(compiled: CompiledRuleset, calls: dict[tuple[str, str], object]) -> dict[str, DecisionResult]:
    out: dict[str, DecisionResult] = {}
    for decision in compiled.model.decisions:
        values = on_decision_basis(decision, calls, compiled.model.rounding)
        outcome = first_outcome(decision.outcomes, compiled.decisions[decision.id], RowData({}, values))
        out[decision.id] = DecisionResult(
            id=decision.id, title=decision.title, outcome=outcome.id, label=outcome.label, sentence=outcome.sentence
        )
    return out
