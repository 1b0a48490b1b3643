"""YAML ruleset tests: the runner, its failure reports, coverage, and collection by pytest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from omi_rules.cli import main

from .conftest import MINIMAL, ROOT

MINIMAL_TESTS = MINIMAL / "tests" / "minimal.test.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["test", *args])
    return result.exit_code, result.stdout


def test_the_bundled_tests_pass_with_full_condition_and_band_coverage() -> None:
    code, out = run(str(ROOT / "rulesets" / "omi-2008"), str(MINIMAL_TESTS), "--coverage")
    assert code == 0, out
    assert "4 passed, 0 failed" in out
    assert "coverage of omi-2008 1.0.0: 100.0%" in out  # conditions, answers, bands, decisions, grades


def test_fail_under(tmp_path: Path) -> None:
    code, out = run(str(MINIMAL_TESTS), "--fail-under", "99.9")  # one small test: partial coverage
    assert code == 1 and "coverage is below 99.9%" in out
    assert "not reached:" in out
    assert run(str(ROOT / "rulesets" / "omi-2008"), "--fail-under", "100")[0] == 0


def test_a_failure_shows_expected_actual_position_and_the_explain_trail(tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    folder.mkdir()
    for source in MINIMAL.glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "tests").mkdir()
    text = MINIMAL_TESTS.read_text(encoding="utf-8").replace(
        '"1.1": {score: 90, band: good}', '"1.1": {score: 80, band: priority}'
    )
    (folder / "tests" / "failing.test.yaml").write_text(text, encoding="utf-8")
    code, out = run(str(folder))
    assert code == 1
    expected = "criterion 1.1: score expected 80 ± 0.005, got 90; band expected priority, got good"
    assert f"failing.test.yaml:11:16: error[T002]: {expected}" in out
    assert "score = 0.8 x 100 + 0.2 x 50 = 90" in out  # the explain trail
    assert "0 passed, 1 failed" in out


def test_a_malformed_test_file_is_t001(tmp_path: Path) -> None:
    bad = tmp_path / "bad.test.yaml"
    bad.write_text(
        f"ruleset: {MINIMAL}\ntests:\n  - name: no expectations\n    cases: []\n    expct: {{}}\n", encoding="utf-8"
    )
    code, out = run(str(bad))
    assert code == 1
    assert "error[T001]" in out and "expct" in out


def test_a_test_that_chooses_cases_but_gives_none_is_t001_at_its_where(tmp_path: Path) -> None:
    """``where`` without cases (the test replays given ratings) used to end in an internal
    error, exit 3 (found by tests/fuzz); it is a malformed test, located at its ``where``."""
    bad = tmp_path / "bad.test.yaml"
    bad.write_text(
        f"ruleset: {MINIMAL}\ntests:\n  - name: nothing to choose from\n    where: tier == 'tier_4'\n"
        "    expect: {}\n",
        encoding="utf-8",
    )
    code, out = run(str(bad))
    assert code == 1, out
    assert "bad.test.yaml:4:12: error[T001]: --where and --by choose among cases" in out


def test_a_misplaced_key_in_a_test_file_says_where_it_belongs(tmp_path: Path) -> None:
    """`tolerance` on one expectation is spelt right, so "did you mean" had nothing to offer:
    the hint names the place the test file's schema declares it."""
    folder = tmp_path / "mini"
    shutil.copytree(MINIMAL, folder)
    path = folder / "tests" / "minimal.test.yaml"
    text = path.read_text(encoding="utf-8")
    old = '"1.1": {score: 90, band: good}'
    path.write_text(text.replace(old, '"1.1": {score: 90, band: good, tolerance: 0.5}'), encoding="utf-8")
    code, out = run(str(path))
    assert code == 1
    assert "minimal.test.yaml:11:40: error[T001]: unknown key 'tolerance'" in out, out
    assert (
        "hint: 'tolerance' belongs under tests[] (next to 'name' and 'expect'); the keys here are band, no_score, score"
    ) in out, out


def test_a_misspelt_key_in_a_test_file_gets_did_you_mean(tmp_path: Path) -> None:
    bad = tmp_path / "bad.test.yaml"
    bad.write_text(
        f"ruleset: {MINIMAL}\ntests:\n  - name: t\n    cases: []\n    tolerence: 1\n    expect: {{}}\n",
        encoding="utf-8",
    )
    code, out = run(str(bad))
    assert code == 1
    assert "bad.test.yaml:5:5: error[T001]: unknown key 'tolerence'" in out
    assert "hint: did you mean 'tolerance'?" in out


def test_pytest_collects_yaml_tests() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "rulesets/omi-2008/tests", str(MINIMAL_TESTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed" in proc.stdout


def test_inline_cases_are_as_forgiving_as_a_csv(tmp_path: Path) -> None:
    """A question no case lists needs no column, and "" is an empty cell (both were refused:
    D002 and D004); a question left out where it is relevant is still D007, located."""
    folder = tmp_path / "mini"
    shutil.copytree(MINIMAL, folder)
    tests = folder / "tests" / "minimal.test.yaml"
    tests.write_text(
        "tests:\n"
        "  - name: routing answered no, 1.1.3 never listed, 1.1.2 empty\n"
        "    cases:\n"
        '      - {case_id: b, sentence: community, roh: low, tier: 1, ppo: false, "1.1.1": "no", "1.1.2": "",'
        ' "1.1.s": " no "}\n'
        "    expect:\n"
        '      criteria: {"1.1": {score: 0}}\n'
        "  - name: a relevant question left out\n"
        "    cases:\n"
        '      - {case_id: a, sentence: custody, roh: high, tier: 4, ppo: false, "1.1.1": "yes", "1.1.2": "yes",'
        ' "1.1.s": "yes"}\n'
        "    expect:\n"
        '      criteria: {"1.1": {score: 100}}\n',
        encoding="utf-8",
    )
    code, out = run(str(folder))
    assert "PASS" in out and "routing answered no" in out, out
    assert code == 1
    assert "minimal.test.yaml:9:9: error[D007]" in out and "1.1.3" in out, out
