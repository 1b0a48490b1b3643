"""The JSON Schema (2020-12) of one ruleset's case data: ``omi-rules schema --cases RULESET``.

The published ``case-data.schema.json`` says only the shape every case file has (a list of
cases, each a mapping of cells). A system that exports cases for a particular methodology
needs more: which keys a case has, and which values each may hold. This schema says it from
the ruleset: ``case_id``; each case field with its type, values and limits; each question with
exactly its scale's answers (or null, unanswered). A document it accepts is read by ``score``
without a D001-D005 or D011 (relevance, D006/D007, needs the engine and is not a schema's
business).

Where the reader is more forgiving than a schema can say, the schema keeps to the canonical
form: yes/no fields as ``true``/``false`` (or the spellings the reader accepts, in lower
case), dates as ``YYYY-MM-DD`` text. Date limits cannot be expressed in JSON Schema and are
stated in the field's description.
"""

from __future__ import annotations

import json
from typing import Any

from omi_rules.casedata.validate import CASE_ID, FALSE_WORDS, TRUE_WORDS
from omi_rules.model import (
    BoolField,
    CaseField,
    DateField,
    EnumField,
    IntField,
    NumberField,
    Ruleset,
    StringField,
)
from omi_rules.model.value_types import all_questions, scale_values

SCHEMA_BASE_URL = "https://omi-rules.example/schemas/cases/"


def case_data_schema(model: Ruleset) -> dict[str, Any]:
    """The schema of a case data document (JSON or YAML) for ``model``."""
    scales = {s.id: s for s in model.scales}
    properties: dict[str, Any] = {
        CASE_ID: {
            "description": "The case's unique id in the sample.",
            "anyOf": [{"type": "string", "minLength": 1, "pattern": r"\S"}, {"type": "integer"}],
        }
    }
    required = [CASE_ID]
    for f in model.fields:
        properties[f.id] = _field(f)
        if f.required:
            required.append(f.id)
    for qid, q in all_questions(model).items():
        scale = scales.get(q.scale)
        answers: list[Any] = list(scale_values(scale)) if scale is not None else []
        properties[qid] = {
            "description": f"{q.text} (scale {q.scale}; null: not answered)",
            "enum": [*answers, None],
        }
        required.append(qid)
    case = {
        "type": "object",
        "description": "One case: case_id, every case field and every question (null where not answered).",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URL}{model.id}-{model.version}.schema.json",
        "title": f"Case data for {model.id} {model.version}",
        "description": f"A case sample for {model.title} ({model.id} {model.version}), as JSON or YAML.",
        "type": "object",
        "properties": {
            "ruleset": {"const": model.id, "description": "The id of the ruleset the data was collected for."},
            "cases": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/case"}},
        },
        "required": ["cases"],
        "additionalProperties": False,
        "$defs": {"case": case},
    }


def _field(f: CaseField) -> dict[str, Any]:
    """A case field's cell: its values, or null where the field may be left empty."""
    body: dict[str, Any]
    description = f.description
    if isinstance(f, EnumField):
        body = {"enum": list(f.value_ids())}
    elif isinstance(f, BoolField):
        spellings = sorted(TRUE_WORDS | FALSE_WORDS)
        body = {"anyOf": [{"type": "boolean"}, {"enum": [*spellings, 0, 1]}]}
    elif isinstance(f, IntField | NumberField):
        body = {"type": "integer" if isinstance(f, IntField) else "number"}
        if f.min is not None:
            body["minimum"] = f.min
        if f.max is not None:
            body["maximum"] = f.max
    elif isinstance(f, DateField):
        body = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
        if f.min or f.max:
            description += f" (from {f.min or 'any date'} to {f.max or 'any date'})"
    else:
        assert isinstance(f, StringField)
        body = {"type": "string"}
        if f.max_length is not None:
            body["maxLength"] = f.max_length
    if not f.required:
        body = {"anyOf": [body, {"type": "null"}]}
    return {"description": description, **body}


def render_case_schema(model: Ruleset) -> str:
    return json.dumps(case_data_schema(model), indent=2, ensure_ascii=False) + "\n"
