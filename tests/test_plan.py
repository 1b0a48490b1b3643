"""``omi-rules plan``: cases needed per criterion, what the ruleset's sample size achieves."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.lifecycle.plan import assumed_sd, cases_needed, margin_at

from .conftest import ROOT

RULESET = str(ROOT / "rulesets" / "omi-2008")
CASES = str(ROOT / "examples" / "north-wales-2008" / "cases.csv")


def _plan(*extra: str) -> dict[str, object]:
    out = CliRunner().invoke(main, ["plan", RULESET, "--sample", CASES, "--format", "json", *extra])
    assert out.exit_code == 0, out.output
    return dict(json.loads(out.stdout))


def test_the_sample_size_formula() -> None:
    # a proportion near 50% judged on every case: the textbook 385 cases for +/-5 at 95%
    sd = assumed_sd(1.0)
    assert sd == 50
    assert cases_needed(sd, 5, 1.959964, None) == 385
    assert margin_at(sd, 385, 1.959964, None) == pytest.approx(4.99, abs=0.01)
    # from a caseload of 1,000 fewer are needed (finite-population correction)
    assert cases_needed(sd, 5, 1.959964, 1000) == 278
    # judged on half the cases: twice as many
    assert cases_needed(assumed_sd(0.5), 5, 1.959964, None) == 769


def test_plan_from_the_north_wales_sample() -> None:
    plan = _plan("--margin", "5")
    criteria = {c["id"]: c for c in plan["criteria"]}  # type: ignore[attr-defined]
    assert len(criteria) == 14 and plan["design"] == [110, 120]
    for c in criteria.values():
        assert c["basis"] == "past sample"
        # the margin at the design size and the cases needed say the same thing
        assert (c["margins"]["110"] <= 5) == (c["needed"] <= 110)
        assert c["margins"]["110"] > c["margins"]["120"]
    assert plan["needed"] == max(c["needed"] for c in criteria.values())
    assert plan["driven_by"] == [cid for cid, c in criteria.items() if c["needed"] == plan["needed"]]
    # the plan's margin at 109 cases is the half-width the linearised interval of score gives
    scored = CliRunner().invoke(main, ["score", RULESET, CASES, "--format", "json"])
    linear = json.loads(scored.stdout)["uncertainty"]["criteria"]["1.4"]["linearised"]
    sd = criteria["1.4"]["per_case_sd"]
    assert 1.959964 * sd / math.sqrt(109) == pytest.approx((linear["high"] - linear["low"]) / 2, abs=0.05)


def test_a_wider_margin_needs_fewer_cases_and_a_caseload_fewer_still() -> None:
    five = {c["id"]: c["needed"] for c in _plan("--margin", "5")["criteria"]}  # type: ignore[attr-defined]
    ten = {c["id"]: c["needed"] for c in _plan("--margin", "10")["criteria"]}  # type: ignore[attr-defined]
    small = {c["id"]: c["needed"] for c in _plan("--margin", "5", "--caseload", "400")["criteria"]}  # type: ignore[attr-defined]
    for cid in five:
        assert ten[cid] < five[cid] and small[cid] < five[cid]
        assert ten[cid] == pytest.approx(five[cid] / 4, abs=2)


def test_plain_output() -> None:
    out = CliRunner().invoke(main, ["plan", RULESET, "--sample", CASES, "--margin", "5"])
    assert out.exit_code == 0, out.output
    assert "cases needed" in out.stdout and "2.5 Constructive interventions" in out.stdout
    assert "To reach ±5 points for every criterion, read" in out.stdout
    assert "The ruleset's 110 cases reach ±5 for" in out.stdout


def test_plan_without_a_past_sample_is_an_upper_bound() -> None:
    out = CliRunner().invoke(main, ["plan", RULESET, "--relevance", "0.5", "--format", "json"])
    assert out.exit_code == 0, out.output
    plan = json.loads(out.stdout)
    assert {c["needed"] for c in plan["criteria"]} == {769}
    assert {c["basis"] for c in plan["criteria"]} == {"assumed"}


@pytest.mark.parametrize(
    ("args", "exit_code", "code"),
    [
        (["--margin", "0"], 2, "U001"),
        (["--margin", "60"], 2, "U001"),
        (["--confidence", "1.5"], 2, "U001"),
        (["--relevance", "50"], 2, "U001"),
        (["--sample", CASES, "--caseload", "20"], 1, "U002"),
        (["--sample", CASES, "--caseload", "120", "--margin", "1"], 0, "U004"),
    ],
)
def test_bad_input_is_a_diagnostic(args: list[str], exit_code: int, code: str) -> None:
    out = CliRunner().invoke(main, ["plan", RULESET, *args])
    assert out.exit_code == exit_code, out.output
    assert f"[{code}]" in out.stderr
    assert "Traceback" not in out.output


def test_a_missing_past_sample_is_reported() -> None:
    out = CliRunner().invoke(main, ["plan", RULESET, "--sample", "no-such.csv"])
    assert out.exit_code == 2
    assert "no-such.csv" in out.stderr
