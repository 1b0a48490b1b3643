"""``score`` and ``impact`` with ``--format xlsx``, read back with openpyxl (independent of
xlsxwriter, which wrote them): one sheet per table, numbers as numbers with percentage
formats, the same figures as the JSON result, and no text that a spreadsheet could run."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from omi_rules.cli import main

from .conftest import FIXTURES, MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"
NORTH_WALES = ROOT / "examples" / "north-wales-2008"
NW_ARGS = [str(OMI), str(NORTH_WALES / "cases.csv"), "--judgements", str(NORTH_WALES / "judgements.yaml")]


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def table(sheet: Worksheet) -> dict[str, list[Any]]:
    """The rows below a sheet's header row (the first row whose first cell is "Id" or a
    header word), by their first cell."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value in ("Id", "Inspection", "Target", "Item", "Severity"))
    return {str(row[0].value): list(row) for row in rows[start + 1 :] if row[0].value is not None}


@pytest.fixture(scope="module")
def north_wales(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    out = tmp_path_factory.mktemp("xlsx") / "scores.xlsx"
    assert run("score", *NW_ARGS, "--format", "xlsx", "--output", str(out)).exit_code == 0
    body = json.loads(run("score", *NW_ARGS, "--format", "json").stdout)
    return load_workbook(out), body


def test_one_sheet_per_table(north_wales: tuple[Any, dict[str, Any]]) -> None:
    book, _ = north_wales
    assert book.sheetnames == ["Summary", "Questions", "Grades", "Threads", "Decisions", "Findings", "About"]


def test_summary_scores_are_numbers_rounded_as_published(north_wales: tuple[Any, dict[str, Any]]) -> None:
    book, body = north_wales
    rows = table(book["Summary"])
    for cid, criterion in body["criteria"].items():
        _, title, shown, exact, conclusion = rows[cid][:5]
        assert title.value == criterion["title"]
        assert (shown.data_type, shown.number_format) == ("n", "0%")
        assert f"{round(shown.value * 100)}%" == criterion["display"]  # the published figure, e.g. 73%
        assert exact.value == pytest.approx(criterion["score"] / 100, abs=1e-12)
        assert exact.number_format == "0.0000%"
        assert conclusion.value == criterion["band"]["label"]
    assert table(book["Threads"])["roh"][2].value == pytest.approx(0.71)  # Table 2: 71%
    assert table(book["Summary"])["1"][1].font.b  # a section's row is bold, as in Chart 1


def test_the_figures_behind_each_score(north_wales: tuple[Any, dict[str, Any]]) -> None:
    book, body = north_wales
    sheet = book["Questions"]
    found = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=5) if r[0].value}
    for cid, criterion in body["criteria"].items():
        for q in criterion["questions"]:
            row = found[(cid, q["id"])]
            counts = q["counts"]
            assert [c.value for c in row[3:7]] == [counts[k] for k in ("relevant", "answered", "judged", "sufficient")]
            if q["proportion"] is None:
                assert row[7].value is None
            else:
                assert row[7].value == pytest.approx(q["proportion"] / 100)
    grades = table(book["Grades"])
    assert {gid: grades[gid][2].value for gid in body["grades"]} == {
        gid: g["grade"]["label"] for gid, g in body["grades"].items()
    }
    findings = [r for r in book["Findings"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[1], r[5]) for r in findings] == [(f["code"], f["message"]) for f in body["findings"]]
    about = table(book["About"])
    assert about["ruleset sha256"][1].value == body["ruleset"]["sha256"]


def test_groups_get_a_column_each(tmp_path: Path) -> None:
    out = tmp_path / "by.xlsx"
    assert run("score", *NW_ARGS, "--by", "sentence", "--format", "xlsx", "--output", str(out)).exit_code == 0
    body = json.loads(run("score", *NW_ARGS, "--by", "sentence", "--format", "json").stdout)
    rows = table(load_workbook(out)["Summary"])
    for index, group in enumerate(body["by"]["groups"]):
        for cid, scored in group["scores"]["criteria"].items():
            cell = rows[cid][5 + index]
            if scored["display"] is None:
                assert cell.value == "no judged cases"
            else:
                assert f"{round(cell.value * 100)}%" == scored["display"]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    ruleset = tmp_path / "r"
    shutil.copytree(MINIMAL, ruleset)
    text = (ruleset / "ruleset.yaml").read_text(encoding="utf-8")
    edits = (("title: Risk of Harm\n", 'title: "=1+1"\n'), ("title: Risk of Harm thread\n", 'title: "@SUM(A1)"\n'))
    for old, new in edits:
        assert text.count(old) == 1
        text = text.replace(old, new)
    (ruleset / "ruleset.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "scores.xlsx"
    cases = str(FIXTURES / "data" / "minimal-cases.csv")
    judgements = ["--judgements", str(FIXTURES / "data" / "minimal-judgements.yaml")]
    assert run("score", str(ruleset), cases, *judgements, "--format", "xlsx", "--output", str(out)).exit_code == 0
    book = load_workbook(out)
    title, thread = table(book["Summary"])["1.1"][1], table(book["Threads"])["roh"][1]
    assert (title.value, thread.value) == ("=1+1", "@SUM(A1)")
    for cell in (title, thread):
        assert cell.data_type == "s" and cell.quotePrefix
    for cell in (table(book["Summary"])["1.1"][0], table(book["Summary"])["1"][1]):  # ordinary text: no prefix
        assert cell.data_type == "s" and not cell.quotePrefix


@pytest.mark.parametrize("command", ["score", "impact"])
def test_xlsx_needs_output(command: str) -> None:
    args = NW_ARGS if command == "score" else [str(OMI), str(OMI), "--cases", str(NORTH_WALES / "cases.csv")]
    result = run(command, *args, "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format xlsx writes a workbook: give --output FILE.xlsx" in result.output


def test_impact_workbook_lists_the_moves_with_their_numbers(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(OMI, new)
    changed = run(
        "set", str(new), "band_sets/conclusion/bands/good/min", "73", "band_sets/conclusion/bands/priority/max", "73"
    )
    assert changed.exit_code == 0, changed.output
    out = tmp_path / "impact.xlsx"
    cases = str(NORTH_WALES / "cases.csv")
    result = run("impact", str(OMI), str(new), "--cases", cases, "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    body = json.loads(run("impact", str(OMI), str(new), "--cases", cases, "--format", "json").stdout)
    book = load_workbook(out)
    assert book.sheetnames == ["Moves", "Summary", "About"]
    moves = [r for r in book["Moves"].iter_rows(min_row=4) if r[0].value]
    assert len(moves) == len(body["moves"]) >= 1
    for row, move in zip(moves, body["moves"], strict=True):
        assert [c.value for c in row[:3]] == [move["inspection"], move["kind"], move["target"]]
        assert row[3].value == move["old"] and row[5].value == move["new"]
        assert (row[4].data_type, row[4].number_format) == ("n", "0%")
        assert Fraction(round(row[4].value * 100)) == Fraction(move["old_figure"].rstrip("%"))
    summary = table(book["Summary"])
    assert {k: summary[k][1].value for k in summary} == body["summary"]
