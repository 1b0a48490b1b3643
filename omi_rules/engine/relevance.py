"""Relevance of every question for every case, evaluated vectorised, and the answers that count.

Questions are visited in dependency order, so ``answer('1.2.3')`` in a later condition reads
the *effective* answer of 1.2.3: the one given on a case where 1.2.3 is itself relevant.
An answer given where the question is not relevant is excluded (warning D006); a relevant
question left unanswered is an error (D007) unless the ruleset or ``--unanswered warning``
makes it a warning.

A sample with rejected cells (``CaseSample.unknown``) is evaluated too, for these findings
only: a case's relevance is undecided where its condition reads an unknown value, and only
the findings that an unknown value could change are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata.validate import CaseSample, Codes
from omi_rules.conditions.checker import Checked
from omi_rules.conditions.vector import VectorData, encode, evaluate
from omi_rules.diagnostics import Diagnostic, Severity, caps
from omi_rules.diagnostics.codes import make
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.model import CaseField
from omi_rules.model.value_types import field_type


@dataclass
class Evaluation:
    """Relevance masks and effective answer codes, one array entry per case."""

    size: int
    columns: dict[str, NDArray[Any]]
    relevant: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    answers: dict[str, Codes] = field(default_factory=dict)
    """Effective answer codes: -1 where unanswered or not relevant."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def function_column(
    compiled: CompiledRuleset,
    sample: CaseSample,
    key: tuple[str, str],
    cache: dict[tuple[str, str], NDArray[Any]],
) -> NDArray[Any]:
    """The values of a plugin's condition function call for every case, encoded by its type.

    Computed once per (function, argument) and shared by every condition that calls it.
    """
    if key not in cache:
        name, arg = key
        fn = compiled.registry.functions[name]
        registry = compiled.registry
        if fn.vector is not None:
            values = list(registry.call("condition function", name, fn.vector, arg, sample.values, sample.size))
        else:
            fields = list(sample.values)
            values = [
                registry.call("condition function", name, fn.row, arg, {f: sample.values[f][i] for f in fields})
                for i in range(sample.size)
            ]
        cache[key] = registry.call("condition function", name, encode, fn.returns(compiled.model, arg), values)
    return cache[key]


def _undecided(
    condition: Checked | None,
    sample: CaseSample,
    undecided: dict[str, NDArray[np.bool_]],
    nowhere: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """The cases for which ``condition`` reads a value that is not known.

    Those are the cases with an unknown value (``sample.unknown``) in a field it names, or an
    undecided answer of a question it reads with ``answer()``. A condition that calls a plugin
    function is undecided on every case once any value is unknown: the function may read any
    field, and it is promised checked data, so it is not called on data the check rejected.
    """
    if condition is None or not sample.unknown:
        return nowhere
    unsure = nowhere.copy()
    for name in condition.names:
        if name in sample.unknown:
            unsure |= sample.unknown[name]
    for function, argument in condition.calls:
        if function != "answer":
            return ~nowhere
        unsure |= undecided.get(argument, nowhere)
    return unsure


def _field_column(f: CaseField, sample: CaseSample) -> NDArray[Any]:
    """A field's values encoded for conditions: each distinct value once, spread over the cases
    by their codes, when the sample has them (50,000 cases hold a handful of distinct values)."""
    by_value = sample.encoded_values.get(f.id)
    if by_value is None:
        return encode(field_type(f), sample.values[f.id])
    distinct: NDArray[Any] = encode(field_type(f), by_value.values)
    return distinct.take(by_value.codes) if len(distinct) else encode(field_type(f), sample.values[f.id])


def evaluate_sample(compiled: CompiledRuleset, sample: CaseSample, unanswered: str | None = None) -> Evaluation:
    """Evaluate relevance for every question over every case of ``sample``."""
    model = compiled.model
    columns = {f.id: _field_column(f, sample) for f in model.fields}
    result = Evaluation(sample.size, columns)
    severity = Severity.ERROR if (unanswered or model.case_data.relevant_unanswered) == "error" else Severity.WARNING
    plugin_calls: dict[tuple[str, str], NDArray[Any]] = {}
    excluded: list[tuple[int, str]] = []
    missing: list[tuple[int, str]] = []
    undecided: dict[str, NDArray[np.bool_]] = {}
    """Question id -> the cases whose effective answer is not known (see ``_undecided``)."""
    nowhere = np.zeros(sample.size, dtype=bool)
    for cq in compiled.questions:
        given = sample.answer_codes[cq.id]
        unsure = _undecided(cq.condition, sample, undecided, nowhere)
        if cq.condition is None:
            mask = np.ones(sample.size, dtype=bool)
        elif unsure.all() and sample.unknown:
            # Every case undecided (a plugin function, or a missing column): nothing to
            # evaluate, and a plugin function is never called with values the data check rejected.
            mask = np.zeros(sample.size, dtype=bool)
        else:
            calls = {
                key: result.answers[key[1]]
                if key[0] == "answer"
                else function_column(compiled, sample, key, plugin_calls)
                for key in cq.condition.calls
            }
            mask = evaluate(cq.condition, VectorData(sample.size, columns, calls))
        result.relevant[cq.id] = mask
        # given where relevant, -1 elsewhere: integer arithmetic on the small codes is many
        # times faster than np.where over a boolean mask (an answer code is never its type's max)
        result.answers[cq.id] = ((given + 1) * mask - 1).astype(given.dtype, copy=False)
        rejected = sample.unknown.get(cq.id)
        undecided[cq.id] = unsure if rejected is None else unsure | (mask & rejected)
        # A rejected answer (D004) is neither given nor missing: only its own D004 is reported.
        # Each mask is built from as few whole-sample operations as the case allows (211
        # questions of 50,000 cases: each operation is 10 ms of a run).
        answered = given >= 0
        certain = unsure is nowhere or not unsure.any()
        if cq.condition is not None:
            extra = ~mask & answered
            excluded.extend((int(i), cq.id) for i in np.flatnonzero(extra if certain else extra & ~unsure))
        unfilled = mask & ~answered
        if not certain:
            unfilled &= ~unsure
        if rejected is not None:
            unfilled &= ~rejected
        missing.extend((int(i), cq.id) for i in np.flatnonzero(unfilled))
    shown = caps.shown_per_code()
    for case, qid in sorted(excluded)[:shown]:
        result.diagnostics.append(
            make(
                "D006",
                f"case {sample.case_ids[case]}: question {qid} is not relevant to this case; its answer is not counted",
                sample.position(case, qid),
                hint=f"relevant if: {compiled.by_id[qid].question.relevant_if}",
            )
        )
    for case, qid in sorted(missing)[:shown]:
        result.diagnostics.append(
            make(
                "D007",
                f"case {sample.case_ids[case]}: question {qid} is relevant but not answered",
                sample.position(case, qid),
                hint="answer it (or use the scale's not-applicable answer)",
                severity=severity,
            )
        )
    # The rest are counted, not located: a position per cell of a large sample costs more
    # than the check, and nobody reads the 10,000th (``--all`` lists them all).
    for code, items in (("D006", excluded), ("D007", missing)):
        if shown is not None and len(items) > shown:
            first = next(d for d in result.diagnostics if d.code == code)
            result.diagnostics.append(caps.more(first, len(items) - shown, shown))
    return result
