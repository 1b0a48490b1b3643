"""Generate the published JSON Schemas from the typed model.

The schema files under ``schemas/`` are build artefacts committed for editors and for users
who do not install the package; ``omi-rules schema`` prints the same text. Generating them
from ``omi_rules.model`` (instead of writing them by hand) is how schema and model are kept
from disagreeing; ``tests/test_schema_model.py`` fails if the committed files are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from omi_rules.model import Ruleset, RulesetPart
from omi_rules.model.inputs import CaseDataDocument, JudgementsDocument, RulesetTestFile
from omi_rules.model.results import Result
from omi_rules.model.surveys import SurveyCounts

SCHEMA_BASE_URL = "https://omi-rules.example/schemas/"
SCHEMAS: dict[str, type[BaseModel]] = {
    "ruleset.schema.json": Ruleset,
    "ruleset-part.schema.json": RulesetPart,
    "case-data.schema.json": CaseDataDocument,
    "judgements.schema.json": JudgementsDocument,
    "survey-data.schema.json": SurveyCounts,
    "result.schema.json": Result,
    "ruleset-tests.schema.json": RulesetTestFile,
}
OVERLAYS: dict[str, str] = {
    "ruleset-overlay.schema.json": "ruleset.schema.json",
    "ruleset-part-overlay.schema.json": "ruleset-part.schema.json",
}
"""Schemas for rulesets that ``extends`` another: every key optional (only what changes is
written), and ``remove: true`` on an item with an id removes it."""
PUBLISHED = [*SCHEMAS, *OVERLAYS]
CHECKS: dict[str, str] = {
    "ruleset.schema.json": "the main file of a ruleset (ruleset.yaml)",
    "ruleset-part.schema.json": "a part file that a ruleset lists under include",
    "case-data.schema.json": "case data written as JSON or YAML",
    "judgements.schema.json": "a judgements file (section 4 judgements and ratings)",
    "survey-data.schema.json": "a survey's data: sent, returned, answer counts or respondent rows",
    "result.schema.json": "the result that score --format json writes",
    "ruleset-tests.schema.json": "a file of ruleset tests (*.test.yaml)",
    "ruleset-overlay.schema.json": "the main file of a ruleset that extends another",
    "ruleset-part-overlay.schema.json": "a part file of a ruleset that extends another",
}
"""What each published schema checks, in the words ``omi-rules schema --list`` prints."""
SUFFIX = ".schema.json"


def schema_names() -> dict[str, str]:
    """The names ``omi-rules schema NAME`` accepts -> the schema's file name.

    Each schema is named by its file name without ``.schema.json`` (``ruleset-tests``) and, for
    the ruleset's own files, also without ``ruleset-`` (``tests``, ``overlay``, ``part``), the
    word a user reaches for first.
    """
    names: dict[str, str] = {}
    for file in PUBLISHED:
        stem = file.removesuffix(SUFFIX)
        names[stem] = file
        names.setdefault(stem.removeprefix("ruleset-"), file)
    return names


def build_schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema (2020-12) for one of ``SCHEMAS`` or ``OVERLAYS``."""
    if name in OVERLAYS:
        relaxed = build_schema(OVERLAYS[name])
        relaxed["$id"] = SCHEMA_BASE_URL + name
        _overlay(relaxed)
        return relaxed
    model = SCHEMAS[name]
    # A result is something we write (serialization); everything else is something we read.
    if name == "result.schema.json":
        body = model.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    else:
        body = model.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    _name_patterns(body)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URL + name,
    }
    schema.update(body)
    return schema


def _overlay(node: Any) -> None:
    """Relax a schema for overlays: nothing required; ids can be removed with ``remove: true``."""
    if isinstance(node, dict):
        node.pop("required", None)
        if "oneOf" in node:  # without required discriminators several branches may match
            node["anyOf"] = node.pop("oneOf")
        properties = node.get("properties")
        if isinstance(properties, dict) and "id" in properties and node.get("additionalProperties") is False:
            properties["remove"] = {
                "const": True,
                "description": "Remove the item with this id that the parent ruleset defines.",
            }
        for value in node.values():
            _overlay(value)
    elif isinstance(node, list):
        for value in node:
            _overlay(value)


def _name_patterns(node: Any) -> None:
    """Make mapping keys' patterns binding.

    pydantic writes ``dict[Identifier, X]`` as ``patternProperties`` (which only applies to
    keys that match) and leaves other keys allowed, while the model rejects them. Copying the
    pattern into ``propertyNames`` makes the schema reject them too, so the two agree.
    """
    if isinstance(node, dict):
        patterns = node.get("patternProperties")
        names = node.get("propertyNames")
        if isinstance(patterns, dict) and len(patterns) == 1 and isinstance(names, dict):
            names.setdefault("pattern", next(iter(patterns)))
        for value in node.values():
            _name_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _name_patterns(value)


def render_schema(name: str) -> str:
    """The schema as the committed file holds it: sorted keys would lose the model's field
    order (which editors use for completion order), so keys keep model order."""
    return json.dumps(build_schema(name), indent=2, ensure_ascii=False) + "\n"


COMMITTED = Path(__file__).resolve().parents[2] / "schemas"
"""Where ``make schemas`` writes: the repository's ``schemas/`` (in a source checkout)."""


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder`` (``make schemas``)."""
    written = []
    for name in PUBLISHED:
        target = folder / name
        target.write_text(render_schema(name), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_schemas(COMMITTED):
        print(f"wrote {path}")
