"""The Summary of Scores as rows, shared by the terminal and Markdown renderings, so both
always show the same figures."""

from __future__ import annotations

from dataclasses import dataclass

from omi_rules.model import Wording
from omi_rules.model.results import JudgedCriterionResult, RatingResult, Result, Scores
from omi_rules.numbers import text
from omi_rules.plugins.hookspecs import ReportSection

NOT_SCORED = "no judged cases"
NOT_JUDGED = "not judged"
"""A judged criterion none of whose specific criteria was judged: it has no grade."""


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    emphasised: tuple[int, ...] = ()
    """Rows printed in bold: a section's score under its criteria."""


def words(result: Result) -> Wording:
    """The ruleset's wording as the result recorded it (defaults for what it does not give)."""
    return Wording.model_validate({k: v for k, v in result.wording.items() if v is not None})


def plural(w: Wording) -> str:
    return w.sections or f"{w.section}s"


def span(ids: list[str]) -> str:
    """Section ids as a report writes them: ``1-3`` for a run of numbers, else a list."""
    numbers = [int(i) for i in ids if i.isdigit()]
    if len(ids) > 1 and len(numbers) == len(ids) and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{ids[0]}-{ids[-1]}"
    return ", ".join(ids)


def labelled(label: str | None, text: str) -> str:
    """``Table 1: grades of ...`` with a label, ``Grades of ...`` without."""
    return f"{label}: {text}" if label else text[:1].upper() + text[1:]


def case_sections_named(result: Result) -> str:
    """The case-sample sections in the ruleset's words: ``sections 1-3`` (OMI), ``domains 2-3``."""
    w = words(result)
    ids = list(result.sections)
    noun = w.section if len(ids) == 1 else plural(w)
    return f"{noun.lower()} {span(ids)}"


def case_scores_caption(result: Result) -> str:
    """``Scores of sections 1-3`` (OMI), ``Scores of domains 2-3`` ..."""
    return f"Scores of {case_sections_named(result)}"


def _score(display: str | None) -> str:
    return display if display is not None else NOT_SCORED


def grade_text(graded: JudgedCriterionResult) -> str:
    """A judged criterion's grade as a table prints it: 'not judged' when none of its specific
    criteria was (never a grade), and a grade made from only some of them says from how many."""
    if graded.grade is None:
        return NOT_JUDGED
    if graded.not_judged:
        return f"{graded.grade.label} ({graded.total} of {graded.total + len(graded.not_judged)} judged)"
    return graded.grade.label


def summary_tables(result: Result) -> list[Table]:
    """Chart 1 (as a table), Table 1, Table 2 and the decisions, as the report has them."""
    tables: list[Table] = []
    w = words(result)
    groups = result.by.groups if result.by else []
    header = [w.criterion, "Score", "Conclusion"] + [f"{result.by.field} = {g.value}" for g in groups if result.by]
    rows: list[list[str]] = []
    emphasised: list[int] = []
    for section in result.sections.values():
        for cid in section.criteria:
            c = result.criteria[cid]
            row = [f"{c.id} {c.title}", _score(c.display), c.band.label if c.band else "-"]
            row += [_score(_group_criterion(g.scores, cid)) for g in groups]
            rows.append(row)
        if section.published:
            row = [f"{w.section} {section.id}: {section.title}", _score(section.display), ""]
            row += [_score(g.scores.sections[section.id].display) for g in groups]
            emphasised.append(len(rows))
            rows.append(row)
    where = f" (cases where {result.where})" if result.where else ""
    if result.sections:  # a ruleset of plugin sections only has no case-sample scores to show
        caption = f"{case_scores_caption(result)}{where}: {result.cases} cases"
        tables.append(Table(caption, header, rows, emphasised=tuple(emphasised)))
    if result.grades:
        tables.append(
            Table(
                labelled(w.grades_label, "grades of the judged criteria"),
                [w.criterion, "Grade"],
                [[f"{g.id} {g.title}", grade_text(g)] for g in result.grades.values()],
            )
        )
    for thread in result.threads.values():
        row = [thread.title, _score(thread.display)] + [_score(g.scores.threads[thread.id].display) for g in groups]
        tables.append(
            Table(
                f"{w.threads_label}: {thread.title}" if w.threads_label else thread.title,
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


def rating_basis(rated: RatingResult) -> str:
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
            rows.append([f"{r.id} {r.title}", (r.label or "not rated") + note, points, rating_basis(r)])
        tables.append(Table("Ratings", [words(result).criterion, "Rating", "Points", "How"], rows))
    for o in result.overall_ratings.values():
        total = "-" if o.total is None else f"{text(o.total)} of {o.maximum}" + (" (rescaled)" if o.rescaled else "")
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
