"""Writing cells with xlsxwriter, safely and with types.

Every workbook omi-rules writes goes through here, for two reasons:

* **No formula injection.** Text from a ruleset, a case file or a result (a question's text,
  a case id, a finding's message) could begin with ``=``, ``+``, ``-`` or ``@``, which a
  spreadsheet would run as a formula if the cell were written with ``write()`` or re-entered.
  Text is only ever written with ``write_string`` and, when it begins with one of those
  characters, with Excel's quote prefix, so it stays text even when someone edits the cell.
* **Numbers stay numbers.** Scores are exact fractions in the result model; they become a
  float only here, as they are written into a cell with a number format, so a spreadsheet can
  compute with them and still shows them as the report does.

xlsxwriter has no type annotations; this module is the one place that talks to it, so the rest
of the package is checked by mypy as usual.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Starts of a text that a spreadsheet may take for a formula (OWASP's CSV-injection list)."""
SHEET_NAME_LIMIT = 31
INPUT_TITLE_LIMIT = 32
MESSAGE_LIMIT = 255
"""Excel's limits on a data validation's titles and messages (xlsxwriter drops a longer one)."""
LIST_SOURCE_LIMIT = 255
"""Longest list of values Excel accepts written into a validation; longer lists go on a sheet."""
Props = Mapping[str, Any]
LINE_HEIGHT = 15
"""Points per line of the default 11-point font."""
ROW_HEIGHT_LIMIT = 409
"""Excel's tallest row, in points."""


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def risky(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


class Book:
    """An xlsxwriter workbook written into memory, with its formats made once each."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.raw: Any = xlsxwriter.Workbook(self._buffer, {"in_memory": True, "strings_to_formulas": False})
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def format(self, props: Props | None = None) -> Any:
        """The format with these properties (xlsxwriter's ``add_format``), made once."""
        key = tuple(sorted((props or {}).items()))
        if key not in self._formats:
            self._formats[key] = self.raw.add_format(dict(key))
        return self._formats[key]

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, self.raw.add_worksheet(name[:SHEET_NAME_LIMIT]))

    def close(self) -> bytes:
        """The finished workbook's bytes."""
        self.raw.close()
        return self._buffer.getvalue()


class Sheet:
    """A worksheet whose cells are written by kind: text, number, or nothing."""

    def __init__(self, book: Book, raw: Any) -> None:
        self.book = book
        self.raw = raw
        self.column_widths: list[float] = []

    def text(self, row: int, col: int, value: str, props: Props | None = None) -> None:
        """Text, always as text: a value that looks like a formula gets the quote prefix."""
        style = dict(props or {})
        if risky(value):
            style["quote_prefix"] = True
        self.raw.write_string(row, col, value, self.book.format(style) if style else None)

    def number(self, row: int, col: int, value: Fraction | Decimal | int | float, props: Props | None = None) -> None:
        """A number; an exact value becomes a float only here, for the cell."""
        self.raw.write_number(row, col, float(value), self.book.format(props) if props else None)

    def value(self, row: int, col: int, value: object, props: Props | None = None) -> None:
        """A number as a number, None as an empty cell, anything else as text."""
        if value is None:
            self.raw.write_blank(row, col, None, self.book.format(props) if props else None)
        elif isinstance(value, bool):
            self.text(row, col, "true" if value else "false", props)
        elif isinstance(value, int | float | Fraction | Decimal):
            self.number(row, col, value, props)
        else:
            self.text(row, col, str(value), props)

    def row(self, row: int, values: list[object], props: Props | None = None) -> None:
        for col, value in enumerate(values):
            self.value(row, col, value, props)

    def merge(self, row: int, first: int, last: int, value: str, props: Props | None = None) -> None:
        """``value`` across columns ``first``..``last`` of ``row`` (one cell when they are equal)."""
        if first == last:
            self.text(row, first, value, props)
            return
        style = dict(props or {})
        if risky(value):
            style["quote_prefix"] = True
        self.raw.merge_range(row, first, row, last, "", self.book.format(style))
        self.raw.write_string(row, first, value, self.book.format(style))

    def widths(self, widths: Sequence[float]) -> None:
        self.column_widths = list(widths)
        for col, width in enumerate(widths):
            self.raw.set_column(col, col, width)

    def fit(self, row: int, texts: Sequence[object]) -> None:
        """Give ``row`` the height its wrapped text needs in the columns' widths. Excel and
        LibreOffice do not grow a row for wrapped text in a file they did not lay out, so
        without this a long question would be cut off or overlap the next row."""
        widths = self.column_widths
        lines = 1
        for col, value in enumerate(texts):
            if value is None or col >= len(widths):
                continue
            per_line = max(1, int(widths[col] * 1.15))
            needed = sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            self.raw.set_row(row, min(ROW_HEIGHT_LIMIT, LINE_HEIGHT * lines))


def percent_format(decimals: int) -> str:
    """Excel's number format for a percentage with ``decimals`` places: ``0%``, ``0.0%``."""
    return "0%" if decimals == 0 else "0." + "0" * decimals + "%"
