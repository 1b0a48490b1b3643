"""The intervals are proved, not asserted: many samples are drawn from a known population, and
the 95% bootstrap intervals must cover the population's true scores in 93-97% of the draws.

The population is the North Wales example's 109 cases, each standing for an equal share of a
large caseload (so a draw of 110 cases with replacement is a random sample of that caseload):
its true scores are the example's exact scores, and it has the real relevance rates, the
small counts (questions judged on a handful of cases) and the correlations between questions
that make a criterion score hard to pin down. Each draw is resampled exactly as ``score
--uncertainty`` does (``resample.replicate_scores``), every draw's resamples at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from omi_rules.engine import pipeline
from omi_rules.engine.resample import Floats, Replicated, SampleMatrices, replicate_scores, sample_matrices

ROOT = Path(__file__).resolve().parents[2]
DRAWS = 400
RESAMPLES = 500
CHUNK = 25


@pytest.fixture(scope="module")
def population() -> tuple[pipeline.Scored, SampleMatrices, Replicated]:
    scored = pipeline.score(ROOT / "rulesets" / "omi-2008", ROOT / "examples" / "north-wales-2008" / "cases.csv")
    assert scored.compiled and scored.evaluation is not None and scored.mask is not None
    matrices = sample_matrices(scored.compiled, scored.evaluation, scored.mask)
    truth = replicate_scores(scored.compiled, matrices, np.ones((1, matrices.size)))
    return scored, matrices, truth


def _draws(
    scored: pipeline.Scored, population: SampleMatrices, draws: int, size: int, seed: int
) -> dict[tuple[str, str], Floats]:
    """Per figure, (draws x 2): the 95% bootstrap interval of each draw of ``size`` cases.

    A draw's bootstrap weights over its own cases become weights over the population's cases
    (a case drawn twice counts for both), so all draws' resamples are one matrix product."""
    assert scored.compiled is not None
    rng = np.random.default_rng(seed)
    n_pop = population.size
    out: dict[tuple[str, str], list[Floats]] = {}
    for start in range(0, draws, CHUNK):
        d = min(CHUNK, draws - start)
        drawn = rng.integers(0, n_pop, size=(d, size))
        picks = rng.integers(0, size, size=(d, RESAMPLES, size))
        cases = np.take_along_axis(np.repeat(drawn[:, None, :], RESAMPLES, axis=1), picks, axis=2)
        rows = (np.arange(d * RESAMPLES)[:, None] * n_pop + cases.reshape(d * RESAMPLES, size)).ravel()
        weights = np.bincount(rows, minlength=d * RESAMPLES * n_pop).reshape(d * RESAMPLES, n_pop).astype(float)
        rep = replicate_scores(scored.compiled, population, weights)
        for kind in ("criteria", "sections", "threads"):
            for key, values in getattr(rep, kind).items():
                limits = np.nanquantile(values.reshape(d, RESAMPLES), [0.025, 0.975], axis=1).T
                out.setdefault((kind, key), []).append(limits)
    return {key: np.vstack(parts) for key, parts in out.items()}


def test_the_95_percent_intervals_cover_the_true_scores_in_93_to_97_percent_of_samples(
    population: tuple[pipeline.Scored, SampleMatrices, Replicated],
) -> None:
    scored, matrices, truth = population
    intervals = _draws(scored, matrices, DRAWS, 110, seed=2026)
    covered: dict[tuple[str, str], float] = {}
    for (kind, key), limits in intervals.items():
        true = getattr(truth, kind)[key][0]
        covered[kind, key] = float(np.mean((limits[:, 0] <= true) & (true <= limits[:, 1])))
    criteria = [v for (kind, _), v in covered.items() if kind == "criteria"]
    roll_ups = [v for (kind, _), v in covered.items() if kind in ("sections", "threads")]
    assert 0.93 <= float(np.mean(criteria)) <= 0.97, covered
    assert 0.93 <= float(np.mean(roll_ups)) <= 0.97, covered
    # each figure alone, from 400 draws: within about three standard errors of 95%
    assert all(0.88 <= v <= 0.99 for v in covered.values()), covered


def test_intervals_widen_as_the_sample_shrinks(population: tuple[pipeline.Scored, SampleMatrices, Replicated]) -> None:
    scored, matrices, _ = population
    widths = {}
    for size in (40, 110, 400):
        intervals = _draws(scored, matrices, 50, size, seed=size)
        widths[size] = {key: float(np.nanmean(v[:, 1] - v[:, 0])) for key, v in intervals.items()}
    for key in widths[110]:
        assert widths[40][key] > widths[110][key] > widths[400][key], key
        # the spread of a mean falls as 1/sqrt(n): 110 -> 400 cases narrows by about 1.9
        assert 1.5 < widths[110][key] / widths[400][key] < 2.4, key
