"""The Summary of Scores as rows, shared by the terminal and Markdown renderings, so both
always show the same figures."""

from __future__ import annotations

from dataclasses import dataclass

from omi_rules.model.results import RatingResult, Result, Scores
from omi_rules.plugins.hookspecs import ReportSection

NOT_SCORED = "no judged cases"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None


def _score(display: str | None) -> str:
    return display if display is not None else NOT_SCORED


def summary_tables(result: Result) -> list[Table]:
    """Chart 1 (as a table), Table 1, Table 2 and the decisions, as the report has them."""
    tables: list[Table] = []
    groups = result.by.groups if result.by else []
    header = ["Criterion", "Score", "Conclusion"] + [f"{result.by.field} = {g.value}" for g in groups if result.by]
    rows: list[list[str]] = []
    for section in result.sections.values():
        for cid in section.criteria:
            c = result.criteria[cid]
            row = [f"{c.id} {c.title}", _score(c.display), c.band.label if c.band else "-"]
            row += [_score(_group_criterion(g.scores, cid)) for g in groups]
            rows.append(row)
        row = [f"Section {section.id}: {section.title}", _score(section.display), ""]
        row += [_score(g.scores.sections[section.id].display) for g in groups]
        rows.append(row)
    where = f" (cases where {result.where})" if result.where else ""
    if result.sections:  # a ruleset of plugin sections only has no case-sample scores to show
        tables.append(Table(f"Scores of sections 1-3{where}: {result.cases} cases", header, rows))
    if result.grades:
        tables.append(
            Table(
                "Table 1: grades of the judged criteria",
                ["Criterion", "Grade"],
                [[f"{g.id} {g.title}", g.grade.label if g.grade else "not graded"] for g in result.grades.values()],
            )
        )
    for thread in result.threads.values():
        row = [thread.title, _score(thread.display)] + [_score(g.scores.threads[thread.id].display) for g in groups]
        tables.append(
            Table(
                f"Table 2: {thread.title}",
                ["Thread", "Score"] + header[3:],
                [row],
            )
        )
    if result.headlines:
        tables.append(
            Table(
                "Headline scores: cases where the work was done well enough",
                ["Headline", "Score", "Cases"],
                [[h.title, _score(h.display), f"{h.well_enough} of {h.cases}"] for h in result.headlines.values()],
            )
        )
    tables.extend(rating_tables(result))
    if result.decisions:
        tables.append(
            Table(
                "Decisions",
                ["Decision", "Outcome"],
                [[d.title, d.sentence or d.label] for d in result.decisions.values()],
            )
        )
    return tables


BASIS = {
    "band": "from the score",
    "grade": "from the judgements",
    "given": "given",
    "moderated": "moderated",
    "none": "",
}
"""How each rating came about, in a report's words."""


def _rating_basis(rated: RatingResult) -> str:
    if rated.basis == "moderated":
        return f"moderated (computed: {rated.computed})" + (f": {rated.reason}" if rated.reason else "")
    text = BASIS[rated.basis]
    return f"{text}: {rated.reason}" if rated.reason else text


def rating_tables(result: Result) -> list[Table]:
    """Each rated criterion's rating with its points and how it came about, and each overall
    rating with its total, its band and the limits that lowered it."""
    tables: list[Table] = []
    counted = {cid for o in result.overall_ratings.values() for cid in o.counted}
    excluded = {cid for o in result.overall_ratings.values() for cid in o.excluded}
    if result.ratings:
        rows = []
        for r in result.ratings.values():
            note = " (not counted)" if r.id in excluded and r.id not in counted else ""
            points = "" if r.points is None else str(r.points)
            rows.append([f"{r.id} {r.title}", (r.label or "not rated") + note, points, _rating_basis(r)])
        tables.append(Table("Ratings", ["Criterion", "Rating", "Points", "How"], rows))
    for o in result.overall_ratings.values():
        total = "-" if o.total is None else f"{o.total:g} of {o.maximum}" + (" (rescaled)" if o.rescaled else "")
        how = []
        if o.excluded:
            how.append("not counted: " + ", ".join(o.excluded))
        if o.unrated:
            how.append("not rated: " + ", ".join(o.unrated))
        for limit in o.limits:
            how.append(f"limited to {limit.at_most} by {limit.id}: {limit.title} (banded {o.banded})")
        tables.append(
            Table(
                o.title,
                ["Overall rating", "Total", "Rating", "Notes"],
                [[o.title, total, o.label or "not rated", "; ".join(how)]],
            )
        )
    return tables


def plugin_section_reports(result: Result) -> list[ReportSection]:
    """Sections scored by plugins, as report sections: their summary values, then their table."""
    out = []
    for section in result.plugin_sections.values():
        # The summary is for programs (JSON); people get the plugin's own paragraphs when it
        # writes any, and the summary spelt out only when it does not.
        lines = [f"{key.replace('_', ' ')}: {value}" for key, value in section.summary.items()]
        out.append(ReportSection(section.title, list(section.paragraphs) or lines, section.header, section.rows))
    return out


def _group_criterion(scores: Scores, cid: str) -> str | None:
    return scores.criteria[cid].display


def conclusions(result: Result) -> list[tuple[str, str]]:
    """Each criterion's conclusion sentence, as the report prints under each criterion."""
    out = []
    for c in result.criteria.values():
        if c.band and c.band.sentence:
            out.append((f"{c.id} {c.title}", c.band.sentence))
    return out
