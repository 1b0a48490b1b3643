"""What a plugin section computes is first class (issue 13, item 6): in the JSON, expected by
ruleset tests (and counted in their coverage), and visible to ``impact``. Proved on the IPPF
plugin and its North Wales 2007 figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from omi_rules.cli import main

from .conftest import ROOT

IPPF = ROOT / "rulesets" / "ippf-2007"
METRICS = ROOT / "examples" / "ippf-north-wales-2007" / "metrics.csv"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _copy(tmp_path: Path, old: str | None = None, new: str | None = None) -> Path:
    folder = tmp_path / "ippf"
    shutil.copytree(IPPF, folder)
    if old is not None and new is not None:
        path = folder / "ruleset.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def _test_file(folder: Path, expect: str) -> Path:
    path = folder / "tests" / "published.test.yaml"
    path.write_text(
        "tests:\n"
        "  - name: a test of the plugin's figures\n"
        f"    cases_file: {METRICS}\n"
        "    expect:\n"
        "      plugin_sections:\n" + "".join(f"        {line}\n" for line in expect.splitlines()),
        encoding="utf-8",
    )
    return path


def test_the_bundled_test_expects_the_published_domain_grades_and_covers_them() -> None:
    code, out, err = run("test", str(IPPF), "--coverage")
    assert code == 0, out + err
    assert "1 passed, 0 failed" in out and "plugin results: 100.0%" in out


def test_a_wrong_plugin_figure_fails_with_what_was_expected_and_got(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _test_file(folder, "ippf:\n  area_score: 2\n  interventions: 2\n  area_labell: Good")
    code, out, _ = run("test", str(folder))
    assert code == 1
    assert "plugin section ippf: area_score expected 2, got 3" in out
    assert "no result named area_labell (it has: public_protection," in out
    assert "interventions" not in out.split("plugin section ippf:")[1].split("\n")[0].split(";")[0]
    _test_file(folder, "ipf:\n  area_score: 3")
    code, out, _ = run("test", str(folder))
    assert code == 1 and "plugin section ipf is not in the result (plugin sections: ippf)" in out


def test_coverage_counts_the_plugin_figures_no_test_states(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _test_file(folder, "ippf:\n  area_score: 3")
    code, out, _ = run("test", str(folder), "--coverage", "--fail-under", "100")
    assert code == 1  # five of the six figures are not expected by any test
    assert "plugin results: 16.7%" in out


def test_impact_lists_the_plugin_figures_a_rule_change_moves(tmp_path: Path) -> None:
    # meeting the target no longer suffices for grade 4: the public protection metrics drop
    folder = _copy(
        tmp_path, "          outstanding: 0\n          good: -5\n", "          outstanding: 50\n          good: -5\n"
    )
    code, out, err = run("impact", str(IPPF), str(folder), "--cases", str(METRICS), "--format", "json")
    assert code == 0, err
    moves = [m for m in json.loads(out)["moves"] if m["kind"] == "plugin"]
    assert moves, out
    assert all(m["target"].startswith("ippf ") for m in moves)
    assert any(m["target"] == "ippf public_protection" and m["old"] == "3" for m in moves), moves
