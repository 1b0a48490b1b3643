"""What the intervals add to one inspection: ``score_sample`` of the North Wales example (the
Summary of Scores, exact) against the same plus ``sample_uncertainty`` (every figure on 2,000
bootstrap resamples, intervals, band shares, decisions recomputed), in the same process.

Reported: the time each takes, the time the intervals add, and the ratio; also the resampling
alone (weights and the vectorised scores, no intervals or bands) and a national-cycle-sized
sample (5,040 cases), where the matrix products, not Python, dominate.
Goal (issue 16): under 50 ms added for 2,000 replicates on one inspection.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _timing import best_of

from omi_rules.casedata.validate import check_sample
from omi_rules.engine import pipeline
from omi_rules.engine.relevance import evaluate_sample
from omi_rules.engine.resample import bootstrap_weights, replicate_scores, sample_matrices
from omi_rules.engine.uncertainty import Settings
from omi_rules.lifecycle.synthetic import synthetic_table

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    example = ROOT / "examples" / "north-wales-2008"
    scored = pipeline.score(ROOT / "rulesets" / "omi-2008", example / "cases.csv", example / "judgements.yaml")
    compiled, sample, evaluation, mask = scored.compiled, scored.sample, scored.evaluation, scored.mask
    assert compiled and sample and evaluation is not None and mask is not None
    settings = Settings(replicates=args.replicates)

    def plain() -> object:
        return pipeline.score_sample(compiled, sample, evaluation, scored.judgements, mask)

    outcome = pipeline.score_sample(compiled, sample, evaluation, scored.judgements, mask)

    def intervals() -> object:
        return pipeline.sample_uncertainty(compiled, sample, evaluation, mask, outcome, scored.judgements, settings)

    def with_intervals() -> object:
        plain()
        return intervals()

    matrices = sample_matrices(compiled, evaluation, mask)

    def resampling() -> object:
        return replicate_scores(compiled, matrices, bootstrap_weights(matrices.size, args.replicates, 1))

    base = best_of(plain, args.repeat)
    both = best_of(with_intervals, args.repeat)
    only = best_of(resampling, args.repeat)
    print(
        f"North Wales 2008, {sample.size} cases, omi-2008 ({len(compiled.questions)} questions), "
        f"{args.replicates} resamples"
    )
    print(f"  scoring (score_sample):            {1000 * base:7.1f} ms")
    print(f"  scoring + intervals:               {1000 * both:7.1f} ms")
    print(f"  added by the intervals:            {1000 * (both - base):7.1f} ms  ({both / base:.1f}x scoring)")
    print(f"  of which resampling the scores:    {1000 * only:7.1f} ms")

    table = synthetic_table(compiled, 5040, seed=7)
    big, problems = check_sample(table, compiled.model)
    assert big is not None, problems[:3]
    big_eval = evaluate_sample(compiled, big)
    big_mask = np.ones(big.size, dtype=bool)
    big_outcome = pipeline.score_sample(compiled, big, big_eval, None, big_mask)
    big_plain = best_of(lambda: pipeline.score_sample(compiled, big, big_eval, None, big_mask), 3)
    big_both = best_of(
        lambda: pipeline.sample_uncertainty(compiled, big, big_eval, big_mask, big_outcome, None, settings), 3
    )
    print(
        f"national cycle, {big.size} cases: scoring {1000 * big_plain:.1f} ms; intervals add "
        f"{1000 * big_both:.1f} ms ({(big_plain + big_both) / big_plain:.1f}x scoring)"
    )


if __name__ == "__main__":
    main()
