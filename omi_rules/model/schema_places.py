"""Where in a document a key is allowed, read from the document's published schema.

An unknown key is often not misspelt but misplaced: ``tolerance`` written on one expectation
of a ruleset test belongs on the test itself. "Did you mean" cannot say so (the key is spelt
right), so the schema check asks this module which places of the same schema declare the key,
and names them the way the reference does: ``tests[]`` for each item of the list ``tests``,
``expect.criteria.<id>`` for each entry of a mapping keyed by id, and ``fields[] with type:
enum`` when only one kind of item takes it.

The places are computed from the schema itself (not listed by hand), so they follow every
change of the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from omi_rules.model.schemas import build_schema

MAX_PLACES = 3
"""Most places a hint names: a key allowed in more (``id``, ``title``) is not misplaced here in
any way a list of places would help with."""
MAX_DEPTH = 16
"""Deepest path followed; every published document is far shallower."""
_DISCRIMINATORS = ("type", "kind")


@dataclass(frozen=True)
class Place:
    """One kind of mapping that declares a key: where it is written, and how to recognise it."""

    path: str
    """Where such mappings are written, e.g. ``tests[]`` (empty: the top of the document)."""
    variant: str | None
    """``type: enum`` when the place is one kind of item among several written at ``path``."""
    siblings: tuple[str, ...]
    """Keys such a mapping usually has (its required keys, else its first keys), to say
    "next to ..."."""
    schema: Any
    """The place's object schema, to tell it apart from the mapping the key was written in."""

    def words(self) -> str:
        """``under tests[] (next to 'name' and 'expect')``, or ``at the top of the file``."""
        where = f"under {self.path}" if self.path else "at the top of the file"
        kind = f" with {self.variant}" if self.variant else ""
        beside = " and ".join(f"'{key}'" for key in self.siblings)
        return f"{where}{kind}" + (f" (next to {beside})" if beside else "")


def belongs_hint(key: str, here: Any, schema_name: str) -> str | None:
    """Where ``key`` belongs ("'tolerance' belongs under tests[] (next to 'name' and 'expect')"),
    or None when the schema declares it nowhere else, or in too many places for a list to help.

    ``here`` is the object schema of the mapping the key was written in (jsonschema's
    ``error.schema``); it never declares the key, but it is left out by comparison anyway.
    """
    others = [place for place in places(schema_name).get(key, []) if place.schema != here]
    if not others or len(others) > MAX_PLACES:
        return None
    return f"'{key}' belongs " + " or ".join(place.words() for place in others)


@cache
def places(schema_name: str) -> dict[str, list[Place]]:
    """Every key of the schema -> the places that declare it, in the order first reached."""
    schema = build_schema(schema_name)
    found: dict[str, list[Place]] = {}
    _walk(schema, schema.get("$defs", {}), "", frozenset(), found, None)
    return found


def _walk(
    node: Any, defs: dict[str, Any], path: str, seen: frozenset[str], found: dict[str, list[Place]], variant: str | None
) -> None:
    """Record the properties of ``node`` (written at ``path``) and walk into its values.

    ``seen`` holds the definitions already entered on the way here, so a recursive definition
    is entered once per path instead of forever.
    """
    if not isinstance(node, dict) or path.count(".") + path.count("[") > MAX_DEPTH:
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen and name in defs:
            _walk(defs[name], defs, path, seen | {name}, found, variant)
        return
    for keyword in ("anyOf", "oneOf", "allOf"):
        branches = node.get(keyword)
        if isinstance(branches, list):
            alternatives = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
            several = keyword != "allOf" and len(alternatives) > 1
            for branch in branches:
                _walk(branch, defs, path, seen, found, _variant(branch, defs) if several else variant)
    properties = node.get("properties")
    if isinstance(properties, dict):
        _record(node, properties, path, variant, found)
        for key, value in properties.items():
            _walk(value, defs, f"{path}.{key}" if path else key, seen, found, None)
    for keyword in ("items", "additionalProperties"):
        inner = node.get(keyword)
        if isinstance(inner, dict):
            _walk(inner, defs, path + ("[]" if keyword == "items" else ".<id>"), seen, found, None)
    for inner in (node.get("patternProperties") or {}).values():
        _walk(inner, defs, path + ".<id>", seen, found, None)


def _record(
    node: dict[str, Any], properties: dict[str, Any], path: str, variant: str | None, found: dict[str, list[Place]]
) -> None:
    required = [key for key in node.get("required", []) if isinstance(key, str)]
    for key in properties:
        siblings = tuple(k for k in (required or list(properties)) if k != key)[:2]
        place = Place(path, variant, siblings, node)
        known = found.setdefault(key, [])
        if all(p.schema != node or p.path != path for p in known):
            known.append(place)


def _variant(branch: Any, defs: dict[str, Any]) -> str | None:
    """``type: enum`` for a branch whose discriminator is fixed, else None."""
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        branch = defs.get(ref.rsplit("/", 1)[1], {})
    properties = branch.get("properties", {}) if isinstance(branch, dict) else {}
    for key in _DISCRIMINATORS:
        value = properties.get(key, {}) if isinstance(properties, dict) else {}
        if isinstance(value, dict) and "const" in value:
            return f"{key}: {value['const']}"
    return None
