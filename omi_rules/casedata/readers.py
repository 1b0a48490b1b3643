"""Read case files (CSV, Excel .xlsx, JSON, YAML) into a ``RawTable``.

Readers only read: they report what makes a file unreadable (exit code 2) or structurally
broken (ragged rows, a merged header, a malformed document) and leave checking values against
the ruleset to ``casedata.validate``. Nothing in a cell is ever evaluated: an Excel formula is
read as its cached value, a formula-like text stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omi_rules.casedata import columnar, xlsx
from omi_rules.casedata import workbook as layout
from omi_rules.casedata.table import RawTable, TableReader, cell_lines
from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position
from omi_rules.diagnostics.codes import make
from omi_rules.yamlio.reader import PathKey, SourceMap, decode_utf8, load_yaml, read_at_most

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_DATA_BYTES = 50 * 1024 * 1024
"""Largest case file read (50 MiB; a national cycle of 5,000 cases is about 3 MiB of CSV)."""
MAX_XLSX_UNPACKED_BYTES = 4 * MAX_DATA_BYTES
"""Largest total size of an .xlsx workbook's unpacked parts (200 MiB: the sheet XML of a filled
omi-2008 workbook is about eight times as long as the same data in CSV, 27 MB for 5,040 cases).
Checked before either reader reads anything, from the sizes the zip declares (which zipfile
enforces when it unpacks): a "zip bomb" of a few megabytes would otherwise unpack to gigabytes
and take minutes and most of the memory to read."""
MAX_XLSX_CELLS = 10_000_000
"""Largest worksheet grid read as a grid (rows x columns from A1): by python-calamine, which
allocates the whole grid (``casedata.xlsx``; a larger one is read by openpyxl, from the cells
the file holds), and by openpyxl when it cannot read the cells alone (``_sheet_rows``). A
national cycle of 5,000 cases with 300 columns is 1.5 million."""
MAX_CELL_CHARS = 10_000
COLUMNAR_FROM = 256 * 1024
"""Size from which a CSV file is read a column at a time (about 350 omi-2008 cases): below it,
importing pyarrow (0.1 s) costs more than the columnar reader saves."""
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".json": "structured", ".yaml": "structured", ".yml": "structured"}


def read_table(path: Path, display: str | None = None, readers: Mapping[str, TableReader] | None = None) -> RawTable:
    """Read a case file, choosing the reader by its suffix among ``readers`` (the built-in and
    plugin readers of a registry; by default the built-in ones).

    Raises ``InputUnreadable`` for missing, binary, non-UTF-8, oversized or unsupported files.
    """
    name = display or str(path)
    reader = readers.get(path.suffix.lower()) if readers else None
    kind = "reader" if reader is not None else SUFFIXES.get(path.suffix.lower())
    if not path.exists():
        raise InputUnreadable(make("Y001", "file not found", Position(name)))
    if path.is_dir():
        raise InputUnreadable(make("Y001", "is a folder, not a file", Position(name)))
    if kind is None:
        known = ", ".join(sorted(readers)) if readers else ".csv, .xlsx, .json or .yaml"
        raise InputUnreadable(
            make("D009", f"cannot read '{path.suffix}' files as case data", Position(name), hint=f"use {known}")
        )
    if path.stat().st_size > MAX_DATA_BYTES:
        raise InputUnreadable(make("D009", f"file is larger than {MAX_DATA_BYTES:,} bytes", Position(name)))
    if reader is not None:
        return reader.read(path, name)
    if kind == "csv":
        raw = read_at_most(path, MAX_DATA_BYTES)
        if len(raw) > MAX_DATA_BYTES:  # a device or pipe (stat gives 0), or a file still growing
            raise InputUnreadable(make("D009", f"file is larger than {MAX_DATA_BYTES:,} bytes", Position(name)))
        return read_csv(raw, name)
    if kind == "xlsx":
        return read_xlsx(path, name)
    return read_structured(path, name)


def read_csv(raw: bytes, name: str) -> RawTable:
    """Read comma-separated UTF-8 text. The first row is the header; blank lines are skipped.

    A file of ``COLUMNAR_FROM`` bytes or more is read a column at a time (``casedata.columnar``)
    when that reader can show it reads the same rows; every other file, and every file with a
    problem in its structure, is read here, where each problem is located.
    """
    hint = "save it as 'CSV UTF-8' in Excel, or as UTF-8 in your editor"
    digest = hashlib.sha256()
    table = None
    if len(raw) >= COLUMNAR_FROM and columnar.available():
        # the file's hash (the result's provenance) is taken on another thread while pyarrow
        # parses: hashlib lets go of the interpreter for large data, and the parse does not keep
        # both cores busy (30 ms of a 35 MB archive's 0.9 s, hidden)
        hashing = threading.Thread(target=digest.update, args=(raw,))
        hashing.start()
        try:
            table = columnar.read_csv_columnar(raw, name, MAX_CELL_CHARS)
        finally:
            hashing.join()
    else:
        digest.update(raw)
    if table is None:
        table = read_csv_rows(decode_utf8(raw, name, "D009", hint), name)
    table.sha256 = digest.hexdigest()
    return table


def read_csv_rows(text: str, name: str) -> RawTable:
    """Read CSV text a row at a time, with the standard library: the reference reader.

    A row is at the line it starts on; in a row with a line break in a quoted cell, each later
    cell is at the line it starts on (``RawTable.cell_lines``).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, int, list[str]]] = []
    """(first line, last line, cells) of each record."""
    try:
        for record in reader:
            first = records[-1][1] + 1 if records else 1
            records.append((first, reader.line_num, record))
    except csv.Error as exc:
        table = RawTable(name, [], [])
        table.diagnostics.append(
            make(
                "D012",
                f"the CSV cannot be read: {exc}",
                Position(name, reader.line_num + 1, 1),
                hint='a quote (") is probably not closed',
            )
        )
        return table
    records = [(first, last, record) for first, last, record in records if any(cell.strip() for cell in record)]
    if not records:
        table = RawTable(name, [], [])
        table.diagnostics.append(make("D008", "the file is empty: no header and no cases", Position(name, 1, 1)))
        return table
    header_line, header_last, header = records[0]
    header_lines = cell_lines(header, header_line) if header_last > header_line else [header_line] * len(header)
    table = RawTable(
        name,
        [cell.strip() for cell in header],
        [Position(name, line, i + 1) for i, line in enumerate(header_lines)],
    )
    if len(header) == 1 and ";" in header[0]:
        table.diagnostics.append(
            make(
                "D012",
                "the header has one column containing ';'",
                Position(name, header_line, 1),
                hint="save the file with commas as separators",
            )
        )
        return table
    spanning: dict[int, list[int]] = {}
    for line, last, record in records[1:]:
        lines = cell_lines([*record, ""], line) if last > line else None
        cells: list[Any] = [c.strip() or None for c in record]  # as _cell, inlined: per cell
        if sum(map(len, record)) > MAX_CELL_CHARS:  # a cell may be too long: cut as _cell does
            cells = [_cell(c) for c in record]
            table.diagnostics += _too_long(record, partial(_in_record, name, line, lines))
        if len(record) != len(header):
            col = min(len(record), len(header)) + 1
            table.diagnostics.append(
                make(
                    "D010",
                    f"this row has {len(record)} cells but the header has {len(header)}",
                    _in_record(name, line, lines, col - 1),
                    hint="every row needs one cell per column (leave a cell empty, don't drop it)",
                )
            )
            continue
        if lines is not None:
            spanning[len(table.rows)] = lines[:-1]
        table.rows.append(cells)
        table.row_positions.append(Position(name, line, 1))  # and each cell at (line, i + 1)
    table.cell_lines = spanning
    return table


def _in_record(file: str, line: int, lines: list[int] | None, index: int) -> Position:
    """The place of cell ``index`` of a CSV record that starts on ``line`` (``lines``: the
    line of each cell, and of the place after the last, when the record spans several)."""
    return Position(file, lines[min(index, len(lines) - 1)] if lines else line, index + 1)


def _value(value: Any) -> Any:
    """A value of a JSON/YAML case (or a ruleset test's inline case) read as a CSV cell would
    be: text trimmed, and ``""`` or blanks empty (None), like an empty cell."""
    return _cell(value) if isinstance(value, str) else value


def _too_long(values: Sequence[Any], where: Callable[[int], Position]) -> list[Diagnostic]:
    """A ``D012`` for each text of ``values`` longer than ``MAX_CELL_CHARS``: such a cell is
    read cut to that length (no field value or answer is that long: it is a paste or an export
    gone wrong), and the cut is said, never silent."""
    return [
        make(
            "D012",
            f"this cell holds {len(value):,} characters; a cell of case data holds at most {MAX_CELL_CHARS:,}",
            where(i),
            hint="the cell is read cut to that length: check what was pasted or exported into it",
        )
        for i, value in enumerate(values)
        if isinstance(value, str) and len(value.strip()) > MAX_CELL_CHARS
    ]


def _key_at(source_map: SourceMap, case: PathKey, header: list[str], index: int) -> Position:
    """The place of the value of ``header[index]`` in a JSON/YAML case."""
    return source_map.value((*case, header[index]))


def _cell(value: str) -> str | None:
    stripped = value.strip()
    return stripped[:MAX_CELL_CHARS] if stripped else None


def read_xlsx(path: Path, name: str) -> RawTable:
    """Read the first worksheet of an Excel workbook (cached values, never formulas).

    A workbook made by ``omi-rules template`` is recognised by its hidden sheet: its header is
    the row of column ids below the label rows (section, criterion, question text), which are
    not cases, and the ruleset it was made for is kept on the table (``origin``).

    The sheets are read with python-calamine (``casedata.xlsx``) when that reader can show it
    may read the file, and with openpyxl, the reference reader, otherwise: the rows, their
    numbers and values, and every diagnostic are the same either way.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception as exc:  # zipfile raises more than BadZipFile on a damaged file (tests/fuzz)
        raise InputUnreadable(
            make("D009", f"not a readable Excel .xlsx workbook ({type(exc).__name__})", Position(name))
        ) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise InputUnreadable(
            make(
                "D009",
                f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_XLSX_UNPACKED_BYTES:,}",
                Position(name),
                hint="save the case data as CSV, or check that this is the right file",
            )
        )
    with xlsx.collection_paused():
        return _xlsx_table(xlsx.read_sheets(path, name, MAX_XLSX_CELLS) or _read_openpyxl(path, name))


def _xlsx_table(sheets: xlsx.Sheets) -> RawTable:
    """The table of the sheet read: its header (a template's row of ids) and its cases."""
    where, rows, origin, judged = sheets.where, sheets.rows, sheets.origin, sheets.judged
    numbered = [(n, r) for n, r in rows if any(v is not None and str(v).strip() for v in r)]
    if not numbered:
        table = RawTable(where, [], [])
        table.diagnostics.append(make("D008", "the worksheet is empty: no header and no cases", Position(where, 1, 1)))
        return table
    found = layout.id_row(numbered) if origin is not None else None
    if origin is not None and found is None:
        table = RawTable(where, [], [], origin=origin)
        table.diagnostics.append(
            make(
                "D012",
                f"this workbook was made by omi-rules template, but its row of column ids (row {layout.ID_ROW}: "
                f"case_id, the fields and the question ids) is missing",
                Position(where, 1, 1),
                hint="restore the row (copy it from a new workbook made with `omi-rules template`)",
            )
        )
        return table
    header_row, header = numbered[found or 0]
    numbered = numbered[found or 0 :]  # a template's label rows above its ids are not cases
    while header and header[-1] is None:
        header = header[:-1]
    table = RawTable(
        where,
        [str(v).strip() if v is not None else "" for v in header],
        [Position(where, header_row, i + 1) for i in range(len(header))],
        origin=origin,
        judgements=judged,
    )
    for min_row, min_col, max_row, coord in sheets.merged:
        if min_row <= header_row <= max_row:
            table.diagnostics.append(
                make(
                    "D012",
                    f"the header row has merged cells ({coord})",
                    Position(where, min_row, min_col),
                    hint="unmerge them: each column needs its own header (case_id, field or question id)",
                )
            )
    if table.diagnostics:
        table.header, table.header_positions = [], []  # no usable header: nothing more to check
        return table
    for number, values in numbered[1:]:
        extra = [v for v in values[len(header) :] if v is not None and str(v).strip()]
        if extra:
            table.diagnostics.append(
                make(
                    "D010",
                    f"this row has values beyond the last header column ({len(header)})",
                    Position(where, number, len(header) + 1),
                )
            )
            continue
        values = values[: len(header)]
        cells = [_cell(v) if type(v) is str else _xlsx_cell(v) for v in values]  # _xlsx_cell, text inlined
        cells += [None] * (len(header) - len(cells))
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):  # rare: then each is said
            table.diagnostics += _too_long(values, partial(_in_record, where, number, None))
        table.rows.append(cells)
        table.row_positions.append(Position(where, number, 1))  # and each cell at (row, i + 1)
    return table


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')


def _refuse_wide_merges(path: Path, name: str) -> None:
    """Refuse (D009) a workbook with a merged range over more than ``MAX_XLSX_CELLS`` cells,
    before openpyxl opens it: openpyxl makes a cell object for every place a merged range
    covers, so one range A1:XFD1048576 took over 24 GB (found by fuzzing). The worksheets' XML
    is read a chunk at a time, looking at the mergeCell elements only."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            with archive.open(info) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    window = tail + chunk
                    for match in _MERGE.finditer(window):
                        first_col, first_row, last_col, last_row = match.groups()
                        cells = (abs(_column_number(last_col) - _column_number(first_col)) + 1) * (
                            abs(int(last_row) - int(first_row)) + 1
                        )
                        if cells > MAX_XLSX_CELLS:
                            ref = b"".join((first_col, first_row, b":", last_col, last_row)).decode()
                            raise InputUnreadable(
                                make(
                                    "D009",
                                    f"a worksheet has a merged range {ref} of {cells:,} cells; the limit is "
                                    f"{MAX_XLSX_CELLS:,}",
                                    Position(name),
                                    hint="unmerge it (select the range, Merge & Center off), or save as CSV",
                                )
                            )
                    tail = window[-256:]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _read_openpyxl(path: Path, name: str) -> xlsx.Sheets:
    """The sheets ``read_xlsx`` reads, read with openpyxl: the reference reader, for every
    workbook that ``casedata.xlsx`` leaves to it."""
    from openpyxl import load_workbook

    try:
        _refuse_wide_merges(path, name)
        workbook = load_workbook(path, data_only=True)
        worksheets = workbook.worksheets  # chart sheets hold no cells
        if not worksheets:
            raise InputUnreadable(make("D009", "the workbook has no worksheet", Position(name)))
        titles = [ws.title for ws in worksheets]
        sheet = worksheets[titles.index("cases")] if "cases" in titles else worksheets[0]
        where = f"{name}[{sheet.title}]" if len(workbook.sheetnames) > 1 else name
        rows = _sheet_rows(sheet, where)
        merged = [(r.min_row, r.min_col, r.max_row, r.coord) for r in sheet.merged_cells.ranges]
        origin = _origin(workbook, name)
        judged = None
        if origin is not None and layout.JUDGEMENTS_SHEET in workbook.sheetnames:
            at = f"{name}[{layout.JUDGEMENTS_SHEET}]"
            judged = layout.judgements_from_rows(_sheet_rows(workbook[layout.JUDGEMENTS_SHEET], at), at)
    except InputUnreadable:
        raise
    except Exception as exc:
        # A damaged workbook makes openpyxl (and the XML and zip readers below it) raise almost
        # any exception type: KeyError, ValueError, TypeError, IndexError, ParseError... Each is
        # a file that cannot be read (exit 2), not a bug in omi-rules (found by fuzzing).
        raise InputUnreadable(
            make("D009", f"not a readable Excel .xlsx workbook ({type(exc).__name__})", Position(name))
        ) from None
    return xlsx.Sheets(where, rows, sorted(merged, key=lambda m: (m[0], m[1])), origin, judged)


def _origin(workbook: Workbook, name: str) -> layout.WorkbookOrigin | None:
    """What a template-made workbook records about its ruleset: from its hidden sheet, or,
    when an editor dropped the sheet, from its custom document properties."""
    if layout.META_SHEET in workbook.sheetnames:
        at = f"{name}[{layout.META_SHEET}]"
        found = xlsx.origin_from_meta(_sheet_rows(workbook[layout.META_SHEET], at), at)
        if found is not None:
            return found
    # custom_doc_props (openpyxl 3.1) is not in types-openpyxl yet
    listed: list[Any] = getattr(getattr(workbook, "custom_doc_props", None), "props", [])
    return xlsx.origin_from_properties(listed, name)


def _sheet_rows(sheet: Worksheet, where: str) -> list[tuple[int, list[Any]]]:
    """The worksheet's rows that hold cells, numbered from 1, each as long as its last cell.

    Read from the cells the file holds, not as a grid: iterating the grid makes openpyxl create
    a cell for every place in it, so one cell far out (A1048576, XFD1048576) meant millions or
    billions of cells: minutes, or no end (found by fuzzing). ``Worksheet._cells`` is private but
    long-standing (and typed in types-openpyxl); without it, the grid is read if not too large.
    """
    cells = getattr(sheet, "_cells", None)
    if isinstance(cells, dict):
        by_row: dict[int, dict[int, Any]] = {}
        for (row, column), cell in cells.items():
            by_row.setdefault(row, {})[column] = cell.value
        return [(row, [by_row[row].get(c) for c in range(1, max(by_row[row]) + 1)]) for row in sorted(by_row)]
    grid = sheet.max_row * sheet.max_column
    if grid > MAX_XLSX_CELLS:
        raise InputUnreadable(
            make(
                "D009",
                f"the worksheet spans {sheet.dimensions} ({grid:,} cells); the limit is {MAX_XLSX_CELLS:,}",
                Position(where),
                hint="delete what lies beyond the case data (select the empty rows and columns, Delete)",
            )
        )
    return [(i + 1, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True))]


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return _cell(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def read_structured(path: Path, name: str) -> RawTable:
    """Read a JSON or YAML document ``{cases: [{case_id: ..., field: ..., "1.2.3": ...}, ...]}``.

    The document shape is published as ``schemas/case-data.schema.json``.
    """
    from omi_rules.model.schema_check import validate

    try:
        doc = load_yaml(path, name)
    except InputUnreadable as exc:
        d = exc.diagnostic
        raise InputUnreadable(make("D009", d.message, d.position, d.hint) if d.code != "Y001" else d) from None
    table = RawTable(name, [], [])
    table.diagnostics.extend(doc.diagnostics)
    if doc.data is None:
        if not doc.diagnostics:
            table.diagnostics.append(make("D008", "the file is empty", Position(name, 1, 1)))
        return table
    problems = validate(doc.data, "case-data.schema.json", doc.source_map)
    table.diagnostics.extend(make("D012", d.message, d.position, d.hint) for d in problems)
    if problems:
        return table
    return table_from_cases(doc.data["cases"], doc.source_map, ("cases",), name)


def table_from_cases(cases: list[dict[str, Any]], source_map: SourceMap, at: PathKey, name: str) -> RawTable:
    """A table from case mappings already loaded (a JSON/YAML case file, or a ruleset test's
    inline cases at path ``at`` of its document), keeping every value's position."""
    table = RawTable(name, [], [])
    if not cases:
        table.diagnostics.append(make("D008", "no cases are listed", source_map.value(at)))
        return table
    header: list[str] = []
    for case in cases:
        header.extend(key for key in case if key not in header)
    table.header = header
    table.header_positions = [source_map.key((*at, 0, key)) for key in header]
    for i, case in enumerate(cases):
        values = [case.get(key) for key in header]
        table.rows.append([_value(value) for value in values])
        table.diagnostics += _too_long(values, partial(_key_at, source_map, (*at, i), header))
        row_position = source_map.value((*at, i))
        table.row_positions.append(row_position)
        table.cell_positions.append(
            [source_map.value((*at, i, key)) if key in case else row_position for key in header]
        )
    return table
