"""The data-collection workbook (``omi-rules template``), read back with openpyxl: a reader
independent of xlsxwriter, which wrote it. Its columns, header rows, drop-downs, limits,
greying, notes, guide and recorded ruleset; then the round trip: template, filled as an
inspector would, scored, equals the same cases scored from CSV."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from omi_rules.checks import check_ruleset
from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.pipeline import prepare
from omi_rules.model import BoolField, CaseSampleSection, EnumField, IntField, Ruleset
from omi_rules.model.value_types import all_questions, scale_values
from omi_rules.plugins.manager import builtin_registry

from .conftest import FIXTURES, MINIMAL, ROOT
from .workbook_helpers import Formula, fill, fill_judgements, typed_rows

OMI = ROOT / "rulesets" / "omi-2008"
YOUTH = ROOT / "rulesets" / "hmip-youth-2021"
NORTH_WALES = ROOT / "examples" / "north-wales-2008"
MINIMAL_CSV = FIXTURES / "data" / "minimal-cases.csv"


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def template(ruleset: Path, out: Path, *extra: str) -> Path:
    result = run("template", str(ruleset), "--output", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def model_of(ruleset: Path) -> Ruleset:
    loaded = check_ruleset(ruleset, Report(), builtin_registry())
    assert loaded.model is not None
    return loaded.model


def expected_ids(model: Ruleset) -> list[str]:
    return ["case_id", *(f.id for f in model.fields), *all_questions(model)]


def validations(sheet: Worksheet) -> dict[str, Any]:
    """Each data validation by the range it covers."""
    return {str(v.sqref): v for v in sheet.data_validations.dataValidation}


def letter(sheet: Worksheet, column_id: str) -> str:
    ids = [cell.value for cell in sheet[4]]
    return str(sheet.cell(4, ids.index(column_id) + 1).column_letter)


@pytest.fixture(scope="module")
def omi_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return template(OMI, tmp_path_factory.mktemp("omi") / "collect.xlsx")


def test_columns_follow_the_ruleset_under_labelled_header_rows(omi_book: Path) -> None:
    model = model_of(OMI)
    book = load_workbook(omi_book)
    assert book.sheetnames == ["cases", "guide", "judgements", "omi-rules"]
    assert book["omi-rules"].sheet_state == "hidden"
    sheet = book["cases"]
    assert [c.value for c in sheet[4]] == expected_ids(model)
    assert sheet.freeze_panes == "B5"  # the four header rows and the case id stay in view
    questions = all_questions(model)
    texts = {c.value: sheet.cell(3, c.column).value for c in sheet[4]}
    assert all(texts[qid] == q.text for qid, q in questions.items())
    # row 1: each section over exactly its questions; row 2: each criterion over its questions
    merged = {(r.min_row, r.min_col, r.max_col): sheet.cell(r.min_row, r.min_col).value for r in sheet.merged_cells}
    ids = [c.value for c in sheet[4]]
    for section in model.sections:
        if not isinstance(section, CaseSampleSection):
            continue
        first = ids.index(section.criteria[0].questions[0].id) + 1
        last = ids.index(section.criteria[-1].questions[-1].id) + 1
        assert merged[(1, first, last)] == f"Section {section.id}: {section.title}"
        for criterion in section.criteria:
            first = ids.index(criterion.questions[0].id) + 1
            last = ids.index(criterion.questions[-1].id) + 1
            label = f"{criterion.id} {criterion.title}"
            assert (merged[(2, first, last)] if first != last else sheet.cell(2, first).value) == label


def test_drop_downs_hold_exactly_the_values_and_answers(omi_book: Path) -> None:
    model = model_of(OMI)
    sheet = load_workbook(omi_book)["cases"]
    found = validations(sheet)
    scales = {s.id: s for s in model.scales}
    for f in model.fields:
        rule = found[f"{letter(sheet, f.id)}5:{letter(sheet, f.id)}504"]
        if isinstance(f, EnumField):
            assert (rule.type, rule.formula1) == ("list", '"' + ",".join(f.value_ids()) + '"')
        elif isinstance(f, BoolField):
            assert (rule.type, rule.formula1) == ("list", '"yes,no"')
        elif isinstance(f, IntField):
            assert rule.type == "whole"
            if f.min is not None and f.max is not None:
                # "between" is the default operator, which the file leaves out
                assert rule.operator in (None, "between")
                assert (float(rule.formula1), float(rule.formula2)) == (f.min, f.max)
        assert rule.showErrorMessage and rule.errorStyle in (None, "stop")
    for qid, q in all_questions(model).items():
        rule = found[f"{letter(sheet, qid)}5:{letter(sheet, qid)}504"]
        assert (rule.type, rule.formula1) == ("list", '"' + ",".join(scale_values(scales[q.scale])) + '"')
        assert rule.promptTitle == qid and rule.prompt  # the relevance sentence, shown on selecting a cell
    case_id = found["A5:A504"]
    assert case_id.type == "custom" and "COUNTIF($A$5:$A$504,A5)=1" in case_id.formula1


def test_the_workbook_records_its_ruleset(omi_book: Path) -> None:
    compiled = compile_ruleset(model_of(OMI), builtin_registry())
    book = load_workbook(omi_book)
    meta = {row[0]: row[1] for row in book["omi-rules"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert meta["kind"] == "omi-rules data-collection workbook"
    assert (meta["ruleset_id"], meta["ruleset_version"], meta["ruleset_sha256"]) == (
        "omi-2008",
        "1.0.0",
        compiled.sha256,
    )
    properties = {p.name: p.value for p in book.custom_doc_props.props}
    assert properties["omi-rules ruleset_sha256"] == compiled.sha256
    assert properties["omi-rules ruleset_version"] == "1.0.0"


def test_guide_and_judgements_use_the_handbooks_words(omi_book: Path) -> None:
    from omi_rules.handbook.english import relevance_sentence

    model = model_of(OMI)
    book = load_workbook(omi_book)
    guide = {row[0]: row for row in book["guide"].iter_rows(values_only=True) if row[0]}
    for qid, q in all_questions(model).items():
        assert guide[qid][3] == relevance_sentence(q, model)
    judged = [row for row in book["judgements"].iter_rows(min_row=5, values_only=True) if row[0]]
    assert [row[2] for row in judged] == [
        sc.id for s in model.sections if not isinstance(s, CaseSampleSection) for c in s.criteria
        for sc in c.specific_criteria
    ]  # fmt: skip
    rules = {str(v.sqref): v.formula1 for v in book["judgements"].data_validations.dataValidation}
    assert rules["E5"] == '"' + ",".join(model.judgement_rules[0].judgements) + '"'


def _cells_of_row(sheet: Worksheet, row: int) -> dict[str, Any]:
    return {cell.column_letter: cell.value for cell in sheet[row]}


@pytest.mark.parametrize(
    ("ruleset", "cases", "numbers", "bools"),
    [
        (OMI, NORTH_WALES / "cases.csv", {"tier", "mappa_level"}, None),
        (YOUTH, ROOT / "examples" / "hmip-youth" / "cases.csv", set(), None),
    ],
    ids=["omi-2008", "hmip-youth-2021"],
)
def test_greying_means_what_the_engine_means(
    tmp_path: Path, ruleset: Path, cases: Path, numbers: set[str], bools: None
) -> None:
    """Each greyed question's formula, evaluated on every filled row, is true exactly where
    the engine finds the question not relevant (and the row has a case)."""
    model = model_of(ruleset)
    ints = {f.id for f in model.fields if isinstance(f, IntField)}
    yes_no = {f.id for f in model.fields if isinstance(f, BoolField)}
    rows = typed_rows(cases, ints, yes_no)
    book_path = template(ruleset, tmp_path / "collect.xlsx", "--rows", str(len(rows) + 1))
    filled = tmp_path / "filled.xlsx"
    fill(book_path, rows, filled)
    scored = prepare(ruleset, filled)
    assert scored.evaluation is not None, scored.report.sorted()
    sheet = load_workbook(filled)["cases"]
    by_row = [_cells_of_row(sheet, index + 5) for index in range(len(rows) + 1)]
    greyed = 0
    for rules in sheet.conditional_formatting:
        (rule,) = rules.rules
        column = str(rules.sqref).split(":")[0].rstrip("0123456789")
        qid = sheet[f"{column}4"].value
        formula = Formula(rule.formula[0])
        relevant = scored.evaluation.relevant[qid]
        for index in range(len(rows)):
            assert formula(by_row[index]) == (not relevant[index]), (qid, rows[index]["case_id"])
        assert formula(by_row[-1]) is False  # an empty row is never grey
        greyed += 1
    conditional = [q for q in all_questions(model).values() if q.relevant_if]
    assert greyed == len(conditional)  # every condition of these rulesets can be said in Excel


@pytest.mark.parametrize(
    ("ruleset", "cases", "judgements"),
    [
        (OMI, NORTH_WALES / "cases.csv", NORTH_WALES / "judgements.yaml"),
        (YOUTH, ROOT / "examples" / "hmip-youth" / "cases.csv", ROOT / "examples" / "hmip-youth" / "judgements.yaml"),
    ],
    ids=["omi-2008", "hmip-youth-2021"],
)
def test_round_trip_scores_as_the_csv_does(tmp_path: Path, ruleset: Path, cases: Path, judgements: Path) -> None:
    model = model_of(ruleset)
    ints = {f.id for f in model.fields if isinstance(f, IntField)}
    yes_no = {f.id for f in model.fields if isinstance(f, BoolField)}
    filled = tmp_path / "filled.xlsx"
    fill(template(ruleset, tmp_path / "collect.xlsx"), typed_rows(cases, ints, yes_no), filled)
    results = []
    for data in (cases, filled):
        result = run("score", str(ruleset), str(data), "--judgements", str(judgements), "--format", "json")
        assert result.exit_code == 0, result.output
        body = json.loads(result.stdout)
        body.pop("inputs")
        for finding in body["findings"]:  # the same warnings (D013), each naming its own file
            assert finding["file"] == str(data)
            finding["file"] = None
        results.append(body)
    assert results[0] == results[1]
    if ruleset == OMI:
        assert results[1]["threads"]["roh"]["display"] == "71%"  # the published Table 2 figure


@pytest.mark.parametrize(
    ("ruleset", "cases", "judgements"),
    [
        (OMI, NORTH_WALES / "cases.csv", NORTH_WALES / "judgements.yaml"),
        (YOUTH, ROOT / "examples" / "hmip-youth" / "cases.csv", ROOT / "examples" / "hmip-youth" / "judgements.yaml"),
    ],
    ids=["omi-2008", "hmip-youth-2021"],
)
def test_judgements_filled_in_the_workbook_are_scored(
    tmp_path: Path, ruleset: Path, cases: Path, judgements: Path
) -> None:
    """Without --judgements, score reads the workbook's judgements sheet: the same grades,
    ratings (a moderated one included) and decisions as the judgements file gives."""
    model = model_of(ruleset)
    ints = {f.id for f in model.fields if isinstance(f, IntField)}
    yes_no = {f.id for f in model.fields if isinstance(f, BoolField)}
    filled = tmp_path / "filled.xlsx"
    fill(template(ruleset, tmp_path / "collect.xlsx"), typed_rows(cases, ints, yes_no), filled)
    fill_judgements(filled, judgements)
    from_file = run("score", str(ruleset), str(cases), "--judgements", str(judgements), "--format", "json")
    from_sheet = run("score", str(ruleset), str(filled), "--format", "json")
    assert from_sheet.exit_code == 0, from_sheet.output
    a, b = json.loads(from_file.stdout), json.loads(from_sheet.stdout)
    for key in ("grades", "ratings", "overall_ratings", "decisions", "criteria"):
        assert a[key] == b[key], key
    if ruleset == YOUTH:
        assert b["ratings"]["2.2"]["basis"] == "moderated"


def test_a_wrong_judgement_is_located_on_the_judgements_sheet(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    fill(template(MINIMAL, tmp_path / "collect.xlsx"), typed_rows(MINIMAL_CSV, {"tier"}, {"ppo"}), filled)
    book = load_workbook(filled)
    sheet = book["judgements"]
    sheet["E5"], sheet["E6"] = "met", "mett"
    book.save(filled)
    result = run("score", str(MINIMAL), str(filled), "--format", "json")
    assert result.exit_code == 1
    found = [(d["code"], d["file"], d["line"], d["column"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("J003", f"{filled}[judgements]", 6, 5)]


def test_problems_in_a_filled_workbook_are_located_by_sheet_row_and_column(tmp_path: Path) -> None:
    rows = typed_rows(MINIMAL_CSV, {"tier"}, {"ppo"})
    rows[2]["roh"] = "lwo"  # the third case, on row 7 of the sheet
    rows[4]["1.1.s"] = "maybe"
    filled = tmp_path / "filled.xlsx"
    fill(template(MINIMAL, tmp_path / "collect.xlsx"), rows, filled)
    result = run("score", str(MINIMAL), str(filled), "--format", "json")
    assert result.exit_code == 1
    found = [(d["code"], d["file"], d["line"], d["column"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("D003", f"{filled}[cases]", 7, 3), ("D004", f"{filled}[cases]", 9, 9)]


def test_the_ids_row_is_found_when_rows_above_it_change(tmp_path: Path) -> None:
    """A title row inserted above the header, or a label row deleted, moves the row of ids:
    the reader finds it among the top rows. Without it, one D012 says so (not a D001 for
    every label)."""
    filled = tmp_path / "filled.xlsx"
    fill(template(MINIMAL, tmp_path / "collect.xlsx"), typed_rows(MINIMAL_CSV, {"tier"}, {"ppo"}), filled)
    expected = json.loads(run("score", str(MINIMAL), str(MINIMAL_CSV), "--format", "json").stdout)["criteria"]
    for change, row_of_c03 in (("insert", 8), ("delete", 6)):
        book = load_workbook(filled)
        sheet = book["cases"]
        if change == "insert":
            sheet.insert_rows(1)
            sheet["A1"] = "North Wales, fieldwork of June 2008"
        else:
            sheet.delete_rows(3)  # the question texts
        sheet.cell(row_of_c03, 3, "lwo")
        book.save(tmp_path / f"{change}.xlsx")
        result = run("score", str(MINIMAL), str(tmp_path / f"{change}.xlsx"), "--format", "json")
        found = [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)["diagnostics"]]
        assert found == [("D003", row_of_c03, 3)], change
        sheet.cell(row_of_c03, 3, "low")
        book.save(tmp_path / f"{change}.xlsx")
        result = run("score", str(MINIMAL), str(tmp_path / f"{change}.xlsx"), "--format", "json")
        assert json.loads(result.stdout)["criteria"] == expected
    book = load_workbook(filled)
    book["cases"].delete_rows(4)
    book.save(tmp_path / "no-ids.xlsx")
    result = run("score", str(MINIMAL), str(tmp_path / "no-ids.xlsx"), "--format", "json")
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert (result.exit_code, found) == (1, [("D012", 1, 1)])


def _minimal_copy(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    if replace is not None:
        text = (folder / "ruleset.yaml").read_text(encoding="utf-8")
        assert text.count(replace[0]) == 1
        (folder / "ruleset.yaml").write_text(text.replace(*replace), encoding="utf-8")
    return folder


def test_a_condition_excel_cannot_be_given_gets_a_note_instead(tmp_path: Path) -> None:
    ruleset = _minimal_copy(
        tmp_path,
        ("relevant_if: sentence in ['custody', 'licence'] and not ppo", "relevant_if: tier * 2 > 5 and not ppo"),
    )
    result = run("template", str(ruleset), "--output", str(tmp_path / "collect.xlsx"))
    assert result.exit_code == 0, result.output
    assert "1 with a note instead" in result.stderr
    sheet = load_workbook(tmp_path / "collect.xlsx")["cases"]
    column = letter(sheet, "1.1.3")
    assert column not in {str(r.sqref).split(":")[0].rstrip("0123456789") for r in sheet.conditional_formatting}
    note = sheet[f"{column}3"].comment
    assert note is not None and "cannot grey the question out" in note.text and "uses arithmetic" in note.text
    assert sheet[f"{letter(sheet, '1.1.2')}3"].comment is None  # 1.1.2 is greyed by a formula


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    ruleset = _minimal_copy(tmp_path, ("text: Was the custody plan made?", "text: \"=HYPERLINK('http://x', 'y')\""))
    book = load_workbook(template(ruleset, tmp_path / "collect.xlsx"))
    cell = book["cases"][f"{letter(book['cases'], '1.1.3')}3"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "=HYPERLINK('http://x', 'y')", True)


def test_usage_errors_and_a_broken_ruleset(tmp_path: Path) -> None:
    assert run("template", str(MINIMAL)).exit_code == 2  # --output is required
    wrong = run("template", str(MINIMAL), "--output", str(tmp_path / "collect.csv"))
    assert wrong.exit_code == 2 and "does not end in .xlsx" in wrong.output
    broken = _minimal_copy(tmp_path, ("== 'yes' and roh >= 'high'", "== 'yes' and roh >= 'hihg'"))
    result = run("template", str(broken), "--output", str(tmp_path / "collect.xlsx"))
    assert result.exit_code == 1 and "C004" in result.stderr
    assert not (tmp_path / "collect.xlsx").exists()
