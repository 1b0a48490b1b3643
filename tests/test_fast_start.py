"""A fast start (issue 15): what makes a run quick stays true, observed without timing.

* Field descriptions are read from each module's source once (``omi_rules.model.docstrings``)
  with pydantic's own rules, and models are built when first used, not at import: the
  schemas stay the same whatever was built first.
* A hit of the cache of checked rulesets does no work the entry already holds (the ruleset's
  hash), and ``omi-rules test`` uses the cache too.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from omi_rules import checks
from omi_rules.cli import main
from omi_rules.engine import compiled as compiled_module
from omi_rules.model.docstrings import Described, attribute_docstrings
from omi_rules.model.schemas import PUBLISHED, render_schema

from .conftest import ROOT

MODEL_MODULES = [
    "omi_rules.model",
    "omi_rules.model.common",
    "omi_rules.model.ratings",
    "omi_rules.model.surveys",
    "omi_rules.model.ruleset",
    "omi_rules.model.inputs",
    "omi_rules.model.results",
]
NORTH_WALES = ROOT / "examples" / "north-wales-2008"


def _models() -> list[type[Described]]:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    found: list[type[Described]] = []
    pending: list[type[Described]] = [Described]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("omi_rules."):
                found.append(sub)
                pending.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def test_every_model_is_described() -> None:
    assert len(_models()) > 80  # every model of the ruleset, inputs and results


@pytest.mark.parametrize("cls", _models(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_field_docstrings_are_read_as_pydantic_reads_them(cls: type[Described]) -> None:
    assert attribute_docstrings(cls) == extract_docstrings_from_cls(cls, use_inspect=True)


def test_a_class_name_defined_twice_falls_back_to_pydantics_reading(tmp_path: Path) -> None:
    (tmp_path / "twice_defined.py").write_text(
        textwrap.dedent(
            '''
            from omi_rules.model.docstrings import Described

            if True:
                class Twice(Described):
                    kept: int
                    """The branch that runs."""
            else:
                class Twice(Described):
                    kept: int
                    """The branch that does not."""
            '''
        ),
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("twice_defined")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("twice_defined", None)
    assert module.Twice.model_fields["kept"].description == "The branch that runs."


def test_importing_the_models_builds_none_of_them() -> None:
    """``defer_build``: a validator is built when a model is first used, so a run that takes
    its ruleset from the cache builds none of the ruleset's models."""
    code = (
        "import omi_rules.model.results, omi_rules.model.inputs\n"
        "from omi_rules.model.docstrings import Described\n"
        "def every(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from every(sub)\n"
        "built = sorted(c.__name__ for c in every(Described) if c.__pydantic_complete__)\n"
        "print(built)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_schemas_are_the_same_after_the_models_were_used() -> None:
    """Descriptions are set as each class is made, before anything is built: a model built by
    scoring (a result) or validating (a ruleset) first has them in its schema too."""
    args = ["score", str(ROOT / "rulesets" / "omi-2008"), str(NORTH_WALES / "cases.csv")]
    scored = CliRunner().invoke(main, [*args, "--judgements", str(NORTH_WALES / "judgements.yaml"), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    for name in PUBLISHED:
        assert render_schema(name) == (ROOT / "schemas" / name).read_text(encoding="utf-8"), name


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache of checked rulesets on, in a folder of this test's own; a copy of omi-2008."""
    monkeypatch.setenv("OMI_RULES_NO_CACHE", "0")
    monkeypatch.setenv("OMI_RULES_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "rulesets" / "omi-2008"
    shutil.copytree(ROOT / "rulesets" / "omi-2008", copy, ignore=shutil.ignore_patterns("tests"))
    return copy


def _score(ruleset: Path, *options: str) -> str:
    args = ["score", str(ruleset), str(NORTH_WALES / "cases.csv"), "--judgements", str(NORTH_WALES / "judgements.yaml")]
    result = CliRunner().invoke(main, [*args, "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_cache_hit_does_not_hash_the_ruleset_again(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry keeps the ruleset's hash: hashing dumps the whole model (building its
    serializer), which a hit need not do."""
    first = _score(cached)  # a miss: checked, hashed, written
    monkeypatch.setattr(compiled_module, "ruleset_hash", lambda model: pytest.fail("the ruleset was hashed again"))
    assert _score(cached) == first


def test_omi_rules_test_checks_an_unchanged_ruleset_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``omi-rules test`` takes its rulesets from the cache of checked rulesets as ``score``
    does: a second run does not load and check the ruleset again and prints the same; with
    ``--no-cache``, or a damaged entry, it checks afresh, silently, with the same outcome."""
    monkeypatch.setenv("OMI_RULES_NO_CACHE", "0")
    monkeypatch.setenv("OMI_RULES_CACHE_DIR", str(tmp_path / "cache"))
    checked: list[Path] = []
    real = checks.check_ruleset

    def counted(path: Path, *args: object, **kwargs: object) -> object:
        checked.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checks, "check_ruleset", counted)

    def run(*options: str) -> str:
        result = CliRunner().invoke(main, ["test", str(ROOT / "rulesets" / "omi-2008"), *options])
        assert result.exit_code == 0, result.output
        return result.output

    first = run()
    assert len(checked) == 1 and "3 passed, 0 failed" in first
    [entry] = (tmp_path / "cache").glob("*.pickle")
    assert run() == first and len(checked) == 1  # from the cache
    assert run("--no-cache") == first and len(checked) == 2
    entry.write_bytes(b"not a pickle")
    assert run() == first and len(checked) == 3  # a damaged entry: checked again, and written again
    assert run() == first and len(checked) == 3
