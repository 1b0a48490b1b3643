"""Regression tests for the bugs the fuzz tests found, one input each (see docs/testing.md).

Each was an internal error (exit code 3), a hang or a run of minutes on a small input; each now
gives a located diagnostic with exit code 1 or 2 within seconds.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from .harness import Outcome, check, run_in_process
from .targets import CASES_CSV, JUDGEMENTS, MINIMAL, NORTH_WALES, OMI, RULESET, RULESET_TEST, workspace


def run(folder: Path, *argv: str, output: Path | None = None) -> Outcome:
    outcome = run_in_process(list(argv), folder)
    assert not check(outcome, output), outcome.describe()
    return outcome


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    workspace(tmp_path)
    return tmp_path


def codes(outcome: Outcome) -> set[str]:
    return {d["code"] for d in json.loads(outcome.stdout)["diagnostics"]}


# ---- numbers: yamlio.reader._Walker.scalar, casedata.validate.parse_field ----------------------------


@pytest.mark.parametrize("number", ["9" * 5000, str(10**400), "-" + str(10**400)])
def test_a_huge_whole_number_in_a_ruleset_is_y011(folder: Path, number: str) -> None:
    """More than 4,300 digits made int() raise ValueError; beyond float's range, OverflowError
    in R014's message (field min above max): both were exit code 3."""
    text = RULESET.decode().replace("    min: 1\n    max: 4\n", f"    min: {number}\n    max: 4\n", 1)
    (folder / "r" / "ruleset.yaml").write_text(text, encoding="utf-8")
    outcome = run(folder, "check", "r", "--format", "json")
    assert outcome.exit_code == 1 and codes(outcome) == {"Y011"}
    assert "too large a number" in outcome.stdout


def test_a_huge_number_in_judgements_and_ruleset_tests(folder: Path) -> None:
    """The same numbers in judgements and in a ruleset test's expectations (pydantic's float
    refused 10**400 after the schema had accepted it: exit code 3)."""
    (folder / "j.yaml").write_text(JUDGEMENTS.decode() + "extra: " + "9" * 5000 + "\n", encoding="utf-8")
    assert run(folder, "score", "r", "cases.csv", "--judgements", "j.yaml").exit_code == 1
    test_file = folder / "r" / "tests" / "minimal.test.yaml"
    test_file.write_text(
        RULESET_TEST.decode().replace("{score: 90,", "{score: " + str(10**400) + ","), encoding="utf-8"
    )
    outcome = run(folder, "test", "r/tests")
    assert outcome.exit_code == 1 and "error[Y011]" in outcome.stdout


def test_a_huge_whole_number_in_case_data_is_d003(folder: Path) -> None:
    """An int field without a maximum and a cell of 400 digits: OverflowError when the column
    was encoded as float64 for conditions (exit code 3)."""
    text = RULESET.decode().replace("    min: 1\n    max: 4\n", "", 1)
    (folder / "r" / "ruleset.yaml").write_text(text, encoding="utf-8")
    cases = CASES_CSV.decode().replace("c01,custody,high,4,", "c01,custody,high," + "9" * 400 + ",", 1)
    (folder / "cases.csv").write_text(cases, encoding="utf-8")
    outcome = run(folder, "score", "r", "cases.csv", "--format", "json")
    assert outcome.exit_code == 1 and codes(outcome) == {"D003"}


@pytest.mark.parametrize("value", ["3.14", '"abc"', "{a: 1}"])
def test_a_part_file_whose_list_is_not_a_list(folder: Path, value: str) -> None:
    """A part file with ``sections: 3.14``: list(3.14) raised TypeError while merging the parts
    (exit code 3); text was merged letter by letter. Now only the part's S003."""
    (folder / "r" / "section-4.yaml").write_text(f"part_of: mini\nsections: {value}\n", encoding="utf-8")
    outcome = run(folder, "check", "r", "--format", "json")
    assert outcome.exit_code == 1 and codes(outcome) == {"S003"}


@pytest.mark.parametrize(
    ("file", "argv"),
    [
        ("r/ruleset.yaml", ["check", "r"]),
        ("r/ruleset.yaml", ["score", "r", "cases.csv"]),
        ("r/section-4.yaml", ["check", "r"]),
        ("r/tests/minimal.test.yaml", ["test", "r/tests"]),
    ],
)
def test_a_file_holding_only_null_is_y009(folder: Path, file: str, argv: list[str]) -> None:
    """A YAML file that is only ``null`` (or ``~``): check passed such a ruleset (exit 0),
    score exited with 1 printing nothing, and such a ruleset test passed. Now Y009."""
    (folder / file).write_text("null\n...\n" if "tests" in file else "~\n", encoding="utf-8")
    outcome = run(folder, *argv)
    assert outcome.exit_code == 1 and "error[Y009]" in outcome.stdout + outcome.stderr


def test_a_ruleset_test_case_without_case_id(folder: Path) -> None:
    """A test case whose ``case_id`` key is misspelt (``case_i>d``): the schema check took it
    for a misspelling to be reported as an unknown key -- but a case allows any key, so nothing
    was reported, and the model's ValidationError escaped (exit code 3). Now S002/T001."""
    test_file = folder / "r" / "tests" / "minimal.test.yaml"
    test_file.write_text(RULESET_TEST.decode().replace("{case_id: b,", "{case_i>d: b,"), encoding="utf-8")
    outcome = run(folder, "test", "r/tests")
    assert outcome.exit_code == 1 and "error[T001]: missing required key 'case_id'" in outcome.stdout


def test_a_reused_anchor_prints_no_python_warning(folder: Path) -> None:
    """An anchor defined twice is valid YAML, but ruamel's ReusedAnchorWarning reached the
    terminal as a Python warning naming a file inside omi-rules."""
    text = RULESET.decode().replace("title: Minimal inspection", "title: &t Minimal inspection", 1)
    text = text.replace("description: Tier.", "description: &t Tier.", 1)
    (folder / "r" / "ruleset.yaml").write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = run(folder, "check", "r")
    assert outcome.exit_code == 0
    assert not [w for w in caught if "anchor" in str(w.message)]


# ---- paths: cli.app._Group, cli.common.emit, yamlio.reader.read_text, loader, inherit, tests -


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "r", "cases.csv", "--output", "sub"],
        ["score", "r", "cases.csv", "--output", "missing/report.txt"],
        ["score", "r", "cases.csv", "--output", ""],
        ["docs", "r", "--output", "sub"],
        ["resolve", "r", "--output", "missing/resolved.yaml"],
        ["diff", "base", "r", "--output", "sub"],
        ["impact", "base", "r", "--cases", "cases.csv", "--output", "sub"],
    ],
)
def test_output_that_cannot_be_written_is_a_usage_error(folder: Path, argv: list[str]) -> None:
    """--output naming a folder or a file in a missing folder: OSError from the atomic write
    (exit code 3); now a usage error naming the file (exit code 2), and nothing written."""
    outcome = run(folder, *argv)
    assert outcome.exit_code == 2 and "Invalid value for '--output': cannot write" in outcome.stderr
    assert not (folder / "missing").exists()
    assert not [p for p in folder.rglob("*.tmp")]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "x" * 5000],
        ["score", "r", "x" * 5000 + ".csv"],
        ["test", "x" * 5000],
        ["impact", "base", "r", "--cases", "x" * 5000],
        ["score", "x" * 5000, "cases.csv", "--as-of", "2008-06-01"],
        ["check", "r/" + "x" * 300],
    ],
)
def test_a_name_too_long_is_unreadable_input(folder: Path, argv: list[str]) -> None:
    """A path the system refuses (ENAMETOOLONG) raised OSError from Path.is_dir/exists (exit
    code 3); now a Y001 diagnostic naming it and exit code 2 (or 1 where it is reported among
    other findings)."""
    outcome = run(folder, *argv)
    assert outcome.exit_code in (1, 2)
    assert "error[Y001]" in outcome.stdout + outcome.stderr or "error[D009]" in outcome.stderr


def test_a_nul_character_in_an_argument_is_a_usage_error(folder: Path) -> None:
    """Called in-process with a NUL in a path, click.Path's os.stat raised ValueError (exit 3)."""
    for argv in (["check", "a\x00b"], ["score", "r", "a\x00b.csv"], ["test", "\x00"]):
        outcome = run(folder, *argv)
        assert outcome.exit_code == 2 and "NUL character" in outcome.stderr


@pytest.mark.parametrize(
    ("where", "edit", "code"),
    [
        ("ruleset.yaml", ("include:\n  - section-4.yaml", 'include:\n  - "a\\0b.yaml"'), "Y012"),
        ("ruleset.yaml", ("include:\n  - section-4.yaml", "include:\n  - " + "x" * 300), "Y012"),
        ("ruleset.yaml", ("\nid: mini\n", '\nid: mini\nextends: "../a\\0b"\n'), "R025"),
        ("ruleset.yaml", ("\nid: mini\n", "\nid: mini\nextends: ../" + "x" * 300 + "\n"), "R025"),
    ],
)
def test_odd_file_names_inside_a_ruleset(folder: Path, where: str, edit: tuple[str, str], code: str) -> None:
    """include and extends naming a file with a NUL character or a name too long: ValueError
    or OSError from Path.resolve/is_dir (exit code 3); now the include or extends diagnostic."""
    path = folder / "r" / where
    path.write_text(path.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    outcome = run(folder, "check", "r", "--format", "json")
    assert outcome.exit_code == 1 and code in codes(outcome)


def test_a_ruleset_test_naming_an_odd_ruleset(folder: Path) -> None:
    """A ruleset test whose ``ruleset:`` holds a NUL character (ValueError, exit code 3)."""
    test_file = folder / "r" / "tests" / "minimal.test.yaml"
    test_file.write_text('ruleset: "a\\0b"\n' + RULESET_TEST.decode(), encoding="utf-8")
    outcome = run(folder, "test", "r/tests")
    assert outcome.exit_code == 1 and "error[Y001]" in outcome.stdout


@pytest.mark.parametrize("argv", [["check", "/dev/zero"], ["score", "r", "cases.csv", "--judgements", "/dev/zero"]])
def test_a_device_without_end_is_refused(folder: Path, argv: list[str]) -> None:
    """/dev/zero reports size 0 and never ends: reading it whole hung; now at most the size
    limit is read (Y003/D009, exit code 2)."""
    started = time.perf_counter()
    outcome = run(folder, *argv)
    assert outcome.exit_code == 2 and time.perf_counter() - started < 10


# ---- Excel: casedata.readers.read_xlsx ----------------------------------------------------------


def _workbook(path: Path, far: str | None = None) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in CASES_CSV.decode().splitlines():
        sheet.append([cell or None for cell in line.split(",")])
    if far:
        sheet[far] = "far"
    book.save(path)


@pytest.mark.parametrize("far", ["XFD1048576", "A1048576"])
def test_a_far_cell_in_a_workbook_is_read_quickly(folder: Path, far: str) -> None:
    """One cell at XFD1048576 made the grid read 17 billion cells (a hang); one at A1048576
    took about 35 s. Now only the cells the file holds are read: D010 in well under a second."""
    _workbook(folder / "cases.xlsx", far)
    started = time.perf_counter()
    outcome = run(folder, "score", "r", "cases.xlsx", "--format", "json")
    assert time.perf_counter() - started < 5
    assert outcome.exit_code == 1 and (far != "XFD1048576" or codes(outcome) == {"D010"})


def test_a_zip_bomb_workbook_is_refused_unread(folder: Path) -> None:
    """A workbook that unpacks to more than 200 MiB is refused from the sizes its zip declares."""
    _workbook(folder / "base.xlsx")
    with zipfile.ZipFile(folder / "base.xlsx") as source, zipfile.ZipFile(folder / "cases.xlsx", "w") as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)
        bomb.writestr("xl/padding.xml", b" " * (201 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED)
    outcome = run(folder, "score", "r", "cases.xlsx", "--format", "json")
    assert outcome.exit_code == 2 and codes(outcome) == {"D009"} and "unpacks to" in outcome.stdout


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("worksheets/", b"<sheetData>", b"<sheetData><row r='x'>"),  # ParseError
        ("worksheets/", b'<c r="A2"', b'<c r="A2" s="999"'),  # IndexError
        ("workbook.xml", b"<sheets>", b"<sheets><sheet/>"),  # TypeError
        ("styles.xml", b"<", b"<<"),  # ParseError
    ],
)
def test_a_damaged_workbook_part_is_d009(folder: Path, part: str, old: bytes, new: bytes) -> None:
    """Damage inside the workbook's XML made openpyxl raise ParseError, IndexError or TypeError,
    outside the exceptions caught (exit code 3); any exception from reading a workbook is now
    D009 (exit code 2)."""
    _workbook(folder / "base.xlsx")
    with zipfile.ZipFile(folder / "base.xlsx") as source, zipfile.ZipFile(folder / "cases.xlsx", "w") as damaged:
        for item in source.infolist():
            content = source.read(item.filename)
            damaged.writestr(item, content.replace(old, new, 1) if part in item.filename else content)
    outcome = run(folder, "score", "r", "cases.xlsx", "--format", "json")
    assert outcome.exit_code == 2 and codes(outcome) == {"D009"}


def test_a_workbook_needing_a_newer_zip_version_is_d009(folder: Path) -> None:
    """A flipped byte in the zip's central directory ("version needed to extract" 17.2) made
    zipfile raise NotImplementedError before openpyxl was reached (exit code 3)."""
    _workbook(folder / "base.xlsx")
    data = bytearray((folder / "base.xlsx").read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (172).to_bytes(2, "little")
    (folder / "cases.xlsx").write_bytes(bytes(data))
    outcome = run(folder, "score", "r", "cases.xlsx", "--format", "json")
    assert outcome.exit_code == 2 and codes(outcome) == {"D009"}


# ---- CSV: casedata.validate.check_sample ------------------------------------------------------


def test_a_csv_read_as_one_line_is_reported_quickly(tmp_path: Path) -> None:
    """The North Wales sample with U+2028 line ends is one row of 33,000 columns: a "did you
    mean" for each unknown column took several seconds here (minutes for a national sample);
    now only the first 50 unknown columns get one."""
    shutil.copytree(OMI, tmp_path / "omi", ignore=shutil.ignore_patterns("tests"))
    text = (NORTH_WALES / "cases.csv").read_text(encoding="utf-8").replace("\n", "\u2028")
    (tmp_path / "cases.csv").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    outcome = run(tmp_path, "score", "omi", "cases.csv", "--format", "json")
    assert time.perf_counter() - started < 10
    body = json.loads(outcome.stdout)
    unknown = [d for d in body["diagnostics"] if d["code"] == "D001"]
    [more] = [d for d in body["diagnostics"] if d["code"] == "L001" and " D001 " in d["message"]]  # issue 18
    assert outcome.exit_code == 1 and len(unknown) == 50 and more["count"] > 10_000
    assert 0 < sum("did you mean" in (d["hint"] or "") for d in unknown) <= 50
    everything = run(tmp_path, "score", "omi", "cases.csv", "--format", "json", "--all")
    every = json.loads(everything.stdout)
    assert len([d for d in every["diagnostics"] if d["code"] == "D001"]) == len(unknown) + more["count"]
    assert every["summary"] == body["summary"] and not any(d["code"] == "L001" for d in every["diagnostics"])


# ---- impact: impact.impact, cli.impact --------------------------------------------------------


def test_impact_names_inspections_it_could_not_score(folder: Path) -> None:
    """An inspection impact cannot score is reported in the diagnostic form, and on stderr
    when the report goes to --output (before: exit code 1 with nothing printed)."""
    (folder / "cases.csv").write_bytes(b"case_id\x00,x\n")
    outcome = run(folder, "impact", "base", "r", "--cases", "cases.csv", "--output", "impact.txt")
    assert outcome.exit_code == 1
    [line] = outcome.stderr.splitlines()
    assert line.startswith("cases.csv: error[D009]:") and line.endswith("(not scored under mini 1.0.0)")
    assert "error[D009]" in (folder / "impact.txt").read_text(encoding="utf-8")
    assert MINIMAL.is_dir()


def test_a_mutation_that_lands_in_a_merged_range_writes_to_its_first_cell() -> None:
    """Long campaigns crashed when ``wrong_type`` or ``hostile_text`` picked a cell inside a
    range ``merged`` had made: openpyxl's other cells of a range take no value."""
    import random

    from openpyxl import Workbook

    from .xlsx import _cell

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 4):
        sheet.append([f"r{row}c{col}" for col in range(1, 4)])
    sheet.merge_cells("A2:C3")
    for seed in range(50):
        cell = _cell(sheet, random.Random(seed))
        cell.value = seed  # never a MergedCell: it would raise
        assert cell.coordinate == "A2" or all(cell.coordinate not in merged for merged in sheet.merged_cells.ranges)
