"""Case data and judgements: one test per data diagnostic (D and J codes), each asserting the
code, the file, row (line) and column, and the exit code; none may produce a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from omi_rules.casedata import readers
from omi_rules.cli import main
from omi_rules.diagnostics.codes import CODES

from .conftest import FIXTURES, MINIMAL
from .test_ratings import RATING_CASES

CSV = (FIXTURES / "data" / "minimal-cases.csv").read_text(encoding="utf-8")
JUDGEMENTS = (FIXTURES / "data" / "minimal-judgements.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True, params=["standard", "columnar"])
def csv_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with each CSV reader: the columnar one (casedata.columnar) reads
    files from ``COLUMNAR_FROM`` bytes, here from 0, and must find every problem the standard
    reader finds, at the same place (it gives the file to the standard reader when it cannot)."""
    if request.param == "columnar":
        monkeypatch.setattr(readers, "COLUMNAR_FROM", 0)
    return str(request.param)


def score(tmp_path: Path, cases_name: str, *extra: str) -> tuple[int, list[tuple[str, str, int, int]], Any]:
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(tmp_path / cases_name), "--format", "json", *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    body = json.loads(result.stdout)
    items = body.get("diagnostics", body.get("findings", []))
    found = [(d["code"], Path(d["file"]).name, d["line"], d["column"]) for d in items]
    return result.exit_code, found, body


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def edit(old: str, new: str, text: str = CSV) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def add_column(name: str, value: str, text: str = CSV) -> str:
    lines = text.splitlines()
    return "\n".join([lines[0] + "," + name] + [line + "," + value for line in lines[1:]]) + "\n"


def drop_column(name: str, text: str = CSV) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    index = rows[0].index(name)
    return "\n".join(",".join(cell for i, cell in enumerate(row) if i != index) for row in rows) + "\n"


CASES = [
    # code, title, csv text, extra args, expected [(code, line, col)], exit
    ("D001", "an unknown column", add_column("riskk", "x"), [], [("D001", 1, 10)], 1),
    ("D002", "a question's column is missing", drop_column("1.1.3"), [], [("D002", 1, 1)], 1),
    ("D003", "a misspelt Risk of Harm level", edit("c03,community,low", "c03,community,lwo"), [], [("D003", 4, 3)], 1),
    ("D003", "a tier outside 1-4", edit("c03,community,low,1", "c03,community,low,5"), [], [("D003", 4, 4)], 1),
    (
        "D004",
        "an answer code not on the scale",
        edit("c01,custody,high,4,false,yes,yes,yes,yes", "c01,custody,high,4,false,yes,Yes,yes,yes"),
        [],
        [("D004", 2, 7)],
        1,
    ),
    ("D005", "a duplicate case id", edit("c03,community", "c02,community"), [], [("D005", 4, 1)], 1),
    (
        "D006",
        "an answer where the question is not relevant (excluded, warning)",
        edit("c03,community,low,1,false,no,,,no", "c03,community,low,1,false,no,yes,,no"),
        [],
        [("D006", 4, 7)],
        0,
    ),
    (
        "D007",
        "a relevant question left unanswered",
        edit("c01,custody,high,4,false,yes,yes,yes,yes", "c01,custody,high,4,false,yes,,yes,yes"),
        [],
        [("D007", 2, 7)],
        1,
    ),
    ("D008", "an empty file", "", [], [("D008", 1, 1)], 1),
    ("D008", "a header and no cases", CSV.splitlines()[0] + "\n", [], [("D008", 1, 1)], 1),
    (
        "D010",
        "a ragged row",
        edit("c05,licence,high,3,false,no,,no,no", "c05,licence,high,3,false,no,,no,no,extra"),
        [],
        [("D010", 6, 10)],
        1,
    ),
    ("D011", "an empty case id", edit("c04,community", ",community"), [], [("D011", 5, 1)], 1),
    ("D012", "an unclosed quote", edit("c04,community", '"c04,community'), [], [("D012", 12, 1)], 1),
    (
        "D013",
        "a sample smaller than required (warnings only)",
        edit("c09,community,low,2,false,no,,,yes\n", ""),
        [],
        [("D013", 0, 0), ("D013", 0, 0)],
        0,
    ),
]


@pytest.mark.parametrize(
    ("code", "title", "text", "extra", "expected", "exit_code"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_case_data_diagnostic(
    tmp_path: Path,
    code: str,
    title: str,
    text: str,
    extra: list[str],
    expected: list[tuple[str, int, int]],
    exit_code: int,
) -> None:
    name = write(tmp_path, text)
    got_exit, found, _ = score(tmp_path, name, *extra)
    assert sorted(found) == sorted((c, name, line, col) for c, line, col in expected)
    assert got_exit == exit_code


TOGETHER = [
    # title, csv text, expected [(code, line, col)]
    (
        "a D003, a D006 and a D007 in one file",
        edit(
            "c04,community,medium,2,true,no,,,yes",
            "c04,community,medium,2,true,no,,yes,yes",
            edit("c03,community,low,1,false,no,,,no", "c03,community,lwo,1,false,yes,,,"),
        ),
        # c03's roh is rejected: whether 1.1.2 (roh >= 'high') applies to c03 is unknown, so its
        # empty cell is not a D007; 1.1.s applies to every case and is still reported.
        [("D003", 4, 3), ("D007", 4, 9), ("D006", 5, 8)],
    ),
    (
        "a rejected answer read by a later question's relevance",
        edit("c01,custody,high,4,false,yes,yes,yes,yes", "c01,custody,high,4,false,Yes,,yes,"),
        # 1.1.2 reads answer('1.1.1'), which was rejected: undecided on c01; 1.1.s is not.
        [("D004", 2, 6), ("D007", 2, 9)],
    ),
    (
        "a missing field column",
        edit("c05,licence,3,false,no,,no,no", "c05,licence,3,false,no,,,", drop_column("roh")),
        # Without roh, 1.1.2 is undecided everywhere; 1.1.3 (sentence, ppo) and 1.1.s are not.
        [("D002", 1, 1), ("D007", 6, 7), ("D007", 6, 8)],
    ),
]


@pytest.mark.parametrize(("title", "text", "expected"), TOGETHER, ids=[t[0] for t in TOGETHER])
def test_rejected_cells_hide_only_the_relevance_findings_they_affect(
    tmp_path: Path, title: str, text: str, expected: list[tuple[str, int, int]]
) -> None:
    """Every problem of a file is reported together: a rejected cell (D003, D004) or a missing
    column (D002) no longer hides the file's D006 and D007 findings, only those whose relevance
    reads the value that is not known."""
    name = write(tmp_path, text)
    got_exit, found, _ = score(tmp_path, name)
    assert sorted(found) == sorted((c, name, line, col) for c, line, col in expected)
    assert got_exit == 1


def test_an_error_outside_the_where_subgroup_still_stops_the_run(tmp_path: Path) -> None:
    """The case file is checked whole, whatever --where selects: the file is the evidence. A
    D007 on c01 (tier 4) stops a run over the tier 1 cases, located at c01's cell."""
    where = ("--where", "tier == 1", "--judgements", str(FIXTURES / "data" / "minimal-judgements.yaml"))
    clean = write(tmp_path, CSV, "clean.csv")
    got_exit, found, body = score(tmp_path, clean, *where)
    assert (got_exit, found) == (0, [])
    assert body["cases"] == 2  # c03 and c07: c01 (tier 4) is outside the subgroup
    broken = write(tmp_path, edit("c01,custody,high,4,false,yes,yes,yes,yes", "c01,custody,high,4,false,yes,,yes,yes"))
    got_exit, found, body = score(tmp_path, broken, *where)
    assert (got_exit, found) == (1, [("D007", broken, 2, 7)])
    assert "criteria" not in body  # nothing is scored
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(tmp_path / broken), *where])
    assert result.exit_code == 1
    assert (
        f"{tmp_path / broken}:2:7: error[D007]: case c01: question 1.1.2 is relevant but not answered" in result.stderr
    )


def test_unanswered_can_be_a_warning(tmp_path: Path) -> None:
    name = write(tmp_path, edit("c01,custody,high,4,false,yes,yes,yes,yes", "c01,custody,high,4,false,yes,,yes,yes"))
    got_exit, found, body = score(tmp_path, name, "--unanswered", "warning")
    assert got_exit == 0
    assert found == [("D007", name, 2, 7)]
    assert body["criteria"]["1.1"]["questions"][1]["counts"] == {
        "relevant": 3,
        "answered": 2,
        "judged": 2,
        "sufficient": 1,
    }


@pytest.mark.parametrize(
    ("title", "content"),
    [("not UTF-8", "case_id,sentence\nc1,caf\xe9\n".encode("latin-1")), ("binary", bytes(range(256)))],
)
def test_unreadable_case_file_exits_2(tmp_path: Path, title: str, content: bytes) -> None:
    (tmp_path / "cases.csv").write_bytes(content)
    got_exit, found, _ = score(tmp_path, "cases.csv")
    assert got_exit == 2
    assert [f[0] for f in found] == ["D009"]
    if title == "not UTF-8":
        assert found[0][2:] == (2, 7)


def _xlsx(path: Path, merge_header: bool) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [line.split(",") for line in CSV.splitlines()]
    if merge_header:
        sheet.append(["Case details", None, None, None, None, "Answers", None, None, None])
        sheet.merge_cells("A1:E1")
    for row in rows:
        sheet.append([cell if cell else None for cell in row])
    book.save(path)


def test_xlsx_is_read_like_csv(tmp_path: Path) -> None:
    _xlsx(tmp_path / "cases.xlsx", merge_header=False)
    got_exit, found, body = score(tmp_path, "cases.xlsx")
    assert (got_exit, found) == (0, [])
    assert body["criteria"]["1.1"]["display"] == "67%"


def test_xlsx_with_a_merged_header_row(tmp_path: Path) -> None:
    _xlsx(tmp_path / "cases.xlsx", merge_header=True)
    got_exit, found, _ = score(tmp_path, "cases.xlsx")
    assert got_exit == 1
    assert found == [("D012", "cases.xlsx", 1, 1)]


def test_xlsx_formula_like_text_is_only_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [line.split(",") for line in CSV.splitlines()]
    rows[1][6] = "=cmd|' /C calc'!A0"
    for row in rows:
        sheet.append([cell if cell else None for cell in row])
    sheet["G2"].data_type = "s"
    book.save(tmp_path / "cases.xlsx")
    got_exit, found, _ = score(tmp_path, "cases.xlsx")
    assert got_exit == 1
    assert [f[0] for f in found] == ["D004"]


def test_json_and_yaml_case_data(tmp_path: Path) -> None:
    header, *rows = [line.split(",") for line in CSV.splitlines()]
    cases = [{k: (v if v else None) for k, v in zip(header, row, strict=True)} for row in rows]
    (tmp_path / "cases.json").write_text(json.dumps({"ruleset": "mini", "cases": cases}), encoding="utf-8")
    got_exit, found, body = score(tmp_path, "cases.json")
    assert (got_exit, found) == (0, [])
    assert body["criteria"]["1.1"]["display"] == "67%"
    yaml_text = "cases:\n" + "".join(
        "  - {" + ", ".join(f"'{k}': {json.dumps(v)}" for k, v in case.items()) + "}\n" for case in cases
    )
    yaml_text = yaml_text.replace("'roh': \"high\"", "'roh': \"hihg\"", 1)
    (tmp_path / "cases.yaml").write_text(yaml_text, encoding="utf-8")
    got_exit, found, _ = score(tmp_path, "cases.yaml")
    assert got_exit == 1
    assert found == [("D003", "cases.yaml", 2, yaml_text.splitlines()[1].index('"hihg"') + 1)]


JUDGEMENT_CASES = [
    (
        "J001",
        "an unknown criterion",
        edit('  "4.1":', '  "4.1":\n    "4.1.1": met\n  "4.9":', JUDGEMENTS).replace(
            '  "4.1":\n    "4.1.1": met\n  "4.9":\n    "4.1.1": met',
            '  "4.9":\n    "4.1.1": met\n  "4.1":\n    "4.1.1": met',
            1,
        ),
        [("J001", 4, 3)],
        1,
    ),
    (
        "J002",
        "an unknown specific criterion",
        edit('"4.1.1": met', '"4.1.1": met\n    "4.1.9": met', JUDGEMENTS),
        [("J002", 6, 5)],
        1,
    ),
    ("J003", "a judgement not in the rule", edit('"4.1.1": met', '"4.1.1": mett', JUDGEMENTS), [("J003", 5, 14)], 1),
    # a warning: 4.1 is graded from 4.1.2 alone, and scoring goes on
    ("J004", "a specific criterion not judged", edit('    "4.1.1": met\n', "", JUDGEMENTS), [("J004", 4, 3)], 0),
    ("J005", "judgements written as a list", edit('  "4.1":', '  - "4.1":', JUDGEMENTS), [("J005", 4, 3)], 1),
]


@pytest.mark.parametrize(
    ("code", "title", "text", "expected", "exit_code"),
    JUDGEMENT_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in JUDGEMENT_CASES],
)
def test_judgement_diagnostic(
    tmp_path: Path, code: str, title: str, text: str, expected: list[tuple[str, int, int]], exit_code: int
) -> None:
    write(tmp_path, CSV)
    (tmp_path / "j.yaml").write_text(text, encoding="utf-8")
    got_exit, found, _ = score(tmp_path, "cases.csv", "--judgements", str(tmp_path / "j.yaml"))
    assert sorted(found) == sorted((c, "j.yaml", line, col) for c, line, col in expected)
    assert got_exit == exit_code


@pytest.mark.parametrize(
    "text",
    [
        JUDGEMENTS.replace(JUDGEMENTS[JUDGEMENTS.index("judgements:") :], "judgements: {}\n"),
        JUDGEMENTS.replace(JUDGEMENTS[JUDGEMENTS.index('  "4.1":') :], '  "4.1": {}\n'),
    ],
    ids=["criterion-left-out", "criterion-empty"],
)
def test_a_criterion_judged_on_nothing_is_valid_and_not_graded(tmp_path: Path, text: str) -> None:
    """Leaving out every specific criterion of a criterion is no error (the reference: it gets
    no grade); the case-sample criteria are still scored."""
    write(tmp_path, CSV)
    (tmp_path / "j.yaml").write_text(text, encoding="utf-8")
    got_exit, found, body = score(tmp_path, "cases.csv", "--judgements", str(tmp_path / "j.yaml"))
    assert (got_exit, found) == (0, [])
    assert body["grades"]["4.1"]["grade"] is None
    assert body["grades"]["4.1"]["not_judged"] == ["4.1.1", "4.1.2"]
    assert body["criteria"]["1.1"]["display"] == "67%"


def _collected_under(tmp_path: Path, edit_ruleset: tuple[str, ...]) -> tuple[int, list[Any], Any, Path]:
    """Make the minimal ruleset's workbook, fill it with the minimal cases, then score it with
    a copy of the ruleset changed by ``edit_ruleset`` (pairs of old and new text)."""
    import shutil

    from .workbook_helpers import fill, typed_rows

    tmp_path.mkdir(exist_ok=True)
    made = tmp_path / "collect.xlsx"
    result = CliRunner().invoke(main, ["template", str(MINIMAL), "--output", str(made)])
    assert result.exit_code == 0, result.output
    fill(made, typed_rows(FIXTURES / "data" / "minimal-cases.csv", {"tier"}, {"ppo"}), tmp_path / "cases.xlsx")
    changed = tmp_path / "changed"
    shutil.copytree(MINIMAL, changed)
    text = (changed / "ruleset.yaml").read_text(encoding="utf-8")
    for old, new in zip(edit_ruleset[::2], edit_ruleset[1::2], strict=True):
        assert text.count(old) == 1
        text = text.replace(old, new)
    (changed / "ruleset.yaml").write_text(text, encoding="utf-8")
    run = CliRunner().invoke(main, ["score", str(changed), str(tmp_path / "cases.xlsx"), "--format", "json"])
    assert "Traceback" not in run.output
    body = json.loads(run.stdout)
    return run.exit_code, body["findings"], body, changed


def test_a_workbook_made_for_another_ruleset_version_warns(tmp_path: Path) -> None:
    """D014: scored under 1.1.0, a workbook made for 1.0.0 is scored (exit 0) with a warning
    naming both versions, at the hidden sheet's cell that records the version."""
    new_version = (
        "\nversion: 1.0.0\n",
        "\nversion: 1.1.0\n",
        "changelog:\n",
        "changelog:\n  - version: 1.1.0\n    date: 2026-12-01\n    changes: [A second version.]\n",
    )
    got_exit, findings, body, _ = _collected_under(tmp_path, new_version)
    assert got_exit == 0
    assert [(f["code"], f["file"], f["line"], f["column"]) for f in findings] == [
        ("D014", f"{tmp_path / 'cases.xlsx'}[omi-rules]", 5, 2)
    ]
    assert findings[0]["message"] == "this workbook was made for mini 1.0.0; it is being scored with mini 1.1.0"
    assert body["criteria"]["1.1"]["display"] == "67%"
    # the same version with other content: the ruleset changed without a new version
    _, findings, _, _ = _collected_under(tmp_path / "same", ("text: Was the custody plan made?", "text: Plan made?"))
    assert [f["code"] for f in findings] == ["D014"]
    assert "mini 1.0.0 with different content" in findings[0]["message"]


def test_a_workbook_for_this_ruleset_scores_without_a_warning(tmp_path: Path) -> None:
    got_exit, findings, _, _ = _collected_under(tmp_path, ("description: A two-", "description:  A two-"))
    assert (got_exit, findings) == (0, [])  # a change of layout only: the same content hash


def test_a_judgements_file_given_with_a_filled_sheet_is_used_and_the_sheet_named(tmp_path: Path) -> None:
    """D015: with --judgements, a filled-in judgements sheet of a template workbook is not
    read, and that is said at the sheet; an empty sheet says nothing."""
    from .workbook_helpers import fill, fill_judgements, typed_rows

    omi = FIXTURES.parent.parent / "rulesets" / "omi-2008"
    north_wales = FIXTURES.parent.parent / "examples" / "north-wales-2008"
    made = tmp_path / "collect.xlsx"
    assert CliRunner().invoke(main, ["template", str(omi), "--output", str(made)]).exit_code == 0
    filled = tmp_path / "filled.xlsx"
    fill(made, typed_rows(north_wales / "cases.csv", set(), set()), filled)
    judgements = north_wales / "judgements.yaml"
    args = ["score", str(omi), str(filled), "--judgements", str(judgements), "--format", "json"]
    quiet = CliRunner().invoke(main, args)
    assert not [f for f in json.loads(quiet.stdout)["findings"] if f["code"] == "D015"]
    fill_judgements(filled, judgements)
    warned = CliRunner().invoke(main, args)
    assert warned.exit_code == 0, warned.output
    [found] = [f for f in json.loads(warned.stdout)["findings"] if f["code"] == "D015"]
    assert found["file"] == f"{filled}[judgements]" and str(judgements) in found["message"]


TESTED_BY_NAME = {
    "D009": "test_unreadable_case_file_exits_2",
    "D012": "test_xlsx_with_a_merged_header_row",
    "D014": "test_a_workbook_made_for_another_ruleset_version_warns",
    "D015": "test_a_judgements_file_given_with_a_filled_sheet_is_used_and_the_sheet_named",
}
"""Codes with a test of their own rather than a row in one of the case tables."""


def test_every_data_code_is_tested() -> None:
    """Every D and J code has a case in a table (here, or the ratings' in test_ratings.py) or
    a test of its own. Read from the tables rather than from which tests ran, so it holds when
    the suite runs in parallel and a worker runs only some of this module's tests."""
    data_codes = {code for code in CODES if code[0] in "DJ"}
    covered = {c[0] for c in CASES} | {c[0] for c in JUDGEMENT_CASES} | {c[0] for c in RATING_CASES}
    covered |= {code for code, test in TESTED_BY_NAME.items() if callable(globals().get(test))}
    assert data_codes - covered == set()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_a_cell_longer_than_the_limit_is_reported_not_cut_silently(tmp_path: Path, suffix: str) -> None:
    """A cell of over 10,000 characters (a paste gone wrong) was cut without a word; now it is
    a D012 at its cell, in every format."""
    import csv

    rows = list(csv.reader((FIXTURES / "data" / "minimal-cases.csv").open(encoding="utf-8", newline="")))
    rows[3][1] = "x" * 12_000
    path = tmp_path / f"cases{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    elif suffix == ".json":
        cases = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        path.write_text(json.dumps({"cases": cases}, indent=1), encoding="utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(path), "--format", "json"])
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "D012"]
    assert result.exit_code == 1 and len(found) == 1
    assert "holds 12,000 characters" in found[0]["message"]
    if suffix != ".json":
        assert (found[0]["line"], found[0]["column"]) == (4, 2)
    else:
        assert found[0]["line"] > 1
