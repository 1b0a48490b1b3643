"""``score --format xlsx``: the Summary of Scores and the figures behind it as a workbook.

The same figures as the terminal and HTML reports, one sheet per table, for whoever checks or
charts them in a spreadsheet: scores are numbers (the published, rounded score and the exact
one beside it), counts are whole numbers, and every label is text that cannot turn into a
formula. The rounded score is rounded exactly as the ruleset says (``numbers.round_exact``),
not left to Excel's display rounding, which would round a half-even ruleset's 70.5 up.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from omi_rules import __version__
from omi_rules.model import Rounding
from omi_rules.model.results import Result
from omi_rules.numbers import round_exact
from omi_rules.plugins.hookspecs import ReportSection
from omi_rules.report.tables import (
    NOT_SCORED,
    case_scores_caption,
    grade_text,
    labelled,
    rating_basis,
    words,
)
from omi_rules.workbook.tables import Cell, SheetTable, count, number, percent, text, write_tables

EXACT_PLACES = 4
"""Decimal places shown of an exact (unrounded) score: enough to see a tie such as 70.5."""


class _Scores:
    """The published and the exact form of a score, by the ruleset's rounding."""

    def __init__(self, rounding: Rounding) -> None:
        self.rounding = rounding

    def shown(self, score: Fraction | None, bold: bool = False) -> Cell:
        if score is None:
            return text(NOT_SCORED, bold)
        r = self.rounding
        return percent(round_exact(score, r.decimals, r.method), r.decimals, bold)

    def exact(self, score: Fraction | None, bold: bool = False) -> Cell:
        return percent(score, EXACT_PLACES, bold)


def result_workbook(result: Result, rounding: Rounding, extra: Sequence[ReportSection] = ()) -> bytes:
    """The workbook of ``result``; ``rounding`` is the ruleset's (the result keeps only the
    displayed text of each score), ``extra`` the sections plugins add."""
    return write_tables(result_tables(result, rounding, extra), _properties(result))


def result_tables(result: Result, rounding: Rounding, extra: Sequence[ReportSection] = ()) -> list[SheetTable]:
    """Every table of the workbook, in the report's order."""
    scores = _Scores(rounding)
    tables = [_summary(result, scores)] if result.sections else []
    if result.criteria:
        tables.append(_questions(result))
    if result.grades:
        tables.append(_grades(result))
    if result.threads:
        tables.append(_threads(result, scores))
    if result.headlines:
        tables.append(_headlines(result, scores))
    if result.ratings:
        tables.append(_ratings(result))
    if result.overall_ratings:
        tables.append(_overall(result))
    if result.decisions:
        tables.append(_decisions(result))
    tables.extend(_plugin(section) for section in extra)
    if result.findings:
        tables.append(_findings(result))
    tables.append(_about(result))
    return tables


def _properties(result: Result) -> dict[str, str]:
    r = result.ruleset
    return {
        "title": f"Summary of Scores: {r.title}",
        "subject": f"{r.id} {r.version}",
        "comments": f"omi-rules {__version__} score; ruleset sha256 {r.sha256}",
    }


def _summary(result: Result, scores: _Scores) -> SheetTable:
    w = words(result)
    groups = result.by.groups if result.by else []
    header = ["Id", w.criterion, "Score", "Exact score", "Conclusion"]
    header += [f"{result.by.field} = {g.value}" for g in groups if result.by]
    rows: list[list[Cell]] = []
    for section in result.sections.values():
        for cid in section.criteria:
            c = result.criteria[cid]
            row = [text(c.id), text(c.title), scores.shown(c.score), scores.exact(c.score)]
            row.append(text(c.band.label if c.band else None))
            row += [scores.shown(g.scores.criteria[cid].score) for g in groups]
            rows.append(row)
        if section.published:
            name = f"{w.section} {section.id}: {section.title}"
            row = [text(section.id, True), text(name, True), scores.shown(section.score, True)]
            row += [scores.exact(section.score, True), text(None, True)]
            row += [scores.shown(g.scores.sections[section.id].score, True) for g in groups]
            rows.append(row)
    where = f" (cases where {result.where})" if result.where else ""
    title = f"Summary of Scores: {case_scores_caption(result)}{where}, {result.cases} cases"
    note = f"{result.ruleset.title} ({result.ruleset.id} {result.ruleset.version})"
    return SheetTable("Summary", title, header, rows, note, [10, 48, 10, 12, 28] + [14] * len(groups))


def _questions(result: Result) -> SheetTable:
    """The figures behind each criterion score: every question's counts and proportion."""
    w = words(result)
    header = [w.criterion, w.question, "Kind", "Relevant", "Answered", "Judged", "Sufficient", "Proportion"]
    rows: list[list[Cell]] = []
    for c in result.criteria.values():
        for q in c.questions:
            kind = "summary" if q.summary else "individual" if q.scored else "routing (not scored)"
            counts = q.counts
            rows.append(
                [text(c.id), text(q.id), text(kind), count(counts.relevant), count(counts.answered)]
                + [count(counts.judged), count(counts.sufficient), percent(q.proportion, 2)]
            )
    note = "Proportion: sufficient of judged cases; a question with no judged case has none."
    return SheetTable("Questions", "The figures behind the scores", header, rows, note, [10, 10, 20] + [11] * 5)


def _grades(result: Result) -> SheetTable:
    w = words(result)
    judgements = sorted({j for g in result.grades.values() for j in g.counts})
    header = ["Id", w.criterion, "Grade", "Judged", *judgements, "Not judged"]
    rows = [
        [text(g.id), text(g.title), text(grade_text(g)), count(g.total)]
        + [count(g.counts.get(j, 0)) for j in judgements]
        + [text(", ".join(g.not_judged) or None)]
        for g in result.grades.values()
    ]
    title = labelled(w.grades_label, "grades of the judged criteria")
    return SheetTable("Grades", title, header, rows, widths=[8, 40, 24, 8] + [12] * len(judgements) + [20])


def _threads(result: Result, scores: _Scores) -> SheetTable:
    w = words(result)
    groups = result.by.groups if result.by else []
    header = ["Id", "Thread", "Score", "Exact score", "Band", "Questions"]
    header += [f"{result.by.field} = {g.value}" for g in groups if result.by]
    rows = [
        [
            text(t.id),
            text(t.title),
            scores.shown(t.score),
            scores.exact(t.score),
            text(t.band.label if t.band else None),
        ]
        + [text(", ".join(t.questions))]
        + [scores.shown(g.scores.threads[t.id].score) for g in groups]
        for t in result.threads.values()
    ]
    title = labelled(w.threads_label, "threads") if w.threads_label else "Threads"
    return SheetTable("Threads", title, header, rows, widths=[10, 32, 10, 12, 20, 40] + [14] * len(groups))


def _headlines(result: Result, scores: _Scores) -> SheetTable:
    header = ["Id", "Headline", "Score", "Exact score", "Well enough", "Cases"]
    rows = [
        [text(h.id), text(h.title), scores.shown(h.score), scores.exact(h.score), count(h.well_enough), count(h.cases)]
        for h in result.headlines.values()
    ]
    return SheetTable("Headlines", "Headline scores: cases where the work was done well enough", header, rows)


def _ratings(result: Result) -> SheetTable:
    w = words(result)
    header = ["Id", w.criterion, "Rating", "Points", "How", "Computed"]
    rows = [
        [text(r.id), text(r.title), text(r.label or "not rated"), count(r.points), text(rating_basis(r))]
        + [text(r.computed)]
        for r in result.ratings.values()
    ]
    return SheetTable("Ratings", "Ratings", header, rows, widths=[8, 40, 22, 8, 40, 18])


def _overall(result: Result) -> SheetTable:
    header = ["Id", "Overall rating", "Total", "Of", "Rating", "Banded", "Limited by", "Not counted", "Not rated"]
    rows = [
        [text(o.id), text(o.title), number(o.total), count(o.maximum), text(o.label or "not rated")]
        + [
            text(o.banded),
            text("; ".join(f"{lim.id}: {lim.title} (at most {lim.at_most})" for lim in o.limits) or None),
        ]
        + [text(", ".join(o.excluded) or None), text(", ".join(o.unrated) or None)]
        for o in result.overall_ratings.values()
    ]
    return SheetTable("Overall ratings", "Overall ratings", header, rows, widths=[10, 30, 8, 6, 22, 18, 40, 16, 16])


def _decisions(result: Result) -> SheetTable:
    rows = [[text(d.id), text(d.title), text(d.label), text(d.sentence)] for d in result.decisions.values()]
    return SheetTable(
        "Decisions", "Decisions", ["Id", "Decision", "Outcome", "Sentence"], rows, widths=[24, 40, 24, 60]
    )


def _plugin(section: ReportSection) -> SheetTable:
    note = " ".join(section.paragraphs) or None
    rows = [[text(str(c)) for c in row] for row in section.rows]
    return SheetTable(section.title, section.title, [str(h) for h in section.header], rows, note)


def _findings(result: Result) -> SheetTable:
    header = ["Severity", "Code", "File", "Row", "Column", "Message"]
    rows = [
        [text(f.severity), text(f.code), text(f.file), count(f.line or None), count(f.column or None), text(f.message)]
        for f in result.findings
    ]
    return SheetTable("Findings", "Warnings found while scoring", header, rows, widths=[10, 8, 36, 6, 8, 80])


def _about(result: Result) -> SheetTable:
    r, inputs = result.ruleset, result.inputs
    rows = [
        [text("ruleset"), text(f"{r.id} {r.version}: {r.title}")],
        [text("ruleset sha256"), text(r.sha256)],
        [text("tool"), text(" ".join(result.tool.values()))],
        [text("plugins"), text(", ".join(f"{k} {v}" for k, v in result.plugins.items()) or None)],
        [text("cases"), text(f"{inputs.cases.file} (sha256 {inputs.cases.sha256})" if inputs.cases else None)],
        [
            text("judgements"),
            text(f"{inputs.judgements.file} (sha256 {inputs.judgements.sha256})" if inputs.judgements else None),
        ],
        [text("where"), text(result.where)],
        [text("cases scored"), count(result.cases)],
    ]
    return SheetTable("About", "Where these figures come from", ["Item", "Value"], rows, widths=[18, 100])
