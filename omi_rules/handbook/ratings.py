"""The handbook's account of ratings: each rating scale with its points, and each overall
rating in plain English (what is added up over which criteria, what is left out, the bands of
the total, what an unrated criterion does, and the limiting rules), so a reviewer can sign off
the roll-up an inspection report leads with without reading YAML."""

from __future__ import annotations

from collections.abc import Callable

from omi_rules.handbook.english import Phrasebook
from omi_rules.handbook.views import LimitView, OverallBandView, OverallView, RatingScaleView, SourceView
from omi_rules.model import (
    CaseSampleSection,
    JudgementSection,
    OverallRating,
    RatedAs,
    RatingScale,
    Ruleset,
    Source,
)
from omi_rules.model.ratings import band_totals
from omi_rules.ruleset.environments import limit_env


def _points(points: int | None) -> str:
    if points is None:
        return "no points"
    return f"{points} point" + ("" if points == 1 else "s")


def _number(value: float) -> str:
    return f"{value:g}"


def rating_scale_views(
    model: Ruleset, anchor: Callable[[str, str], str], source: Callable[[Source], SourceView]
) -> list[RatingScaleView]:
    return [
        RatingScaleView(
            id=s.id,
            anchor=anchor("rating-scale", s.id),
            title=s.title,
            levels=[(level.label, _points(level.points)) for level in s.levels],
            source=source(s.source),
        )
        for s in model.rating_scales
    ]


def _members(model: Ruleset, overall: OverallRating) -> tuple[list[str], list[str]]:
    chosen = {c.id for s in model.sections if s.id in overall.members.sections for c in getattr(s, "criteria", [])}
    chosen |= set(overall.members.criteria)
    ordered = [c.id for s in model.sections if isinstance(s, CaseSampleSection | JudgementSection) for c in s.criteria]
    excluded = [cid for cid in ordered if cid in set(overall.members.exclude)]
    return [cid for cid in ordered if cid in chosen and cid not in excluded], excluded


def _unrated(overall: OverallRating, scale: RatingScale) -> str:
    if overall.unrated == "error":
        return "If a counted criterion has no rating, the overall rating is not given: scoring stops with an error."
    if overall.unrated == "rescale":
        return (
            "A counted criterion without a rating is left out, and the total of the others is scaled up to the "
            "full maximum (the result says so)."
        )
    assert isinstance(overall.unrated, RatedAs)
    label = next((v.label for v in scale.levels if v.id == overall.unrated.rating), overall.unrated.rating)
    return f"A counted criterion without a rating counts as {label}."


def overall_views(
    model: Ruleset,
    book: Phrasebook,
    anchor: Callable[[str, str], str],
    source: Callable[[Source], SourceView],
) -> list[OverallView]:
    scales = {s.id: s for s in model.rating_scales}
    env = limit_env(model)
    out = []
    for overall in model.overall_ratings:
        scale = scales[overall.scale]
        counted, excluded = _members(model, overall)
        best = max((level.points or 0) for level in scale.levels)
        maximum = best * len(counted)
        summary = (
            f"The {overall.title.lower()} adds up the points of the ratings of {len(counted)} criteria "
            f"({', '.join(counted)}): a total from 0 to {maximum}."
        )
        if excluded:
            summary += f" {', '.join(excluded)} {'is' if len(excluded) == 1 else 'are'} rated but not counted."
        labels = {v.id: v.label for v in scale.levels}
        totals = band_totals(overall, scale, maximum)
        out.append(
            OverallView(
                id=overall.id,
                anchor=anchor("overall-rating", overall.id),
                title=overall.title,
                summary=summary,
                unrated=_unrated(overall, scale),
                bands=[
                    OverallBandView(labels.get(b.rating, b.rating), words, source(b.source))
                    for b, words in zip(overall.bands, totals, strict=True)
                ],
                limits=[
                    LimitView(
                        title=limit.title,
                        when=book.describe(limit.when, env),
                        condition=limit.when,
                        at_most=labels.get(limit.at_most, limit.at_most),
                        source=source(limit.source),
                    )
                    for limit in overall.limits
                ],
                source=source(overall.source),
            )
        )
    return out
