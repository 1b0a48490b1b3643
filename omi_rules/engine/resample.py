"""The sample as matrices, resampling weights, and every score recomputed on all resamples at once.

Why a separate module: plain ``score`` computes each figure once, exactly (fractions). The
intervals need the same figures on thousands of resamples of the cases, which only numpy can
do fast enough; so the counts become matrix products (weights x indicators) and the criterion,
section and thread rules their float forms over a whole column of resamples. A resample is a
vector of case weights: how often a bootstrap draw picked each case (a weight 1 for every case
is the sample itself, which gives back the published scores, up to float rounding).

The built-in rules are vectorised here; a plugin's rule is called on each resample with exact
fractions, which is slower but gives its own answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.relevance import Evaluation
from omi_rules.numbers import exact
from omi_rules.plugins import builtin
from omi_rules.plugins.hookspecs import Aggregation

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class SampleMatrices:
    """Per-case indicators of the cases scored: ``judged[i, q]`` is 1 when question ``q`` is
    relevant to case ``i`` and judged sufficient or insufficient, ``sufficient[i, q]`` when it
    was judged sufficient. Headlines add their counted and well-enough indicators."""

    judged: Floats
    sufficient: Floats
    column: dict[str, int]
    """Question id -> column."""
    headlines: dict[str, tuple[Floats, Floats]]
    """Headline id -> (counted, well enough) per case."""

    @property
    def size(self) -> int:
        return int(self.judged.shape[0])


def sample_matrices(
    compiled: CompiledRuleset,
    evaluation: Evaluation,
    mask: NDArray[np.bool_],
    headlines: dict[str, tuple[NDArray[np.bool_], NDArray[np.bool_]]] | None = None,
) -> SampleMatrices:
    """The indicators of the cases ``mask`` selects (the same counts ``scoring.count`` makes)."""
    ids = [q.id for s in compiled.case_sections for c in s.criteria for q in c.questions]
    judged = np.zeros((int(mask.sum()), len(ids)))
    sufficient = np.zeros_like(judged)
    for j, qid in enumerate(ids):
        cq = compiled.by_id[qid]
        codes = evaluation.answers[qid][mask] + 1
        judged[:, j] = cq.judged_lut.take(codes)
        sufficient[:, j] = cq.sufficient_lut.take(codes)
    chosen = {
        hid: (counted[mask].astype(float), well[mask].astype(float))
        for hid, (counted, well) in (headlines or {}).items()
    }
    return SampleMatrices(judged, sufficient, {qid: j for j, qid in enumerate(ids)}, chosen)


def bootstrap_weights(size: int, replicates: int, seed: int, correction: float = 1.0) -> Floats:
    """``replicates`` x ``size`` case weights: row r counts how often draw r picked each case
    (``size`` cases drawn with replacement; seeded, so the same seed gives the same weights).

    ``correction`` < 1 is the finite-population correction sqrt(1 - n/N): each weight is moved
    towards 1 by that factor, which scales every resampled total's spread by it and keeps every
    weight positive (1 - correction > 0), so ratios stay defined.
    """
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, size, size=(replicates, size))
    offsets = (np.arange(replicates) * size)[:, None]
    weights = np.bincount((picks + offsets).ravel(), minlength=replicates * size).reshape(replicates, size)
    out = weights.astype(float)
    if correction != 1.0:
        out = 1.0 + correction * (out - 1.0)
    return out


CHUNK_CELLS = 5_000_000
"""Most resample-by-case weights drawn at once (the draws, their counts and the weights: about
160 MB). A national archive of 50,400 cases with 2,000 resamples is 100 million weights:
drawn at once they took over 3 GB; a chunk of resamples at a time, a few hundred MB. The
North Wales example (109 cases x 2,000) is one chunk."""


def bootstrap_weight_chunks(
    size: int, replicates: int, seed: int, correction: float = 1.0, cells: int = CHUNK_CELLS
) -> Iterator[Floats]:
    """The rows of ``bootstrap_weights``, a chunk of resamples at a time when there are more
    than ``cells`` weights. A sample small enough for one chunk gets exactly
    ``bootstrap_weights``; a larger one is drawn from the same seeded generator chunk after
    chunk: as reproducible, but not the same draws as one call would make."""
    if size * replicates <= cells:
        yield bootstrap_weights(size, replicates, seed, correction)
        return
    rng = np.random.default_rng(seed)
    rows = max(1, cells // max(size, 1))
    for start in range(0, replicates, rows):
        count = min(rows, replicates - start)
        picks = rng.integers(0, size, size=(count, size))
        offsets = (np.arange(count) * size)[:, None]
        weights = np.bincount((picks + offsets).ravel(), minlength=count * size).reshape(count, size)
        del picks
        out = weights.astype(float)
        yield out if correction == 1.0 else 1.0 + correction * (out - 1.0)


def _ratio(numerator: Floats, denominator: Floats) -> Floats:
    """100 x numerator / denominator, NaN where the denominator is 0 (nothing judged)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 100.0 * numerator / np.where(denominator > 0, denominator, 1.0), np.nan)


def nanmean(values: Floats) -> Floats:
    """Mean over the last axis ignoring NaN; NaN where every value is NaN (never 0)."""
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    present = ~np.isnan(values)
    count = present.sum(axis=-1)
    total = np.where(present, values, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def nanmin(values: Floats) -> Floats:
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.nan)
    present = ~np.isnan(values)
    low = np.where(present, values, np.inf).min(axis=-1)
    return np.where(present.any(axis=-1), low, np.nan)


@dataclass
class Replicated:
    """Every figure on every resample: arrays of one value per resample, NaN for no figure."""

    questions: dict[str, Floats]
    criteria: dict[str, Floats]
    sections: dict[str, Floats]
    threads: dict[str, Floats]
    headlines: dict[str, Floats]

    @staticmethod
    def joined(parts: list[Replicated]) -> Replicated:
        """The resamples of ``parts`` (chunks of one bootstrap) as one, in order."""
        if len(parts) == 1:
            return parts[0]

        def join(kind: str) -> dict[str, Floats]:
            figures: dict[str, Floats] = getattr(parts[0], kind)
            return {k: np.concatenate([getattr(p, kind)[k] for p in parts]) for k in figures}

        return Replicated(join("questions"), join("criteria"), join("sections"), join("threads"), join("headlines"))

    def all(self) -> dict[str, dict[str, Floats]]:
        """Every kind of figure by its field name."""
        return {
            "questions": self.questions,
            "criteria": self.criteria,
            "sections": self.sections,
            "threads": self.threads,
            "headlines": self.headlines,
        }


def _call_each(rows: Floats, rule: Callable[[list[Fraction]], object]) -> Floats:
    """A plugin's rule on each resample, with the judged proportions as exact fractions."""
    out = np.full(rows.shape[0], np.nan)
    for r, row in enumerate(rows):
        value = rule([Fraction(float(v)) for v in row if not np.isnan(v)])
        if value is not None:
            out[r] = float(exact(value))  # type: ignore[arg-type]
    return out


def _criterion(
    rule: Aggregation,
    individual: Floats,
    summary: Floats | None,
    w_individual: float,
    w_summary: float,
    weighted: Floats,
    weights: list[float],
) -> Floats:
    """One criterion's score on every resample, by its aggregation rule."""
    size = individual.shape[0]
    parts = individual if summary is None else np.column_stack([individual, summary])
    if rule.weigh is builtin.weighted_mean:
        w = np.asarray(weights, dtype=float)
        present = ~np.isnan(weighted)
        total = (present * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, np.where(present, weighted, 0.0) @ w / np.where(total > 0, total, 1.0), np.nan)
    if rule.weigh is not None:
        weigh = rule.weigh
        return _call_each(weighted, lambda ps: weigh(ps, [exact(x) for x in weights[: len(ps)]]))
    if rule.combine is builtin.weighted_summary:
        average = nanmean(individual)
        alone = np.full(size, np.nan) if summary is None else summary
        both = w_individual * average + w_summary * alone
        return np.where(np.isnan(average), alone, np.where(np.isnan(alone), average, both))
    if rule.combine is builtin.mean_of_all:
        return nanmean(parts)
    if rule.combine is builtin.minimum_of_all:
        return nanmin(parts)
    combine = rule.combine
    out = np.full(size, np.nan)
    wi, ws = exact(w_individual), exact(w_summary)
    for r in range(size):
        ind = [Fraction(float(v)) for v in individual[r] if not np.isnan(v)]
        summ = None if summary is None or np.isnan(summary[r]) else Fraction(float(summary[r]))
        value = combine(ind, summ, wi, ws)
        if value is not None:
            out[r] = float(exact(value))
    return out


def replicate_scores(compiled: CompiledRuleset, matrices: SampleMatrices, weights: Floats) -> Replicated:
    """Every question, criterion, section, thread and headline score on each row of ``weights``."""
    proportions = _ratio(weights @ matrices.sufficient, weights @ matrices.judged)
    col = matrices.column
    questions = {qid: proportions[:, j] for qid, j in col.items()}
    registry = compiled.registry
    criteria: dict[str, Floats] = {}
    sections: dict[str, Floats] = {}
    for section in compiled.case_sections:
        for criterion in section.criteria:
            rule = registry.aggregations[criterion.aggregation]
            ind = [col[q.id] for q in criterion.questions if q.scored and not q.summary]
            summ = [col[q.id] for q in criterion.questions if q.summary]
            scored = [q for q in criterion.questions if q.scored]
            criteria[criterion.id] = _criterion(
                rule,
                proportions[:, ind],
                proportions[:, summ[0]] if summ else None,
                criterion.weights.individual,
                criterion.weights.summary,
                proportions[:, [col[q.id] for q in scored]],
                [q.weight or 1.0 for q in scored],
            )
        parts = [criteria[c.id] for c in section.criteria]
        sections[section.id] = nanmean(np.column_stack(parts)) if parts else np.full(weights.shape[0], np.nan)
    threads: dict[str, Floats] = {}
    for thread in compiled.threads:
        chosen = proportions[:, [col[q] for q in compiled.thread_questions[thread.id]]]
        combination = registry.thread_combinations[thread.combine]
        if combination.combine is builtin.mean_of_questions:
            threads[thread.id] = nanmean(chosen)
        elif combination.combine is builtin.minimum_of_questions:
            threads[thread.id] = nanmin(chosen)
        else:
            threads[thread.id] = _call_each(chosen, combination.combine)
    headlines = {hid: _ratio(weights @ well, weights @ counted) for hid, (counted, well) in matrices.headlines.items()}
    return Replicated(questions, criteria, sections, threads, headlines)
