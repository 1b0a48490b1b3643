"""Which cases a condition selects over a whole sample: ``--where``, and each headline's
counted and well-enough cases (its share, and its indicators for resampling).

Every selection is one vectorised evaluation of a checked condition over the sample's encoded
columns (``conditions.vector``), with the answers and plugin function values it reads.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata.validate import CaseSample
from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.vector import VectorData, evaluate
from omi_rules.diagnostics import Position, Report
from omi_rules.diagnostics.codes import make
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.grading import display
from omi_rules.engine.relevance import Evaluation, function_column
from omi_rules.model.results import HeadlineResult


def where_mask(
    compiled: CompiledRuleset, sample: CaseSample, evaluation: Evaluation, where: str | None, report: Report
) -> NDArray[np.bool_] | None:
    """The cases ``--where`` selects (all cases when None); None if the condition is wrong."""
    if where is None:
        return np.ones(evaluation.size, dtype=bool)
    checked = compile_condition(where, compiled.env)
    if not isinstance(checked, Checked):
        for error in checked:
            report.add(
                make(
                    error.code,
                    error.message,
                    Position("--where", 1, error.start + 1),
                    error.hint,
                    span=error.end - error.start,
                )
            )
        return None
    calls = {
        key: evaluation.answers[key[1]] if key[0] == "answer" else function_column(compiled, sample, key, {})
        for key in checked.calls
    }
    return evaluate(checked, VectorData(evaluation.size, evaluation.columns, calls))


def score_headlines(
    compiled: CompiledRuleset, sample: CaseSample, evaluation: Evaluation, mask: NDArray[np.bool_]
) -> dict[str, HeadlineResult]:
    """Each headline: the share of counted cases (among ``mask``) where the work was well enough."""
    out: dict[str, HeadlineResult] = {}
    rounding = compiled.model.rounding
    for headline in compiled.model.headlines:
        counted_if, well_if = compiled.headlines[headline.id]
        counted = mask & truth(compiled, sample, evaluation, counted_if)
        well = counted & truth(compiled, sample, evaluation, well_if)
        cases, good = int(counted.sum()), int(well.sum())
        share = Fraction(100 * good, cases) if cases else None
        out[headline.id] = HeadlineResult(
            id=headline.id,
            title=headline.title,
            score=share,
            display=display(share, rounding),
            cases=cases,
            well_enough=good,
        )
    return out


def truth(
    compiled: CompiledRuleset, sample: CaseSample, evaluation: Evaluation, condition: Checked | None
) -> NDArray[np.bool_]:
    if condition is None:
        return np.ones(evaluation.size, dtype=bool)
    calls = {
        key: evaluation.answers[key[1]] if key[0] == "answer" else function_column(compiled, sample, key, {})
        for key in condition.calls
    }
    return evaluate(condition, VectorData(evaluation.size, evaluation.columns, calls))


def headline_indicators(
    compiled: CompiledRuleset, sample: CaseSample, evaluation: Evaluation
) -> dict[str, tuple[NDArray[np.bool_], NDArray[np.bool_]]]:
    """Each headline's counted and well-enough cases over the whole sample, for resampling."""
    out = {}
    for headline in compiled.model.headlines:
        counted_if, well_if = compiled.headlines[headline.id]
        counted = truth(compiled, sample, evaluation, counted_if)
        out[headline.id] = (counted, counted & truth(compiled, sample, evaluation, well_if))
    return out
