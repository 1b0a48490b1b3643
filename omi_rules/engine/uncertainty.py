"""How sure the figures of one sample are: intervals, band stability, and the conclusions a
resample could change.

The sample's cases are resampled with replacement (a seeded bootstrap, all resamples at once:
``resample``); every figure is recomputed on each resample, and a figure's interval is the
central ``confidence`` share of its resampled values (percentile interval). Beside it, an
analytic interval: Wilson for a proportion, linearised normal for the smooth scores
(``analytic``). A conclusion (band of a criterion or thread, a rating made from it, an overall
rating, a decision) is recomputed on each resample too; the share of resamples in each band is
its stability, and it is flagged when its figure's interval crosses a band limit.

The bands of resampled figures and their shares are worked out in ``stability``.

The published figures stay exact and unchanged: this module only reads the result. Its figures
are statistical estimates (floats), and the sampling they describe is of cases only: section 4
grades and given ratings come from inspectors' judgements, not from the sample, and are held
fixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from omi_rules.casedata.judgements import GivenRating
from omi_rules.engine.analytic import (
    linear_coefficients,
    linearised_half_width,
    question_influence,
    wilson,
)
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.grading import decide, decision_calls
from omi_rules.engine.precision import DEFAULT_CONFIDENCE as DEFAULT_CONFIDENCE
from omi_rules.engine.precision import DEFAULT_REPLICATES as DEFAULT_REPLICATES
from omi_rules.engine.precision import DEFAULT_SEED as DEFAULT_SEED
from omi_rules.engine.ratings import rate_criteria, rate_overall
from omi_rules.engine.resample import (
    Floats,
    Replicated,
    SampleMatrices,
    bootstrap_weight_chunks,
    replicate_scores,
)
from omi_rules.engine.stability import (
    PLACES,
    band_codes,
    band_stability,
    on_basis,
    outcome_stability,
)
from omi_rules.model import BandSet
from omi_rules.model.results import (
    BandResult,
    CriterionResult,
    FigureUncertainty,
    HeadlineResult,
    Interval,
    JudgedCriterionResult,
    OutcomeUncertainty,
    RatingResult,
    Scores,
    Stability,
    Uncertainty,
)

NOTE = (
    "Intervals and band shares are statistical estimates (floats) from resampling the cases scored; "
    "the scores themselves are exact. Section 4 grades and given ratings come from judgements, not "
    "from the case sample, and are held fixed."
)


@dataclass(frozen=True)
class Settings:
    """What an interval is declared to mean and how it is computed."""

    confidence: float = DEFAULT_CONFIDENCE
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    caseload: int | None = None
    """Cases the sample was drawn from (finite-population correction), when known."""

    def correction(self, size: int) -> float:
        if self.caseload is None or self.caseload <= 0:
            return 1.0
        return math.sqrt(max(0.0, 1.0 - size / self.caseload))


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), PLACES)


def percentile_interval(values: Floats, confidence: float) -> tuple[float | None, float | None]:
    """The central ``confidence`` share of the resampled values that had a figure."""
    low, high = percentile_intervals(values[:, None], confidence)
    return low[0], high[0]


def percentile_intervals(table: Floats, confidence: float) -> tuple[list[float | None], list[float | None]]:
    """``percentile_interval`` of every column of ``table`` at once (linear interpolation
    between order statistics, as numpy's default quantile), NaN resamples left out.

    Columns without NaN (most) need only the four order statistics around the two limits
    (``np.partition``); the others are sorted."""
    size, width = table.shape
    tail = (1 - confidence) / 2
    lows: list[float | None] = [None] * width
    highs: list[float | None] = [None] * width
    missing = np.isnan(table).any(axis=0)
    groups = [(np.flatnonzero(~missing), True), (np.flatnonzero(missing), False)]
    for columns, full in groups:
        if columns.size == 0:
            continue
        part = table[:, columns]
        present = np.full(columns.size, size) if full else (~np.isnan(part)).sum(axis=0)
        last = np.maximum(present - 1, 0)
        ranks = [(q * last, np.floor(q * last).astype(int)) for q in (tail, 1 - tail)]
        if full:
            kth = sorted({int(k) for _, below in ranks for k in (below[0], min(below[0] + 1, size - 1))})
            ordered = np.partition(part, kth, axis=0)
        else:
            ordered = np.sort(part, axis=0)  # NaN sorts last
        index = np.arange(columns.size)
        for (position, below), target in zip(ranks, (lows, highs), strict=True):
            above = np.minimum(below + 1, last)
            fraction = position - below
            value = ordered[below, index] * (1 - fraction) + ordered[above, index] * fraction
            for column, v, n in zip(columns, value, present, strict=True):
                target[int(column)] = float(v) if n else None
    return lows, highs


@dataclass
class Inputs:
    """What ``assess`` needs of the sample's result (held fixed across resamples)."""

    scores: Scores
    grades: dict[str, JudgedCriterionResult]
    headlines: dict[str, HeadlineResult]
    given: dict[str, GivenRating] = field(default_factory=dict)
    """Ratings given in the judgements file (kept as given on every resample)."""
    ratings: dict[str, RatingResult] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)
    """Decision id -> the published outcome id."""
    overall: dict[str, str | None] = field(default_factory=dict)
    surveys: dict[tuple[str, str], object] = field(default_factory=dict)
    """The survey figures decisions and overall ratings may read (``survey_calls``): they come
    from the questionnaires, not the cases, so they are held fixed across resamples."""


def _figure(
    values: Floats,
    interval: tuple[float | None, float | None],
    estimate: float | None,
    linearised: float | None = None,
    wilson_interval: tuple[float, float] | None = None,
    stability: Stability | None = None,
) -> FigureUncertainty:
    low, high = interval
    lin = None
    if linearised is not None and estimate is not None and math.isfinite(linearised):
        lin = Interval(
            low=_round(max(0.0, estimate - linearised)),
            high=_round(min(100.0, estimate + linearised)),
            method="linearised",
        )
    return FigureUncertainty(
        estimate=_round(estimate),
        bootstrap=Interval(low=_round(low), high=_round(high), method="bootstrap"),
        linearised=lin,
        wilson=None
        if wilson_interval is None
        else Interval(low=_round(wilson_interval[0]), high=_round(wilson_interval[1]), method="wilson"),
        defined=round(float(np.mean(~np.isnan(values))) if values.size else 0.0, PLACES),
        stability=stability,
    )


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def assess(
    compiled: CompiledRuleset, matrices: SampleMatrices, inputs: Inputs, settings: Settings
) -> tuple[Uncertainty, Replicated]:
    """Intervals and stability of every figure of one sample (see the module docstring)."""
    rounding = compiled.model.rounding
    registry = compiled.registry
    correction = settings.correction(matrices.size)
    chunks = bootstrap_weight_chunks(matrices.size, settings.replicates, settings.seed, correction)
    rep = Replicated.joined([replicate_scores(compiled, matrices, weights) for weights in chunks])
    names = [(kind, k) for kind, figures in rep.all().items() for k in figures]
    # (a ruleset of plugin sections only has no figure to resample)
    table = (
        np.column_stack([getattr(rep, kind)[k] for kind, k in names]) if names else np.zeros((settings.replicates, 0))
    )
    lows, highs = percentile_intervals(table, settings.confidence)
    intervals = {name: (low, high) for name, low, high in zip(names, lows, highs, strict=True)}
    influence, proportions = question_influence(matrices)
    coefficients = linear_coefficients(compiled, proportions, matrices.column)
    scores = inputs.scores

    questions: dict[str, FigureUncertainty] = {}
    for criterion in scores.criteria.values():
        for q in criterion.questions:
            half: float | None = linearised_half_width(
                influence[:, [matrices.column[q.id]]], np.ones(1), settings.confidence, correction
            )
            questions[q.id] = _figure(
                rep.questions[q.id],
                intervals["questions", q.id],
                _float(q.proportion),
                half if q.counts.judged else None,
                wilson(q.counts.sufficient, q.counts.judged, settings.confidence, correction),
            )

    criteria: dict[str, FigureUncertainty] = {}
    section_coefficients: dict[str, list[Floats]] = {}
    for section in compiled.case_sections:
        for crit in section.criteria:
            result = scores.criteria[crit.id]
            c = coefficients.get(crit.id)
            if c is not None and result.score is not None:
                section_coefficients.setdefault(section.id, []).append(c)
            half = None if c is None else linearised_half_width(influence, c, settings.confidence, correction)
            band_set = compiled.criterion_bands(section, crit)
            interval = intervals["criteria", crit.id]
            stability = (
                None
                if band_set is None
                else band_stability(
                    rep.criteria[crit.id],
                    interval,
                    result.band.id if result.band else None,
                    band_set,
                    rounding,
                    registry,
                )
            )
            criteria[crit.id] = _figure(rep.criteria[crit.id], interval, _float(result.score), half, None, stability)

    sections: dict[str, FigureUncertainty] = {}
    for section in compiled.case_sections:
        parts = section_coefficients.get(section.id, [])
        scored = [c for c in section.criteria if scores.criteria[c.id].score is not None]
        linear = bool(parts) and len(parts) == len(scored)
        half = (
            linearised_half_width(influence, np.mean(parts, axis=0), settings.confidence, correction)
            if linear
            else None
        )
        sections[section.id] = _figure(
            rep.sections[section.id], intervals["sections", section.id], _float(scores.sections[section.id].score), half
        )

    threads: dict[str, FigureUncertainty] = {}
    for thread in compiled.threads:
        t = scores.threads[thread.id]
        half = None
        if thread.combine == "mean_of_questions" and t.questions:
            c = np.zeros(len(matrices.column))
            for qid in t.questions:
                c[matrices.column[qid]] = 1 / len(t.questions)
            half = linearised_half_width(influence, c, settings.confidence, correction)
        interval = intervals["threads", thread.id]
        band_set = compiled.band_sets.get(thread.bands or "")
        stability = (
            None
            if band_set is None
            else band_stability(
                rep.threads[thread.id], interval, t.band.id if t.band else None, band_set, rounding, registry
            )
        )
        threads[thread.id] = _figure(rep.threads[thread.id], interval, _float(t.score), half, None, stability)

    headlines: dict[str, FigureUncertainty] = {}
    for hid, (counted, well) in matrices.headlines.items():
        h = inputs.headlines[hid]
        u = 100 * (well - (h.well_enough / h.cases if h.cases else 0.0) * counted) / max(h.cases, 1)
        half = linearised_half_width(u[:, None], np.ones(1), settings.confidence, correction) if h.cases else None
        headlines[hid] = _figure(
            rep.headlines[hid],
            intervals["headlines", hid],
            _float(h.score),
            half,
            wilson(h.well_enough, h.cases, settings.confidence, correction),
        )

    ratings, overall, decisions = _outcomes(compiled, inputs, rep, criteria)
    unstable = _unstable_lines(compiled, scores, criteria, threads, ratings, overall, decisions)
    uncertainty = Uncertainty(
        confidence=settings.confidence,
        replicates=settings.replicates,
        seed=settings.seed,
        caseload=settings.caseload,
        correction=round(correction, PLACES + 2),
        note=NOTE,
        questions=questions,
        criteria=criteria,
        sections=sections,
        threads=threads,
        headlines=headlines,
        ratings=ratings,
        overall_ratings=overall,
        decisions=decisions,
        unstable=unstable,
    )
    return uncertainty, rep


def _band_result(band_set: BandSet | None, band_id: str | None) -> BandResult | None:
    if band_set is None or band_id is None:
        return None
    band = next(b for b in band_set.bands if b.id == band_id)
    return BandResult(id=band.id, label=band.label, sentence=band.sentence)


def _outcomes(
    compiled: CompiledRuleset,
    inputs: Inputs,
    rep: Replicated,
    criteria: dict[str, FigureUncertainty],
) -> tuple[dict[str, OutcomeUncertainty], dict[str, OutcomeUncertainty], dict[str, OutcomeUncertainty]]:
    """Ratings, overall ratings and decisions on each resample.

    They read bands and scores, so each distinct combination of the resampled values they can
    read is decided once (with the engine's own rules), and its outcome counted for every
    resample that gave it."""
    model = compiled.model
    if not model.decisions and not compiled.rated:
        return {}, {}, {}
    rounding = model.rounding
    registry = compiled.registry
    bands_of: dict[str, BandSet | None] = {}
    for section in compiled.case_sections:
        for crit in section.criteria:
            bands_of[crit.id] = compiled.criterion_bands(section, crit)
    banded = {
        cid: (np.full(len(rep.criteria[cid]), -1, dtype=np.int64), [])
        if bs is None
        else band_codes(rep.criteria[cid], bs, rounding, registry)
        for cid, bs in bands_of.items()
        if cid in compiled.rated
    }
    rounded_basis = all(d.basis == "rounded" for d in model.decisions)
    read = {call for conditions in compiled.decisions.values() for c in conditions if c is not None for call in c.calls}
    keys: list[tuple[str, str]] = []
    columns: list[Floats] = []
    for kind, values in (
        ("criterion", rep.criteria),
        ("section", rep.sections),
        ("thread", rep.threads),
        ("headline", rep.headlines),
    ):
        for k, v in values.items():
            if (kind, k) in read:  # only what a decision reads decides it
                keys.append((kind, k))
                columns.append(on_basis(v, "rounded", rounding) if rounded_basis else v)
    size = len(next(iter(rep.criteria.values()))) if rep.criteria else 0
    table = np.column_stack(columns) if columns else np.zeros((size, 0))
    table = np.where(np.isnan(table), -1.0, table)
    # The distinct combinations of what the outcomes read (values, and bands by their codes),
    # found at once; each is decided once and its outcome spread over the resamples that gave it.
    combined = np.column_stack([table, *(codes.astype(float) for codes, _ in banded.values())])
    if combined.shape[1]:
        _, first, inverse = np.unique(combined, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:  # nothing read: one combination
        first, inverse = np.zeros(min(size, 1), dtype=np.intp), np.zeros(size, dtype=np.intp)
    scores = inputs.scores
    outcomes: list[tuple[dict[str, str | None], dict[str, str | None], dict[str, str]]] = []
    for r in first.tolist():
        changed: dict[str, CriterionResult] = {}
        for cid, (codes, names) in banded.items():
            code = int(codes[r])
            changed[cid] = scores.criteria[cid].model_copy(
                update={"band": _band_result(bands_of[cid], names[code] if code >= 0 else None)}
            )
        resampled = scores.model_copy(update={"criteria": {**scores.criteria, **changed}})
        ratings = rate_criteria(compiled, resampled, inputs.grades, inputs.given)
        overall, _ = rate_overall(compiled, ratings, inputs.surveys)
        calls = decision_calls(
            scores.threads, scores.criteria, scores.sections, inputs.grades, inputs.headlines, ratings, overall
        )
        calls.update(inputs.surveys)
        for (kind, k), value in zip(keys, table[r].tolist(), strict=True):
            calls[(kind, k)] = None if value < 0 else Fraction(repr(value))
        decided = decide(compiled, calls)
        outcomes.append(
            (
                {cid: v.rating for cid, v in ratings.items()},
                {oid: v.rating for oid, v in overall.items()},
                {did: v.outcome for did, v in decided.items()},
            )
        )
    each = inverse.tolist()
    rating_names = {cid: [outcomes[i][0].get(cid) for i in each] for cid in compiled.rated}
    overall_names = {o.id: [outcomes[i][1].get(o.id) for i in each] for o in model.overall_ratings}
    decision_names = {d.id: [outcomes[i][2].get(d.id) for i in each] for d in model.decisions}
    scales = {s.id: s for s in model.rating_scales}
    ratings_out: dict[str, OutcomeUncertainty] = {}
    for cid, names in rating_names.items():
        published = inputs.ratings.get(cid)
        if published is None or published.basis != "band":
            continue  # graded from judgements, or given: not from the case sample
        levels = {lv.id: lv.label for lv in compiled.rated[cid][1].levels}
        ratings_out[cid] = OutcomeUncertainty(stability=outcome_stability(published.rating, levels, names))
    overall_out = {
        o.id: OutcomeUncertainty(
            stability=outcome_stability(
                inputs.overall.get(o.id), {lv.id: lv.label for lv in scales[o.scale].levels}, overall_names[o.id]
            )
        )
        for o in model.overall_ratings
    }
    decisions_out = {
        d.id: OutcomeUncertainty(
            stability=outcome_stability(
                inputs.decisions.get(d.id), {o.id: o.label for o in d.outcomes}, decision_names[d.id]
            )
        )
        for d in model.decisions
    }
    return ratings_out, overall_out, decisions_out


def _share_text(stability: Stability) -> str:
    return ", ".join(f"{s.label} {100 * s.share:.1f}%" for s in stability.shares)


def _unstable_lines(
    compiled: CompiledRuleset,
    scores: Scores,
    criteria: dict[str, FigureUncertainty],
    threads: dict[str, FigureUncertainty],
    ratings: dict[str, OutcomeUncertainty],
    overall: dict[str, OutcomeUncertainty],
    decisions: dict[str, OutcomeUncertainty],
) -> list[str]:
    """One line per conclusion a resample could change, in report order."""
    lines: list[str] = []
    for cid, figure in criteria.items():
        s = figure.stability
        if s is not None and not s.firm:
            result = scores.criteria[cid]
            lines.append(f"{cid} {result.title} ({result.display}): {s.flag} ({_share_text(s)})")
    for tid, figure in threads.items():
        s = figure.stability
        if s is not None and not s.firm:
            lines.append(f"thread {tid} ({scores.threads[tid].display}): {s.flag} ({_share_text(s)})")
    for kind, outcomes in (("rating", ratings), ("overall rating", overall), ("decision", decisions)):
        for oid, outcome in outcomes.items():
            s = outcome.stability
            if not s.firm:
                lines.append(f"{kind} {oid}: {s.flag or 'not decided on every resample'} ({_share_text(s)})")
    return lines
