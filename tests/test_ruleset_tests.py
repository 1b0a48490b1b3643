"""YAML ruleset tests: the runner, its failure reports, coverage, and collection by pytest."""

from __future__ import annotations

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
    expected = "criterion 1.1: score expected 80 ± 0.005, got 90.0000; band expected priority, got good"
    assert f"failing.test.yaml:11:16: error[T002]: {expected}" in out
    assert "score = 0.8 x 100.0000 + 0.2 x 50.0000 = 90.0" in out  # the explain trail
    assert "0 passed, 1 failed" in out


def test_a_malformed_test_file_is_t001(tmp_path: Path) -> None:
    bad = tmp_path / "bad.test.yaml"
    bad.write_text(
        f"ruleset: {MINIMAL}\ntests:\n  - name: no expectations\n    cases: []\n    expct: {{}}\n", encoding="utf-8"
    )
    code, out = run(str(bad))
    assert code == 1
    assert "error[T001]" in out and "expct" in out


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


FORGIVING = """\
ruleset: {ruleset}
tests:
  - name: a question relevant to no case needs no key, and "" or null is an empty cell
    cases:
      - {{case_id: b, sentence: community, roh: low, tier: 1, ppo: false, "1.1.1": "no", "1.1.s": "no"}}
      - {{case_id: c, sentence: community, roh: low, tier: 2, ppo: false, "1.1.1": "no", "1.1.2": "", "1.1.s": "no"}}
      - {{case_id: d, sentence: community, roh: low, tier: 3, ppo: false, "1.1.1": "no", "1.1.2": " ",
          "1.1.3": null, "1.1.s": "yes"}}
    expect:
      questions:
        "1.1.2": {{relevant: 0}}
        "1.1.3": {{relevant: 0}}
        "1.1.s": {{relevant: 3, judged: 3, sufficient: 1}}
"""


def test_inline_cases_are_as_forgiving_as_a_csv(tmp_path: Path) -> None:
    """Invariant (issue 14): in a ruleset test's inline cases a field or question a case leaves
    out is empty, even when no case has it; "" (or only spaces) and null are empty cells, as an
    empty CSV cell is."""
    test_file = tmp_path / "forgiving.test.yaml"
    test_file.write_text(FORGIVING.format(ruleset=MINIMAL), encoding="utf-8")
    code, out = run(str(test_file))
    assert (code, out.splitlines()[-1]) == (0, "1 passed, 0 failed"), out


def test_real_mistakes_in_inline_cases_stay_located_diagnostics(tmp_path: Path) -> None:
    """Invariant (issue 14): an unknown column, an answer not on the scale and a required field
    left out (empty, as in a CSV) are still errors, each at its place in the test file."""
    text = FORGIVING.format(ruleset=MINIMAL).replace('"1.1.s": "yes"', '"1.1.s": "maybe", "1.1.9": "yes"')
    text = text.replace("tier: 2, ", "")
    test_file = tmp_path / "mistakes.test.yaml"
    test_file.write_text(text, encoding="utf-8")
    code, out = run(str(test_file))
    assert code == 1
    problems = [line.strip() for line in out.splitlines() if "error[" in line]
    lines = text.splitlines()
    row_c = next(n for n, line in enumerate(lines, 1) if "case_id: c" in line)
    row = next(n for n, line in enumerate(lines, 1) if "maybe" in line)  # case d's second line
    maybe, unknown = lines[row - 1].index('"maybe"') + 1, lines[row - 1].index('"1.1.9"') + 1
    assert problems == [
        f"{test_file}:{row}:{unknown}: error[D001]: unknown column '1.1.9'",
        f"{test_file}:{row_c}:9: error[D003]: tier is empty but required",
        f"{test_file}:{row}:{maybe}: error[D004]: 'maybe' is not an answer on question 1.1.s's scale",
    ], out
