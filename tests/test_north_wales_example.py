"""The bundled North Wales 2008 example scores to every figure the report published.

examples/north-wales-2008/cases.csv and judgements.yaml are synthetic, made by generate.py in
the same folder. These tests score them through the command line, as a user would, and check
the result against published.yaml (criterion scores, conclusions, Table 1 grades, the RoH
thread, the decision, the sample counts) and question-figures.yaml (the question-level
figures the example reproduces). A last test proves the committed files are what the script
makes.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from omi_rules.cli import main

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "north-wales-2008"
PUBLISHED: dict[str, Any] = YAML(typ="safe").load((EXAMPLE / "published.yaml").read_text(encoding="utf-8"))
FIGURES: dict[str, Any] = YAML(typ="safe").load((EXAMPLE / "question-figures.yaml").read_text(encoding="utf-8"))
GRADE_IDS = {
    "well met": "well_met",
    "satisfactorily met": "satisfactorily_met",
    "partly met": "partly_met",
    "not met": "not_met",
}
REPRODUCED = {qid: f for qid, f in FIGURES["figures"].items() if f.get("reproducible", True)}
NOT_REPRODUCED = {qid: f for qid, f in FIGURES["figures"].items() if not f.get("reproducible", True)}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    """``omi-rules score`` on the example, run from the repository root."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        run = CliRunner().invoke(
            main,
            [
                "score",
                "rulesets/omi-2008",
                "examples/north-wales-2008/cases.csv",
                "--judgements",
                "examples/north-wales-2008/judgements.yaml",
                "--format",
                "json",
            ],
        )
    assert run.exit_code == 0, run.output
    body: dict[str, Any] = json.loads(run.stdout)
    return body


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (EXAMPLE / "cases.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def counts(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {q["id"]: q["counts"] for c in result["criteria"].values() for q in c["questions"]}


def percent(k: int, j: int) -> int:
    """k of j as the report prints it: whole percent, half-up."""
    return int((Decimal(100 * k) / Decimal(j)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_only_the_known_sample_warnings(result: dict[str, Any]) -> None:
    """Every relevant question is answered and no answer is given where it is not relevant
    (no D006/D007); the only findings are the sample design warnings (109 cases, 61 community
    and 8 custody cases against the design's 110-120, 60 and 10)."""
    findings = result["findings"]
    assert {f["code"] for f in findings} == {"D013"}
    assert len(findings) == 3
    assert result["cases"] == PUBLISHED["sample"]["cases_inspected"]


@pytest.mark.parametrize("criterion", [c for c, s in PUBLISHED["criterion_scores"].items() if s is not None])
def test_published_criterion_score(result: dict[str, Any], criterion: str) -> None:
    assert result["criteria"][criterion]["display"] == f"{PUBLISHED['criterion_scores'][criterion]}%"


@pytest.mark.parametrize("criterion", list(PUBLISHED["conclusions"]))
def test_published_conclusion(result: dict[str, Any], criterion: str) -> None:
    assert result["criteria"][criterion]["band"]["id"] == PUBLISHED["conclusions"][criterion]


def test_2_7_has_a_good_score_although_none_was_published(result: dict[str, Any]) -> None:
    assert PUBLISHED["criterion_scores"]["2.7"] is None
    assert result["criteria"]["2.7"]["score"] >= 71
    assert result["criteria"]["2.7"]["band"]["id"] == "good"


@pytest.mark.parametrize("criterion", list(PUBLISHED["section_4_grades"]))
def test_table_1_grade(result: dict[str, Any], criterion: str) -> None:
    grade = result["grades"][criterion]["grade"]
    assert grade["id"] == GRADE_IDS[PUBLISHED["section_4_grades"][criterion]]


def test_every_specific_criterion_is_judged(result: dict[str, Any]) -> None:
    """Every grade is made from all its specific criteria: none is left out, none noted."""
    assert all(g["total"] == sum(g["counts"].values()) > 0 for g in result["grades"].values())
    assert all(g["not_judged"] == [] and g["note"] is None for g in result["grades"].values())
    assert result["inputs"]["judgements"]["records"] == 45


def test_roh_thread_and_decision(result: dict[str, Any]) -> None:
    assert result["threads"]["roh"]["display"] == f"{PUBLISHED['roh_thread_score']}%"
    expected = "yes" if PUBLISHED["further_focused_inspection"] else "no"
    assert result["decisions"]["further_focused_inspection"]["outcome"] == expected == "no"


def test_sample_counts(rows: list[dict[str, str]]) -> None:
    sample = PUBLISHED["sample"]

    def n(name: str, value: str = "true") -> int:
        return sum(1 for r in rows if r[name] == value)

    assert len(rows) == sample["cases_inspected"] == 109
    assert n("sentence", "licence") == sample["design"]["licence"]
    assert n("sentence", "custody") == sample["custodial_cases_found"]
    # The design's 60 community cases, plus the two custody places left empty, minus the one
    # case the sample is short of 110: 61.
    assert n("sentence", "community") == 109 - 40 - 8 == 61
    assert n("ppo") == sample["ppo_cases"]
    assert sum(1 for r in rows if r["court_report"] != "none") == sample["court_reports"]
    assert n("mappa_level", "level_1") == sample["mappa"]["level_1"]
    assert n("mappa_level", "level_2") == sample["mappa"]["level_2"]
    assert n("child_safeguarding") == sample["child_safeguarding_cases"]
    assert n("statutory_victim_contact") == sample["statutory_victim_contact_cases"]
    assert n("programme_requirement") == sample["programme_requirement_cases"]
    assert n("drr") == sample["drr_cases"]
    assert n("approved_premises") == sample["approved_premises_cases"]
    assert n("oasys_required") == 90  # "An OASys score had been calculated in 83% of all cases (90 out of 109)"
    assert n("roh", "high") + n("roh", "very_high") >= 1
    assert n("ethnicity", "black_and_minority_ethnic") >= 1
    assert 0.05 <= n("gender", "female") / len(rows) <= 0.15


@pytest.mark.parametrize("qid", list(REPRODUCED))
def test_question_figure_is_reproduced(result: dict[str, Any], qid: str) -> None:
    figure = REPRODUCED[qid]
    c = counts(result)[qid]
    judged, sufficient = c["judged"], c["sufficient"]
    assert judged > 0
    if "of" in figure:
        assert judged == figure["of"]
    if "count" in figure:
        assert sufficient == figure["count"]
    if "not_count" in figure:
        assert judged - sufficient == figure["not_count"]
    if "percent" in figure:
        assert percent(sufficient, judged) == figure["percent"]
    if "not_percent" in figure:
        assert percent(judged - sufficient, judged) == figure["not_percent"]


def test_most_question_figures_are_reproduced() -> None:
    """Every figure is reproduced except the few the relevant counts make impossible, and
    each of those says why."""
    assert len(REPRODUCED) >= 130
    assert len(NOT_REPRODUCED) <= 6
    assert all(f.get("why") for f in NOT_REPRODUCED.values())


def test_committed_files_are_what_generate_py_makes() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE / "generate.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
