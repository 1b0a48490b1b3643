"""A table as a worksheet: a title, a header, then rows of typed cells.

The results workbooks (``score`` and ``impact`` with ``--format xlsx``) are lists of tables, one
sheet each. A cell says what it is (a percentage, a count, a number, text) so the sheet keeps
numbers as numbers, with a format that shows them as the report does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from omi_rules.workbook.cells import SHEET_NAME_LIMIT, Book, Sheet, percent_format

CellKind = Literal["text", "percent", "count", "number"]
Value = str | int | Fraction | Decimal | None


@dataclass(frozen=True)
class Cell:
    """One cell: a value and how it is shown. A percentage is given in percent (72 for 72%)
    and written as the fraction Excel formats with ``%`` (0.72)."""

    value: Value
    kind: CellKind = "text"
    decimals: int = 0
    """Places shown of a percentage or number (the ruleset's rounding for a published score)."""
    bold: bool = False


def text(value: str | None, bold: bool = False) -> Cell:
    return Cell(value, "text", bold=bold)


def percent(value: Fraction | Decimal | None, decimals: int = 0, bold: bool = False) -> Cell:
    return Cell(value, "percent", decimals, bold)


def count(value: int | None) -> Cell:
    return Cell(value, "count")


def number(value: Fraction | Decimal | int | None, decimals: int = 2) -> Cell:
    return Cell(value, "number", decimals)


@dataclass
class SheetTable:
    """One sheet: its name, a title line, an optional note, the header and the rows."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str | None = None
    widths: Sequence[float] = ()


_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name: Excel forbids ``[]:*?/\\``, more than 31 characters, and
    two sheets whose names differ only in case."""
    base = _NOT_IN_NAMES.sub(" ", wanted).strip("' ")[:SHEET_NAME_LIMIT] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


HEADER = {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}


def write_tables(tables: list[SheetTable], properties: dict[str, str]) -> bytes:
    """The workbook of ``tables``, one sheet each, in order."""
    book = Book()
    book.raw.set_properties(properties)
    taken: set[str] = set()
    for table in tables:
        sheet = book.sheet(sheet_name(table.name, taken))
        sheet.text(0, 0, table.title, {"bold": True, "font_size": 13})
        start = 2
        if table.note:
            sheet.text(1, 0, table.note, {"italic": True})
            start = 3
        for col, name in enumerate(table.header):
            sheet.text(start, col, name, HEADER)
        widths = table.widths or [max(12.0, min(60.0, 1.2 * len(h))) for h in table.header]
        sheet.widths(widths)
        for index, row in enumerate(table.rows, start=start + 1):
            for col, cell in enumerate(row):
                _write(sheet, index, col, cell)
            sheet.fit(index, [c.value if c.kind == "text" else None for c in row])
        sheet.raw.freeze_panes(start + 1, 0)
        if table.rows and table.header:
            sheet.raw.autofilter(start, 0, start + len(table.rows), len(table.header) - 1)
    return book.close()


def _write(sheet: Sheet, row: int, col: int, cell: Cell) -> None:
    style: dict[str, object] = {"bold": True} if cell.bold else {}
    value = cell.value
    if value is None:
        if style:
            sheet.raw.write_blank(row, col, None, sheet.book.format(style))
        return
    if cell.kind == "text" or isinstance(value, str):
        sheet.text(row, col, str(value), {**style, "text_wrap": True, "valign": "top"})
    elif cell.kind == "percent":
        sheet.number(row, col, Fraction(value) / 100, {**style, "num_format": percent_format(cell.decimals)})
    elif cell.kind == "count":
        sheet.number(row, col, value, {**style, "num_format": "0"})
    else:
        places = "0" if cell.decimals == 0 else "0." + "#" * cell.decimals
        sheet.number(row, col, value, {**style, "num_format": places})
