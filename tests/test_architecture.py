"""The package's layout keeps its promises: imports flow one way, every package has a stage,
and every import path the docs show works (old documented paths too, with a warning).

The stages and their order are declared once, in pyproject.toml (``[tool.importlinter]``),
and described in docs/architecture.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import omi_rules
from omi_rules._moved import MOVED

from .conftest import ROOT

PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _layers() -> list[list[str]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["id"] == "stages")
    return [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]


def test_each_stage_imports_only_the_stages_below_it() -> None:
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_every_package_and_top_level_module_has_a_stage() -> None:
    """A new package outside the contract would escape the import-direction check."""
    staged = {name for layer in _layers() for name in layer}
    present = {f"omi_rules.{m.name}" for m in pkgutil.iter_modules(omi_rules.__path__)}
    assert present == staged


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The check can fail: a copy of the package where the engine imports the command line."""
    shutil.copytree(ROOT / "omi_rules", tmp_path / "omi_rules", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    scoring = tmp_path / "omi_rules" / "engine" / "scoring.py"
    scoring.write_text(scoring.read_text(encoding="utf-8") + "\nfrom omi_rules.cli import common  # noqa\n")
    run = subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    assert "omi_rules.engine.scoring -> omi_rules.cli.common" in run.stdout


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_documented_path_gives_the_module_at_its_new_path(old: str) -> None:
    for name in [n for n in sys.modules if n == old or n.startswith(old + ".")]:
        del sys.modules[name]
    parent = old.rpartition(".")[0]
    with warnings.catch_warnings():  # an old parent (omi_rules.expr) warns for itself, first
        warnings.simplefilter("ignore", DeprecationWarning)
        importlib.import_module(parent)
    with pytest.warns(DeprecationWarning, match=re.escape(MOVED[old])):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])


DOCS = sorted([*ROOT.glob("docs/*.md"), ROOT / "README.md", *ROOT.glob("plugins/*/README.md")])
FROM_IMPORT = re.compile(r"^\s*from (omi_rules[\w.]*) import \(?([\w, ]+)\)?\s*$", re.MULTILINE)
DOTTED = re.compile(r"`(omi_rules(?:\.\w+)+)")


def _resolve(dotted: str) -> object:
    """The module or attribute a dotted name in the docs stands for, importing as needed."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_the_docs_show_works_at_its_current_path(doc: Path) -> None:
    """Imports in code blocks and dotted names in backticks, without deprecation warnings."""
    text = doc.read_text(encoding="utf-8")
    shown = [f"{m.group(1)}.{name.strip()}" for m in FROM_IMPORT.finditer(text) for name in m.group(2).split(",")]
    shown += [m.group(1) for m in DOTTED.finditer(text)]
    if doc.name == "architecture.md":  # its table of moved paths names the old ones on purpose
        shown = [name for name in shown if not any(name == old or name.startswith(old + ".") for old in MOVED)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for name in shown:
            try:
                _resolve(name.rstrip("."))
            except (ImportError, AttributeError, DeprecationWarning) as exc:
                pytest.fail(f"{doc.relative_to(ROOT)} shows {name}, which does not resolve: {exc}")
