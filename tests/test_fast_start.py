"""A fast start (issue 15): what makes a run quick stays true, observed without timing.

* Field descriptions are read from each module's source once (``omi_rules.model.docstrings``)
  with pydantic's own rules, and models are built when first used, not at import: the
  schemas stay the same whatever was built first.
* A hit of the cache of checked rulesets does no work the entry already holds (the ruleset's
  hash), and ``omi-rules test`` uses the cache too.
* Whether a document satisfies its schema is answered without jsonschema
  (``omi_rules.model.schema_accept``), exactly as jsonschema answers it.
* A run imports only what it needs (observed through ``sys.modules``).
"""

from __future__ import annotations

import datetime
import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from omi_rules import checks
from omi_rules.cli import main
from omi_rules.engine import compiled as compiled_module
from omi_rules.model.docstrings import Described, attribute_docstrings
from omi_rules.model.schema_accept import accepts, compile_schema
from omi_rules.model.schema_check import certainly_valid, schema
from omi_rules.model.schemas import PUBLISHED, render_schema
from omi_rules.ruleset.loader import load_ruleset
from omi_rules.yamlio.reader import load_yaml

from .conftest import FIXTURES, MINIMAL, ROOT
from .properties.documents import mutated_documents, schema_accepts

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


# --------------------------------------------------------------------------- schema_accept


def _yaml(path: Path) -> Any:
    document = load_yaml(path, str(path))
    assert document.data is not None, document.diagnostics
    return document.data


def _real_documents() -> list[tuple[str, Path]]:
    """Every document of the repository with a published schema: the rulesets' files, their
    tests, the examples' judgements and survey data."""
    found: list[tuple[str, Path]] = []
    for folder in [MINIMAL, *sorted(p.parent for p in (ROOT / "rulesets").glob("*/ruleset.yaml"))]:
        main_data = _yaml(folder / "ruleset.yaml")
        overlay = "extends" in main_data
        found.append(("ruleset-overlay.schema.json" if overlay else "ruleset.schema.json", folder / "ruleset.yaml"))
        for part in sorted(folder.glob("*.yaml")):
            if part.name != "ruleset.yaml":
                found.append(("ruleset-part-overlay.schema.json" if overlay else "ruleset-part.schema.json", part))
        found.extend(("ruleset-tests.schema.json", test) for test in sorted(folder.glob("tests/*.test.yaml")))
    found.extend(("judgements.schema.json", path) for path in sorted(ROOT.glob("examples/*/judgements.yaml")))
    found.append(("judgements.schema.json", FIXTURES / "data" / "minimal-judgements.yaml"))
    found.extend(("survey-data.schema.json", path) for path in sorted((NORTH_WALES / "surveys").glob("*.yaml")))
    return found


@pytest.mark.parametrize(("name", "path"), _real_documents(), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_every_real_document_is_accepted_without_jsonschema(name: str, path: Path) -> None:
    data = _yaml(path)
    assert schema_accepts(data, name)
    assert certainly_valid(data, name)


@pytest.mark.parametrize("folder", [MINIMAL, *sorted(p.parent for p in (ROOT / "rulesets").glob("*/ruleset.yaml"))])
def test_every_merged_ruleset_is_accepted_without_jsonschema(folder: Path) -> None:
    loaded = load_ruleset(folder)
    assert loaded.data is not None and loaded.model is not None
    assert certainly_valid(loaded.data, "ruleset.schema.json")


def test_every_published_schema_is_answered_without_jsonschema() -> None:
    for name in PUBLISHED:
        assert compile_schema(schema(name)) is not None, name


MINIMAL_RULESET = load_ruleset(MINIMAL).data
BASES: list[tuple[str, Any]] = [
    ("ruleset.schema.json", MINIMAL_RULESET),
    ("ruleset-overlay.schema.json", MINIMAL_RULESET),
    ("ruleset-part.schema.json", _yaml(MINIMAL / "section-4.yaml")),
    ("judgements.schema.json", _yaml(NORTH_WALES / "judgements.yaml")),
    ("ruleset-tests.schema.json", _yaml(ROOT / "rulesets" / "omi-2008" / "tests" / "weak-inspection.test.yaml")),
    ("survey-data.schema.json", _yaml(NORTH_WALES / "surveys" / "offenders.yaml")),
    (
        "case-data.schema.json",
        {"cases": [{"case_id": "a1", "sentence": "custody", "tier": 2, "q1": "yes"}, {"case_id": 2, "x": None}]},
    ),
]


@pytest.mark.parametrize(("name", "base"), BASES, ids=[name for name, _ in BASES])
@given(data=st.data())
def test_schema_accept_agrees_with_jsonschema_on_mutated_documents(name: str, base: Any, data: st.DataObject) -> None:
    """The shortcut is exact on plain data: it accepts a document exactly when jsonschema
    does (so it never lets a wrong document through, and never sends a right one to
    jsonschema for nothing)."""
    document = data.draw(mutated_documents(base))
    assert certainly_valid(document, name) == schema_accepts(document, name)


def test_values_that_are_not_plain_json_go_to_jsonschema() -> None:
    check = compile_schema(schema("judgements.schema.json"))
    assert check is not None
    assert accepts(check, {"judged_on": "2008-09-01"})
    assert not accepts(check, {"judged_on": datetime.date(2008, 9, 1)})  # jsonschema decides
    assert not accepts(check, {"judgements": {1: {}}})  # a key that is not text
    assert not accepts(check, {"judgements": {"4.1": {"4.1.1": Decimal(1)}}})


# --------------------------------------------------------------------------- what a run imports

_IMPORTED = """
import runpy, sys
sys.argv = ["omi-rules", *sys.argv[1:]]
try:
    runpy.run_module("omi_rules", run_name="__main__")
finally:
    print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def _imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh ``omi-rules`` process imports, its ruleset taken from the cache."""
    env = {**os.environ, "OMI_RULES_NO_CACHE": "0", "OMI_RULES_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", _IMPORTED, *args]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)  # fills the cache
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.strip().splitlines()[-1].split())


SCORE = ["score", "rulesets/omi-2008", "examples/north-wales-2008/cases.csv"]
JUDGED = [*SCORE, "--judgements", "examples/north-wales-2008/judgements.yaml"]
NEVER = {"jsonschema", "jinja2", "openpyxl", "xlsxwriter", "omi_rules.checks", "omi_rules.handbook"}
"""Imported by no cached ``score`` of valid data in these formats."""


@pytest.mark.parametrize(
    ("args", "unwanted"),
    [
        (JUDGED, {*NEVER, "omi_rules.engine.uncertainty"}),
        ([*JUDGED, "--format", "json"], {*NEVER, "rich"}),
        ([*JUDGED, "--format", "markdown"], {*NEVER, "rich", "omi_rules.engine.uncertainty"}),
    ],
    ids=["table", "json", "markdown"],
)
def test_a_cached_score_imports_only_what_it_needs(tmp_path: Path, args: list[str], unwanted: set[str]) -> None:
    """A run that takes its ruleset from the cache does not import the checks; a format does
    not import another format's renderer; a valid document is not handed to jsonschema."""
    assert not _imported(tmp_path, *args) & unwanted


# --------------------------------------------------------------------------- the process entry

_COLLECTOR = """
import gc, os, sys
from omi_rules.cli import run
sys.argv = ["omi-rules", *sys.argv[1:]]
try:
    run()
except SystemExit:
    pass
print(gc.get_threshold(), gc.get_freeze_count() > 0, os.environ.get("PYDANTIC_DISABLE_PLUGINS"), file=sys.stderr)
"""


def _collector(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _COLLECTOR, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return done.stderr.strip().splitlines()[-1]


def test_the_console_script_runs_main_with_the_collector_set_for_a_short_run() -> None:
    """``run`` (the console script, ``python -m omi_rules``) raises the first generation's
    threshold, freezes what exists at the end and turns pydantic's plugins off; a value the
    user set for ``PYDANTIC_DISABLE_PLUGINS`` is kept."""
    from omi_rules.cli.app import GC_THRESHOLD

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    assert _collector(env, *JUDGED) == f"{GC_THRESHOLD} True __all__"
    assert _collector({**env, "PYDANTIC_DISABLE_PLUGINS": "logfire"}, "--version").endswith("True logfire")


def test_main_called_in_process_leaves_the_collector_as_it_was() -> None:
    import gc

    before = gc.get_threshold()
    assert CliRunner().invoke(main, ["--version"]).exit_code == 0
    assert gc.get_threshold() == before
