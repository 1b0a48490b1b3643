"""The JSON Schema (2020-12) of an ``ippf_metrics`` section's ``config``.

``source`` is optional in the schema on purpose: ``validate`` reports a rule without one (R024)
with a hint, and also checks what a schema cannot (references, documents, declared fields).
"""

from __future__ import annotations

from typing import Any

from omi_rules_ippf.rules import BASES, DIRECTIONS, MEASURES, ROUNDINGS

ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
THRESHOLD: dict[str, Any] = {"type": ["number", "null"]}

SOURCE: dict[str, Any] = {
    "description": "Where the rule comes from: a cited document, or an assumption with its reasons.",
    "oneOf": [
        {
            "type": "object",
            "properties": {"document": ID, "ref": TEXT, "quote": TEXT},
            "required": ["document", "ref"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"assumption": TEXT},
            "required": ["assumption"],
            "additionalProperties": False,
        },
    ],
}

ROLLUP: dict[str, Any] = {
    "type": "object",
    "description": "Mean of the input grades, rounded, optionally capped when many inputs are poor.",
    "properties": {
        "method": {"const": "mean"},
        "rounding": {"enum": list(ROUNDINGS)},
        "cap": {
            "type": "object",
            "properties": {
                "poor_share": {"type": "number", "minimum": 0, "maximum": 1},
                "max_grade": {"type": "integer", "minimum": 1, "maximum": 4},
            },
            "required": ["poor_share", "max_grade"],
            "additionalProperties": False,
        },
        "source": SOURCE,
    },
    "required": ["method", "rounding"],
    "additionalProperties": False,
}

BAND_RULE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": ID,
        "title": TEXT,
        "basis": {"enum": list(BASES)},
        "measure": {"enum": list(MEASURES)},
        "outstanding": THRESHOLD,
        "good": THRESHOLD,
        "passable": THRESHOLD,
        "source": SOURCE,
    },
    "required": ["id", "basis", "measure"],
    "additionalProperties": False,
}

DOMAIN: dict[str, Any] = {
    "type": "object",
    "properties": {"id": ID, "name": TEXT, "rollup": ROLLUP, "source": SOURCE},
    "required": ["id", "name", "rollup"],
    "additionalProperties": False,
}

METRIC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": ID,
        "name": TEXT,
        "domain": ID,
        "graded": {"type": "boolean"},
        "direction": {"enum": list(DIRECTIONS)},
        "bands": ID,
        "unit": {"enum": ["percent", "number"]},
        "note": TEXT,
        "source": SOURCE,
    },
    "required": ["id", "name", "domain"],
    "additionalProperties": False,
}

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ippf_metrics section config",
    "type": "object",
    "properties": {
        "period": TEXT,
        "band_rules": {"type": "array", "items": BAND_RULE, "minItems": 1},
        "domains": {"type": "array", "items": DOMAIN, "minItems": 1},
        "area": {
            "type": "object",
            "properties": {"name": TEXT, "rollup": ROLLUP, "source": SOURCE},
            "required": ["rollup"],
            "additionalProperties": False,
        },
        "metrics": {"type": "array", "items": METRIC, "minItems": 1},
    },
    "required": ["band_rules", "domains", "area", "metrics"],
    "additionalProperties": False,
}
