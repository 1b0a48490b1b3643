"""Read an Excel .xlsx workbook's sheets with python-calamine (Rust), ten times faster than openpyxl.

openpyxl makes a Python object for every cell with its style, which is most of the time of
reading a filled workbook: 5 seconds for a national cycle of 5,040 cases, a minute for 50,400.
calamine parses the sheet in Rust and hands over the values only (benchmarks/bench_xlsx.py).

This reader is an accelerator of the reference one (openpyxl, in ``readers.read_xlsx``), never a
second definition of what a workbook means: it gives the same rows, at the same sheet row and
column numbers, with the values openpyxl gives (see ``_as_openpyxl``), and it takes a workbook
only when it can show that calamine may read it; otherwise it returns None and openpyxl reads
the file, with every check and message as before. Before calamine opens anything, the zip's
parts are scanned (``_scan``) with numpy, and the file is left to openpyxl when:

* a worksheet's cells span a grid of more than ``max_cells`` (rows x columns from A1):
  calamine allocates the whole grid at once, so one cell at XFD1048576 would ask for 550 GB and
  end the process (a Rust abort, no exception); openpyxl reads only the cells the file holds;
* a cell has no ``r`` reference right after its tag (calamine would then count positions
  itself, so they could not be bounded from the references), or a part is UTF-16;
* the shared strings declare more strings than their part could hold (calamine reserves room
  for that many before reading one: another abort);
* a cell holds an error value (``#N/A``): calamine reads it as empty, openpyxl as its text,
  which validation reports; or an ISO date (``t="d"``);
* a text that calamine reads otherwise (an escaped ``_x000D_``, a carriage return, a leading
  space without ``xml:space="preserve"``, rich text: ``_Part.text_apart``);
* a cell's style index is not in the style sheet, or ``xl/styles.xml`` is not well-formed XML
  (openpyxl refuses such a file: D009; calamine would read it);
* calamine itself cannot read the file or a sheet (any exception, a Rust panic included).

Dropping to openpyxl never changes a result, only the time it takes. Custom document properties
(the origin of a template-made workbook whose hidden sheet was dropped by an editor) are not
read by calamine: they are read from ``docProps/custom.xml`` with openpyxl's own class, without
loading the workbook, only in that rare case. ``tests/test_xlsx.py`` reads workbooks with both
readers and requires the same table and the same diagnostics.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata import workbook as layout
from omi_rules.diagnostics import Position
from omi_rules.yamlio.reader import SourceMap

CHUNK = 1024 * 1024
"""Bytes of a zip part scanned at a time (a few MB of numpy arrays at most)."""
_CARRY = 256
"""Bytes kept from one chunk to the next: what a check looks at before and after a byte (the
longest is a ``uniqueCount`` attribute, ``_UNIQUE_COUNT``)."""
_WINDOW = 16
"""Bytes read after each quote: a reference of at most 5 letters and 8 digits, and its end."""
_MAX_LETTERS, _MAX_DIGITS = 5, 8
"""Longer references are beyond any grid read as a grid (26**5 columns, 10**8 rows)."""
_WORKSHEET, _CHARTSHEET = "WorkSheet", "ChartSheet"


@dataclass
class Sheets:
    """What ``readers.read_xlsx`` needs of a workbook, whichever library read it."""

    where: str
    """The file's name, with ``[sheet]`` when the workbook has several sheets."""
    rows: list[tuple[int, list[Any]]]
    """The rows of the sheet read, numbered as in Excel; a row's cells from column A, with
    the values openpyxl gives (None for an empty cell)."""
    merged: list[tuple[int, int, int, str]]
    """The sheet's merged ranges as (first row, first column, last row, "A1:E1"), in order."""
    origin: layout.WorkbookOrigin | None
    judged: tuple[dict[str, Any], SourceMap] | None


@dataclass
class _Part:
    """What the scan found in one zip part."""

    sheet: bool = False
    """The part has a ``sheetData`` element: it can be a worksheet."""
    rows: int = 0
    columns: int = 0
    """The largest row and column of any reference-like value in the part."""
    too_far: bool = False
    """A reference-like value has more letters or digits than any grid read as a grid."""
    tags: int = 0
    referenced: int = 0
    """Cell tags (``<c``, ``<x:c``...), and those of them written ``<c r="``."""
    errors: bool = False
    styles: int = -1
    """The largest cell style index; -1 when none."""
    odd_style: bool = False
    spaced: bool = False
    """An ``=`` with a space beside it (see ``_SPACE``)."""
    strings_part: bool = False
    """The part has a ``<sst>`` element: it can be the shared strings."""
    text_apart: bool = False
    """A text calamine would read otherwise than openpyxl: an escaped character (``_x000D_``,
    which calamine decodes and openpyxl keeps), a raw carriage return (calamine keeps it, XML
    makes it a line feed), a text starting with a space without ``xml:space="preserve"``
    (``<t> a``: calamine trims it), a rich text of several runs (calamine trims each), a text
    of a prefixed namespace."""
    strings: int = 0
    """The count of shared strings the part declares (``uniqueCount``)."""
    wide: bool = False
    """The part starts as UTF-16 text."""
    size: int = 0
    text: bytearray = field(default_factory=bytearray)
    """The whole part, kept only for ``xl/styles.xml``."""


class _GiveWay(Exception):
    """The workbook is for openpyxl."""


def read_sheets(path: Path, name: str, max_cells: int) -> Sheets | None:
    """The sheets of the workbook at ``path`` as ``readers.read_xlsx`` reads them (the sheet
    named cases, or the first worksheet; the hidden sheet of a template; its judgements), or
    None when openpyxl must read it (see the module's docstring). The zip's unpacked size has
    been checked (``readers.MAX_XLSX_UNPACKED_BYTES``)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # a dependency; a broken install is not fatal: openpyxl reads every file
        return None
    try:
        parts = _scan(path)
        _check(parts, max_cells)
    except _GiveWay:
        return None
    except Exception:  # a zip that zipfile cannot unpack: openpyxl reports it (D009)
        return None
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            return _read(book, path, name, parts)
    except _GiveWay:
        return None
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3's PanicException)
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        return None


def _read(book: Any, path: Path, name: str, parts: dict[str, _Part]) -> Sheets:
    kinds = {str(meta.name): str(meta.typ).rsplit(".", 1)[-1] for meta in book.sheets_metadata}
    names = [str(n) for n in book.sheet_names]
    if any(kind not in (_WORKSHEET, _CHARTSHEET) for kind in kinds.values()) or len(kinds) != len(names):
        raise _GiveWay  # a dialog or macro sheet, or two sheets of one name
    worksheets = [n for n in names if kinds[n] == _WORKSHEET]
    if not worksheets or sum(p.sheet for p in parts.values()) != len(worksheets):
        raise _GiveWay  # no worksheet, or one whose part is missing (openpyxl skips it)
    title = "cases" if "cases" in worksheets else worksheets[0]
    where = f"{name}[{title}]" if len(names) > 1 else name
    sheet = book.get_sheet_by_name(title)
    rows = _rows(sheet)
    merged = _merged(sheet.merged_cell_ranges)
    origin = _origin(book, names, kinds, path, name)
    judged = None
    if origin is not None and layout.JUDGEMENTS_SHEET in names:
        if kinds[layout.JUDGEMENTS_SHEET] != _WORKSHEET:
            raise _GiveWay
        at = f"{name}[{layout.JUDGEMENTS_SHEET}]"
        judged = layout.judgements_from_rows(_rows(book.get_sheet_by_name(layout.JUDGEMENTS_SHEET)), at)
    return Sheets(where, rows, merged, origin, judged)


def _rows(sheet: Any) -> list[tuple[int, list[Any]]]:
    """The sheet's rows numbered as in Excel, each from column A: calamine's rows start at the
    sheet's first used cell (``start``), openpyxl's at A1."""
    start = sheet.start
    if start is None:
        return []
    first_row, first_column = start
    pad = [None] * first_column
    grid = sheet.to_python(skip_empty_area=True)
    out = []
    for index, row in enumerate(grid):
        grid[index] = None  # each row's values once in memory, not twice (50,400 cases: 12 million)
        values = [(v or None) if type(v) is str else _as_openpyxl(v) for v in row]  # text inlined
        out.append((first_row + index + 1, pad + values if first_column else values))
    return out


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a sheet becomes lists of values: no cycle can
    form among them, and each collection would visit every list made so far (for 50,400 cases
    it took a fifth of the reading time)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_INT_LIMIT = 2.0**53


def _as_openpyxl(value: Any) -> Any:
    """A calamine value as openpyxl gives it: an empty cell (calamine's "") is None; a whole
    number is an int (calamine gives every number as a float; openpyxl reads "4" as 4, and
    Excel writes whole numbers without a decimal point); a date is a datetime at midnight
    (calamine gives a date when there is no time of day; openpyxl always a datetime). Times,
    durations, booleans and text are the same in both."""
    kind = type(value)
    if kind is str:
        return value if value else None
    if kind is float:
        return int(value) if value.is_integer() and -_INT_LIMIT <= value <= _INT_LIMIT else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _merged(ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None) -> list[tuple[int, int, int, str]]:
    out = []
    for (top, left), (bottom, right) in ranges or []:
        if bottom < top or right < left:
            raise _GiveWay  # "B1:A1": openpyxl refuses it (D009)
        top, left, bottom, right = top + 1, left + 1, bottom + 1, right + 1
        coord = f"{letter(left)}{top}" + ("" if (top, left) == (bottom, right) else f":{letter(right)}{bottom}")
        out.append((top, left, bottom, coord))
    return sorted(out, key=lambda merged: merged[:2])  # stable: in the file's order, as openpyxl


def letter(column: int) -> str:
    """Excel's name of column number ``column`` (1 = A, 27 = AA)."""
    name = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def origin_from_meta(rows: list[tuple[int, list[Any]]], at: str) -> layout.WorkbookOrigin | None:
    """The origin recorded in a template's hidden sheet (key in column A, value in B)."""
    values: dict[str, Any] = {}
    version_row = 0
    for number, row in rows:
        if len(row) >= 2 and isinstance(row[0], str):
            values[row[0].strip()] = row[1]
            if row[0].strip() == "ruleset_version":
                version_row = number
    return layout.origin_from_values(values, Position(at, version_row, 2))


def origin_from_properties(listed: list[Any], name: str) -> layout.WorkbookOrigin | None:
    """The origin recorded in a template's custom document properties (openpyxl's)."""
    properties = {
        str(prop.name).removeprefix(layout.PROPERTY_PREFIX): prop.value
        for prop in listed
        if str(prop.name).startswith(layout.PROPERTY_PREFIX)
    }
    return layout.origin_from_values(properties, Position(name))


def _origin(book: Any, names: list[str], kinds: dict[str, str], path: Path, name: str) -> layout.WorkbookOrigin | None:
    if layout.META_SHEET in names:
        if kinds[layout.META_SHEET] != _WORKSHEET:
            raise _GiveWay
        found = origin_from_meta(_rows(book.get_sheet_by_name(layout.META_SHEET)), f"{name}[{layout.META_SHEET}]")
        if found is not None:
            return found
    return origin_from_properties(_custom_properties(path), name)


def _custom_properties(path: Path) -> list[Any]:
    """The custom document properties, read as openpyxl reads them (``docProps/custom.xml``),
    without loading the workbook: only when the hidden sheet says nothing (rare)."""
    with zipfile.ZipFile(path) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return []
        text = archive.read("docProps/custom.xml")
    from openpyxl.packaging.custom import CustomPropertyList
    from openpyxl.xml.functions import fromstring

    listed: list[Any] = CustomPropertyList.from_tree(fromstring(text)).props  # type: ignore[arg-type]
    return listed


# ---- the scan ------------------------------------------------------------------------------


def _scan(path: Path) -> dict[str, _Part]:
    """Every part of the zip, scanned (see ``_scan_part``)."""
    parts: dict[str, _Part] = {}
    with zipfile.ZipFile(path) as archive:
        for index, info in enumerate(archive.infolist()):
            with archive.open(info) as stream:
                keep = info.filename == "xl/styles.xml"
                parts[f"{index}:{info.filename}"] = _scan_part(stream, keep)
    return parts


def _check(parts: dict[str, _Part], max_cells: int) -> None:
    """Raise ``_GiveWay`` unless calamine may read the workbook of these parts."""
    style_count = _style_count(parts)
    for part in parts.values():
        if part.wide or part.strings > part.size // 5:  # a shared string takes 5 bytes at least
            raise _GiveWay
        if part.text_apart and (part.sheet or part.strings_part):
            raise _GiveWay
        if not part.sheet:
            continue
        if part.too_far or part.rows * part.columns > max_cells:
            raise _GiveWay
        if part.tags != part.referenced or part.spaced or part.errors or part.odd_style or part.styles >= style_count:
            raise _GiveWay


def _style_count(parts: dict[str, _Part]) -> int:
    """How many cell styles openpyxl reads from ``xl/styles.xml`` (its ``cellXfs``); a
    workbook without the part has one, the default."""
    styles = [p for key, p in parts.items() if key.split(":", 1)[1] == "xl/styles.xml"]
    if not styles:
        return 1
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(bytes(styles[-1].text))
    except ElementTree.ParseError:
        raise _GiveWay from None
    namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cell_xfs = root.find(f"{namespace}cellXfs")
    count = len(cell_xfs.findall(f"{namespace}xf")) if cell_xfs is not None else 0
    return count or 1


_LETTERS = np.zeros(256, np.int64)
_LETTERS[ord("A") : ord("Z") + 1] = np.arange(1, 27)
_LETTERS[ord("a") : ord("z") + 1] = np.arange(1, 27)
_DIGITS = np.full(256, -1, np.int64)
_DIGITS[ord("0") : ord("9") + 1] = np.arange(10)
_KIND = np.where(_LETTERS > 0, 1, np.where(_DIGITS >= 0, 2, 0)).astype(np.uint8)
_SPACE_OR_QUOTE = np.zeros(256, bool)
_SPACE_OR_QUOTE[[9, 10, 12, 13, 32, 34, 39]] = True
_TAG_END = np.zeros(256, bool)
_TAG_END[[9, 10, 12, 13, 32, ord(">"), ord("/")]] = True
_QUOTES = np.zeros(256, bool)
_QUOTES[[34, 39]] = True
_EQUALS, _LT, _GT, _COLON, _C, _D, _E, _R, _S, _T = (ord(c) for c in "=<>:cderst")
_SPACE = np.zeros(256, bool)
_SPACE[[9, 10, 12, 13, 32]] = True
"""Spaces around an attribute's ``=`` (calamine's, Rust's ASCII whitespace, with the form feed):
XML allows them, no writer of workbooks puts them (the scan finds attributes by ``r="`` and
``s="``, so a sheet with them is left to openpyxl)."""
_UNIQUE_COUNT = re.compile(rb"uniqueCount\s{0,32}=\s{0,32}[\"']\s{0,32}\+?0{0,30}([0-9]{1,30})")
"""At most 170 bytes: always whole in one buffer (``_CARRY``). More spaces: not read (too many)."""
_UNREAD = 10**30
"""The count of shared strings taken when the attribute cannot be read: too many."""


def _scan_part(stream: IO[bytes], keep: bool) -> _Part:
    """What bounds calamine's reading of one part, from its bytes, a chunk at a time.

    calamine takes a cell's place from its ``r`` attribute (a cell without one is placed after
    the one before it, which the scan cannot bound: such a part is left to openpyxl). In a part
    without spaces around ``=`` (``_SPACE``), an attribute named ``r`` is written ``r="`` after a
    space or a quote, so the scan reads the letters and digits after each of those, wherever it
    is (in a text too, which can only make the bound larger), and keeps the largest column (the
    letters, base 26) and row (the digits). It counts cell tags (``<c``, ``<x:c``...), and those
    of them that begin ``<c r="``; it notes an error value (``="e"``), the largest style index
    (``s="N"``) and the count of shared strings declared."""
    part = _Part()
    carry, done = b"", 0
    while True:
        data = stream.read(CHUNK)
        if not part.size:
            part.wide = data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?")
        part.size += len(data)
        if keep:
            part.text += data
        buffer = carry + data
        end = max(len(buffer) - _CARRY, done) if data else len(buffer)
        if end > done:
            _scan_chunk(buffer, done, end, part)
        if not data:
            return part
        start = max(end - _CARRY, 0)
        carry, done = buffer[start:], end - start


def _scan_chunk(buffer: bytes, begin: int, end: int, part: _Part) -> None:
    """Scan the bytes ``buffer[begin:end]`` (with up to ``_CARRY`` bytes on each side to look
    at; ``end`` is the buffer's end in the last chunk of the part)."""
    if b"sheetData" in buffer:
        part.sheet = True
    if not part.sheet and b"sst" in buffer:
        part.strings_part = True  # or text that says sst: the checks of texts are made on it
    if (b"_" in buffer and b"_x" in buffer) or b"\r" in buffer:
        part.text_apart = True
    at = buffer.find(b"uniqueCount")
    while at >= 0:
        match = _UNIQUE_COUNT.match(buffer, at)
        if match:
            part.strings = max(part.strings, int(match.group(1)))
        elif at + _CARRY <= len(buffer) or end == len(buffer):  # else whole in the next chunk
            part.strings = _UNREAD  # not a count this scan reads: calamine might read one
        at = buffer.find(b"uniqueCount", at + 1)
    padded = np.frombuffer(buffer + bytes(_WINDOW + 8), np.uint8)
    body = padded[begin:end]
    closing = np.flatnonzero(body == _GT) + begin
    closing = closing[closing >= 2]
    name, before = padded[closing - 1], padded[closing - 2]
    opened = before == _LT
    texts = (name == _T) & (opened | (before == _COLON))  # <t> or <x:t>
    if np.any(texts & (before == _COLON)) or np.any(opened & (name == _R)):
        part.text_apart = True  # a text of a prefixed namespace, or a run of rich text (<r>)
    elif np.any(_SPACE[padded[closing[texts] + 1]]):
        part.text_apart = True  # <t> and a space: trimmed by calamine
    equals = np.flatnonzero(body == _EQUALS) + begin
    equals = equals[equals >= 2]
    key, quote = padded[equals - 1], padded[equals + 1]
    if np.any(_SPACE[key] | _SPACE[quote]):
        part.spaced = True
    value = _QUOTES[quote] & _SPACE_OR_QUOTE[padded[equals - 2]]
    equals, key, quote = equals[value], key[value], quote[value]
    one_letter = (padded[equals + 3] == quote) & ((padded[equals + 2] == _E) | (padded[equals + 2] == _D))
    if np.any(one_letter):
        part.errors = True  # t="e": an error value; t="d": an ISO date (or such a value of another attribute)
    _scan_references(padded, equals[key == _R] + 2, part)
    _scan_styles(padded, equals[key == _S] + 1, part)
    cells = np.flatnonzero(body == _C) + begin
    cells = cells[cells >= 1]
    before, after = padded[cells - 1], padded[cells + 1]
    tags = cells[((before == _LT) | (before == _COLON)) & _TAG_END[after]]
    part.tags += len(tags)
    plain = tags[(padded[tags - 1] == _LT) & (padded[tags + 1] == 32) & (padded[tags + 2] == _R)]
    part.referenced += int(np.count_nonzero((padded[plain + 3] == _EQUALS) & _QUOTES[padded[plain + 4]]))


def _number(
    padded: NDArray[np.uint8], starts: NDArray[np.intp], kind: int, limit: int
) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
    """How many letters (``kind`` 1) or digits (2) each value at ``starts`` begins with, at most
    ``limit + 1``, and the number they write (base 26 or 10)."""
    values, base = (_LETTERS, 26) if kind == 1 else (_DIGITS, 10)
    size = np.zeros(len(starts), np.intp)
    number = np.zeros(len(starts), np.int64)
    alive = np.ones(len(starts), bool)
    for i in range(limit + 1):
        byte = padded[starts + i]
        alive &= _KIND[byte] == kind
        if not alive.any():
            break
        number = np.where(alive, number * base + values[byte], number)
        size += alive
    return size, number


def _scan_references(padded: NDArray[np.uint8], starts: NDArray[np.intp], part: _Part) -> None:
    """The largest column and row of the references (``r="B12"``) at ``starts``."""
    if not len(starts):
        return
    letters, column = _number(padded, starts, 1, _MAX_LETTERS)
    digits, row = _number(padded, starts + letters, 2, _MAX_DIGITS)
    if letters.max() > _MAX_LETTERS or digits.max() > _MAX_DIGITS:
        part.too_far = True
        return
    part.columns = max(part.columns, int(column.max()))
    part.rows = max(part.rows, int(row.max()))


def _scan_styles(padded: NDArray[np.uint8], quotes: NDArray[np.intp], part: _Part) -> None:
    """The largest style index (``s="N"``, the quotes at ``quotes``)."""
    if not len(quotes):
        return
    digits, value = _number(padded, quotes + 1, 2, _MAX_DIGITS)
    if digits.max() > _MAX_DIGITS or np.any(padded[quotes + 1 + digits] != padded[quotes]):
        part.odd_style = True  # not a whole number: openpyxl refuses it
        return
    part.styles = max(part.styles, int(value.max()))
