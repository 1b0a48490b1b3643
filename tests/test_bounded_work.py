"""Bounded work on hostile or huge input (issue 18): the cap on listed findings, ``--all``,
the schema budget, and work that grows linearly with the input.

The growth tests time two sizes of each hostile shape (``tests/fuzz/hostile.py``) in one run
and assert the ratio, never a wall time: four times the input may cost at most ten times the
time (linear work gives about four; the quadratic stages this issue removed gave 16 to 25).
CI runs sizes 1,000 and 4,000; the fuzz campaign runs 10,000 and 100,000
(``python -m tests.fuzz.campaign --bounded``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.diagnostics import Diagnostic, Position, Severity, caps
from tests.fuzz import hostile

SIZES = tuple(int(n) for n in os.environ.get("OMI_BOUNDED_SIZES", "1000,4000").split(","))
GROWTH = 10.0
"""Most a run may cost at four times the input, as a multiple of the smaller run."""


def _d(file: str, line: int, code: str = "S003", severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(code, f"finding at {line}", Position(file, line, 1), severity)


def test_the_cap_keeps_the_first_of_each_code_per_file_and_counts_the_rest() -> None:
    found = [_d("a.yaml", i) for i in range(1, 8)] + [_d("a.yaml", 9, "R001"), *(_d("b.yaml", i) for i in range(3))]
    shown = caps.capped(found, 3)
    assert [(d.position.file, d.code, d.position.line) for d in shown] == [
        ("a.yaml", "S003", 1),
        ("a.yaml", "S003", 2),
        ("a.yaml", "S003", 3),
        ("a.yaml", "L001", 0),  # right after the last one listed
        ("a.yaml", "R001", 9),
        ("b.yaml", "S003", 0),
        ("b.yaml", "S003", 1),
        ("b.yaml", "S003", 2),
    ]
    [more] = [d for d in shown if d.code == "L001"]
    assert more.count == 4 and more.severity is Severity.ERROR and "and 4 more S003" in more.message
    assert caps.capped(found, None) == found
    assert caps.capped(found[:3], 3) == found[:3]  # exactly at the cap: nothing summed up
    warning = caps.capped([_d("a.yaml", i, "D006", Severity.WARNING) for i in range(5)], 2)[-1]
    assert warning.code == "L001" and warning.severity is Severity.WARNING


def test_a_flood_of_invalid_items_is_capped_in_every_format_with_the_same_exit_code(tmp_path: Path) -> None:
    folder = hostile.ruleset("bad-items", 1000, tmp_path / "r")
    human = CliRunner().invoke(main, ["check", str(folder)])
    assert human.exit_code == 1
    assert human.stdout.count("error[S003]") == caps.SHOWN_PER_CODE
    assert "error[L001]: and 950 more S003 in this file (only the first 50 are shown)" in human.stdout
    assert human.stdout.rstrip().endswith("1 ruleset checked: 1,000 errors, 0 warnings")
    body = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
    [more] = [d for d in body["diagnostics"] if d["code"] == "L001"]
    assert more["count"] == 950 and more["file"].endswith("section-4.yaml") and more["name"] == "more-findings"
    assert len(body["diagnostics"]) == 51 and body["summary"]["errors"] == 1000
    github = CliRunner().invoke(main, ["check", str(folder), "--format", "github"])
    assert github.exit_code == 1 and github.stdout.count("::error ") == 51 and "L001" in github.stdout
    every = CliRunner().invoke(main, ["check", str(folder), "--format", "json", "--all"])
    listed = json.loads(every.stdout)["diagnostics"]
    assert every.exit_code == 1 and len(listed) == 1000 and not any(d["code"] == "L001" for d in listed)


def test_the_lift_by_all_ends_with_its_command(tmp_path: Path) -> None:
    """``--all`` in one command run in-process must not uncap the next one."""
    folder = hostile.ruleset("bad-items", 60, tmp_path / "r")
    CliRunner().invoke(main, ["check", str(folder), "--all"])
    assert caps.shown_per_code() == caps.SHOWN_PER_CODE
    again = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
    assert [d["code"] for d in again["diagnostics"]].count("L001") == 1


def test_case_data_findings_are_capped_and_counted(tmp_path: Path) -> None:
    run = hostile.measure("bad-cells", 300, tmp_path)
    assert run.exit_code == 1 and len(run.codes("D003")) == 50
    assert run.codes("L001")[0]["count"] == 250 and run.body["summary"]["errors"] == 300
    every = hostile.measure("bad-cells", 300, tmp_path, "--all")
    assert len(every.codes("D003")) == 300 and not every.codes("L001")


def test_relevance_findings_are_located_for_the_first_fifty_and_counted_for_the_rest(tmp_path: Path) -> None:
    """D006 (an answer to a question not relevant to the case) for every case of a large
    sample: the first 50 have their cell, the rest are one L001 with their number, and the
    score is still given."""
    header = hostile.MINIMAL_CASES.read_text(encoding="utf-8").splitlines()[0]
    # 1.1.2 is relevant only if 1.1.1 is yes (and Risk of Harm high): each case answers it anyway
    out = [header] + [f"c{i},community,low,1,false,no,yes,,yes" for i in range(600)]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(hostile.MINIMAL), str(path)])
    plain = result.stderr
    every = CliRunner().invoke(main, ["score", str(hostile.MINIMAL), str(path), "--all"]).stderr
    total = every.count("warning[D006]")
    assert result.exit_code == 0 and total == 600
    assert plain.count("warning[D006]") == 50
    assert f"warning[L001]: and {total - 50:,} more D006 in this file" in plain
    assert plain.splitlines()[-1] == every.splitlines()[-1]  # the same count either way


def test_schema_validation_of_a_file_stops_at_its_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caps, "SCHEMA_BUDGET", 200)
    folder = hostile.ruleset("bad-items", 500, tmp_path / "r")
    body = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
    [stopped] = [d for d in body["diagnostics"] if d["code"] == "L002"]
    assert stopped["file"].endswith("section-4.yaml") and "stopped after 200 findings" in stopped["message"]
    assert body["summary"]["errors"] == 201  # 200 findings, and the stop
    every = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json", "--all"]).stdout)
    assert every["summary"]["errors"] == 500 and not any(d["code"] == "L002" for d in every["diagnostics"])


@pytest.mark.parametrize("shape", hostile.RULESET_SHAPES + hostile.CASE_SHAPES)
def test_work_grows_linearly_with_the_input(shape: str, tmp_path: Path) -> None:
    small, large = SIZES
    if shape == "derived-items":  # each size also copies and resolves OMI 2008: halve them
        small, large = small // 2, large // 2
    baseline = min(hostile.measure(shape, small, tmp_path).seconds for _ in range(2))
    run = hostile.measure(shape, large, tmp_path)
    assert run.exit_code in (0, 1)
    if run.body.get("diagnostics"):
        assert len(run.body["diagnostics"]) <= 2 * (caps.SHOWN_PER_CODE + 1)  # capped
    ratio = run.seconds / baseline
    assert ratio <= GROWTH * large / small / 4, f"{shape}: {large} took {ratio:.1f}x the time of {small}"


def test_a_report_read_only_in_part_ends_quietly(tmp_path: Path) -> None:
    """``omi-rules check ... --all | head -1``: the reader stops reading early; omi-rules used
    to report an internal error (exit 3) from the broken pipe."""
    folder = hostile.ruleset("bad-items", 5000, tmp_path / "r")
    command = [sys.executable, "-m", "omi_rules", "check", str(folder), "--all"]
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout is not None and writer.stderr is not None
    first = writer.stdout.readline()
    writer.stdout.close()  # as head does after its line
    error = writer.stderr.read().decode()
    assert writer.wait(timeout=120) == 1
    assert b"error[S003]" in first and "internal error" not in error and "Traceback" not in error
