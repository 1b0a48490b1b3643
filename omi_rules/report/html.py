"""The Summary of Scores as one self-contained HTML page (inline CSS and SVG, no scripts).

Why one file with nothing loaded from the network: the page is a record of an inspection. It
has to open the same way years later, offline, attached to an e-mail or archived with the
report, and a reader must be able to trust that it shows exactly what was scored. So fonts are
the reader's own, the chart is inline SVG and a Content-Security-Policy forbids any fetch.

The chart geometry (bar lengths, band limit lines, label positions) is computed in
``report.chart``, in typed dataclasses, and the Jinja template only writes it out.

Accessibility is built in rather than added on: the chart carries ``role="img"``, a title
and a description, is followed by a real table with the same figures, and never relies on
colour alone (each bar has its score and its conclusion written next to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from omi_rules.model import CaseSampleSection, JudgementSection, Ruleset
from omi_rules.model.results import JudgedCriterionResult, Result
from omi_rules.plugins.hookspecs import ReportSection
from omi_rules.report.chart import build_chart, fmt
from omi_rules.report.tables import (
    NOT_SCORED,
    case_scores_caption,
    case_sections_named,
    grade_text,
    labelled,
    plural,
    rating_tables,
    span,
    summary_tables,
    words,
)

# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Row:
    """A table row: a header cell naming the row, then data cells."""

    head: str
    cells: tuple[str, ...]
    emphasis: bool = False
    """Section rows are bold, as in the terminal and Markdown renderings."""


@dataclass(frozen=True)
class HtmlTable:
    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    classes: tuple[str, ...]
    """Per column, its CSS class: ``num`` (scores: right-aligned, never wrapped), ``nowrap``
    (short labels such as a conclusion) or none."""
    note: str | None = None


def _table(
    caption: str, header: list[str], rows: list[list[str]], classes: list[str], emphasised: tuple[int, ...] = ()
) -> HtmlTable:
    return HtmlTable(
        caption=caption,
        header=tuple(header),
        rows=tuple(Row(r[0], tuple(r[1:]), k in emphasised) for k, r in enumerate(rows)),
        classes=tuple(classes),
    )


def chart_table(result: Result) -> HtmlTable:
    """Chart 1 as a table: the same rows the terminal and Markdown renderings print (taken from
    ``summary_tables`` on the result without its groups, which get their own table)."""
    first = summary_tables(result.model_copy(update={"by": None}))[0]
    caption = f"{words(result).chart_label} as a table. {first.title}"
    return _table(caption, first.header, first.rows, ["", "num", "nowrap"], first.emphasised)


def grades_table(result: Result, model: Ruleset) -> HtmlTable | None:
    """Table 1: the grade of each judged (section 4) criterion, with the judgements behind it."""
    if not result.grades:
        return None
    rows: list[list[str]] = []
    for g in result.grades.values():
        rows.append([f"{g.id} {g.title}", grade_text(g), _judged_text(g)])
    titles = [s.title for s in model.sections if isinstance(s, JudgementSection)]
    where = f" ({', '.join(titles)})" if titles else ""
    return _table(
        labelled(words(result).grades_label, f"grades of the judged criteria{where}"),
        ["Criterion", "Grade", "Specific criteria judged"],
        rows,
        ["", "nowrap", ""],
    )


def _judged_text(graded: JudgedCriterionResult) -> str:
    """The judgements behind a grade (``5 met, 1 partly met, 0 not met (of 6)``), naming the
    specific criteria left out, since a grade made without them must not look complete."""
    if graded.total == 0:
        return f"none (not judged: {', '.join(graded.not_judged)})"
    counts = ", ".join(f"{n} {value.replace('_', ' ')}" for value, n in graded.counts.items())
    missing = f"; not judged: {', '.join(graded.not_judged)}" if graded.not_judged else ""
    return f"{counts} (of {graded.total}){missing}"


def threads_table(result: Result) -> HtmlTable | None:
    """Table 2: each thread's score (and conclusion, when the thread has a band set)."""
    if not result.threads:
        return None
    banded = any(t.band for t in result.threads.values())
    header = ["Thread", "Score"] + (["Conclusion"] if banded else [])
    rows = []
    for t in result.threads.values():
        row = [t.title, t.display if t.display is not None else NOT_SCORED]
        if banded:
            row.append(t.band.label if t.band else "-")
        rows.append(row)
    return _table(labelled(words(result).threads_label, "thread scores"), header, rows, ["", "num", "nowrap"])


def group_tables(result: Result) -> list[HtmlTable]:
    """With ``--by``: criteria and section scores, then thread scores, one column per group."""
    if result.by is None:
        return []
    by = result.by
    w = words(result)
    emphasised: list[int] = []
    header = [w.criterion, f"All cases ({result.cases})"] + [
        f"{by.field} = {g.value} ({g.scores.cases}\u00a0{'case' if g.scores.cases == 1 else 'cases'})"
        for g in by.groups
    ]
    numeric = [""] + ["num"] * (len(header) - 1)

    def show(display: str | None) -> str:
        return display if display is not None else NOT_SCORED

    rows: list[list[str]] = []
    for section in result.sections.values():
        for cid in section.criteria:
            c = result.criteria[cid]
            rows.append(
                [f"{c.id} {c.title}", show(c.display)] + [show(g.scores.criteria[cid].display) for g in by.groups]
            )
        if section.published:
            emphasised.append(len(rows))
            rows.append(
                [f"{w.section} {section.id}: {section.title}", show(section.display)]
                + [show(g.scores.sections[section.id].display) for g in by.groups]
            )
    tables = [_table(f"{case_scores_caption(result)} by {by.field}", header, rows, numeric, tuple(emphasised))]
    if result.threads:
        thread_rows = [
            [t.title, show(t.display)] + [show(g.scores.threads[t.id].display) for g in by.groups]
            for t in result.threads.values()
        ]
        tables.append(_table(f"Thread scores by {by.field}", ["Thread", *header[1:]], thread_rows, numeric))
    return tables


# --------------------------------------------------------------------------- conclusions


@dataclass(frozen=True)
class Conclusion:
    item_id: str
    title: str
    statement: str | None
    score_text: str
    band_label: str | None
    sentence: str | None
    note: str | None


@dataclass(frozen=True)
class SectionConclusions:
    title: str
    criteria: tuple[Conclusion, ...]


def conclusions(result: Result, model: Ruleset) -> list[SectionConclusions]:
    """Each criterion, grouped by section, with its statement and conclusion sentence."""
    statements = {c.id: c.statement for s in model.sections if isinstance(s, CaseSampleSection) for c in s.criteria}
    out = []
    for section in result.sections.values():
        items = []
        for cid in section.criteria:
            c = result.criteria[cid]
            items.append(
                Conclusion(
                    item_id=c.id,
                    title=c.title,
                    statement=statements.get(cid),
                    score_text=c.display if c.display is not None and c.score is not None else NOT_SCORED,
                    band_label=c.band.label if c.band else None,
                    sentence=c.band.sentence if c.band else None,
                    note=c.note,
                )
            )
        out.append(SectionConclusions(f"{words(result).section} {section.id}: {section.title}", tuple(items)))
    return out


# --------------------------------------------------------------------------- page


def _environment() -> jinja2.Environment:
    """The template is package data, so the page renders the same from a wheel as from a
    checkout. Autoescape is on: titles, sentences and file names come from YAML and CSV that
    anyone may have written."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("omi_rules", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = fmt
    return env


def render_html(scored_result: Result, model: Ruleset, extra_sections: Sequence[ReportSection] = ()) -> str:
    """The Summary of Scores of ``scored_result`` as a self-contained HTML5 page.

    ``model`` is the ruleset the result was scored with: the result names each band, but the
    band limits (drawn on the chart), the band sentences' ranges and the criteria statements
    are only in the ruleset.
    """
    result = scored_result
    chart, legend = build_chart(result, model)
    if result.uncertainty is not None:
        from omi_rules.report.html_uncertainty import with_intervals

        chart = with_intervals(chart, result)
    template = _environment().get_template("report.html.j2")
    extra_tool = {k: v for k, v in result.tool.items() if k not in ("name", "version")}
    return template.render(
        result=result,
        model=model,
        chart=chart,
        legend=legend,
        chart_table=chart_table(result) if result.sections else None,
        conclusions=conclusions(result, model),
        grades=grades_table(result, model),
        threads=threads_table(result),
        groups=group_tables(result),
        extra_tool=extra_tool,
        headings=_headings(result, model),
        not_scored=NOT_SCORED,
        extra_sections=[
            *(ReportSection(x.title, [], x.header, x.rows) for x in rating_tables(result)),
            *extra_sections,
        ],
    )


def _headings(result: Result, model: Ruleset) -> dict[str, str]:
    """The page's headings in the ruleset's words: OMI's read ``Chart 1: scores of sections
    1-3``, ``Table 1: grades of section 4``, ``Table 2: threads``."""
    w = words(result)
    judged = [s.id for s in model.sections if isinstance(s, JudgementSection)]
    noun = (w.section if len(judged) == 1 else plural(w)).lower()
    return {
        "chart": f"{w.chart_label}: scores of {case_sections_named(result)}",
        "grades": labelled(w.grades_label, f"grades of {noun} {span(judged)}"),
        "threads": labelled(w.threads_label, "threads"),
    }
