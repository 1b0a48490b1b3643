"""Invariants of ruleset documents: generated rulesets are valid, survive a load -> dump -> load
round trip, and the JSON Schema and the typed model agree on them and on their mutations."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given

from omi_rules.checks import check_ruleset
from omi_rules.diagnostics import Report, Severity
from omi_rules.ruleset.loader import load_ruleset
from omi_rules.ruleset.resolve import as_yaml

from .documents import model_accepts, mutated_documents, schema_accepts
from .strategies import rulesets, share_of_examples, to_yaml


@given(rulesets())
def test_generated_rulesets_pass_check(document: dict[str, Any]) -> None:
    """Invariant (of the generator and of ``check``): every ruleset the strategies draw, written
    as YAML, passes ``check`` with no error, so the scoring properties test valid rulesets and
    ``check`` raises no false alarm on them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ruleset.yaml"
        path.write_text(to_yaml(document), encoding="utf-8")
        report = Report()
        loaded = check_ruleset(path, report)
    errors = [str(d) for d in report.diagnostics if d.severity is Severity.ERROR]
    assert not errors and loaded.model is not None, errors


@share_of_examples(3)
@given(rulesets())
def test_load_dump_load_gives_an_equal_ruleset(document: dict[str, Any]) -> None:
    """Invariant: loading a ruleset, dumping it (``omi-rules resolve``'s YAML, comments and
    all) and loading the dump gives an equal ruleset: the same data and the same typed model."""
    with tempfile.TemporaryDirectory() as folder:
        first_path = Path(folder) / "first" / "ruleset.yaml"
        first_path.parent.mkdir()
        first_path.write_text(to_yaml(document), encoding="utf-8")
        first = load_ruleset(first_path)
        second_path = Path(folder) / "second" / "ruleset.yaml"
        second_path.parent.mkdir()
        second_path.write_text(as_yaml(first), encoding="utf-8")
        second = load_ruleset(second_path)
    assert first.model is not None and second.model is not None, second.diagnostics
    assert second.data == first.data
    assert second.model == first.model


@given(rulesets().flatmap(mutated_documents))
def test_schema_and_model_agree_on_generated_documents(document: Any) -> None:
    """Invariant: on generated rulesets and their mutations (wrong types, deleted, unknown and
    renamed keys, out-of-range values), the JSON Schema accepts a document exactly when the
    typed model does."""
    assert schema_accepts(document) == model_accepts(document)
