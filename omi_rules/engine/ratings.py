"""Ratings of criteria, and overall ratings rolled up from them.

A criterion's rating is the level its method gives (the band of its score, the grade of its
judgements), or the level given in the judgements file: for a criterion inspectors rate
directly, and over a computed rating when a ratings panel moderates it. Everything downstream
(overall ratings, limits, decisions) uses the given rating, and the result keeps both.

An overall rating sums the points of its members' ratings, bands the total, then applies its
limiting rules in order. A member without a rating is never a silent zero: the ruleset says
whether that is an error, whether the member is left out and the total scaled up, or which
level it counts as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from omi_rules.casedata.judgements import GivenRating
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.model import OverallRating, RatedAs, RatingLevel, RatingScale
from omi_rules.model.results import (
    AppliedLimit,
    JudgedCriterionResult,
    OverallRatingResult,
    RatingResult,
    Scores,
)
from omi_rules.numbers import exact


@dataclass(frozen=True)
class Unrated:
    """An overall rating that could not be given because members have no rating."""

    overall: str
    members: list[str]


def _level(scale: RatingScale, level_id: str | None) -> RatingLevel | None:
    return next((v for v in scale.levels if v.id == level_id), None)


def rate_criteria(
    compiled: CompiledRuleset,
    scores: Scores,
    grades: dict[str, JudgedCriterionResult],
    given: dict[str, GivenRating],
) -> dict[str, RatingResult]:
    """The rating of every rated criterion, in report order."""
    out: dict[str, RatingResult] = {}
    for cid, (title, scale) in compiled.rated.items():
        computed: str | None = None
        method = "none"
        if cid in scores.criteria:
            band = scores.criteria[cid].band
            computed, method = (band.id if band else None), "band"
        elif cid in grades:
            grade = grades[cid].grade
            computed, method = (grade.id if grade else None), "grade"
        rating, basis, reason = computed, method if computed is not None else "none", None
        if cid in given:
            rating, reason = given[cid].value, given[cid].reason
            basis = "moderated" if computed is not None else "given"
        level = _level(scale, rating)
        out[cid] = RatingResult(
            id=cid,
            title=title,
            scale=scale.id,
            rating=level.id if level else None,
            label=level.label if level else None,
            points=level.points if level else None,
            computed=computed,
            basis=basis,
            reason=reason,
        )
    return out


def rating_calls(ratings: dict[str, RatingResult]) -> dict[tuple[str, str], object]:
    """The values of ``rating('id')`` and ``points('id')`` in conditions."""
    calls: dict[tuple[str, str], object] = {}
    for cid, rated in ratings.items():
        calls[("rating", cid)] = rated.rating
        calls[("points", cid)] = rated.points
    return calls


def rate_overall(
    compiled: CompiledRuleset,
    ratings: dict[str, RatingResult],
    survey_figures: Mapping[tuple[str, str], object] | None = None,
) -> tuple[dict[str, OverallRatingResult], list[Unrated]]:
    """Every overall rating; those that cannot be given (``unrated: error``) are listed.
    ``survey_figures`` are the values of ``survey()`` and ``response_rate()`` for limits."""
    scales = {s.id: s for s in compiled.model.rating_scales}
    calls = {**rating_calls(ratings), **(survey_figures or {})}
    out: dict[str, OverallRatingResult] = {}
    problems: list[Unrated] = []
    for overall in compiled.model.overall_ratings:
        scale = scales[overall.scale]
        counted, excluded = compiled.overall_members[overall.id]
        result, missing = _one(compiled, overall, scale, counted, excluded, ratings, calls)
        out[overall.id] = result
        if missing:
            problems.append(Unrated(overall.id, missing))
    return out, problems


def _one(
    compiled: CompiledRuleset,
    overall: OverallRating,
    scale: RatingScale,
    counted: list[str],
    excluded: list[str],
    ratings: dict[str, RatingResult],
    calls: dict[tuple[str, str], object],
) -> tuple[OverallRatingResult, list[str]]:
    best = max(v.points or 0 for v in scale.levels)
    unrated = [cid for cid in counted if ratings[cid].points is None]
    points = [p for cid in counted if (p := ratings[cid].points) is not None]
    total: Fraction | None = Fraction(sum(points))
    missing: list[str] = []
    rescaled = False
    if unrated:
        if overall.unrated == "error":
            total, missing = None, unrated
        elif overall.unrated == "rescale":
            rescaled = True
            total = Fraction(sum(points) * len(counted), len(points)) if points else None
        elif isinstance(overall.unrated, RatedAs):
            as_level = _level(scale, overall.unrated.rating)
            total = Fraction(sum(points) + len(unrated) * ((as_level.points or 0) if as_level else 0))
    banded = None
    if total is not None:
        banded = next((b.rating for b in overall.bands if total >= exact(b.min)), None)
    rank = {v.id: i for i, v in enumerate(scale.levels)}
    rating = banded
    applied: list[AppliedLimit] = []
    if rating is not None:
        for limit, condition in zip(overall.limits, compiled.limits[overall.id], strict=True):
            if evaluate_row(condition, RowData({}, calls)) and rank[rating] < rank[limit.at_most]:
                rating = limit.at_most
                applied.append(AppliedLimit(id=limit.id, title=limit.title, at_most=limit.at_most))
    level = _level(scale, rating)
    return (
        OverallRatingResult(
            id=overall.id,
            title=overall.title,
            scale=scale.id,
            rating=level.id if level else None,
            label=level.label if level else None,
            total=total,
            maximum=best * len(counted),
            counted=counted,
            excluded=excluded,
            unrated=unrated,
            rescaled=rescaled,
            banded=banded,
            limits=applied,
        ),
        missing,
    )
