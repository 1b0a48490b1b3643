"""Surveys (questionnaire evidence): the North Wales figures reproduced from the bundled data in
every format, the Wilson interval, every Q diagnostic with its position and exit code, the
ruleset checks, and survey figures read by a decision."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from omi_rules.cli import main
from omi_rules.diagnostics.codes import CODES
from omi_rules.engine.surveys import share, wilson
from omi_rules.model import Rounding

from .conftest import FIXTURES, MINIMAL, ROOT

NW = ROOT / "examples" / "north-wales-2008"
OMI = ROOT / "rulesets" / "omi-2008"
PUBLISHED = (NW / "published.yaml").read_text(encoding="utf-8")
CASES_CSV = (FIXTURES / "data" / "minimal-cases.csv").read_text(encoding="utf-8")


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def north_wales(*extra: str) -> Any:
    return run(
        "score",
        str(OMI),
        str(NW / "cases.csv"),
        "--judgements",
        str(NW / "judgements.yaml"),
        "--surveys",
        str(NW / "surveys"),
        *extra,
    )


# --------------------------------------------------------------------------- North Wales


@pytest.fixture(scope="module")
def nw_surveys() -> dict[str, Any]:
    result = north_wales("--format", "json")
    assert result.exit_code == 0, result.output
    surveys: dict[str, Any] = json.loads(result.stdout)["surveys"]
    return surveys


def test_every_published_questionnaire_figure_is_reproduced(nw_surveys: dict[str, Any]) -> None:
    """The golden reference is the example's published.yaml: sent and responded per survey, and
    each published answer figure (a count of respondents, or the percentage the report prints)."""
    published = YAML(typ="safe").load(PUBLISHED)
    for sid, figures in published["questionnaires"].items():
        assert nw_surveys[sid]["returned"] == figures["responded"], sid
        assert nw_surveys[sid]["sent"] == figures.get("sent"), sid
    answers = published["questionnaire_answers"]
    assert len(answers) == 6
    for key, figure in answers.items():
        sid, qid = key.split(".")
        question = nw_surveys[sid]["questions"][qid]
        if "of" in figure:
            assert question["answered"] == figure["of"], key
        if "count" in figure:
            assert question["share"]["count"] == figure["count"], key
        if "percent" in figure:
            assert question["share"]["display"] == f"{figure['percent']}%", key


def test_north_wales_offenders(nw_surveys: dict[str, Any]) -> None:
    offenders = nw_surveys["offenders"]
    assert (offenders["sent"], offenders["returned"]) == (110, 37)  # Service users' perspective
    assert offenders["response_rate"]["count"] == 37 and offenders["response_rate"]["display"] == "34%"
    rules = offenders["questions"]["rules_explained"]
    assert (rules["share"]["count"], rules["answered"]) == (34, 37)  # "Thirty-four out of 37"
    less_likely = offenders["questions"]["less_likely_to_offend"]
    assert less_likely["share"]["display"] == "69%"  # 3.1 strength (b)
    # The assumption the data states: 25 of 36 (no count of 37 rounds to 69%).
    assert (less_likely["share"]["count"], less_likely["answered"], less_likely["blank"]) == (25, 36, 1)
    assert all(round(100 * k / 37) != 69 for k in range(38))
    assert offenders["data"] == "responses"
    assert "less_likely_to_offend: assumption" in offenders["note"]


def test_north_wales_victims(nw_surveys: dict[str, Any]) -> None:
    victims = nw_surveys["victims"]
    assert (victims["sent"], victims["returned"]) == (27, 9)
    clear = victims["questions"]["information_clear"]
    assert (clear["share"]["count"], clear["answered"], clear["share"]["display"]) == (9, 9, "100%")
    assert victims["data"] == "counts"


def test_north_wales_sentencers(nw_surveys: dict[str, Any]) -> None:
    sentencers = nw_surveys["sentencers"]
    assert (sentencers["sent"], sentencers["returned"], sentencers["response_rate"]) == (None, 9, None)
    questions = sentencers["questions"]
    assert (
        questions["court_reports_satisfied"]["share"]["count"],
        questions["court_reports_satisfied"]["answered"],
    ) == (
        9,
        9,
    )
    assert questions["breach_resolution"]["share"]["display"] == "56%"  # 4.2 area for improvement (a)
    assert questions["outcome_data"]["share"]["display"] == "44%"  # 4.5 area for improvement (b)
    assert questions["outcome_data"]["share"]["count"] == 4  # "Four of the respondents did not know"
    assert questions["breach_resolution"]["informs"] == ["4.2"]


def test_north_wales_intervals_are_wilson_at_95(nw_surveys: dict[str, Any]) -> None:
    clear = nw_surveys["victims"]["questions"]["information_clear"]["share"]["interval"]
    z = 1.959963984540054
    assert clear["high"] == 100.0
    assert clear["low"] == pytest.approx(100 * 9 / (9 + z * z), abs=1e-4)  # Wilson at p = 1: n / (n + z²)
    assert (clear["confidence"], clear["method"]) == (0.95, "wilson")


def test_the_figures_are_in_every_report_format(tmp_path: Path) -> None:
    text = north_wales().stdout
    markdown = north_wales("--format", "markdown").stdout
    html_file = tmp_path / "report.html"
    assert north_wales("--format", "html", "--output", str(html_file)).exit_code == 0
    html = html_file.read_text(encoding="utf-8")
    for output in (text, markdown, html):
        assert "Questionnaire to offenders" in output and "Survey of sentencers" in output
        assert "110 sent, 37 returned" in output
        assert "34 of 37" in output and "25 of 36 (1 blank)" in output and "69%" in output
        assert "27 sent, 9 returned" in output
        assert "56%" in output and "44%" in output and "4 of 9" in output
        assert "70-100%" in output  # 9 of 9: the Wilson interval, not 100-100%
    assert (
        "| Is the resolution of breach working well? | Working well in part | 5 of 9 | 56% | 27-81% | 4.2 |" in markdown
    )
    workbook_file = tmp_path / "scores.xlsx"
    assert north_wales("--format", "xlsx", "--output", str(workbook_file)).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(workbook_file)["Survey of sentencers"]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert (
        "Is the resolution of breach working well?",
        "Working well in part",
        "5 of 9",
        "56%",
        "27-81%",
        "4.2",
    ) in rows


def test_score_without_surveys_is_unchanged() -> None:
    """Without --surveys: no survey section in the reports, an empty `surveys` in the JSON."""
    args = ["score", str(OMI), str(NW / "cases.csv"), "--judgements", str(NW / "judgements.yaml")]
    text = run(*args).stdout
    assert "Questionnaire" not in text and "Wilson" not in text
    assert json.loads(run(*args, "--format", "json").stdout)["surveys"] == {}


def test_the_json_is_byte_identical_across_runs() -> None:
    assert north_wales("--format", "json").stdout == north_wales("--format", "json").stdout


# --------------------------------------------------------------------------- the interval


def test_wilson_matches_the_closed_form_and_stays_within_bounds() -> None:
    low, high = wilson(34, 37, 0.95)
    # Reference values (Wilson 1927 / statsmodels proportion_confint(34, 37, method="wilson")).
    assert (low, high) == (pytest.approx(0.786993, abs=1e-6), pytest.approx(0.972039, abs=1e-6))
    assert wilson(0, 9, 0.95)[0] == 0.0 and wilson(9, 9, 0.95)[1] == 1.0
    assert wilson(0, 9, 0.95)[1] > 0  # never degenerate at 0 of n


def test_intervals_narrow_as_respondents_grow_and_widen_with_confidence() -> None:
    widths = [wilson(n // 2, n, 0.95)[1] - wilson(n // 2, n, 0.95)[0] for n in (4, 9, 37, 110, 1000)]
    assert widths == sorted(widths, reverse=True)
    w90 = wilson(5, 9, 0.90)
    w99 = wilson(5, 9, 0.99)
    assert w99[0] < w90[0] and w99[1] > w90[1]


def test_wilson_coverage_is_near_nominal() -> None:
    """Exact coverage (summed over the binomial distribution) of the 95% interval, averaged over
    true shares 5%-95%, is within 93-97% at n = 37 (and Wald's is not, at n = 9)."""

    def coverage(n: int, p: float, interval: Any) -> float:
        total = 0.0
        for k in range(n + 1):
            low, high = interval(k, n)
            if low <= p <= high:
                total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        return total

    def wald(k: int, n: int) -> tuple[float, float]:
        p = k / n
        half = 1.96 * math.sqrt(p * (1 - p) / n)
        return p - half, p + half

    shares = [i / 100 for i in range(5, 96)]
    mean = sum(coverage(37, p, lambda k, n: wilson(k, n, 0.95)) for p in shares) / len(shares)
    assert 0.93 <= mean <= 0.97
    assert sum(coverage(9, p, wald) for p in shares) / len(shares) < 0.93


def test_the_finite_population_correction_narrows_and_a_census_is_exact() -> None:
    rounding = Rounding()
    plain = share(5, 9, 0.95, rounding).interval
    corrected = share(5, 9, 0.95, rounding, population=12).interval
    census = share(5, 9, 0.95, rounding, population=9).interval
    assert plain is not None and corrected is not None and census is not None
    assert plain.low < corrected.low < corrected.high < plain.high and corrected.method == "wilson_fpc"
    assert census.low == census.high == pytest.approx(100 * 5 / 9, abs=1e-4)
    assert share(0, 0, 0.95, rounding).share is None


# --------------------------------------------------------------------------- diagnostics

SURVEY_YAML = """
surveys:
  - id: staff
    title: Staff survey
    respondents: offender managers
    source: {assumption: Chosen for the tests.}
    questions:
      - id: supervised
        text: Are you supervised often enough?
        answers: [yes, no, dont_know]
        informs: ["1.1"]
        source: {assumption: Chosen for the tests.}
      - id: trained
        text: Were you trained?
        answers: [yes, no]
        source: {assumption: Chosen for the tests.}
"""

DECISION = """  - id: staff_ok
    title: Is supervision enough?
    source: {assumption: Chosen for the tests.}
    basis: rounded
    outcomes:
      - {id: "yes", label: "Yes", when: "survey('staff.supervised') >= 75 and response_rate('staff') > 50"}
      - {id: "no", label: "No"}
"""


@pytest.fixture()
def ruleset(tmp_path: Path) -> Path:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    main_file = folder / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    text = text.replace("sample:\n", DECISION + "sample:\n", 1) + SURVEY_YAML
    main_file.write_text(text, encoding="utf-8")
    (tmp_path / "cases.csv").write_text(CASES_CSV, encoding="utf-8")
    return folder


COUNTS = """survey: staff
sent: 10
returned: 8
answers:
  supervised: {yes: 6, no: 1, dont_know: 1}
  trained: {yes: 8}
"""
ROWS = "respondent_id,supervised,trained\ns1,yes,yes\ns2,yes,no\ns3,no,\ns4,dont_know,yes\n"


def score_surveys(ruleset: Path, *surveys: str) -> tuple[int, list[tuple[str, str, int, int]], Any]:
    args = ["score", str(ruleset), str(ruleset.parent / "cases.csv"), "--format", "json"]
    for item in surveys:
        args += ["--surveys", item]
    result = run(*args)
    body = json.loads(result.stdout)
    items = body.get("diagnostics", body.get("findings", []))
    return result.exit_code, [(d["code"], Path(d["file"]).name, d["line"], d["column"]) for d in items], body


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def edit(old: str, new: str, text: str = COUNTS) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


COUNT_CASES = [
    # code, title, survey data (YAML), expected [(code, line, col)], exit
    ("Q001", "an unknown survey", edit("survey: staff", "survey: stafff"), [("Q001", 1, 9)], 1),
    ("Q002", "counts without returned", edit("returned: 8\n", ""), [("Q002", 1, 9)], 1),
    ("Q002", "a count that is not a number", edit("yes: 6", "yes: six"), [("Q002", 5, 21)], 1),
    ("Q002", "both counts and rows", COUNTS + "responses: rows.csv\n", [("Q002", 1, 9)], 1),
    ("Q003", "an unknown question", edit("trained:", "trainned:"), [("Q003", 6, 3)], 1),
    ("Q004", "an answer not on the scale", edit("no: 1", "nope: 1"), [("Q004", 5, 24)], 1),
    ("Q005", "more returned than sent", edit("sent: 10", "sent: 7"), [("Q005", 3, 11)], 1),
    (
        "Q006",
        "answers adding up to more than returned",
        edit("trained: {yes: 8}", "trained: {yes: 8, no: 1}"),
        [("Q006", 6, 3)],
        1,
    ),
    ("Q008", "a question not given", edit("  trained: {yes: 8}\n", ""), [("Q008", 4, 1)], 0),
]


@pytest.mark.parametrize(
    ("code", "title", "text", "expected", "exit_code"), COUNT_CASES, ids=[f"{c[0]}-{c[1]}" for c in COUNT_CASES]
)
def test_survey_count_diagnostics(
    ruleset: Path, code: str, title: str, text: str, expected: list[tuple[str, int, int]], exit_code: int
) -> None:
    got_exit, found, _ = score_surveys(ruleset, write(ruleset.parent, "staff.yaml", text))
    assert (got_exit, found) == (exit_code, [(c, "staff.yaml", line, col) for c, line, col in expected])


ROW_CASES = [
    ("Q003", "an unknown column", ROWS.replace("trained", "traned", 1), [("Q003", 1, 3)]),
    ("Q004", "an answer not on the scale", ROWS.replace("s3,no,", "s3,nope,"), [("Q004", 4, 2)]),
    ("Q007", "a respondent twice", ROWS.replace("s4,", "s2,"), [("Q007", 5, 1)]),
    ("Q002", "no respondent id column", ROWS.replace("respondent_id", "id", 1), [("Q002", 1, 1), ("Q003", 1, 1)]),
    ("D010", "a ragged row", ROWS.replace("s4,dont_know,yes", "s4,dont_know,yes,extra"), [("D010", 5, 4)]),
]


@pytest.mark.parametrize(("code", "title", "rows", "expected"), ROW_CASES, ids=[f"{c[0]}-{c[1]}" for c in ROW_CASES])
def test_respondent_row_diagnostics(
    ruleset: Path, code: str, title: str, rows: str, expected: list[tuple[str, int, int]]
) -> None:
    rows_file = write(ruleset.parent, "staff.csv", rows)
    got_exit, found, _ = score_surveys(ruleset, f"staff={rows_file}")
    assert (got_exit, found) == (1, [(c, "staff.csv", line, col) for c, line, col in expected])


def test_rows_named_by_a_data_file_and_their_count(ruleset: Path) -> None:
    write(ruleset.parent, "staff.csv", ROWS)
    data = write(ruleset.parent, "staff.yaml", "survey: staff\nsent: 5\nreturned: 5\nresponses: staff.csv\n")
    got_exit, found, _ = score_surveys(ruleset, data)
    assert (got_exit, found) == (1, [("Q006", "staff.yaml", 3, 11)])  # 5 stated, 4 rows
    write(ruleset.parent, "staff.yaml", "survey: staff\nsent: 5\nresponses: staff.csv\n")
    got_exit, found, body = score_surveys(ruleset, data)
    assert got_exit == 0 and found == []
    staff = body["surveys"]["staff"]
    assert (staff["returned"], staff["response_rate"]["display"]) == (4, "80%")
    trained = staff["questions"]["trained"]
    assert (trained["answered"], trained["blank"], trained["share"]["count"]) == (3, 1, 2)
    assert body["decisions"]["staff_ok"]["outcome"] == "no"  # 2 of 4 supervised yes: 50%


def test_the_same_survey_twice_and_an_unknown_name(ruleset: Path) -> None:
    data = write(ruleset.parent, "staff.yaml", COUNTS)
    rows = write(ruleset.parent, "staff.csv", ROWS)
    got_exit, found, _ = score_surveys(ruleset, data, f"staff={rows}")
    assert (got_exit, found) == (1, [("Q007", "staff.csv", 0, 0)])
    got_exit, found, _ = score_surveys(ruleset, f"stuff={rows}")
    assert (got_exit, found) == (1, [("Q001", "--surveys", 0, 0)])


def test_a_rows_file_without_its_survey_name_and_an_unreadable_file(ruleset: Path) -> None:
    rows = write(ruleset.parent, "staff.csv", ROWS)
    assert score_surveys(ruleset, rows)[:2] == (1, [("Q002", "staff.csv", 0, 0)])
    assert score_surveys(ruleset, str(ruleset.parent / "missing.yaml"))[:2] == (2, [("Y001", "missing.yaml", 0, 0)])
    bad = ruleset.parent / "bad.yaml"
    bad.write_bytes(b"survey: \xff\n")
    assert score_surveys(ruleset, str(bad))[0] == 2


def test_a_decision_reads_survey_figures(ruleset: Path) -> None:
    data = write(ruleset.parent, "staff.yaml", COUNTS)
    got_exit, found, body = score_surveys(ruleset, data)
    assert (got_exit, found) == (0, [])
    # 6 of 8 = 75% >= 75, and 8 of 10 returned = 80% > 50
    assert body["decisions"]["staff_ok"]["outcome"] == "yes"
    write(ruleset.parent, "staff.yaml", edit("yes: 6, no: 1", "yes: 5, no: 2"))
    assert score_surveys(ruleset, data)[2]["decisions"]["staff_ok"]["outcome"] == "no"


def test_a_decision_without_its_survey_data_is_an_error(ruleset: Path) -> None:
    got_exit, found, body = score_surveys(ruleset)
    assert (got_exit, found) == (1, [("Q009", "--surveys", 0, 0), ("Q009", "--surveys", 0, 0)])
    messages = [d["message"] for d in body["diagnostics"]]
    assert "decision 'staff_ok' reads response_rate('staff'), but no data was given for the survey" in messages
    data = write(ruleset.parent, "staff.yaml", edit("sent: 10\n", ""))
    got_exit, found, body = score_surveys(ruleset, data)
    assert (got_exit, found) == (1, [("Q009", "--surveys", 0, 0)])
    assert "does not say how many were sent" in body["diagnostics"][0]["message"]


def test_a_folder_of_survey_data(ruleset: Path) -> None:
    folder = ruleset.parent / "surveys"
    folder.mkdir()
    write(folder, "staff.yaml", COUNTS)
    write(folder, "notes.txt", "not survey data")
    got_exit, found, body = score_surveys(ruleset, str(folder))
    assert (got_exit, found, list(body["surveys"])) == (0, [], ["staff"])
    empty = ruleset.parent / "empty"
    empty.mkdir()
    assert score_surveys(ruleset, str(empty))[:2] == (1, [("Q002", "empty", 0, 0)])


# --------------------------------------------------------------------------- check


def test_check_reports_survey_references(ruleset: Path) -> None:
    main_file = ruleset / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    text = text.replace('informs: ["1.1"]', 'informs: ["1.9"]\n        share_of: [yess]', 1)
    text = text.replace("answers: [yes, no]\n", "answers: [yes, no, yes]\n", 1)
    text = text.replace("survey('staff.supervised')", "survey('staff.supervise')", 1)
    main_file.write_text(text, encoding="utf-8")
    result = run("check", str(ruleset), "--format", "json")
    codes = sorted(d["code"] for d in json.loads(result.stdout)["diagnostics"])
    assert codes == ["C006", "R002", "R002", "R018"], result.stdout
    assert result.exit_code == 1


def test_every_survey_code_is_tested() -> None:
    covered = {c[0] for c in COUNT_CASES} | {c[0] for c in ROW_CASES} | {"Q007", "Q009"}
    assert {code for code in CODES if code.startswith("Q")} <= covered


# --------------------------------------------------------------------------- handbook


def test_the_handbook_describes_the_surveys_in_words(tmp_path: Path) -> None:
    markdown = run("docs", str(OMI), "--format", "markdown").stdout
    section = markdown.split("## Surveys", 1)[1].split("\n## ", 1)[0]
    assert "### Questionnaire to offenders" in section and "### Survey of sentencers" in section
    assert "Asked: offenders whose cases were in the inspection sample.\n\nReported:" in section
    assert "Answers: Working well in part or Another answer (the report does not say which)." in section
    assert "Reported as the share of those answering who answered 'Did not know'. Informs 4.5." in section
    assert "95% Wilson score interval, without a finite-population correction" in section
    assert "4.5 area for improvement (b) (p. 46)" in section
    html_file = tmp_path / "handbook.html"
    assert run("docs", str(OMI), "--output", str(html_file)).exit_code == 0
    html = html_file.read_text(encoding="utf-8")
    assert '<h2 id="surveys-heading">Surveys</h2>' in html and 'href="#survey-offenders"' in html


def test_a_survey_decision_in_words_and_explained(ruleset: Path) -> None:
    words = run("docs", str(ruleset), "--format", "markdown").stdout
    assert (
        "The percentage of respondents to the Staff survey answering 'Are you supervised often enough?' with yes "
        "is 75 or more and the response rate (percent) of the Staff survey is more than 50." in words
    )
    data = write(ruleset.parent, "staff.yaml", COUNTS)
    result = run("explain", str(ruleset), str(ruleset.parent / "cases.csv"), "staff_ok", "--surveys", data)
    assert result.exit_code == 0
    assert "survey('staff.supervised') = 75" in result.stdout and "response_rate('staff') = 80" in result.stdout


def test_respondent_rows_in_excel_are_checked_with_their_cells(ruleset: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [line.split(",") for line in ROWS.replace("s3,no,", "s3,nope,").splitlines()]:
        sheet.append([cell or None for cell in row])
    workbook.save(ruleset.parent / "staff.xlsx")
    got_exit, found, _ = score_surveys(ruleset, f"staff={ruleset.parent / 'staff.xlsx'}")
    assert (got_exit, found) == (1, [("Q004", "staff.xlsx", 4, 2)])
    sheet["B4"] = "no"
    workbook.save(ruleset.parent / "staff.xlsx")
    got_exit, found, body = score_surveys(ruleset, f"staff={ruleset.parent / 'staff.xlsx'}")
    # The rows are clean now; NAME=FILE says nothing of how many were sent, and the fixture's
    # decision reads the response rate: that, and only that, is reported.
    assert (got_exit, found) == (1, [("Q009", "--surveys", 0, 0)])
    assert "does not say how many were sent" in body["diagnostics"][0]["message"]
    data = write(ruleset.parent, "staff.yaml", "survey: staff\nsent: 4\nresponses: staff.xlsx\n")
    got_exit, found, body = score_surveys(ruleset, data)
    assert (got_exit, found) == (0, [])
    assert body["surveys"]["staff"]["questions"]["trained"]["blank"] == 1


# --------------------------------------------------------------------------- roll-ups

HMIP = ROOT / "rulesets" / "hmip-youth-2021"
EAST_SUSSEX = ROOT / "examples" / "hmip-youth" / "east-sussex-2024-ratings.yaml"
HMIP_SOURCE = """    source:
      document: hmip
      ref: "Ratings and scoring: the twelve standards' points, 0-36\""""
SURVEY_LIMIT = """    limits:
      - id: children_unheard
        title: Fewer than half of the children saying they were listened to caps the rating at Requires improvement
        when: "survey('children.listened_to') < 50"
        at_most: requires_improvement
        source: {assumption: A limiting rule for the tests.}
"""
CHILDREN = """
surveys:
  - id: children
    title: Survey of children
    respondents: children supervised by the service
    source: {assumption: Chosen for the tests.}
    questions:
      - id: listened_to
        text: Did your case worker listen to you?
        answers: [yes, no]
        source: {assumption: Chosen for the tests.}
"""


def test_an_overall_rating_limit_reads_a_survey_figure(tmp_path: Path) -> None:
    """East Sussex replayed from its ratings (25 of 36, Good), with a limiting rule on a survey:
    capped at Requires improvement when fewer than half the children said they were listened to."""
    folder = tmp_path / "hmip"
    shutil.copytree(HMIP, folder)
    main_file = folder / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    assert text.count(HMIP_SOURCE) == 1
    main_file.write_text(text.replace(HMIP_SOURCE, SURVEY_LIMIT + HMIP_SOURCE) + CHILDREN, encoding="utf-8")
    assert run("check", str(folder)).exit_code == 0

    def overall(yes: int, no: int) -> dict[str, Any]:
        data = write(
            tmp_path,
            "children.yaml",
            f"survey: children\nreturned: 10\nanswers:\n  listened_to: {{yes: {yes}, no: {no}}}\n",
        )
        result = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--surveys", data, "--format", "json")
        assert result.exit_code == 0, result.output
        rated: dict[str, Any] = json.loads(result.stdout)["overall_ratings"]["overall"]
        return rated

    low = overall(4, 6)
    assert (low["total"], low["banded"], low["rating"]) == (25, "good", "requires_improvement")
    assert [limit["id"] for limit in low["limits"]] == ["children_unheard"]
    high = overall(5, 5)
    assert (high["rating"], high["limits"]) == ("good", [])
    missing = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert missing.exit_code == 1
    assert [d["code"] for d in json.loads(missing.stdout)["diagnostics"]] == ["Q009"]
    assert "overall rating 'overall' reads survey('children.listened_to')" in missing.stdout
