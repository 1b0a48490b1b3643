"""Vectorised vs row-wise evaluation of every omi-2008 relevance condition.

Generates a random case sample over the ruleset's declared fields (and random answers for
routing questions), compiles every relevance condition, and times evaluating all of them over
all cases with numpy against the row-wise evaluator on the same cases. Reports per-case cost
and the speed-up ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.conditions.types import BoolT, EnumT, NumberT
from omi_rules.conditions.vector import VectorData, encode, evaluate
from omi_rules.model import IntField
from omi_rules.model.value_types import all_questions, answer_type, field_type
from omi_rules.ruleset.environments import case_env
from omi_rules.ruleset.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2008)
    args = parser.parse_args()
    loaded = load_ruleset(ROOT / "rulesets" / "omi-2008")
    assert loaded.model is not None
    model = loaded.model
    env = case_env(model)
    rng = random.Random(args.seed)
    rows: list[dict[str, Any]] = []
    for _ in range(args.cases):
        row: dict[str, Any] = {}
        for f in model.fields:
            t = field_type(f)
            if isinstance(t, EnumT):
                row[f.id] = rng.choice(t.values)
            elif isinstance(t, BoolT):
                row[f.id] = rng.random() < 0.3
            elif isinstance(t, NumberT) and isinstance(f, IntField):
                row[f.id] = rng.randint(f.min or 0, f.max or 10)
            else:
                row[f.id] = None
        rows.append(row)
    questions = all_questions(model)
    scales = {s.id: s for s in model.scales}
    answers = {qid: [rng.choice([*answer_type(q, scales).values, None]) for _ in rows] for qid, q in questions.items()}
    conditions = []
    for q in questions.values():
        if q.relevant_if:
            checked = compile_condition(q.relevant_if, env)
            assert isinstance(checked, Checked)
            conditions.append(checked)
    columns = {f.id: encode(field_type(f), [r[f.id] for r in rows]) for f in model.fields}
    calls = {("answer", qid): encode(answer_type(questions[qid], scales), values) for qid, values in answers.items()}
    data = VectorData(len(rows), columns, calls)

    def vectorised() -> None:
        for checked in conditions:
            evaluate(checked, data)

    sample = rows[: min(len(rows), 2_000)]
    row_data = [RowData(r, {("answer", qid): answers[qid][i] for qid in questions}) for i, r in enumerate(sample)]

    def rowwise() -> None:
        for rd in row_data:
            for checked in conditions:
                evaluate_row(checked, rd)

    t_vec = best_of(vectorised) / len(rows)
    t_row = best_of(rowwise, repeat=3) / len(sample)
    print(f"conditions: {len(conditions)}, cases: {len(rows)} (row-wise timed on {len(sample)})")
    print(f"vectorised: {t_vec * 1e6:.2f} us per case (all conditions)")
    print(f"row-wise  : {t_row * 1e6:.2f} us per case (baseline)")
    print(f"ratio     : vectorised is {t_row / t_vec:.1f}x faster than row-wise")


if __name__ == "__main__":
    main()
