"""Read a large CSV file a column at a time, with pyarrow, into dictionary-encoded columns.

The standard library's ``csv`` module makes a Python string for each of the 12 million cells of
a 50,000-case archive: 5 seconds and most of a gigabyte before anything is checked. pyarrow's
CSV reader parses in C++ on every core and encodes each column as its distinct values and one
integer code per row, which is all that checking and scoring need (``casedata.table``).

This reader is an accelerator of the standard one (``readers.read_csv``), never a second
definition of what a CSV file means: it takes a file only when it can show that both readers
read the same rows, and returns None otherwise, so that the standard reader reads the file and
reports its problems exactly as before. It gives way on anything unusual:

* a row with a different number of cells from the first (pyarrow reports it; the standard reader
  makes it a ``D010``), a first line that is blank, or a one-column header with ``;``;
* a quote that is not at the start or end of a cell (the standard reader either takes it as a
  letter or, after a closing quote, reports a ``D012``), an unclosed quote, a lone carriage return
  (a line end to the standard reader), a cell longer than ``readers.MAX_CELL_CHARS``;
* more columns than ``MAX_COLUMNS`` (a file read as one line: the standard reader's hints are
  bounded for it, tests/fuzz);
* a count of records that differs from the count of rows pyarrow read (a check that the line of
  every row, worked out below, is the line the standard reader gives it).

The line of each row is worked out from the bytes, as the standard reader counts lines: line
ends outside quotes are found with numpy, by the parity of the quotes before them. A row is at
the line it starts on; in a row with a line break in a quoted cell, each cell is at the line it
starts on, worked out from the row's text only when a diagnostic needs it (``_CellLines``).
``tests/test_columnar.py`` reads the same files, and generated ones, with both readers and
requires the same table and the same diagnostics.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata.table import EncodedColumn, RawTable, cell_lines
from omi_rules.diagnostics import Position

if TYPE_CHECKING:
    import pyarrow as pa

MAX_COLUMNS = 4096
"""Widest file read a column at a time (omi-2008 has 234 columns)."""
_QUOTE, _COMMA, _LF, _CR = ord('"'), ord(","), ord("\n"), ord("\r")
_BOM = b"\xef\xbb\xbf"


class _GiveWay(Exception):
    """The file is for the standard reader."""


def available() -> bool:
    """Whether pyarrow can be imported (it is a dependency; a broken install is not fatal:
    the standard reader reads every file)."""
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def read_csv_columnar(raw: bytes, name: str, max_cell_chars: int) -> RawTable | None:
    """The table of ``raw``, or None when the standard reader must read it (see the module's
    docstring), as it must a file with a NUL byte or one that is not UTF-8 (pyarrow checks it)
    so that the standard reader reports it, located."""
    data = raw[len(_BOM) :] if raw.startswith(_BOM) else raw
    try:
        if data.startswith(_BOM):
            raise _GiveWay  # a second BOM is text to the standard reader; pyarrow would drop it
        if b"\x00" in data:
            raise _GiveWay  # a binary file: D009 (text that is not UTF-8 makes pyarrow fail: D009 too)
        records = _records(data)
        width = _first_width(data)
        columns = _parse(data, width, len(records))
        return _table(name, columns, records, data, max_cell_chars)
    except _GiveWay:
        return None


def _first_width(data: bytes) -> int:
    """How many cells the first line that is not empty has (pyarrow skips empty lines and
    names the columns f0, f1, ... by that line)."""
    start = len(data) - len(data.lstrip(b"\r\n"))
    end = data.find(b"\n", start)
    try:
        first = data[start : end if end >= 0 else len(data)].decode("utf-8")
        cells = next(csv.reader(io.StringIO(first, newline="")), [])
    except UnicodeDecodeError:  # the standard reader's D009, located
        raise _GiveWay from None
    except csv.Error:  # a header cell over csv's field limit (the standard reader's D012)
        raise _GiveWay from None
    if not any(cell.strip() for cell in cells) or len(cells) > MAX_COLUMNS:
        raise _GiveWay
    if len(cells) == 1 and ";" in cells[0]:
        raise _GiveWay  # the standard reader's D012 (semicolons as separators)
    return len(cells)


@dataclass(frozen=True)
class _Records:
    """The non-empty records of a file (pyarrow skips empty lines; so does the standard reader,
    as blank records), as ``csv.reader`` counts lines: a lone CR is not among them."""

    first: NDArray[np.int64]
    """The line each record starts on."""
    last: NDArray[np.int64]
    """The line each record ends on (later than ``first`` for a line break in a quoted cell)."""
    start: NDArray[np.int64]
    """The byte offset of each record in the file."""
    stop: NDArray[np.int64]
    """The byte offset of each record's end (its line end)."""

    def __len__(self) -> int:
        return len(self.first)

    def only(self, keep: NDArray[Any] | slice) -> _Records:
        return _Records(self.first[keep], self.last[keep], self.start[keep], self.stop[keep])


def _records(data: bytes) -> _Records:
    """Where each record of ``data`` is: its line ends outside quotes (a line end is inside a
    quoted cell exactly when an odd number of quotes comes before it, ``_check_quotes``)."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    if not len(buffer):
        raise _GiveWay
    line_ends = np.flatnonzero(buffer == _LF)
    crs = np.count_nonzero(buffer == _CR) if b"\r" in data else 0  # numpy: bytes.count took twice as long
    if crs and crs != np.count_nonzero(buffer[line_ends[line_ends > 0] - 1] == _CR):
        raise _GiveWay  # a lone CR ends a line for the standard reader, not for pyarrow
    if b'"' in data:
        quotes = np.flatnonzero(buffer == _QUOTE)
        _check_quotes(buffer, quotes)
        outside = np.searchsorted(quotes, line_ends) % 2 == 0
        boundary_numbers = np.flatnonzero(outside)  # which line ends end a record
    else:
        boundary_numbers = np.arange(len(line_ends))
    ends = line_ends[boundary_numbers]
    starts = np.concatenate(([0], ends + 1)).astype(np.int64)
    stops = np.concatenate((ends, [len(buffer)])).astype(np.int64)
    last = np.concatenate((boundary_numbers + 1, [len(line_ends) + 1])).astype(np.int64)
    first = np.concatenate(([1], last[:-1] + 1)).astype(np.int64)
    length = stops - starts
    crlf = (length == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == _CR)
    return _Records(first, last, starts, stops).only((length > 0) & ~crlf)


def _check_quotes(buffer: NDArray[np.uint8], quotes: NDArray[np.intp]) -> None:
    """Give way unless every quote opens a cell, closes one, or is a doubled quote inside one:
    then the quotes pair up in order (open, close, open, close...) and a line end is inside a
    cell exactly when an odd number of quotes comes before it."""
    if len(quotes) % 2:
        raise _GiveWay  # unclosed
    opening, closing = quotes[0::2], quotes[1::2]
    before = buffer[np.maximum(opening - 1, 0)]
    follows_close = np.concatenate(([False], opening[1:] == closing[:-1] + 1))  # a doubled ""
    opens_cell = (opening == 0) | (before == _COMMA) | (before == _LF) | follows_close
    after_at = np.minimum(closing + 1, len(buffer) - 1)
    after = buffer[after_at]
    at_end = closing + 1 >= len(buffer)
    precedes_open = np.concatenate((opening[1:] == closing[:-1] + 1, [False]))
    closes_cell = at_end | (after == _COMMA) | (after == _LF) | (after == _CR) | precedes_open
    if not (np.all(opens_cell) and np.all(closes_cell)):
        raise _GiveWay


def _parse(data: bytes, width: int, records: int) -> list[tuple[list[str], NDArray[np.int32]]]:
    """Every column as its distinct texts (an empty cell as "") and one index into them per row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            cast(IO[bytes], pa.BufferReader(data)),  # no copy of the file (BytesIO makes one)
            # blocks of a sixteenth of the file (1 MiB at least, pyarrow's default): enough to
            # keep both cores busy, and half the dictionaries to unify and index arrays to join
            # that 1 MiB blocks made of a 35 MB archive (0.32 s for both against 0.36 s)
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=max(1 << 20, len(data) // 16)),
            # a row with another number of cells raises: the standard reader's D010
            parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in data),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": text for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            memory_pool=_pool(),
        )
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise _GiveWay from exc
    if table.num_columns != width or table.num_rows != records:
        raise _GiveWay
    columns = []
    for _ in range(width):  # each column's buffers are let go once it is encoded
        chunked = table.column(0)
        table = table.remove_column(0)
        columns.append(_encoded(chunked, records))
        del chunked
    return columns


def _encoded(chunked: pa.ChunkedArray[Any], rows: int) -> tuple[list[str], NDArray[np.int32]]:
    """A column's distinct texts and one index per row. pyarrow encodes each chunk (a block of
    the file) with its own dictionary: ``unify_dictionaries`` gives them one, in C++, so each
    chunk's indices are the column's codes (``combine_chunks`` instead copied every column
    twice more)."""
    import pyarrow as pa

    if not chunked.num_chunks:
        return [], np.zeros(0, dtype=np.int32)
    unified = chunked.unify_dictionaries()
    first = unified.chunk(0)
    assert isinstance(first, pa.DictionaryArray)
    texts = [str(t) for t in first.dictionary.to_pylist()]
    parts = []
    for chunk in unified.chunks:
        assert isinstance(chunk, pa.DictionaryArray)
        parts.append(chunk.indices.to_numpy(zero_copy_only=False))
    codes: NDArray[np.int32] = np.concatenate(parts).astype(np.int32, copy=False)
    assert len(codes) == rows
    return texts, codes


def _table(
    name: str,
    parsed: list[tuple[list[str], NDArray[np.int32]]],
    records: _Records,
    data: bytes,
    max_cell_chars: int,
) -> RawTable:
    """The table of the parsed columns: cells trimmed (blank = None), blank rows dropped (as the
    standard reader skips blank records), the first row the header. The codes are rewritten
    in place (a copy of every column was 50 MB at 50,000 cases)."""
    trimmed_columns: list[EncodedColumn] = []
    blank: NDArray[np.intp] | None = None  # the rows whose cells so far are all empty
    for texts, codes in parsed:
        too_long = texts and max(map(len, texts)) > max_cell_chars
        if too_long and any(len(t) > max_cell_chars and len(t.strip()) > max_cell_chars for t in texts):
            raise _GiveWay  # the standard reader's D012 (a cell read cut)
        stripped = [t.strip() or None for t in texts]
        distinct = dict.fromkeys(stripped)  # in order of first appearance, as ``texts`` are
        if len(distinct) < len(stripped):  # two texts are one value trimmed (else: the same codes)
            index = {value: i for i, value in enumerate(distinct)}
            remap = np.fromiter((index[value] for value in stripped), np.int32, len(stripped))
            np.take(remap, codes, out=codes, mode="wrap")  # element by element: safe in place
        values = list(distinct)
        empty = values.index(None) if None in distinct else -1
        if blank is None:
            blank = np.flatnonzero(codes == empty) if empty >= 0 else np.zeros(0, dtype=np.intp)
        elif len(blank):
            blank = blank[codes[blank] == empty] if empty >= 0 else blank[:0]
        trimmed_columns.append(EncodedColumn(values, codes))
    dropped = blank is not None and len(blank) > 0
    if dropped:
        keep = np.ones(len(records), dtype=bool)
        keep[blank] = False
        records = records.only(keep)
        trimmed_columns = [EncodedColumn(c.values, c.codes[keep]) for c in trimmed_columns]
    if not len(records):
        raise _GiveWay  # only blank lines: the standard reader's D008
    if records.last[0] != records.first[0]:
        raise _GiveWay  # a header with a line break in a cell: the standard reader places it
    header = [c.values[c.codes[0]] or "" for c in trimmed_columns]
    rows = records.only(slice(1, None))
    table = RawTable.from_columns(
        name,
        header,
        [Position(name, int(records.first[0]), i + 1) for i in range(len(header))],
        [_compact(c.values, c.codes[1:], not dropped and bool(c.codes[0] == 0)) for c in trimmed_columns],
        rows.first,
    )
    spanning = np.flatnonzero(rows.last > rows.first)
    if len(spanning):
        table.cell_lines = _CellLines(data, rows.only(spanning), spanning)
    return table


class _CellLines(Mapping[int, list[int]]):
    """The line of each cell of the rows that span several lines (a line break in a quoted
    cell), worked out from the row's text when a diagnostic needs one of its cells."""

    def __init__(self, data: bytes, records: _Records, rows: NDArray[np.intp]) -> None:
        self._data, self._records = data, records
        self._at = {int(row): i for i, row in enumerate(rows)}

    def __getitem__(self, row: int) -> list[int]:
        i = self._at[row]
        text = self._data[self._records.start[i] : self._records.stop[i]].decode("utf-8")
        cells = next(csv.reader(io.StringIO(text, newline="")))
        return cell_lines(cells, int(self._records.first[i]))

    def __iter__(self) -> Iterator[int]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def _compact(values: list[Any], codes: NDArray[np.int32], every_value_seen: bool) -> EncodedColumn:
    """Drop the values no row has (the header's own cell, a blank row's), so that every value
    of a column is some case's; ``codes`` (the rows after the header) is renumbered in place.

    ``every_value_seen``: each value is some record's (pyarrow encodes a column by the values
    it reads, so each is some line's) and no blank row was dropped. Then only the header's
    value (code 0: values are in order of first appearance) can be unused, and one comparison
    tells; marking every row's value, as otherwise, cost 40 ms over 234 columns of 50,000 rows.
    """
    if every_value_seen:
        if not len(values) or (codes == 0).any():
            return EncodedColumn(values, codes)
        np.subtract(codes, 1, out=codes)
        return EncodedColumn(values[1:], codes)
    used = np.zeros(len(values), dtype=bool)
    used[codes] = True
    if not used.all():
        np.take(np.cumsum(used, dtype=np.int32) - 1, codes, out=codes, mode="wrap")
        values = [v for v, u in zip(values, used.tolist(), strict=True) if u]
    return EncodedColumn(values, codes)


def _pool() -> pa.MemoryPool:
    """The memory pool of the parse: jemalloc, returning freed memory at once. With pyarrow's
    default pool (mimalloc) about 200 MB the parse no longer used stayed with the process, and
    the rest of the run started from there; the system allocator where jemalloc is not built."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowException):
        return pa.system_memory_pool()
    return pool
