"""What exact scores cost: ``score_cases`` (vectorised counting, then every score as a
``fractions.Fraction``) against the same counting followed by the same rules in floats, in the
same process, on a synthetic national cycle of omi-2008 (42 areas x 120 cases).

Both are timed on the whole cycle and on every area as a subgroup (``--by area``: 42 masks), the
workload where the per-criterion arithmetic, not the counting, is repeated most. The float
baseline is the pre-exact engine's arithmetic (fmean, float weights), written out here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from statistics import fmean

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _timing import best_of
from numpy.typing import NDArray

from omi_rules.casedata.validate import check_sample
from omi_rules.engine.compiled import CompiledRuleset, compile_ruleset
from omi_rules.engine.relevance import Evaluation, evaluate_sample
from omi_rules.engine.scoring import count, score_cases
from omi_rules.lifecycle.synthetic import synthetic_table
from omi_rules.ruleset.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
AREAS, PER_AREA, REPEAT = 42, 120, 5


def float_scores(compiled: CompiledRuleset, evaluation: Evaluation, mask: NDArray[np.bool_]) -> dict[str, float]:
    """The baseline: the same counts, the OMI rule and section means in floats."""
    out: dict[str, float] = {}
    for section in compiled.case_sections:
        scores = []
        for criterion in section.criteria:
            individual, summary = [], None
            for question in criterion.questions:
                c = count(compiled.by_id[question.id], evaluation, mask)
                p = None if c.judged == 0 else 100.0 * c.sufficient / c.judged
                if question.summary:
                    summary = p
                elif question.scored and p is not None:
                    individual.append(p)
            mean = fmean(individual) if individual else None
            w = criterion.weights
            score = (
                w.individual * mean + w.summary * summary
                if mean is not None and summary is not None
                else (mean if mean is not None else summary)
            )
            if score is not None:
                out[criterion.id] = score
                scores.append(score)
        if scores:
            out[section.id] = fmean(scores)
    return out


def counts_only(compiled: CompiledRuleset, evaluation: Evaluation, mask: NDArray[np.bool_]) -> int:
    """The floor: the vectorised counting alone, every question once."""
    return sum(count(compiled.by_id[q.id], evaluation, mask).judged for q in compiled.questions)


def main() -> None:
    loaded = load_ruleset(ROOT / "rulesets" / "omi-2008")
    assert loaded.model is not None
    compiled = compile_ruleset(loaded.model)
    table = synthetic_table(compiled, AREAS * PER_AREA, seed=7)
    sample, problems = check_sample(table, loaded.model)
    assert sample is not None, problems[:3]
    evaluation = evaluate_sample(compiled, sample)
    whole = np.ones(sample.size, dtype=bool)
    areas = [np.arange(sample.size) // PER_AREA == a for a in range(AREAS)]
    rows = []
    for label, masks in (("whole cycle (1 mask)", [whole]), (f"every area ({AREAS} masks)", areas)):
        exact = best_of(lambda masks=masks: [score_cases(compiled, evaluation, m) for m in masks], REPEAT)
        floats = best_of(lambda masks=masks: [float_scores(compiled, evaluation, m) for m in masks], REPEAT)
        floor = best_of(lambda masks=masks: [counts_only(compiled, evaluation, m) for m in masks], REPEAT)
        rows.append((label, exact, floats, floor))
    print(f"omi-2008, {AREAS} x {PER_AREA} cases, best of {REPEAT}")
    print("exact = score_cases (counts, exact scores, result objects); floats = the same counts and")
    print("rules in floats, no result objects; counting = the vectorised counts alone")
    print(f"{'workload':<26} {'exact (s)':>10} {'floats (s)':>11} {'counting (s)':>13} {'exact/floats':>13}")
    for label, exact, floats, floor in rows:
        print(f"{label:<26} {exact:>10.4f} {floats:>11.4f} {floor:>13.4f} {exact / floats:>13.2f}")


if __name__ == "__main__":
    main()
