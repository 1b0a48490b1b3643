"""Scoring throughput of the engine on synthetic national cycles, against a case-by-case
baseline run in the same process.

* national cycle: 42 areas x 120 cases, the full omi-2008 ruleset; archive: ten times larger;
* engine = check the data + evaluate relevance (vectorised) + count and score, after loading;
* baseline = evaluating each relevance condition case by case in Python (the row-wise
  evaluator), for the same cases; reported as a ratio;
* memory: peak traced allocation of the engine at both sizes (should grow linearly).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np

from omi_rules.casedata.validate import check_sample
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.relevance import evaluate_sample
from omi_rules.engine.scoring import score_cases
from omi_rules.lifecycle.synthetic import synthetic_table
from omi_rules.ruleset.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--areas", type=int, default=42)
    parser.add_argument("--cases-per-area", type=int, default=120)
    parser.add_argument("--baseline-cases", type=int, default=1000, help="cases timed for the slow baseline")
    args = parser.parse_args()
    loaded = load_ruleset(ROOT / "rulesets" / "omi-2008")
    assert loaded.model is not None
    compiled = compile_ruleset(loaded.model)
    national = args.areas * args.cases_per_area
    print(f"ruleset omi-2008: {len(compiled.questions)} questions")
    results = {}
    for label, size in (("national cycle", national), ("archive x10", national * 10)):
        table = synthetic_table(compiled, size, seed=size)
        answers = sum(1 for row in table.rows for cell in row[1 + len(loaded.model.fields) :] if cell is not None)
        tracemalloc.start()
        start = time.perf_counter()
        sample, problems = check_sample(table, loaded.model)
        assert sample is not None, problems[:3]
        evaluation = evaluate_sample(compiled, sample)
        score_cases(compiled, evaluation, np.ones(sample.size, dtype=bool))
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        start = time.perf_counter()
        evaluation = evaluate_sample(compiled, sample)
        score_cases(compiled, evaluation, np.ones(sample.size, dtype=bool))
        engine_only = time.perf_counter() - start
        results[label] = (size, answers, elapsed, engine_only, peak)
        print(
            f"{label:>15}: {size:>6} cases, {answers:>9,} answers; check+score {elapsed:.2f} s "
            f"({answers / elapsed:,.0f} answers/s); relevance+scoring alone {engine_only:.3f} s "
            f"({answers / engine_only:,.0f} answers/s); peak memory {peak / 2**20:.1f} MiB"
        )
    # Baseline: relevance case by case with the row-wise evaluator.
    size, _, _, engine_only, _ = results["national cycle"]
    table = synthetic_table(compiled, args.baseline_cases, seed=7)
    sample, _ = check_sample(table, loaded.model)
    assert sample is not None
    start = time.perf_counter()
    for i in range(sample.size):
        given: dict[str, str | None] = {}
        for cq in compiled.questions:
            if cq.condition is None:
                relevant = True
            else:
                row = RowData(
                    {name: sample.values[name][i] for name in cq.condition.names},
                    {key: given.get(key[1]) for key in cq.condition.calls},
                )
                relevant = evaluate_row(cq.condition, row)
            given[cq.id] = sample.answers[cq.id][i] if relevant else None
    baseline = (time.perf_counter() - start) / sample.size
    vectorised = engine_only / size
    print(f"baseline (row-wise relevance only): {baseline * 1e6:.0f} us per case")
    print(f"engine (vectorised relevance + counts + scores): {vectorised * 1e6:.1f} us per case")
    print(f"ratio: the engine is {baseline / vectorised:.0f}x faster than the case-by-case baseline")
    small, large = results["national cycle"], results["archive x10"]
    print(f"memory growth for 10x the cases: {large[4] / small[4]:.1f}x")


if __name__ == "__main__":
    main()
