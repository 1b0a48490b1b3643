"""Ids and references: duplicates (R001), unknown references (R002), unused definitions (R019).

A methodology editor renames things; these checks make sure every name used somewhere is
defined exactly once, and say so at the place the name is used.
"""

from __future__ import annotations

from collections.abc import Iterable

from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics import Severity
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import Citation, Source
from omi_rules.yamlio.reader import PathKey


def check_unique(ctx: CheckContext, what: str, items: Iterable[tuple[PathKey, str]]) -> None:
    """Report every repeated id among ``items`` at its second (third, ...) definition."""
    first: dict[str, PathKey] = {}
    for path, item_id in items:
        if item_id in first:
            line = ctx.at(first[item_id] + ("id",)).line
            ctx.report(
                "R001",
                f"duplicate {what} id '{item_id}' (first defined at line {line})",
                path + ("id",),
                "every id must be unique; rename one of them",
            )
        else:
            first[item_id] = path


def run(ctx: CheckContext) -> None:
    m = ctx.model
    check_unique(ctx, "field", ((("fields", i), f.id) for i, f in enumerate(m.fields)))
    check_unique(ctx, "scale", ((("scales", i), s.id) for i, s in enumerate(m.scales)))
    check_unique(ctx, "band set", ((("band_sets", i), b.id) for i, b in enumerate(m.band_sets)))
    for i, band_set in enumerate(m.band_sets):
        check_unique(ctx, "band", ((("band_sets", i, "bands", j), b.id) for j, b in enumerate(band_set.bands)))
    check_unique(ctx, "section", ((("sections", i), s.id) for i, s in enumerate(m.sections)))
    criteria = [(p, c.id) for p, _, c in ctx.case_criteria()] + [(p, c.id) for p, _, c in ctx.judgement_criteria()]
    check_unique(ctx, "criterion", sorted(criteria))
    check_unique(ctx, "question", ((p, q.id) for p, _, _, q in ctx.questions()))
    specifics = [
        (path + ("specific_criteria", k), s.id)
        for path, _, c in ctx.judgement_criteria()
        for k, s in enumerate(c.specific_criteria)
    ]
    check_unique(ctx, "specific criterion", specifics)
    check_unique(ctx, "judgement rule", ((("judgement_rules", i), r.id) for i, r in enumerate(m.judgement_rules)))
    for i, rule in enumerate(m.judgement_rules):
        check_unique(ctx, "grade", ((("judgement_rules", i, "grades", j), g.id) for j, g in enumerate(rule.grades)))
    check_unique(ctx, "thread", ((("threads", i), t.id) for i, t in enumerate(m.threads)))
    check_unique(ctx, "decision", ((("decisions", i), d.id) for i, d in enumerate(m.decisions)))
    check_unique(ctx, "headline", ((("headlines", i), h.id) for i, h in enumerate(m.headlines)))
    for i, decision in enumerate(m.decisions):
        check_unique(ctx, "outcome", ((("decisions", i, "outcomes", j), o.id) for j, o in enumerate(decision.outcomes)))
    check_unique(ctx, "minimum", ((("sample", "minimums", i), x.id) for i, x in enumerate(m.sample.minimums)))

    field_ids = {f.id for f in m.fields}
    for path, _, _, question in ctx.questions():
        if question.id in field_ids:
            ctx.report(
                "R001",
                f"question id '{question.id}' is also the name of a case field",
                path + ("id",),
                "case data has one column per field and per question; rename one",
            )
    _check_references(ctx)
    _check_unused(ctx)


def _unknown(ctx: CheckContext, what: str, name: str, known: set[str], path: PathKey) -> None:
    if name in ctx.pruned_ids:
        return  # it exists, but was dropped for a schema error already reported
    hint = did_you_mean(name, known) or (
        f"defined {what}s: {', '.join(sorted(known))}" if known else f"no {what}s are defined"
    )
    ctx.report("R002", f"unknown {what} '{name}'", path, hint)


def _check_references(ctx: CheckContext) -> None:
    m = ctx.model
    scales = {s.id for s in m.scales}
    band_sets = {b.id for b in m.band_sets}
    rules = {r.id for r in m.judgement_rules}
    for path, section in ctx.case_sections():
        if section.bands is not None and section.bands not in band_sets:
            _unknown(ctx, "band set", section.bands, band_sets, path + ("bands",))
    for path, _, criterion in ctx.case_criteria():
        if criterion.bands is not None and criterion.bands not in band_sets:
            _unknown(ctx, "band set", criterion.bands, band_sets, path + ("bands",))
    for path, _, _, question in ctx.questions():
        if question.scale not in scales:
            _unknown(ctx, "scale", question.scale, scales, path + ("scale",))
    for path, jsection in ctx.judgement_sections():
        if jsection.rule is not None and jsection.rule not in rules:
            _unknown(ctx, "judgement rule", jsection.rule, rules, path + ("rule",))
    for path, _, jcriterion in ctx.judgement_criteria():
        if jcriterion.rule is not None and jcriterion.rule not in rules:
            _unknown(ctx, "judgement rule", jcriterion.rule, rules, path + ("rule",))
    registry = ctx.registry
    for path, _, criterion in ctx.case_criteria():
        if criterion.aggregation not in registry.aggregations:
            _unknown(ctx, "aggregation", criterion.aggregation, set(registry.aggregations), path + ("aggregation",))
    for i, thread in enumerate(m.threads):
        if thread.combine not in registry.thread_combinations:
            known = set(registry.thread_combinations)
            _unknown(ctx, "thread combination", thread.combine, known, ("threads", i, "combine"))
    for i, band_set in enumerate(m.band_sets):
        if band_set.rule not in registry.grade_rules:
            _unknown(ctx, "grade rule", band_set.rule, set(registry.grade_rules), ("band_sets", i, "rule"))
    case_section_ids = {s.id for _, s in ctx.case_sections()}
    for i, thread in enumerate(m.threads):
        for j, section_id in enumerate(thread.select.sections):
            if section_id not in case_section_ids:
                _unknown(
                    ctx, "case-sample section", section_id, case_section_ids, ("threads", i, "select", "sections", j)
                )
        if thread.bands is not None and thread.bands not in band_sets:
            _unknown(ctx, "band set", thread.bands, band_sets, ("threads", i, "bands"))
    fields = {f.id for f in m.fields}
    for i, stratum in enumerate(m.sample.strata):
        if stratum.field not in fields:
            _unknown(ctx, "field", stratum.field, fields, ("sample", "strata", i, "field"))
    documents = set(m.documents)
    for path, source in iter_sources(ctx):
        if isinstance(source, Citation) and source.document not in documents:
            _unknown(ctx, "document", source.document, documents, path + ("document",))


def iter_sources(ctx: CheckContext) -> Iterable[tuple[PathKey, Source]]:
    """Every ``source`` in the ruleset with its path."""
    m = ctx.model
    for i, f in enumerate(m.fields):
        if f.source is not None:
            yield ("fields", i, "source"), f.source
    for i, s in enumerate(m.scales):
        if s.source is not None:
            yield ("scales", i, "source"), s.source
    for i, band_set in enumerate(m.band_sets):
        for j, band in enumerate(band_set.bands):
            yield ("band_sets", i, "bands", j, "source"), band.source
    for i, section in enumerate(m.sections):
        yield ("sections", i, "source"), section.source
    for path, _, criterion in ctx.case_criteria():
        yield path + ("source",), criterion.source
    for path, _, _, question in ctx.questions():
        yield path + ("source",), question.source
    for path, _, jc in ctx.judgement_criteria():
        yield path + ("source",), jc.source
        for k, specific in enumerate(jc.specific_criteria):
            yield path + ("specific_criteria", k, "source"), specific.source
    for i, rule in enumerate(m.judgement_rules):
        yield ("judgement_rules", i, "source"), rule.source
    for i, thread in enumerate(m.threads):
        yield ("threads", i, "source"), thread.source
    for i, decision in enumerate(m.decisions):
        yield ("decisions", i, "source"), decision.source
    for i, headline in enumerate(m.headlines):
        yield ("headlines", i, "source"), headline.source
    for i, scale in enumerate(m.rating_scales):
        yield ("rating_scales", i, "source"), scale.source
    for i, overall in enumerate(m.overall_ratings):
        yield ("overall_ratings", i, "source"), overall.source
        for j, overall_band in enumerate(overall.bands):
            yield ("overall_ratings", i, "bands", j, "source"), overall_band.source
        for j, limit in enumerate(overall.limits):
            yield ("overall_ratings", i, "limits", j, "source"), limit.source
    if m.sample.size is not None:
        yield ("sample", "size", "source"), m.sample.size.source
    for i, stratum in enumerate(m.sample.strata):
        yield ("sample", "strata", i, "source"), stratum.source
    for i, minimum in enumerate(m.sample.minimums):
        yield ("sample", "minimums", i, "source"), minimum.source


def _check_unused(ctx: CheckContext) -> None:
    if not ctx.complete:
        return  # with part of the ruleset unusable, "never used" would mostly be false alarms
    m = ctx.model
    used_scales = {q.scale for _, _, _, q in ctx.questions()}
    used_bands = {s.bands for _, s in ctx.case_sections()} | {c.bands for _, _, c in ctx.case_criteria()}
    used_bands |= {t.bands for t in m.threads}
    used_rules = {s.rule for _, s in ctx.judgement_sections()} | {c.rule for _, _, c in ctx.judgement_criteria()}
    used_documents = {s.document for _, s in iter_sources(ctx) if isinstance(s, Citation)}
    for what, items, used in (
        ("scale", [(("scales", i), s.id) for i, s in enumerate(m.scales)], used_scales),
        ("band set", [(("band_sets", i), b.id) for i, b in enumerate(m.band_sets)], used_bands),
        ("judgement rule", [(("judgement_rules", i), r.id) for i, r in enumerate(m.judgement_rules)], used_rules),
    ):
        for path, item_id in items:
            if item_id not in used:
                ctx.report(
                    "R019", f"{what} '{item_id}' is defined but never used", path + ("id",), severity=Severity.WARNING
                )
    for doc_id in m.documents:
        if doc_id not in used_documents:
            ctx.report(
                "R019",
                f"document '{doc_id}' is never cited",
                ("documents", doc_id),
                key=True,
                severity=Severity.WARNING,
            )
