"""omi-rules impact: a band limit moved in a copy of omi-2008 moves exactly the conclusions that
cross it, on the North Wales sample and on a folder of generated inspections."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.pipeline import score
from omi_rules.lifecycle.impact import find_samples, impact
from omi_rules.lifecycle.synthetic import synthetic_table, write_csv
from omi_rules.ruleset.loader import load_ruleset

from .conftest import ROOT

OMI = ROOT / "rulesets" / "omi-2008"
NORTH_WALES = ROOT / "examples" / "north-wales-2008"


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of omi-2008 whose 'good' band starts at 73 instead of 71."""
    folder = tmp_path_factory.mktemp("moved") / "omi"
    shutil.copytree(OMI, folder)
    path = folder / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ("        min: 71\n        max: 100", "        min: 73\n        max: 100"),
        ("        min: 62\n        max: 71", "        min: 62\n        max: 73"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return folder


def compiled(path: Path):  # type: ignore[no-untyped-def]
    loaded = load_ruleset(path)
    assert loaded.model is not None
    return compile_ruleset(loaded.model)


def crossing(cases: Path, judgements: Path | None) -> set[str]:
    """Criteria whose displayed score is 71% or 72%: exactly those cross the moved limit."""
    result = score(OMI, cases, judgements).result
    assert result is not None
    return {f"criterion {c.id}" for c in result.criteria.values() if c.display in ("71%", "72%")}


def test_north_wales_moves_exactly_the_conclusions_that_cross(moved: Path) -> None:
    samples = find_samples([NORTH_WALES])
    assert [(s.cases.name, s.judgements and s.judgements.name) for s in samples] == [("cases.csv", "judgements.yaml")]
    result = impact(compiled(OMI), compiled(moved), samples)
    assert not result.failed
    conclusions = {m.target for m in result.moves if m.kind == "conclusion"}
    assert conclusions == crossing(NORTH_WALES / "cases.csv", NORTH_WALES / "judgements.yaml") == {"criterion 1.4"}
    move = next(m for m in result.moves if m.kind == "conclusion")
    assert (move.old, move.new, move.because) == ("Good", "Priority for improvement", ("band limits",))
    assert [m.kind for m in result.moves] == ["conclusion"]  # scores, threads, grades, decisions unchanged


def test_a_folder_of_generated_inspections(moved: Path, tmp_path: Path) -> None:
    old = compiled(OMI)
    archive = tmp_path / "archive"
    expected: set[tuple[str, str]] = set()
    for area in range(6):
        folder = archive / f"area{area}"
        folder.mkdir(parents=True)
        # answers around 72% sufficient, so some criteria land on 71-72% and cross the moved limit
        write_csv(synthetic_table(old, 40, seed=area, sufficient=0.72), folder / "cases.csv")
        expected |= {(str(folder / "cases.csv"), target) for target in crossing(folder / "cases.csv", None)}
    assert expected, "the generated inspections must include scores that cross the moved limit"
    result = impact(old, compiled(moved), find_samples([archive]))
    assert len(result.scored) == 6 and not result.failed
    found = {(m.inspection, m.target) for m in result.moves if m.kind == "conclusion"}
    assert found == expected
    assert all(m.kind == "conclusion" for m in result.moves)


def test_cli_formats_and_gates(moved: Path) -> None:
    args = ["impact", str(OMI), str(moved), "--cases", str(NORTH_WALES)]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0
    assert (
        "criterion 1.4 conclusion: Good (72%) -> Priority for improvement (72%) (because: band limits)" in text.stdout
    )
    assert "criterion 1.4: 1 of 1" in text.stdout
    body = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert body["summary"] == {"criterion 1.4": 1}
    assert CliRunner().invoke(main, [*args, "--fail-on", "grade-change"]).exit_code == 1
    same = CliRunner().invoke(
        main, ["impact", str(OMI), str(OMI), "--cases", str(NORTH_WALES), "--fail-on", "score-change"]
    )
    assert same.exit_code == 0 and "nothing moves" in same.stdout
    markdown = CliRunner().invoke(main, [*args, "--format", "markdown"]).stdout
    assert "| criterion 1.4 | 1 of 1 |" in markdown
    assert "| conclusion | criterion 1.4 | Good (72%) | Priority for improvement (72%) | band limits |" in markdown


def test_every_changed_verdict_shows_the_numbers_before_and_after(moved: Path, tmp_path: Path) -> None:
    """Invariant (issue 14): a conclusion that moves is shown with the score before and after
    (text, Markdown, HTML), and the JSON gives the same figures beside the labels; a score that
    moves its conclusion shows both moves with their numbers."""
    args = ["impact", str(OMI), str(moved), "--cases", str(NORTH_WALES)]
    body = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    [move] = body["moves"]
    assert (move["kind"], move["old"], move["new"]) == ("conclusion", "Good", "Priority for improvement")
    assert (move["old_figure"], move["new_figure"]) == ("72%", "72%")
    html = tmp_path / "impact.html"
    assert CliRunner().invoke(main, [*args, "--format", "html", "--output", str(html)]).exit_code == 0
    assert "<td>Good (72%)</td><td>Priority for improvement (72%)</td>" in html.read_text(encoding="utf-8")
    # weighting criterion 1.4 50/50 moves its score from 72% to 70%, and with it the conclusion
    weighted = tmp_path / "weighted"
    shutil.copytree(OMI, weighted)
    section = weighted / "section-1.yaml"
    text = section.read_text(encoding="utf-8")
    old_weights = '          ref: "1.4"\n        weights:\n          individual: 0.8\n          summary: 0.2\n'
    assert old_weights in text
    section.write_text(text.replace(old_weights, old_weights.replace("0.8", "0.5").replace("0.2", "0.5")), "utf-8")
    out = CliRunner().invoke(main, ["impact", str(OMI), str(weighted), "--cases", str(NORTH_WALES)]).stdout
    assert ": criterion 1.4 score: 72% -> 70% (because: " not in out  # no questions moved: only the weights
    assert ": criterion 1.4 score: 72% -> 70%\n" in out
    assert ": criterion 1.4 conclusion: Good (72%) -> Priority for improvement (70%)\n" in out


def test_an_inspection_not_scored_names_each_file_once_at_its_real_path(tmp_path: Path) -> None:
    """Invariant (issue 14): an inspection the new ruleset cannot score is named once, by the
    diagnostic located in its case file, not 'x/cases.csv: under ...: x/cases.csv:1:1'; a
    problem located in a ruleset is at the ruleset's path as given, not at its id (as if it
    were a file); the JSON keeps the whole reason."""
    new = tmp_path / "x" / "y" / "new"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", new)
    main_file = new / "ruleset.yaml"
    extra = "  - id: extra\n    type: bool\n    description: Extra.\n  - id: ppo\n"
    main_file.write_text(main_file.read_text(encoding="utf-8").replace("  - id: ppo\n", extra, 1), "utf-8")
    cases = ROOT / "tests" / "fixtures" / "data" / "minimal-cases.csv"
    args = ["impact", str(ROOT / "tests" / "fixtures" / "minimal"), str(new), "--cases", str(cases)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if "error[D002]" in x]
    assert line == f"  {cases}:1:1: error[D002]: no column for case field 'extra' (not scored under mini 1.0.0)"
    body = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    assert body["failed"] == {
        str(cases): f"under mini 1.0.0: {cases}:1:1: error[D002]: no column for case field 'extra'"
    }
    hmip = ROOT / "rulesets" / "hmip-youth-2021"
    hmip_cases = ROOT / "examples" / "hmip-youth" / "cases.csv"  # no judgements: the overall rating is unrated
    out = CliRunner().invoke(main, ["impact", str(hmip), str(hmip), "--cases", str(hmip_cases)]).stdout
    assert f"{hmip_cases}: not scored under hmip-youth 1.0.0: {hmip}: error[J007]: overall rating 'overall'" in out


def test_forked_workers_give_the_same_impact_in_the_same_order(moved: Path, tmp_path: Path) -> None:
    """Issue 15: re-scoring in two forked workers (8 or more inspections) gives exactly what
    one process gives, inspection by inspection, failures included."""
    for area in range(9):
        table = synthetic_table(compiled(OMI), 40, seed=area)
        write_csv(table, tmp_path / f"area{area}.csv")
    (tmp_path / "broken.csv").write_bytes(b"case_id\x00,x\n")  # one that cannot be read
    samples = find_samples([tmp_path])
    assert len(samples) == 10
    old, new = compiled(OMI), compiled(moved)
    serial, forked = impact(old, new, samples, workers=1), impact(old, new, samples, workers=2)
    assert serial.moves and forked.moves == serial.moves
    assert forked.scored == serial.scored and len(serial.scored) == 9
    assert forked.failed == serial.failed and list(serial.failed) == [str(tmp_path / "broken.csv")]


def test_workers_option(moved: Path) -> None:
    """--workers 1 keeps impact in one process with the same output; 0 is a usage error."""
    args = ["impact", str(OMI), str(moved), "--cases", str(NORTH_WALES)]
    one = CliRunner().invoke(main, [*args, "--workers", "1"])
    assert one.exit_code == 0 and one.stdout == CliRunner().invoke(main, args).stdout
    assert CliRunner().invoke(main, [*args, "--workers", "0"]).exit_code == 2
