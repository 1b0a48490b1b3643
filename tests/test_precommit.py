"""The pre-commit hooks a repository of rulesets uses: well formed, and the commands they run
work on this repository's rulesets folder."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from omi_rules.cli import main

from .conftest import ROOT

HOOKS = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_hooks_are_well_formed() -> None:
    assert [h["id"] for h in HOOKS] == ["omi-rules-check", "omi-rules-test"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("omi-rules ")
        assert hook["pass_filenames"] is False


def test_hook_commands_pass_on_the_bundled_rulesets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for hook in HOOKS:
        args = hook["entry"].split()[1:] + hook["args"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
