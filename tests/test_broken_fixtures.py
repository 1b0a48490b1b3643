"""One broken fixture per diagnostic code (tests/fixtures/broken/cases.yaml).

Each case copies the small valid ruleset in tests/fixtures/minimal, applies one edit, runs
``omi-rules check`` and asserts the *complete* list of diagnostics: code, file, line and
column, and the exit code. Asserting the complete list catches both a missing diagnostic and
a spurious extra one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from omi_rules.cli import main
from omi_rules.diagnostics.codes import CODES

from .conftest import FIXTURES, MINIMAL

CASES_FILE = FIXTURES / "broken" / "cases.yaml"
CASES: list[dict[str, Any]] = YAML(typ="safe").load(CASES_FILE.read_text(encoding="utf-8"))


def apply_edit(folder: Path, edit: dict[str, Any]) -> None:
    """Apply one fixture edit to a copy of the minimal ruleset."""
    target = folder / edit.get("file", "ruleset.yaml")
    if "replace" in edit:
        text = target.read_text(encoding="utf-8")
        count = text.count(edit["replace"])
        assert count == 1, f"fixture edit must match exactly once, matched {count}: {edit['replace']!r}"
        target.write_text(text.replace(edit["replace"], edit["with"]), encoding="utf-8")
    if "write" in edit:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(edit["write"], encoding="utf-8")
    if "write_hex" in edit:
        target.write_bytes(bytes.fromhex(edit["write_hex"]))
    if "write_size" in edit:
        line = "# padding\n"
        target.write_text(line * (edit["write_size"] // len(line) + 1), encoding="utf-8")
    if edit.get("remove"):
        target.unlink()
    if edit.get("mkdir"):
        (folder / edit["mkdir"]).mkdir()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['code']}-{c['title']}" for c in CASES])
def test_broken_fixture(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    for edit in case.get("edits", [case.get("edit", {})]):
        apply_edit(folder, edit)
    monkeypatch.chdir(tmp_path)
    target = case.get("target", "r")
    result = CliRunner().invoke(main, ["check", target, "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    body = json.loads(result.stdout)
    actual = sorted((d["code"], d["file"], d["line"], d["column"]) for d in body["diagnostics"])
    expected = sorted(
        (e["code"], str(Path("r") / e["file"]) if e.get("file") else target, e.get("line", 0), e.get("col", 0))
        for e in case["expect"]
    )
    assert actual == expected, json.dumps(body["diagnostics"], indent=1)
    assert result.exit_code == case.get("exit", 1)


RULESET_PREFIXES = ("Y", "S", "R", "C")
"""Codes about rulesets; case-data codes have their own fixtures (tests/test_case_data.py)."""
TESTED_ELSEWHERE = {
    "R023": "tests/test_plugins.py (needs a plugin whose check rule raises)",
    "R024": "tests/test_plugins.py (needs a plugin that provides a section kind)",
}


def test_every_code_has_a_fixture() -> None:
    covered = {c["code"] for c in CASES}
    missing = sorted(
        code
        for code in CODES
        if code.startswith(RULESET_PREFIXES)
        and code not in covered
        and code not in TESTED_ELSEWHERE
        and not CODES[code].retired
    )
    assert not missing, f"codes without a broken fixture: {missing}"


def test_fixture_codes_exist() -> None:
    unknown = sorted({c["code"] for c in CASES} - set(CODES))
    assert not unknown
