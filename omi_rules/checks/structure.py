"""Scoring structure: weights (R003), bands (R004-R006), summary questions (R007), threads
(R008), scales (R009), outcome lists (R010), grading rules (R015, R017), duplicate values (R018).

These are the mistakes that would make a score silently wrong rather than fail to load, so
each is an error unless it is only suspicious.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from omi_rules.checks.context import CheckContext
from omi_rules.model import BandSet, EnumField, Outcome
from omi_rules.yamlio.reader import PathKey

WEIGHT_TOLERANCE = 1e-9


def run(ctx: CheckContext) -> None:
    _check_criteria(ctx)
    for i, band_set in enumerate(ctx.model.band_sets):
        if not ctx.degraded_under(("band_sets", i, "bands")):
            check_bands(ctx, band_set, ("band_sets", i))
    _check_scales(ctx)
    _check_threads(ctx)
    for i, rule in enumerate(ctx.model.judgement_rules):
        check_outcomes(ctx, rule.grades, ("judgement_rules", i, "grades"), "grade")
        _check_values(ctx, rule.judgements, ("judgement_rules", i, "judgements"), "judgement")
    for i, decision in enumerate(ctx.model.decisions):
        check_outcomes(ctx, decision.outcomes, ("decisions", i, "outcomes"), "outcome")


def _check_criteria(ctx: CheckContext) -> None:
    for path, section, criterion in ctx.case_criteria():
        w = criterion.weights
        if abs(w.individual + w.summary - 1.0) > WEIGHT_TOLERANCE:
            ctx.report(
                "R003",
                f"weights of criterion {criterion.id} add up to {w.individual + w.summary:g}, not 1 "
                f"(individual {w.individual:g} + summary {w.summary:g})",
                path + ("weights",),
                "e.g. individual: 0.8 and summary: 0.2",
            )
        if ctx.degraded_under(path + ("questions",)):
            continue  # a question was dropped for a schema error: counts would mislead
        summaries = [k for k, q in enumerate(criterion.questions) if q.summary]
        aggregation = ctx.registry.aggregations.get(criterion.aggregation)
        if aggregation is not None and aggregation.weigh is None:
            for k, q in enumerate(criterion.questions):
                if q.weight is not None:
                    ctx.report(
                        "R028",
                        f"question {q.id} has a weight, but criterion {criterion.id}'s aggregation "
                        f"'{criterion.aggregation}' does not use question weights",
                        path + ("questions", k, "weight"),
                        "declare 'aggregation: weighted_questions' on the criterion, or remove the weight",
                        key=True,
                    )
        needs_summary = aggregation is None or aggregation.needs_summary
        if len(summaries) > 1 or (needs_summary and not summaries):
            where = path + ("questions", summaries[1], "summary") if len(summaries) > 1 else path + ("questions",)
            ctx.report(
                "R007",
                f"criterion {criterion.id} has {len(summaries)} summary questions; it needs exactly one"
                if needs_summary
                else f"criterion {criterion.id} has {len(summaries)} summary questions; it may have one at most",
                where,
                "keep 'summary: true' on one question only" if summaries else "mark one question with 'summary: true'",
                key=len(summaries) > 1,
            )
        for k in summaries:
            if not criterion.questions[k].scored:
                ctx.report(
                    "R007",
                    f"summary question {criterion.questions[k].id} is marked 'scored: false'",
                    path + ("questions", k, "scored"),
                    "a summary question always counts in the score",
                )
        individual = [q for q in criterion.questions if not q.summary and q.scored]
        if not individual:
            ctx.report(
                "R017",
                f"criterion {criterion.id} has no scored individual question",
                path + ("questions",),
                f"the score is {criterion.weights.individual:g} x the mean of the individual questions + "
                f"{criterion.weights.summary:g} x the summary; add individual questions",
            )
        if criterion.bands is None and section.bands is None:
            ctx.report(
                "R015",
                f"criterion {criterion.id} has no band set for its conclusion",
                path + ("id",),
                "set 'bands' on the criterion or its section",
            )
    for path, jsection, jcriterion in ctx.judgement_criteria():
        if jcriterion.specific_criteria and jcriterion.rule is None and jsection.rule is None:
            ctx.report(
                "R015",
                f"criterion {jcriterion.id} has no judgement rule",
                path + ("id",),
                "set 'rule' on the criterion or its section",
            )


def check_bands(ctx: CheckContext, band_set: BandSet, path: PathKey) -> None:
    """Bands must cover 0-100 with no gap and no overlap; each must have min < max."""
    bands = list(enumerate(band_set.bands))
    valid = []
    for j, band in bands:
        if band.min >= band.max:
            ctx.report(
                "R006",
                f"band '{band.id}' starts at {band.min:g} but ends at {band.max:g}",
                path + ("bands", j, "max"),
                "'min' is the lowest score in the band and 'max' where the next band starts",
            )
        else:
            valid.append((j, band))
    if len(valid) < len(bands):
        return  # coverage is meaningless until every band has min < max
    valid.sort(key=lambda item: (item[1].min, item[1].max))
    first_j, first = valid[0]
    if first.min > 0:
        ctx.report(
            "R004",
            f"scores from 0 to {first.min:g} fall in no band of '{band_set.id}'",
            path + ("bands", first_j, "min"),
            f"start the lowest band at 0 (band '{first.id}' starts at {first.min:g})",
        )
    for (_, prev), (j, band) in itertools.pairwise(valid):
        if band.min > prev.max:
            ctx.report(
                "R004",
                f"scores from {prev.max:g} to {band.min:g} fall in no band: gap between '{prev.id}' and '{band.id}'",
                path + ("bands", j, "min"),
                f"make '{band.id}' start at {prev.max:g}, where '{prev.id}' ends",
            )
        elif band.min < prev.max:
            ctx.report(
                "R005",
                f"bands '{prev.id}' and '{band.id}' overlap from {band.min:g} to {min(prev.max, band.max):g}",
                path + ("bands", j, "min"),
                f"make '{band.id}' start at {prev.max:g}, where '{prev.id}' ends",
            )
    last_j, last = max(valid, key=lambda item: item[1].max)
    if last.max < 100:
        ctx.report(
            "R004",
            f"scores from {last.max:g} to 100 fall in no band of '{band_set.id}'",
            path + ("bands", last_j, "max"),
            "end the highest band at 100",
        )


def _check_values(ctx: CheckContext, values: Sequence[str], path: PathKey, what: str) -> None:
    seen: set[str] = set()
    for j, value in enumerate(values):
        if value in seen:
            ctx.report("R018", f"{what} '{value}' is listed twice", path + (j,))
        seen.add(value)


def _check_scales(ctx: CheckContext) -> None:
    for i, scale in enumerate(ctx.model.scales):
        seen: dict[str, str] = {}
        for group in ("sufficient", "insufficient", "not_applicable"):
            for j, value in enumerate(getattr(scale, group)):
                if value in seen:
                    ctx.report(
                        "R009",
                        f"answer '{value}' of scale '{scale.id}' is both {seen[value]} and {group.replace('_', ' ')}",
                        ("scales", i, group, j),
                        "each answer belongs to exactly one of sufficient, insufficient, not_applicable",
                    )
                else:
                    seen[value] = group.replace("_", " ")
    for i, f in enumerate(ctx.model.fields):
        if isinstance(f, EnumField):
            _check_values(ctx, f.value_ids(), ("fields", i, "values"), "value")


def _check_threads(ctx: CheckContext) -> None:
    if ctx.degraded_under(("sections",)):
        return
    for i, thread in enumerate(ctx.model.threads):
        sections = set(thread.select.sections)
        tags = set(thread.select.tags)
        selected = [
            q
            for _, section, _, q in ctx.questions()
            if (not sections or section.id in sections)
            and tags & set(q.tags)
            and q.scored
            and (thread.select.include_summary or not q.summary)
        ]
        if not selected:
            ctx.report(
                "R008",
                f"thread '{thread.id}' selects no scored question",
                ("threads", i, "select"),
                f"tag questions with {', '.join(sorted(tags))} in the selected sections",
            )


def check_outcomes(ctx: CheckContext, outcomes: Sequence[Outcome], path: PathKey, what: str) -> None:
    """Outcomes are tried in order: only the last may (and must) lack a condition."""
    if ctx.degraded_under(path):
        return
    for j, outcome in enumerate(outcomes):
        last = j == len(outcomes) - 1
        if outcome.when is None and not last:
            ctx.report(
                "R010",
                f"{what} '{outcome.id}' has no 'when', so the {what}s after it can never apply",
                path + (j, "id"),
                "give it a condition, or move it to the end",
            )
        if outcome.when is not None and last:
            ctx.report(
                "R010",
                f"the last {what} '{outcome.id}' has a condition; when nothing matches there would be no {what}",
                path + (j, "when"),
                "remove 'when' from the last one so it applies otherwise",
            )
