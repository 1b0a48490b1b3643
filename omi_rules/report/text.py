"""Terminal (rich) and Markdown renderings of the Summary of Scores.

rich is imported by ``terminal`` alone: Markdown needs none of it, and importing it cost
every ``score`` about 15 ms whatever the format."""

from __future__ import annotations

import io
from collections.abc import Sequence

from omi_rules.model.results import Result
from omi_rules.plugins.hookspecs import ReportSection
from omi_rules.report.tables import summary_tables


def _heading(result: Result) -> str:
    r = result.ruleset
    return f"Summary of Scores — {r.title} ({r.id} {r.version})"


def terminal(
    result: Result, width: int = 110, color: bool = False, extra_sections: Sequence[ReportSection] = ()
) -> str:
    """Rich tables, rendered to text (colour only when writing to a terminal)."""
    from rich.console import Console
    from rich.table import Table as RichTable

    buffer = io.StringIO()
    # highlighting only adds colours: without them it would change nothing, in 5 ms of regexes
    console = Console(
        file=buffer, width=width, force_terminal=color, color_system="standard" if color else None, highlight=color
    )
    console.print(_heading(result), style="bold")
    for table in summary_tables(result):
        console.print()
        console.print(table.title, style="bold", markup=False)
        rich = RichTable(show_lines=False)
        for index, name in enumerate(table.header):
            rich.add_column(
                name, justify="left" if index == 0 else "right" if "Score" in name or "=" in name else "left"
            )
        for index, row in enumerate(table.rows):
            rich.add_row(*row, style="bold" if index in table.emphasised else None)
        console.print(rich)
    for extra in extra_sections:
        console.print()
        console.print(extra.title, style="bold", markup=False)
        for text in extra.paragraphs:
            console.print(text, markup=False)
        if extra.header:
            extra_table = RichTable(show_lines=False)
            for name in extra.header:
                extra_table.add_column(name)
            for extra_row in extra.rows:
                extra_table.add_row(*[str(cell) for cell in extra_row])
            console.print(extra_table)
    # Findings are printed on stderr with their positions by the command; not repeated here.
    return buffer.getvalue()


def markdown(result: Result, extra_sections: Sequence[ReportSection] = ()) -> str:
    """GitHub-flavoured Markdown tables, then any sections plugins add."""
    lines = [f"# {_heading(result)}", ""]
    for table in summary_tables(result):
        lines.append(f"## {table.title}")
        lines.append("")
        lines.append("| " + " | ".join(table.header) + " |")
        lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.header))) + "|")
        for index, row in enumerate(table.rows):
            cells = [f"**{c}**" if index in table.emphasised and c else c for c in row]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        lines.append("")
    for extra in extra_sections:
        lines.extend([f"## {extra.title}", ""])
        for paragraph in extra.paragraphs:
            lines.extend([paragraph, ""])
        if extra.header:
            lines.append("| " + " | ".join(extra.header) + " |")
            lines.append("|" + "|".join("---" for _ in extra.header) + "|")
            lines.extend("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in extra.rows)
            lines.append("")
    if result.findings:
        lines.append("## Findings")
        lines.append("")
        for finding in result.findings:
            lines.append(f"- {finding.severity} {finding.code}: {finding.message}")
        lines.append("")
    lines.append(f"Ruleset sha256 `{result.ruleset.sha256}`; omi-rules {result.tool['version']}.")
    return "\n".join(lines) + "\n"
