"""``impact --format xlsx``: what a ruleset change moves, as a workbook to sort and filter.

One sheet per table of the text report: every move (with its old and new value and the
figure behind a verdict), the summary of inspections changing per target, the inspections
that could not be scored (located by file, row and column), and what was compared. A score or
a figure shown as a percentage (``72%``) is written as that number with a percentage format,
so moves can be sorted by how far they went; labels stay text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from omi_rules import __version__
from omi_rules.lifecycle.impact import Impact
from omi_rules.workbook.tables import Cell, SheetTable, count, percent, text, write_tables

_PERCENT = re.compile(r"^(-?[0-9]+(?:\.([0-9]+))?)%$")


def shown(value: str | None) -> Cell:
    """A value as the report shows it: a percentage (``72%``, ``70.5%``) as that number with
    the same number of decimals, anything else as text."""
    if value is not None and (found := _PERCENT.match(value)):
        return percent(Decimal(found.group(1)), len(found.group(2) or ""))
    return text(value)


def impact_workbook(result: Impact, old_name: str, new_name: str) -> bytes:
    return write_tables(impact_tables(result, old_name, new_name), _properties(old_name, new_name))


def impact_tables(result: Impact, old_name: str, new_name: str) -> list[SheetTable]:
    header = ["Inspection", "What", "Target", "Old", "Old figure", "New", "New figure", "Because"]
    moves = [
        [text(m.inspection), text(m.kind), text(m.target), shown(m.old), shown(m.old_figure)]
        + [shown(m.new), shown(m.new_figure), text(", ".join(m.because) or None)]
        for m in result.moves
    ]
    scored = len(result.scored)
    title = f"Impact of {old_name} -> {new_name}: {scored} inspections re-scored, {len(result.moves)} figures move"
    tables = [
        SheetTable(
            "Moves",
            title,
            header,
            moves,
            None if moves else "Nothing moves.",
            [36, 12, 26, 24, 10, 24, 10, 40],
        )
    ]
    changes = result.conclusion_changes()
    summary = [
        [text(target), count(n), count(scored), percent(Fraction(100 * n, scored) if scored else None, 0)]
        for target, n in sorted(changes.items())
    ]
    tables.append(
        SheetTable(
            "Summary",
            "Inspections whose conclusion, grade, rating or decision changes",
            ["Target", "Inspections changing", "Inspections re-scored", "Share"],
            summary,
            None if summary else "No conclusion, grade, rating or decision changes.",
            [30, 20, 20, 10],
        )
    )
    if result.failures:
        rows = []
        for name, failure in sorted(result.failures.items()):
            d = failure.diagnostic
            rows.append(
                [text(name), text(failure.under)]
                + (
                    [text(d.position.file), count(d.position.line or None), count(d.position.col or None)]
                    + [text(d.code), text(d.message)]
                    if d is not None
                    else [text(None)] * 5
                )
            )
        header = ["Inspection", "Not scored under", "File", "Row", "Column", "Code", "Message"]
        tables.append(SheetTable("Not scored", "Inspections not scored", header, rows, None, [36, 20, 36, 6, 8, 8, 80]))
    about = [
        [text("old ruleset"), text(old_name)],
        [text("new ruleset"), text(new_name)],
        [text("inspections re-scored"), count(scored)],
        [text("not scored"), count(len(result.failures))],
        [text("tool"), text(f"omi-rules {__version__}")],
    ]
    tables.append(SheetTable("About", "What was compared", ["Item", "Value"], about, None, [22, 60]))
    return tables


def _properties(old_name: str, new_name: str) -> dict[str, str]:
    return {"title": f"Impact of {old_name} -> {new_name}", "comments": f"omi-rules {__version__} impact"}
