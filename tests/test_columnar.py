"""The columnar CSV reader (casedata.columnar) reads exactly what the standard reader reads.

It is an accelerator: for any file it either gives way (None) or gives the standard reader's
table -- the same header and header positions, the same rows, the same line for every row --
and checking either table against a ruleset gives the same diagnostics at the same places and
the same sample. Generated files (hypothesis) cover quotes, line breaks in cells, doubled
quotes, CRLF, blank lines, padding and ragged rows; test_case_data.py runs every case-data
diagnostic test through both readers.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omi_rules.casedata import columnar, readers
from omi_rules.casedata.table import RawTable
from omi_rules.casedata.validate import read_sample
from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position
from omi_rules.ruleset.loader import load_ruleset

from .conftest import FIXTURES, MINIMAL, ROOT
from .fuzz import mutations
from .fuzz.strategies import recipes

EXAMPLE = ROOT / "examples" / "north-wales-2008" / "cases.csv"
MINIMAL_CSV = (FIXTURES / "data" / "minimal-cases.csv").read_bytes()


def both(raw: bytes) -> tuple[RawTable | None, RawTable]:
    """The columnar reader's table (or None) and the standard reader's, of the same bytes."""
    return columnar.read_csv_columnar(raw, "cases.csv", readers.MAX_CELL_CHARS), readers.read_csv_rows(
        raw.decode("utf-8-sig"), "cases.csv"
    )


def assert_same_table(fast: RawTable, reference: RawTable) -> None:
    assert fast.header == reference.header
    assert fast.header_positions == reference.header_positions
    assert fast.size == reference.size
    assert fast.rows == reference.rows
    assert fast.row_positions == reference.row_positions
    assert fast.diagnostics == reference.diagnostics == []
    for i in range(len(fast.header)):  # each column's values: distinct, and each some row's
        values = fast.column(i).values
        assert len(values) == len(set(values))
        assert set(values) == {row[i] if i < len(row) else None for row in reference.rows}


def resampled(rows: int, seed: int = 3) -> bytes:
    """``rows`` cases drawn from the North Wales example, each with a new id."""
    header, *cases = list(csv.reader(EXAMPLE.open(encoding="utf-8", newline="")))
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i in range(rows):
        writer.writerow([f"c{i:05d}", *rng.choice(cases)[1:]])
    return out.getvalue().encode("utf-8")


def test_the_example_resampled_is_read_alike_and_a_column_at_a_time() -> None:
    fast, reference = both(resampled(600))
    assert fast is not None, "a well-formed file must be read a column at a time"
    assert_same_table(fast, reference)
    assert all(len(fast.column(i).values) < 50 for i in range(1, len(fast.header)))  # encoded, not per cell


@pytest.mark.parametrize(
    "text",
    [
        'case_id,note\nc1,"a, b"\nc2,"two\nlines"\nc3,"say ""yes"""\nc4,""\n',
        "case_id,note\r\nc1,x\r\n\r\nc2,y\r\n",
        "\ufeffcase_id,note\nc1,x\n",
        "\n\ncase_id,note\n\nc1,x\n,\n  ,  \nc2,y",
        "case_id , note \n  c1  ,  x  \nc2,\n",
        'case_id,note\nc1,"multi\r\nline\r\ncell"\nc2,z\n',
        "case_id,note\n",
        "case_id,note\nc1,note\nnote,x\n",
        "case_id,note\nc1, x\nc2,x \nc3,  \n",
        "case_id,note\nc1,x\n , \nc2,y\n",
    ],
    ids=[
        "quotes",
        "crlf-blank",
        "bom",
        "blank-lines-and-rows",
        "padding",
        "crlf-in-cell",
        "header-only",
        "a-header-text-as-a-value",
        "values-one-when-trimmed",
        "a-blank-row-holds-the-only-empty-cells",
    ],
)
def test_files_both_readers_take_are_read_alike(text: str) -> None:
    fast, reference = both(text.encode("utf-8"))
    assert fast is not None
    assert_same_table(fast, reference)


@pytest.mark.parametrize(
    "text",
    [
        "case_id,note\nc1\nc2,x\n",  # a short row: D010
        "case_id,note\nc1,x,y\n",  # a long row: D010
        'case_id,note\nc1,"open\n',  # an unclosed quote: D012
        'case_id,note\nc1,"x"y\n',  # text after a closing quote: D012
        'case_id,note\nc1,x"y\n',  # a quote inside a cell: a letter
        "case_id,note\rc1,x\r",  # lone CRs end lines
        "case_id;note\nc1;x\n",  # semicolons: D012
        ",\ncase_id,note\nc1,x\n",  # a blank first line of another width
        "case_id,note\nc1," + "x" * (readers.MAX_CELL_CHARS + 1) + "\n",  # a cell too long: D012
        "\ufeff\ufeffcase_id,note\nc1,x\n",  # a second BOM: text to the standard reader (fuzz)
        "h" * 200_000 + ",note\nc1,x\n",  # a header cell over csv's field limit: D012 (fuzz)
        "",
    ],
    ids=[
        "short",
        "long",
        "unclosed",
        "after-quote",
        "inner-quote",
        "cr",
        "semicolon",
        "blank-first",
        "too-long",
        "two-boms",
        "huge-header",
        "empty",
    ],
)
def test_the_columnar_reader_gives_way_where_the_standard_reader_reports_or_decides(text: str) -> None:
    raw = text.encode("utf-8")
    assert columnar.read_csv_columnar(raw, "cases.csv", readers.MAX_CELL_CHARS) is None


@pytest.mark.parametrize(
    "raw",
    [b"case_id,note\nc1,\xff\xfe\n", b"case_\xffid,note\nc1,x\n", b"case_id,note\nc1,\x00\n"],
    ids=["not-utf8", "not-utf8-header", "nul"],
)
def test_a_file_that_is_not_text_is_left_to_the_standard_reader_and_its_d009(raw: bytes) -> None:
    assert columnar.read_csv_columnar(raw, "cases.csv", readers.MAX_CELL_CHARS) is None
    with pytest.raises(InputUnreadable) as raised:
        readers.read_csv(raw * (readers.COLUMNAR_FROM // len(raw) + 1), "cases.csv")
    assert raised.value.diagnostic.code == "D009"


CELL = st.sampled_from(
    ["", " ", "a", "b ", "c1", "yes", "n/a", '"q"', '""', '"a,b"', '"x\ny"', '"s ""t"""', 'x"y', ";"]
)
LINE_END = st.sampled_from(["\n", "\r\n", "\n\n", "\r", "\n,\n"])


@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=0, max_size=8),
    ends=st.lists(LINE_END, min_size=8, max_size=8),
    last=st.booleans(),
)
def test_any_file_is_read_alike_or_left_to_the_standard_reader(
    width: int, rows: list[list[str]], ends: list[str], last: bool
) -> None:
    header = ",".join(f"h{i}" for i in range(width))
    body = "".join(",".join(row) + end for row, end in zip(rows, ends, strict=False))
    text = header + "\n" + (body if last else body.rstrip("\r\n"))
    fast, reference = both(text.encode("utf-8"))
    if fast is not None:
        assert_same_table(fast, reference)


def check(table: RawTable) -> tuple[list[Diagnostic], object]:
    loaded = load_ruleset(MINIMAL)
    assert loaded.model is not None
    sample, found = read_sample(table, loaded.model)
    assert sample is not None
    codes = {qid: sample.answer_codes[qid].tolist() for qid in sample.answer_codes}
    answers = {qid: sample.answers[qid] for qid in sample.answers}
    unknown = {column: mask.tolist() for column, mask in sample.unknown.items()}
    return found, (sample.case_ids, sample.values, codes, answers, unknown)


def test_checking_a_table_of_either_reader_gives_the_same_findings_and_sample() -> None:
    """Wrong cells spread over a file read a column at a time are found at the same places."""
    lines = (FIXTURES / "data" / "minimal-cases.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    rng = random.Random(5)
    out = [header]
    for i in range(400):
        cells = rng.choice(body).split(",")
        cells[0] = f"k{i}" if i % 97 else "k1"  # a few ids used twice: D005
        if i % 53 == 0:
            cells[2] = "lwo"  # D003
        if i % 71 == 0:
            cells[-1] = "maybe"  # D004
        if i % 89 == 0:
            cells[0] = ""  # D011
        out.append(",".join(cells))
        if i % 40 == 0:
            out.append("")  # blank lines move the line numbers
    fast, reference = both(("\n".join(out) + "\n").encode("utf-8"))
    assert fast is not None
    assert_same_table(fast, reference)
    found_fast, sample_fast = check(fast)
    found_reference, sample_reference = check(reference)
    assert {d.code for d in found_reference} >= {"D003", "D004", "D005", "D011"}
    assert found_fast == found_reference
    assert sample_fast == sample_reference


def test_read_csv_reads_a_large_file_a_column_at_a_time(tmp_path: Path) -> None:
    raw = resampled(600)
    assert len(raw) >= readers.COLUMNAR_FROM
    table = readers.read_csv(raw, "cases.csv")
    assert table._encoded is not None  # the columnar reader's table
    small = readers.read_csv(resampled(20), "cases.csv")
    assert small._encoded is None


def test_a_row_is_at_the_line_it_starts_on_and_each_cell_at_its_own() -> None:
    """A line break in a quoted cell: the row is where it starts, each cell where it starts."""
    records = columnar._records(b'a,b,c\n1,"x\ny",z\n\n2,w,v')
    assert records.first.tolist() == [1, 2, 5]
    assert records.last.tolist() == [1, 3, 5]
    text = 'case_id,note,tier\nc1,"two\r\nlines",9\nc2,"three\nlines\nhere",8\nc3,x,7\n'
    fast, reference = both(text.encode("utf-8"))
    assert fast is not None
    assert_same_table(fast, reference)
    for table in (fast, reference):
        assert [table.cell_position(0, i).line for i in range(3)] == [2, 2, 3]
        assert [table.cell_position(1, i).line for i in range(3)] == [4, 4, 6]
        assert table.cell_position(2, 2) == Position("cases.csv", 7, 3)


def test_a_diagnostic_after_a_line_break_in_a_cell_is_at_the_cell() -> None:
    """A wrong cell that follows a quoted two-line cell is reported on its own line, by both."""
    lines = (FIXTURES / "data" / "minimal-cases.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[0], bad[header.index("sentence")], bad[header.index("roh")] = "c99", '"custody\n"', "lwo"
    text = "\n".join([*lines, ",".join(bad)]) + "\n"
    fast, reference = both(text.encode("utf-8") * 1)
    assert fast is not None
    assert_same_table(fast, reference)
    found_fast, _ = check(fast)
    found_reference, _ = check(reference)
    assert found_fast == found_reference
    d003 = [d for d in found_reference if d.code == "D003"]
    row_line = len(lines) + 1
    assert [(d.position.line, d.position.col) for d in d003] == [(row_line + 1, header.index("roh") + 1)]


@settings(max_examples=300, deadline=None)
@given(recipe=recipes(sorted(mutations.CSV), most=4))
def test_mutated_case_files_are_read_alike_or_left_to_the_standard_reader(recipe: mutations.Recipe) -> None:
    """The fuzz campaign's CSV mutations (ragged rows, quotes, separators, encodings, NUL bytes,
    line ends, ...) of the minimal sample and of the example: whatever the columnar reader
    takes, it reads as the standard reader does."""
    for original in (MINIMAL_CSV, EXAMPLE.read_bytes()):
        raw = mutations.apply(original, recipe, mutations.CSV)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # refused before either reader (D009)
        if "\x00" in text:
            continue  # likewise
        fast = columnar.read_csv_columnar(raw, "cases.csv", readers.MAX_CELL_CHARS)
        if fast is not None:
            assert_same_table(fast, readers.read_csv_rows(text, "cases.csv"))


@pytest.mark.parametrize("rows", [5, 600], ids=["read-a-row-at-a-time", "read-a-column-at-a-time"])
def test_the_results_provenance_is_the_hash_of_the_bytes_read(tmp_path: Path, rows: int) -> None:
    """The CSV reader hashes the bytes it read (``RawTable.sha256``), and the result names the
    cases by it: the same hash as the file's, without reading it again."""
    import hashlib

    from omi_rules.engine.pipeline import score

    raw = resampled(rows)
    cases = tmp_path / "cases.csv"
    cases.write_bytes(raw)
    table = readers.read_table(cases)
    assert (len(raw) >= readers.COLUMNAR_FROM) == (rows == 600)
    assert table.sha256 == hashlib.sha256(raw).hexdigest()
    result = score(ROOT / "rulesets" / "omi-2008", cases).result
    assert result is not None and result.inputs.cases is not None
    assert result.inputs.cases.sha256 == hashlib.sha256(raw).hexdigest()
