"""A case sample as read from a file, before it is checked against a ruleset.

Every reader (CSV, Excel, JSON/YAML) produces the same ``RawTable``: a header, the cells, and
where each cell was written, so that validation can say "cases.csv:14:7" or "cases.xlsx:14:7"
(row 14, column 7) whatever the format.

A table holds its cells in one of two shapes. A reader of rows (Excel, JSON/YAML, a plugin's
reader) appends rows of values. The columnar CSV reader (``casedata.columnar``) gives each
column already dictionary-encoded: its distinct values and one code per row. An archive of
50,000 cases has 12 million cells but a few hundred distinct values per column, so checking
and scoring work on codes, and a Python object per cell is never made. Either shape is seen
through the other when asked for (``column``, ``rows``), so no caller depends on which reader
made the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata.workbook import WorkbookOrigin
from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.yamlio.reader import SourceMap


@dataclass(frozen=True)
class EncodedColumn:
    """One column of a table as its distinct values and, per row, the index of its value."""

    values: list[Any]
    """The distinct cell values (None = an empty cell), in order of first appearance."""
    codes: NDArray[np.int32]
    """Per row, the index in ``values`` of the row's cell."""

    def take(self, by_value: Sequence[Any]) -> list[Any]:
        """Per row, ``by_value[code]``: a result worked out once per distinct value, spread
        over the rows in one array operation (no Python loop over the cells)."""
        spread = np.empty(len(by_value), dtype=object)
        spread[:] = list(by_value)  # element-wise: a tuple or list stays one object
        result: list[Any] = spread.take(self.codes).tolist()
        return result


class RawTable:
    """Header and cells of a case file, with the place of every cell."""

    def __init__(
        self,
        file: str,
        header: list[str],
        header_positions: list[Position],
        *,
        origin: WorkbookOrigin | None = None,
        judgements: tuple[Any, SourceMap] | None = None,
    ) -> None:
        self.file = file
        self.header = header
        self.header_positions = header_positions
        self.cell_positions: list[list[Position]] = []
        """Each cell's place, for formats where it is not its row's line and its column number
        (a JSON/YAML case, whose keys are on lines of their own). A CSV or Excel reader leaves
        it empty: a cell is then at its row's line, column = index + 1, worked out only for the
        few cells that get a diagnostic (a Position per cell was most of the memory of a large
        file)."""
        self.cell_lines: Mapping[int, Sequence[int]] = {}
        """Row number -> the line of each of its cells, for a row that spans several lines (a
        line break in a quoted CSV cell); every other row's cells are on the row's line."""
        self.diagnostics: list[Diagnostic] = []
        """Problems found while reading (ragged rows, malformed cells, ...)."""
        self.origin = origin
        """The ruleset a data-collection workbook (``omi-rules template``) was made for."""
        self.judgements = judgements
        """The judgements filled in on such a workbook's judgements sheet (a judgements
        document and where each value is), read when no judgements file is given."""
        self.sha256: str | None = None
        """The SHA-256 of the bytes the table was read from, when its reader had them all
        (CSV): the result's provenance names exactly what was read, without reading the file
        again (50 ms for a 35 MB archive). None: the result hashes the file."""
        self._rows: list[list[Any]] | None = []
        self._row_positions: list[Position] | None = []
        self._encoded: list[EncodedColumn] | None = None
        self._lines: NDArray[np.int64] | None = None
        self._encoded_rows: dict[int, EncodedColumn] = {}

    @classmethod
    def from_columns(
        cls,
        file: str,
        header: list[str],
        header_positions: list[Position],
        columns: list[EncodedColumn],
        lines: NDArray[np.int64],
    ) -> RawTable:
        """A table read a column at a time: one encoded column per header cell, and the line
        of each row (its cells are at that line, column = index + 1)."""
        table = cls(file, header, header_positions)
        table._encoded, table._lines = columns, lines
        table._rows = table._row_positions = None
        return table

    @property
    def size(self) -> int:
        """How many rows (cases) the table has."""
        if self._lines is not None:
            return len(self._lines)
        return len(self.rows)

    @property
    def rows(self) -> list[list[Any]]:
        """Cell values per row: str (CSV), or str/int/float/bool/date (Excel, JSON/YAML);
        None = empty. A reader of rows appends to this list; for a table read a column at a
        time, the rows are made on first use (a survey, a test: never a large sample)."""
        if self._rows is None:
            assert self._encoded is not None
            by_column = [column.take(column.values) for column in self._encoded]
            self._rows = [list(row) for row in zip(*by_column, strict=True)] if by_column else []
        return self._rows

    @property
    def row_positions(self) -> list[Position]:
        """Where each row was written (its line, column 1). Appended to by a reader of rows."""
        if self._row_positions is None:
            assert self._lines is not None
            self._row_positions = [Position(self.file, int(line), 1) for line in self._lines]
        return self._row_positions

    def row_position(self, row: int) -> Position:
        """Where row number ``row`` (from 0) was written."""
        if self._lines is not None:
            return Position(self.file, int(self._lines[row]), 1)
        return self.row_positions[row]

    def column(self, index: int) -> EncodedColumn:
        """Column ``index`` dictionary-encoded (encoded from the rows once, for a table of rows;
        a cell beyond a short row is empty)."""
        if self._encoded is not None:
            return self._encoded[index]
        if index not in self._encoded_rows:
            self._encoded_rows[index] = encode([row[index] if index < len(row) else None for row in self.rows])
        return self._encoded_rows[index]

    def cell_position(self, row: int, column: int) -> Position:
        """Position of a cell: its own if the reader gave one, else on its row's line at its
        column number (or the row's position, for a row without a line)."""
        if row < len(self.cell_positions) and column < len(self.cell_positions[row]):
            return self.cell_positions[row][column]
        where = self.row_position(row)
        if where.line <= 0:
            return where
        lines = self.cell_lines.get(row) if self.cell_lines else None
        line = lines[min(column, len(lines) - 1)] if lines else where.line
        return Position(where.file, line, column + 1)


def cell_lines(cells: Sequence[str], first: int) -> list[int]:
    """The line each cell of a CSV record that starts on line ``first`` starts on: one line
    further for each line break in the cells before it (as ``csv.reader`` counts them: LF, CRLF
    or a lone CR)."""
    lines, line = [], first
    for cell in cells:
        lines.append(line)
        line += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
    return lines


def encode(cells: Sequence[Any]) -> EncodedColumn:
    """Dictionary-encode a column of cell values.

    Texts are their own keys; any other value is keyed with its type (``True``, ``1`` and
    ``1.0`` are equal in Python but are three values of a cell here), and a value that cannot be
    a key (a list in a YAML case) by its repr.
    """
    try:
        distinct = dict.fromkeys(cells)
        plain = all(v is None or type(v) is str for v in distinct)
    except TypeError:  # a value that cannot be a key
        plain = False
    if plain:
        index = {value: i for i, value in enumerate(distinct)}
        return EncodedColumn(list(distinct), np.fromiter(map(index.__getitem__, cells), np.int32, len(cells)))
    keys = [_key(v) for v in cells]
    first = dict(zip(keys, cells, strict=True))
    index = {key: i for i, key in enumerate(first)}
    return EncodedColumn(list(first.values()), np.fromiter(map(index.__getitem__, keys), np.int32, len(keys)))


def _key(raw: Any) -> Any:
    if raw is None or type(raw) is str:
        return raw
    try:
        hash(raw)
    except TypeError:
        return (type(raw), repr(raw))
    return (type(raw), raw)


class TableReader(Protocol):
    """What reading needs of a reader for one suffix: ``read(path, display_name)``.

    The plugin API's ``omi_rules.plugins.Reader`` is one; case data is read below the plugin
    layer, so it names the shape it needs instead of importing the plugin API.
    """

    @property
    def read(self) -> Callable[[Path, str], RawTable]: ...
