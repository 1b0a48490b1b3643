"""Excel workbooks read with python-calamine (casedata.xlsx) read exactly as openpyxl reads them.

calamine is an accelerator of the reference reader (openpyxl, readers._read_openpyxl): for any
workbook it either gives way (None) or gives the same sheets, so ``read_xlsx`` makes the same
table -- header and its positions, rows, the sheet row of every row, the same diagnostics at
the same cells, the same origin and judgements -- whichever read it. Each test here reads a
workbook both ways; generated workbooks (seeded) put cells of every type at random places,
written by openpyxl and by xlsxwriter (which writes as Excel does: shared strings, numbers
without a decimal point).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from omi_rules.casedata import readers, xlsx
from omi_rules.casedata import workbook as layout
from omi_rules.casedata.table import RawTable
from omi_rules.cli import main

from .conftest import FIXTURES, MINIMAL
from .workbook_helpers import fill, typed_rows

MINIMAL_CSV = FIXTURES / "data" / "minimal-cases.csv"


def read_both(path: Path, fast: bool | None = True) -> tuple[RawTable, RawTable]:
    """The table ``read_xlsx`` makes of ``path`` with calamine and with openpyxl; ``fast``:
    whether calamine must have taken the file (False: it must have given way)."""
    taken = xlsx.read_sheets(path, str(path), readers.MAX_XLSX_CELLS) is not None
    assert fast is None or taken == fast, "calamine took the file" if taken else "calamine gave way"
    with_calamine = readers.read_xlsx(path, str(path))
    original = xlsx.read_sheets
    try:
        xlsx.read_sheets = lambda *_: None  # type: ignore[assignment]
        with_openpyxl = readers.read_xlsx(path, str(path))
    finally:
        xlsx.read_sheets = original
    assert_same(with_calamine, with_openpyxl)
    return with_calamine, with_openpyxl


def assert_same(a: RawTable, b: RawTable) -> None:
    assert a.file == b.file
    assert a.header == b.header
    assert a.header_positions == b.header_positions
    assert [[(type(v), v) for v in row] for row in a.rows] == [[(type(v), v) for v in row] for row in b.rows]
    assert a.row_positions == b.row_positions
    assert a.diagnostics == b.diagnostics
    assert a.origin == b.origin
    assert a.judgements == b.judgements


def saved(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def test_a_used_range_below_and_right_of_a1_keeps_the_sheet_numbering(tmp_path: Path) -> None:
    """calamine's rows start at the first used cell (here C3); positions are Excel's."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"], sheet["D3"], sheet["E3"] = "case_id", "tier", "roh"
    sheet["C5"], sheet["D5"], sheet["E5"] = "c1", 4, "low"
    sheet["C8"], sheet["D8"] = "c2", 2.0
    sheet["C9"], sheet["G9"] = "c3", "beyond"
    table, _ = read_both(saved(book, tmp_path / "cases.xlsx"))
    assert table.header == ["", "", "case_id", "tier", "roh"]
    assert [(p.line, p.col) for p in table.header_positions] == [(3, 1), (3, 2), (3, 3), (3, 4), (3, 5)]
    assert table.rows == [[None, None, "c1", 4, "low"], [None, None, "c2", 2, None]]
    assert [(p.line, p.col) for p in table.row_positions] == [(5, 1), (8, 1)]
    assert [(d.code, d.position.line, d.position.col) for d in table.diagnostics] == [("D010", 9, 6)]


@pytest.mark.parametrize("far", ["XFD1048576", "A1048576", "XFD1", "AAA50000"])
def test_a_far_away_cell_is_read_quickly_and_at_its_place(tmp_path: Path, far: str) -> None:
    """A cell far out makes calamine's grid (rows x columns from A1) larger than a grid read as a
    grid: the file goes to openpyxl, which reads only the cells the file holds. A far cell
    within the bound (A1048576: 2 columns) is read by calamine."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "tier"])
    sheet.append(["c1", 1])
    sheet[far] = "far"
    path = saved(book, tmp_path / "cases.xlsx")
    started = time.perf_counter()
    table, _ = read_both(path, fast=far in ("A1048576", "XFD1"))
    assert time.perf_counter() - started < 10
    if far == "A1048576":
        assert [(p.line, p.col) for p in table.row_positions] == [(2, 1), (1048576, 1)]
    else:
        column = 16384 if far.startswith("XFD") else 703
        expected = [] if far == "XFD1" else [("D010", int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), 3)]
        assert [(d.code, d.position.line, d.position.col) for d in table.diagnostics] == expected
        assert len(table.header) == (column if far == "XFD1" else 2)


def test_numbers_written_whole_or_as_floats_are_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    """calamine gives every number as a float; openpyxl gives an int for a number written
    without a decimal point (as Excel, xlsxwriter and openpyxl write 4 and 4.0)."""
    path = tmp_path / "cases.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("cases")
    sheet.write_row(0, 0, ["case_id", "tier", "share", "big", "huge", "negative", "zero"])
    sheet.write_row(1, 0, ["c1", 4, 0.5, 2**53, 1e20, -3.0, -0.0])
    sheet.write_row(2, 0, ["c2", 4.0, 1.25, 2**53 - 1, 1e15, -1, 0])
    book.close()
    table, _ = read_both(path)
    assert table.rows == [["c1", 4, 0.5, 2**53, 1e20, -3, 0], ["c2", 4, 1.25, 2**53 - 1, 10**15, -1, 0]]
    assert [type(v) for v in table.rows[0]] == [str, int, float, int, float, int, int]


def test_dates_times_booleans_and_formulas(tmp_path: Path) -> None:
    """A date cell is a date (a date and time too: the day); a time stays a time; booleans are
    booleans; a formula is read as its cached value, never evaluated."""
    path = tmp_path / "cases.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("cases")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    sheet.write_row(0, 0, ["case_id", "start", "seen", "at", "ppo", "sum", "text"])
    sheet.write_string(1, 0, "c1")
    sheet.write_datetime(1, 1, dt.date(2008, 2, 29), day)
    sheet.write_datetime(1, 2, dt.datetime(2008, 1, 1, 12, 30), moment)
    sheet.write_datetime(1, 3, dt.time(9, 15), clock)
    sheet.write_boolean(1, 4, True)
    sheet.write_formula(1, 5, "=1+1", None, 2)
    sheet.write_formula(1, 6, '="a"&"b"', None, "ab")
    sheet.write_string(2, 0, "c2")
    sheet.write_boolean(2, 4, False)
    sheet.write_formula(2, 5, "=1/3")  # no cached value: xlsxwriter writes 0
    book.close()
    table, _ = read_both(path)
    assert table.rows[0] == ["c1", dt.date(2008, 2, 29), dt.date(2008, 1, 1), dt.time(9, 15), True, 2, "ab"]
    assert type(table.rows[0][1]) is dt.date and type(table.rows[0][2]) is dt.date
    assert table.rows[1] == ["c2", None, None, None, False, 0, None]


def test_an_error_value_is_left_to_openpyxl(tmp_path: Path) -> None:
    """calamine reads #N/A as an empty cell; openpyxl as its text, which validation reports."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "tier"])
    sheet.append(["c1", "x"])
    sheet["B2"] = "#N/A"
    sheet["B2"].data_type = "e"
    table, _ = read_both(saved(book, tmp_path / "cases.xlsx"), fast=False)
    assert table.rows == [["c1", "#N/A"]]


def test_sheet_choice_and_names(tmp_path: Path) -> None:
    """The sheet named cases, else the first worksheet; ``file[sheet]`` with several sheets."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "notes"
    first.append(["case_id", "x"])
    first.append(["n1", 1])
    path = saved(book, tmp_path / "one.xlsx")
    table, _ = read_both(path)
    assert (table.file, table.rows) == (str(path), [["n1", 1]])
    book.create_sheet("more").append(["case_id"])
    path = saved(book, tmp_path / "two.xlsx")
    table, _ = read_both(path)
    assert table.file == f"{path}[notes]"
    cases = book.create_sheet("cases", index=1)
    cases.append(["case_id", "y"])
    cases.append(["c1", "yes"])
    path = saved(book, tmp_path / "three.xlsx")
    table, _ = read_both(path)
    assert (table.file, table.rows) == (f"{path}[cases]", [["c1", "yes"]])


def test_problems_of_structure_are_the_same(tmp_path: Path) -> None:
    """A merged header (D012), an empty sheet (D008), a cell over the length limit (D012)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Case details", None, "Answers", None])
    sheet.append(["case_id", "tier", "1.1.1", "1.1.2"])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D2")
    table, _ = read_both(saved(book, tmp_path / "merged.xlsx"))
    assert [(d.code, d.message, d.position.line, d.position.col) for d in table.diagnostics] == [
        ("D012", "the header row has merged cells (A1:B1)", 1, 1),
        ("D012", "the header row has merged cells (C1:D2)", 1, 3),
    ]
    empty = Workbook()
    table, _ = read_both(saved(empty, tmp_path / "empty.xlsx"))
    assert [(d.code, d.position.line) for d in table.diagnostics] == [("D008", 1)]
    long = Workbook()
    sheet = long.active
    assert sheet is not None
    sheet.append(["case_id", "note"])
    sheet.append(["c1", "  " + "x" * (readers.MAX_CELL_CHARS + 5)])
    table, _ = read_both(saved(long, tmp_path / "long.xlsx"))
    assert [(d.code, d.position.line, d.position.col) for d in table.diagnostics] == [("D012", 2, 2)]
    assert table.rows == [["c1", "x" * readers.MAX_CELL_CHARS]]


def test_a_filled_template_reads_the_same_with_its_origin_and_judgements(tmp_path: Path) -> None:
    made = tmp_path / "collect.xlsx"
    assert CliRunner().invoke(main, ["template", str(MINIMAL), "--output", str(made)]).exit_code == 0
    filled = tmp_path / "filled.xlsx"
    fill(made, typed_rows(MINIMAL_CSV, {"tier"}, {"ppo"}), filled)
    book = load_workbook(filled)
    book["judgements"]["E5"] = "met"
    book.save(filled)
    table, _ = read_both(filled)
    assert table.origin is not None and table.origin.ruleset_id == "mini"
    assert table.origin.position.file == f"{filled}[{layout.META_SHEET}]"
    assert table.judgements is not None
    assert [(p.line, p.col) for p in table.header_positions[:2]] == [(4, 1), (4, 2)]
    assert table.row_positions[0].line == 5
    # the hidden sheet dropped by an editor: the origin from the custom document properties
    del book[layout.META_SHEET]
    book.save(tmp_path / "no-meta.xlsx")
    table, _ = read_both(tmp_path / "no-meta.xlsx")
    assert table.origin is not None and table.origin.ruleset_id == "mini"
    # the row of ids deleted: one D012
    book["cases"].delete_rows(4)
    book.save(tmp_path / "no-ids.xlsx")
    table, _ = read_both(tmp_path / "no-ids.xlsx")
    assert [(d.code, d.position.line) for d in table.diagnostics] == [("D012", 1)]


def _rewritten(path: Path, part: str, change: Any) -> Path:
    """A copy of the workbook with one part changed by ``change(bytes) -> bytes``."""
    out = path.with_name(f"changed-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as changed:
        for item in source.infolist():
            content = source.read(item.filename)
            changed.writestr(item.filename, change(content) if item.filename == part else content)
    return out


def _base(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "cases"
    for line in MINIMAL_CSV.read_text(encoding="utf-8").splitlines():
        sheet.append([cell or None for cell in line.split(",")])
    return saved(book, tmp_path / "cases.xlsx")


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        # what calamine would crash on (a Rust abort, not an exception)
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="XFD99999999"'),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="A999999999"'),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="B2" r="XFD1048576"'),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b"<c r='B2' t=\"x\" r = 'XFD1048576'"),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="B2" r\x0c="XFD1048576"'),  # Rust's whitespace
        # cells placed by calamine's count, not by a reference
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b"<c"),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c s="0" r="B2"'),
        # what openpyxl refuses and calamine would read: D009 as before
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="B2" s="999"'),
        ("xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="B2" s="x"'),
        ("xl/styles.xml", b"<", b"<<"),
        ("xl/worksheets/sheet1.xml", b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="B1:A1"/></mergeCells>'),
    ],
)
def test_what_calamine_must_not_read_is_left_to_openpyxl(tmp_path: Path, part: str, old: bytes, new: bytes) -> None:
    path = _rewritten(_base(tmp_path), part, lambda content: content.replace(old, new, 1))
    assert xlsx.read_sheets(path, "cases.xlsx", readers.MAX_XLSX_CELLS) is None
    if new in (b'<c r="B2" s="999"', b'<c r="B2" s="x"', b"<<") or b"B1:A1" in new:  # openpyxl refuses these
        with pytest.raises(readers.InputUnreadable) as raised:
            readers.read_xlsx(path, "cases.xlsx")
        assert raised.value.diagnostic.code == "D009"


def test_a_declared_count_of_shared_strings_beyond_the_part_is_left_to_openpyxl(tmp_path: Path) -> None:
    """calamine reserves room for the declared count before reading a string: 10**11 would end
    the process."""
    path = tmp_path / "cases.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("cases").write_row(0, 0, ["case_id", "x"])
    book.close()
    changed = _rewritten(
        path, "xl/sharedStrings.xml", lambda c: c.replace(b'uniqueCount="2"', b'uniqueCount="99999999999"')
    )
    assert xlsx.read_sheets(changed, "cases.xlsx", readers.MAX_XLSX_CELLS) is None
    assert readers.read_xlsx(changed, "cases.xlsx").header == ["case_id", "x"]


def test_a_damaged_workbook_is_d009_whichever_reader_tries(tmp_path: Path) -> None:
    """calamine cannot read a sheet with a reference without a row: openpyxl says D009."""
    path = _rewritten(_base(tmp_path), "xl/worksheets/sheet1.xml", lambda c: c.replace(b'r="B2"', b'r="B"', 1))
    assert xlsx.read_sheets(path, "cases.xlsx", readers.MAX_XLSX_CELLS) is None
    with pytest.raises(readers.InputUnreadable) as raised:
        readers.read_xlsx(path, "cases.xlsx")
    assert raised.value.diagnostic.code == "D009"


def test_the_scan_reads_references_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part is scanned a chunk at a time: a reference cut by a chunk's end is read whole."""
    cells = "".join(f'<c r="{xlsx.letter(c)}{r}"><v>1</v></c>' for r in (1, 2, 345) for c in (1, 2, 731))
    text = f"<worksheet><sheetData>{cells}</sheetData></worksheet>".encode()
    for chunk in (7, 13, 64, 1 << 20):
        monkeypatch.setattr(xlsx, "CHUNK", chunk)
        part = xlsx._scan_part(io.BytesIO(text), keep=False)
        assert (part.sheet, part.rows, part.columns, part.tags, part.referenced) == (True, 345, 731, 9, 9), chunk


@pytest.mark.parametrize("chunk", [5, 17, 64, 1 << 20])
def test_the_scan_reads_a_count_of_shared_strings_across_chunks(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    for attribute, count in [('uniqueCount="12"', 12), ("uniqueCount = '+0099999999999'", 99999999999)]:
        text = f"<sst {attribute}><si><t>a</t></si></sst>".encode()
        assert xlsx._scan_part(io.BytesIO(b" " * 300 + text), keep=False).strings == count
    unread = b"<sst uniqueCount" + b" " * 40 + b'="7"></sst>'
    assert xlsx._scan_part(io.BytesIO(unread), keep=False).strings == xlsx._UNREAD


def test_column_letters() -> None:
    assert [xlsx.letter(n) for n in (1, 26, 27, 52, 703, 16384)] == ["A", "Z", "AA", "AZ", "AAA", "XFD"]


# ---- generated workbooks -------------------------------------------------------------------

VALUES: list[Any] = [
    "low",
    " medium ",
    "",
    "  ",
    "yes",
    "1.2.3",
    "=1+1",
    "é ü ß",
    "line\nbreak",
    4,
    4.0,
    0,
    -7,
    0.5,
    1e-9,
    123456789012,
    True,
    False,
    dt.date(2008, 2, 29),
    dt.datetime(2008, 1, 1, 12, 30),
    dt.datetime(2009, 12, 31),
    dt.time(12, 0),
    None,
]


def _generated(seed: int, path: Path, writer: str) -> None:
    rnd = random.Random(seed)
    top, left = rnd.choice([0, 0, 1, 3]), rnd.choice([0, 0, 2])
    width, height = rnd.randint(1, 8), rnd.randint(0, 12)
    header = [rnd.choice(["case_id", "tier", "roh", "1.1.1", "x", None, " "]) for _ in range(width)]
    cells: dict[tuple[int, int], Any] = {(top, left + i): v for i, v in enumerate(header) if v is not None}
    for row in range(top + 1, top + 1 + height):
        if rnd.random() < 0.15:
            continue  # a blank row
        for column in range(left, left + width + (1 if rnd.random() < 0.1 else 0)):
            value = rnd.choice(VALUES)
            if value is not None:
                cells[row, column] = value
    merges = [(top, left, top, left + 1)] if width > 1 and rnd.random() < 0.1 else []
    if writer == "openpyxl":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = rnd.choice(["cases", "Sheet1"])
        for (row, column), value in cells.items():
            sheet.cell(row + 1, column + 1, value)
        for r0, c0, r1, c1 in merges:
            sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        if rnd.random() < 0.3:
            book.create_sheet("other").append(["case_id", 1])
        book.save(path)
        return
    xbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    xsheet = xbook.add_worksheet(rnd.choice(["cases", "Sheet1"]))
    formats = {dt.date: "yyyy-mm-dd", dt.datetime: "yyyy-mm-dd hh:mm", dt.time: "hh:mm"}
    made = {kind: xbook.add_format({"num_format": fmt}) for kind, fmt in formats.items()}
    for (row, column), value in cells.items():
        if type(value) in made:
            xsheet.write_datetime(row, column, value, made[type(value)])
        elif isinstance(value, str):
            xsheet.write_string(row, column, value)
        else:
            xsheet.write(row, column, value)
    for r0, c0, r1, c1 in merges:
        xsheet.merge_range(r0, c0, r1, c1, cells.get((r0, c0), "m"))
    xbook.close()


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
@pytest.mark.parametrize("seed", range(25))
def test_generated_workbooks_read_the_same(tmp_path: Path, writer: str, seed: int) -> None:
    path = tmp_path / "cases.xlsx"
    _generated(seed, path, writer)
    read_both(path, fast=None if writer == "openpyxl" else True)


def test_a_merged_range_too_large_for_openpyxl_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    """openpyxl makes a cell object for every place a merged range covers: A1:XFD1048576 took
    over 24 GB. The reference reader refuses such a workbook first (D009), quickly."""
    import zipfile

    from omi_rules.casedata import readers
    from omi_rules.diagnostics import InputUnreadable

    small = tmp_path / "small.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "note"])
    sheet.append(["c1", "x"])
    sheet.merge_cells("A5:B6")
    book.save(small)
    wide = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(wide, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                assert b'ref="A5:B6"' in data
                data = data.replace(b'ref="A5:B6"', b'ref="A5:XFD1048576"')
            target.writestr(info, data)
    with pytest.raises(InputUnreadable) as raised:
        readers._read_openpyxl(wide, "wide.xlsx")
    assert raised.value.diagnostic.code == "D009"
    assert "A5:XFD1048576" in raised.value.diagnostic.message
    readers._read_openpyxl(small, "small.xlsx")  # a small merged range is read as before
