"""A case sample as read from a file, before it is checked against a ruleset.

Every reader (CSV, Excel, JSON/YAML) produces the same ``RawTable``: a header, rows of raw cell
values, and the position of every cell, so that validation can say "cases.csv:14:7" or
"cases.xlsx:14:7" (row 14, column 7) whatever the format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from omi_rules.casedata.workbook import WorkbookOrigin
from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.yamlio.reader import SourceMap


@dataclass
class RawTable:
    """Header and rows of a case file, with positions."""

    file: str
    header: list[str]
    header_positions: list[Position]
    rows: list[list[Any]] = field(default_factory=list)
    """Cell values: str (CSV), or str/int/float/bool/date (Excel, JSON/YAML); None = empty."""
    row_positions: list[Position] = field(default_factory=list)
    cell_positions: list[list[Position]] = field(default_factory=list)
    """Each cell's place, for formats where it is not its row's line and its column number (a
    JSON/YAML case, whose keys are on lines of their own). A CSV or Excel reader leaves it
    empty: a cell is then at its row's line, column = index + 1, worked out only for the few
    cells that get a diagnostic (a Position per cell was most of the memory of a large file)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Problems found while reading (ragged rows, malformed cells, ...)."""
    origin: WorkbookOrigin | None = None
    """The ruleset a data-collection workbook (``omi-rules template``) was made for."""
    judgements: tuple[Any, SourceMap] | None = None
    """The judgements filled in on such a workbook's judgements sheet (a judgements document
    and where each value is), read when no judgements file is given."""

    def cell_position(self, row: int, column: int) -> Position:
        """Position of a cell: its own if the reader gave one, else on its row's line at its
        column number (or the row's position, for a row without a line)."""
        if row < len(self.cell_positions) and column < len(self.cell_positions[row]):
            return self.cell_positions[row][column]
        where = self.row_positions[row]
        return Position(where.file, where.line, column + 1) if where.line > 0 else where


class TableReader(Protocol):
    """What reading needs of a reader for one suffix: ``read(path, display_name)``.

    The plugin API's ``omi_rules.plugins.Reader`` is one; case data is read below the plugin
    layer, so it names the shape it needs instead of importing the plugin API.
    """

    @property
    def read(self) -> Callable[[Path, str], RawTable]: ...
