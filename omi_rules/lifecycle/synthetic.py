"""Synthetic case samples for any ruleset: random field values, answers exactly where each
question is relevant (generated in dependency order, so answer()-based relevance holds).

Used by the benchmarks to build national-cycle-sized samples and by tests that need many
inspections (e.g. ``impact`` over a folder); not calibrated to anything.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import numpy as np

from omi_rules.casedata.table import RawTable
from omi_rules.casedata.validate import CASE_ID
from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT
from omi_rules.conditions.vector import VectorData, encode, evaluate
from omi_rules.diagnostics import Position
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.model import IntField, NumberField, Scale
from omi_rules.model.value_types import field_type


def synthetic_table(
    compiled: CompiledRuleset,
    cases: int,
    seed: int = 1,
    sufficient: float = 0.6,
    not_applicable: float = 0.15,
    rng: random.Random | None = None,
) -> RawTable:
    """A ``RawTable`` of ``cases`` random, valid cases for ``compiled``.

    A relevant question is answered not applicable with probability ``not_applicable`` (when
    its scale allows it); otherwise sufficient with probability ``sufficient``. ``rng``
    replaces the seeded source: the property tests pass Hypothesis' own, so that a failing
    sample shrinks.
    """
    rng = rng if rng is not None else random.Random(seed)
    model = compiled.model
    values: dict[str, list[Any]] = {}
    for f in model.fields:
        t = field_type(f)
        if isinstance(t, EnumT):
            values[f.id] = [rng.choice(t.values) for _ in range(cases)]
        elif isinstance(t, BoolT):
            values[f.id] = [rng.random() < 0.3 for _ in range(cases)]
        elif isinstance(f, IntField):
            values[f.id] = [
                rng.randint(f.min if f.min is not None else 0, f.max if f.max is not None else 10) for _ in range(cases)
            ]
        elif isinstance(f, NumberField) or isinstance(t, NumberT):
            values[f.id] = [rng.random() * 10 for _ in range(cases)]
        elif isinstance(t, DateT):
            values[f.id] = ["2008-01-01" for _ in range(cases)]
        else:
            values[f.id] = ["x" for _ in range(cases)]
    columns = {f.id: encode(field_type(f), values[f.id]) for f in model.fields}
    answers: dict[str, list[str | None]] = {}
    codes: dict[str, Any] = {}
    for cq in compiled.questions:
        if cq.condition is None:
            mask = np.ones(cases, dtype=bool)
        else:
            calls = {key: codes[key[1]] for key in cq.condition.calls if key[0] == "answer"}
            mask = evaluate(cq.condition, VectorData(cases, columns, calls))
        scale = cq.scale
        answers[cq.id] = [_answer(rng, scale, sufficient, not_applicable) if relevant else None for relevant in mask]
        codes[cq.id] = encode(cq.answer_type, answers[cq.id])
    header = [CASE_ID] + [f.id for f in model.fields] + [cq.id for cq in compiled.questions]
    table = RawTable("synthetic.csv", header, [Position("synthetic.csv", 1, i + 1) for i in range(len(header))])
    for i in range(cases):
        row: list[Any] = [f"case{i:06d}"]
        row += [_cell(values[f.id][i]) for f in model.fields]
        row += [answers[cq.id][i] for cq in compiled.questions]
        table.rows.append(row)
        table.row_positions.append(Position("synthetic.csv", i + 2, 1))
    return table


def _answer(rng: random.Random, scale: Scale, sufficient: float, not_applicable: float) -> str:
    if scale.not_applicable and rng.random() < not_applicable:
        return rng.choice(scale.not_applicable)
    return rng.choice(scale.sufficient) if rng.random() < sufficient else rng.choice(scale.insufficient)


def write_csv(table: RawTable, path: Path) -> None:
    """Write a table as the CSV layout ``omi-rules score`` reads."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)
