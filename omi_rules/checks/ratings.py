"""Rating scales and overall ratings: ids (R001), references (R002) and structure (R027).

An overall rating is the figure an inspection report leads with, so every way it could be
silently wrong is an error here: a band or grade that is not a level of the scale it claims, a
member that has no rating or is rated on another scale, a level without points in a sum of
points, bands that leave totals without a rating.
"""

from __future__ import annotations

from omi_rules.checks.context import CheckContext
from omi_rules.checks.references import check_unique
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import CaseSampleSection, JudgementSection, OverallRating, RatedAs, RatingScale
from omi_rules.model.value_types import rated_criteria
from omi_rules.yamlio.reader import PathKey


def run(ctx: CheckContext) -> None:
    m = ctx.model
    check_unique(ctx, "rating scale", ((("rating_scales", i), s.id) for i, s in enumerate(m.rating_scales)))
    for i, scale in enumerate(m.rating_scales):
        check_unique(ctx, "level", ((("rating_scales", i, "levels", j), v.id) for j, v in enumerate(scale.levels)))
    check_unique(ctx, "overall rating", ((("overall_ratings", i), o.id) for i, o in enumerate(m.overall_ratings)))
    for i, overall in enumerate(m.overall_ratings):
        check_unique(ctx, "limit", ((("overall_ratings", i, "limits", j), x.id) for j, x in enumerate(overall.limits)))
    scales = {s.id: s for s in m.rating_scales}
    _check_rated_by(ctx, scales)
    for i, overall in enumerate(m.overall_ratings):
        _check_overall(ctx, overall, ("overall_ratings", i), scales)


def _scale(ctx: CheckContext, name: str, scales: dict[str, RatingScale], path: PathKey) -> RatingScale | None:
    scale = scales.get(name)
    if scale is None and name not in ctx.pruned_ids:
        hint = did_you_mean(name, set(scales)) or (
            f"defined rating scales: {', '.join(sorted(scales))}" if scales else "define it under 'rating_scales'"
        )
        ctx.report("R002", f"unknown rating scale '{name}'", path, hint)
    return scale


def _level(ctx: CheckContext, level: str, scale: RatingScale, path: PathKey, what: str) -> bool:
    levels = [v.id for v in scale.levels]
    if level in levels:
        return True
    hint = did_you_mean(level, set(levels)) or f"levels of {scale.id}: {', '.join(levels)}"
    ctx.report("R002", f"{what} '{level}' is not a level of rating scale '{scale.id}'", path, hint)
    return False


def _listed(scale: RatingScale) -> str:
    return ", ".join(v.id for v in scale.levels)


def _check_rated_by(ctx: CheckContext, scales: dict[str, RatingScale]) -> None:
    """Band sets and judgement rules that name a scale yield its levels; judged criteria are
    graded from specific criteria or rated directly, one or the other."""
    m = ctx.model
    for i, band_set in enumerate(m.band_sets):
        if band_set.rating_scale is None:
            continue
        scale = _scale(ctx, band_set.rating_scale, scales, ("band_sets", i, "rating_scale"))
        if scale is not None:
            levels = {v.id for v in scale.levels}
            for j, band in enumerate(band_set.bands):
                if band.id not in levels:
                    ctx.report(
                        "R027",
                        f"band '{band.id}' of band set '{band_set.id}' is not a level of rating scale '{scale.id}'",
                        ("band_sets", i, "bands", j, "id"),
                        did_you_mean(band.id, levels) or f"name each band after a level: {_listed(scale)}",
                    )
    for i, rule in enumerate(m.judgement_rules):
        if rule.rating_scale is None:
            continue
        scale = _scale(ctx, rule.rating_scale, scales, ("judgement_rules", i, "rating_scale"))
        if scale is not None:
            levels = {v.id for v in scale.levels}
            for j, grade in enumerate(rule.grades):
                if grade.id not in levels:
                    ctx.report(
                        "R027",
                        f"grade '{grade.id}' of judgement rule '{rule.id}' is not a level of rating scale '{scale.id}'",
                        ("judgement_rules", i, "grades", j, "id"),
                        did_you_mean(grade.id, levels) or f"name each grade after a level: {_listed(scale)}",
                    )
    for path, _, criterion in ctx.judgement_criteria():
        if criterion.rating_scale is not None:
            _scale(ctx, criterion.rating_scale, scales, path + ("rating_scale",))
        if criterion.specific_criteria and criterion.rating_scale is not None:
            ctx.report(
                "R027",
                f"criterion {criterion.id} has specific criteria and a rating scale of its own",
                path + ("rating_scale",),
                "a criterion is graded from its specific criteria (its rule's scale) or rated directly, not both",
            )
        elif not criterion.specific_criteria and criterion.rating_scale is None and not ctx.degraded_under(path):
            ctx.report(
                "R027",
                f"criterion {criterion.id} has no specific criteria and no rating scale",
                path + ("id",),
                "list its specific criteria, or set 'rating_scale' for a criterion inspectors rate directly",
            )


def _members(ctx: CheckContext, overall: OverallRating, path: PathKey) -> list[str]:
    """The counted members in report order; unknown sections and criteria are reported."""
    m = ctx.model
    sections = {s.id: s for s in m.sections if isinstance(s, CaseSampleSection | JudgementSection)}
    criteria = [c.id for s in sections.values() for c in s.criteria]
    wanted: set[str] = set()
    for j, sid in enumerate(overall.members.sections):
        if sid in sections:
            wanted.update(c.id for c in sections[sid].criteria)
        elif sid not in ctx.pruned_ids:
            hint = did_you_mean(sid, set(sections)) or f"sections: {', '.join(sections)}"
            ctx.report("R002", f"unknown section '{sid}'", path + ("members", "sections", j), hint)
    for key in ("criteria", "exclude"):
        for j, cid in enumerate(getattr(overall.members, key)):
            if cid not in criteria and cid not in ctx.pruned_ids:
                hint = did_you_mean(cid, set(criteria)) or "give criterion ids such as 2.1"
                ctx.report("R002", f"unknown criterion '{cid}'", path + ("members", key, j), hint)
    wanted.update(overall.members.criteria)
    wanted.difference_update(overall.members.exclude)
    return [cid for cid in criteria if cid in wanted]


def _check_overall(ctx: CheckContext, overall: OverallRating, path: PathKey, scales: dict[str, RatingScale]) -> None:
    scale = _scale(ctx, overall.scale, scales, path + ("scale",))
    members = _members(ctx, overall, path)
    if not members and not ctx.degraded_under(path):
        ctx.report(
            "R027",
            f"overall rating '{overall.id}' counts no criterion",
            path + ("members",),
            "list sections or criteria under 'members' (and exclude fewer)",
        )
    if scale is None:
        return
    rated = rated_criteria(ctx.model)
    for cid in members:
        if cid not in rated:
            ctx.report(
                "R027",
                f"criterion {cid} counts in overall rating '{overall.id}' but has no rating",
                path + ("members",),
                "give its band set or judgement rule a 'rating_scale', rate it directly, or exclude it",
            )
        elif rated[cid][1].id != scale.id:
            ctx.report(
                "R027",
                f"criterion {cid} is rated on scale '{rated[cid][1].id}', overall rating '{overall.id}' on "
                f"'{scale.id}'",
                path + ("scale",),
                "an overall rating adds the points of members rated on its own scale",
            )
    unpointed = [v.id for v in scale.levels if v.points is None]
    if overall.combine == "sum_of_points" and unpointed:
        ctx.report(
            "R027",
            f"overall rating '{overall.id}' sums points, but level(s) {', '.join(unpointed)} of '{scale.id}' have none",
            path + ("combine",),
            "give every level of the scale its 'points'",
        )
    for j, band in enumerate(overall.bands):
        _level(ctx, band.rating, scale, path + ("bands", j, "rating"), "rating")
    check_unique(ctx, "overall band", ((path + ("bands", j), b.rating) for j, b in enumerate(overall.bands)))
    for j in range(1, len(overall.bands)):
        if overall.bands[j].min >= overall.bands[j - 1].min:
            ctx.report(
                "R027",
                f"band '{overall.bands[j].rating}' starts at {overall.bands[j].min:g}, not below the band before it "
                f"({overall.bands[j - 1].min:g})",
                path + ("bands", j, "min"),
                "list the bands highest first, each starting below the one before",
            )
    if overall.bands and overall.bands[-1].min != 0:
        ctx.report(
            "R027",
            f"the lowest band of overall rating '{overall.id}' starts at {overall.bands[-1].min:g}, so lower totals "
            "would have no rating",
            path + ("bands", len(overall.bands) - 1, "min"),
            "start the lowest band at 0",
        )
    for j, limit in enumerate(overall.limits):
        _level(ctx, limit.at_most, scale, path + ("limits", j, "at_most"), "rating")
    if isinstance(overall.unrated, RatedAs):
        _level(ctx, overall.unrated.rating, scale, path + ("unrated", "rating"), "rating")
