"""Malformed Excel workbooks: the valid case data written with openpyxl, then damaged.

Two families of ``(kind, seed)`` mutations (see ``mutations``): *book* kinds change the workbook
before it is saved (formulas, formula-like text, cells of the wrong type, error values, merged
cells, extra or empty sheets, values beyond the header, a cell far out at XFD1048576); *zip*
kinds damage the saved file (truncated, flipped bytes, an XML part mutated or removed, a zip
bomb, not a zip at all). ``build`` applies the book kinds of a recipe, saves, then applies its
zip kinds, so a recipe reproduces the file exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from . import mutations as m

BookMutator = Callable[[Workbook, random.Random], None]

WRONG_TYPES: list[Any] = [
    dt.date(2008, 2, 29),
    dt.datetime(2008, 1, 1, 12, 30),
    dt.time(12, 0),
    dt.timedelta(days=3),
    0.5,
    4.0,
    -0.0,
    1e308,
    -1e308,
    2**53 + 1,
    10**20,
    True,
    False,
    0,
    "",
    " ",
    "x" * 32_767,
]


def _sheet(book: Workbook) -> Worksheet:
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet


def _cell(sheet: Worksheet, rnd: random.Random, body: bool = True) -> Any:
    """A cell to write to. Inside a merged range (an earlier ``merged`` mutation) that is the
    range's first cell, where Excel puts what is typed there: openpyxl's other cells of a range
    take no value, and writing one crashed long campaigns."""
    row = rnd.randint(2 if body and sheet.max_row > 1 else 1, max(sheet.max_row, 1))
    cell = sheet.cell(row=row, column=rnd.randint(1, max(sheet.max_column, 1)))
    if isinstance(cell, MergedCell):
        for merged_range in sheet.merged_cells.ranges:
            if cell.coordinate in merged_range:
                return sheet.cell(row=merged_range.min_row, column=merged_range.min_col)
    return cell


def formula(book: Workbook, rnd: random.Random) -> None:
    """A real formula (no cached value: read as empty), or formula-like text kept as text."""
    cell = _cell(_sheet(book), rnd)
    text = rnd.choice(["=1/0", "=A1", '=HYPERLINK("http://example.invalid","x")', "=cmd|' /C calc'!A0", "=SUM(A1:Z99)"])
    cell.value = text
    if rnd.random() < 0.5:
        cell.data_type = "s"  # formula-like text, not a formula


def wrong_type(book: Workbook, rnd: random.Random) -> None:
    _cell(_sheet(book), rnd, body=rnd.random() < 0.8).value = rnd.choice(WRONG_TYPES)


def hostile_text(book: Workbook, rnd: random.Random) -> None:
    value = rnd.choice(m.HOSTILE_CELLS)
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        return  # openpyxl refuses to write control characters
    _cell(_sheet(book), rnd, body=rnd.random() < 0.8).value = value[:32_767]


def error_value(book: Workbook, rnd: random.Random) -> None:
    cell = _cell(_sheet(book), rnd)
    cell.value = rnd.choice(["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?"])
    cell.data_type = "e"


def merged(book: Workbook, rnd: random.Random) -> None:
    sheet = _sheet(book)
    row = 1 if rnd.random() < 0.5 else rnd.randint(1, max(sheet.max_row, 1))
    first = rnd.randint(1, max(sheet.max_column - 1, 1))
    sheet.merge_cells(start_row=row, start_column=first, end_row=row + rnd.randint(0, 2), end_column=first + 1)


def extra_sheet(book: Workbook, rnd: random.Random) -> None:
    title = rnd.choice(["cases", "Sheet2", "Cases", "é", "x" * 31])
    if title in book.sheetnames:
        return
    sheet = book.create_sheet(title, index=rnd.choice([0, len(book.sheetnames)]))
    if rnd.random() < 0.5:
        sheet.append(["case_id", "junk"])
        sheet.append(["a", 1])
    if rnd.random() < 0.3:
        sheet.sheet_state = "hidden"


def empty_sheet(book: Workbook, rnd: random.Random) -> None:
    """No rows at all, or the header only. (Not ``delete_rows``: after ``far_cell`` it would
    visit every place of a 17-billion-cell grid.)"""
    sheet = _sheet(book)
    first = 1 if rnd.random() < 0.5 else 2
    for row, column in [key for key in sheet._cells if key[0] >= first]:
        del sheet._cells[row, column]


def beyond_header(book: Workbook, rnd: random.Random) -> None:
    sheet = _sheet(book)
    sheet.cell(row=rnd.randint(1, max(sheet.max_row, 1)), column=sheet.max_column + rnd.randint(1, 3)).value = "extra"


def far_cell(book: Workbook, rnd: random.Random) -> None:
    """One cell far from the data: the grid to read becomes huge (a hang before the fix)."""
    _sheet(book)[rnd.choice(["XFD1048576", "A1048576", "XFD1", "AAA50000"])] = "far"


def blank_rows(book: Workbook, rnd: random.Random) -> None:
    sheet = _sheet(book)
    if sheet.max_row * sheet.max_column > 1_000_000:
        return  # after far_cell: insert_rows would build the whole grid
    sheet.insert_rows(rnd.randint(1, max(sheet.max_row, 1)), amount=rnd.randint(1, 3))


def header_damage(book: Workbook, rnd: random.Random) -> None:
    sheet = _sheet(book)
    cell = sheet.cell(row=1, column=rnd.randint(1, max(sheet.max_column, 1)))
    cell.value = rnd.choice([None, "case_id", "1.1.1", 4, dt.date(2008, 1, 1), True, " ", "unknown"])


BOOK: dict[str, BookMutator] = {
    "formula": formula,
    "wrong-type": wrong_type,
    "hostile-text": hostile_text,
    "error-value": error_value,
    "merged": merged,
    "extra-sheet": extra_sheet,
    "empty-sheet": empty_sheet,
    "beyond-header": beyond_header,
    "far-cell": far_cell,
    "blank-rows": blank_rows,
    "header-damage": header_damage,
}


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _readable(data: bytes) -> dict[str, bytes] | None:
    """The parts of a zip, or None if an earlier mutation already broke it (or made it a zip
    bomb: re-packing 200 MiB for each such input would be slow)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > 16 * 2**20:
                return None
        return _members(data)
    except Exception:
        return None


def part_mutate(data: bytes, rnd: random.Random) -> bytes:
    """Damage one XML part (the sheet, shared strings, workbook, styles...) and re-zip."""
    members = _readable(data)
    if not members:
        return data
    name = rnd.choice(sorted(members))
    kinds = {**m.BYTES, "flow-garbage": m.flow_garbage, "scalar-swap": m.scalar_swap}
    kind = rnd.choice(sorted(kinds))
    members[name] = kinds[kind](members[name], rnd)
    return _zip(members)


def part_attribute(data: bytes, rnd: random.Random) -> bytes:
    """Change an attribute value in the sheet XML: cell references, types, row numbers."""
    members = _readable(data)
    sheet = next((n for n in members if n.startswith("xl/worksheets/")), None) if members else None
    if members is None or sheet is None:
        return data
    xml = members[sheet]
    value = rnd.choice(
        [b"A0", b"ZZZZ1", b"A1048577", b"XFD1048576", b"-1", b"", b"x", b"e", b"n", b"str", b"999999999"]
    )
    members[sheet] = m.replace_match(xml, re.compile(rb'(?<=[rt]=")[^"]*'), rnd, lambda _: value)
    return _zip(members)


def part_remove(data: bytes, rnd: random.Random) -> bytes:
    members = _readable(data)
    if not members:
        return data
    del members[rnd.choice(sorted(members))]
    return _zip(members)


def zip_bomb(data: bytes, rnd: random.Random) -> bytes:
    """A part padded with whitespace beyond the 200 MiB unpacked limit: a few hundred KB packed.
    Always the same file (packing 200 MiB takes a while, so it is made once)."""
    return _bomb()


@lru_cache(maxsize=1)
def _bomb() -> bytes:
    members = _members(_saved(book_from_csv("case_id\nc1\n")))
    members["xl/padding.xml"] = b" " * (201 * 1024 * 1024)
    return _zip(members)


def not_a_zip(data: bytes, rnd: random.Random) -> bytes:
    return rnd.choice([b"", b"case_id,x\nc1,1\n", b"PK\x03\x04" + rnd.randbytes(100), b"PK\x05\x06" + b"\x00" * 18])


ZIP: dict[str, m.Mutator] = {
    "truncate": m.truncate,
    "flip-bytes": m.flip_bytes,
    "insert-bytes": m.insert_bytes,
    "part-mutate": part_mutate,
    "part-attribute": part_attribute,
    "part-remove": part_remove,
    "zip-bomb": zip_bomb,
    "not-a-zip": not_a_zip,
}

KINDS: list[str] = sorted({*BOOK, *(f"zip:{k}" for k in ZIP)})
"""Every kind of an xlsx recipe; zip kinds are prefixed ``zip:``."""


def book_from_csv(csv_text: str) -> Workbook:
    book = Workbook()
    sheet = _sheet(book)
    sheet.title = "cases"
    for line in csv_text.splitlines():
        sheet.append([cell if cell else None for cell in line.split(",")])
    return book


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(csv_text: str, recipe: m.Recipe) -> bytes:
    """The workbook for ``recipe``: book kinds first, then the file is saved, then zip kinds."""
    book = book_from_csv(csv_text)
    for kind, seed in recipe:
        if not kind.startswith("zip:"):
            try:
                BOOK[kind](book, random.Random(seed))
            except ValueError:  # openpyxl refuses it (e.g. merging beyond row 1048576): skip
                continue
    data = _saved(book)
    for kind, seed in recipe:
        if kind.startswith("zip:"):
            data = ZIP[kind.removeprefix("zip:")](data, random.Random(seed))
    return data
