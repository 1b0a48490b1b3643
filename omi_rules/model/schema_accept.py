"""Whether a document satisfies one of the published schemas, answered without jsonschema.

Every ``score`` with a judgements file validates it against its schema, and a ruleset's
files are validated when it is checked. jsonschema is what explains a problem (the path, the
failing keyword, the branch an author meant: ``schema_check``), but importing it (with
``referencing``, ``attrs`` and its format checkers) cost about 25 ms of every start, for
documents that are nearly always valid. This module answers only the yes-or-no question, for
the keywords the published schemas use, with jsonschema's own rules (Draft 2020-12, with
``schema_check``'s strict integers): ``schema_check`` asks it first and asks jsonschema only
when the answer is not a certain yes.

It never says yes where jsonschema would say no: a schema with a keyword it does not know is
never answered here (``compile_schema`` gives None), and a value that is not plain JSON (a
date, a tuple, a ``Decimal``, a key that is not text) ends the answer (``Unsure``), so
jsonschema decides. ``tests/test_fast_start.py`` checks that the two agree on every bundled
ruleset and on mutated documents of each schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]
"""A compiled schema: True when the value satisfies it, False when it does not."""

PLAIN = (dict, list, str, int, float, type(None))
"""What JSON and YAML documents are made of (bool is an int)."""

ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment", "$schema", "$id", "$defs"})
"""Keywords that say nothing about validity; ``discriminator`` (pydantic's, no JSON Schema
keyword) is ignored by jsonschema too."""
IGNORED = ANNOTATIONS | {"discriminator"}


class Unsure(Exception):
    """The value is not plain JSON: jsonschema must decide."""


def _plain(value: Any) -> None:
    if not isinstance(value, PLAIN):
        raise Unsure


def _is_type(value: Any, name: str) -> bool:
    """jsonschema's type checks for plain values (integers strict: ``1.0`` is no integer)."""
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    return value is None  # "null"


TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})
_SIZES: dict[str, type[str] | type[list[Any]] | type[dict[str, Any]]] = {
    "minLength": str,
    "maxLength": str,
    "minItems": list,
    "maxItems": list,
    "minProperties": dict,
    "maxProperties": dict,
}
"""The size keywords and the kind of value each applies to (any other value satisfies it)."""

_TRUE, _FALSE = object(), object()


def _unbool(value: Any) -> Any:
    return _TRUE if value is True else _FALSE if value is False else value


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal`` for the scalars ``const`` and ``enum`` hold (``True`` is not
    ``1``); a list or mapping is left to jsonschema."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list | dict) or isinstance(two, list | dict):
        raise Unsure
    return bool(_unbool(one) == _unbool(two))


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.defs: dict[str, Check] = {}

    def ref(self, reference: str) -> Check | None:
        prefix = "#/$defs/"
        name = reference[len(prefix) :]
        if not reference.startswith(prefix) or name not in self.root.get("$defs", {}):
            return None
        if name not in self.defs:
            self.defs[name] = lambda value: False  # a recursive definition: replaced below
            compiled = self.schema(self.root["$defs"][name])
            if compiled is None:
                del self.defs[name]
                return None
            self.defs[name] = compiled
        defs = self.defs
        return lambda value: defs[name](value)

    def schema(self, node: Any) -> Check | None:
        """``node`` compiled, or None when it uses a keyword not handled here."""
        if node is True:
            return lambda value: True
        if node is False:
            return lambda value: False
        if not isinstance(node, dict):
            return None
        checks: list[Check] = []
        for keyword, argument in node.items():
            if keyword in IGNORED:
                continue
            check = self.keyword(keyword, argument, node)
            if check is None:
                return None
            checks.append(check)

        def every(value: Any) -> bool:
            _plain(value)
            return all(check(value) for check in checks)

        return every

    def keyword(self, keyword: str, argument: Any, node: dict[str, Any]) -> Check | None:
        """One keyword of ``node`` compiled, as jsonschema applies it: a keyword about one kind
        of value (a length, a pattern, the keys of a mapping) is satisfied by any other kind."""
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else argument
            if not isinstance(names, list) or not all(isinstance(n, str) and n in TYPES for n in names):
                return None
            return lambda value: any(_is_type(value, n) for n in names)
        if keyword == "$ref":
            return self.ref(argument) if isinstance(argument, str) else None
        if keyword in ("anyOf", "oneOf", "allOf"):
            if not isinstance(argument, list) or not argument:
                return None
            branches = [self.schema(branch) for branch in argument]
            if any(branch is None for branch in branches):
                return None
            ready: list[Check] = [b for b in branches if b is not None]
            if keyword == "anyOf":
                return lambda value: any(branch(value) for branch in ready)
            if keyword == "allOf":
                return lambda value: all(branch(value) for branch in ready)
            return lambda value: sum(1 for branch in ready if branch(value)) == 1
        if keyword in _SIZES:
            if not isinstance(argument, int) or isinstance(argument, bool):
                return None
            kind, limit = _SIZES[keyword], argument
            if keyword.startswith("min"):
                return lambda value: not isinstance(value, kind) or len(value) >= limit
            return lambda value: not isinstance(value, kind) or len(value) <= limit
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if not isinstance(argument, int | float) or isinstance(argument, bool):
                return None
            bound = argument
            test: Callable[[Any], bool] = {
                "minimum": lambda v: not v < bound,
                "maximum": lambda v: not v > bound,
                "exclusiveMinimum": lambda v: not v <= bound,
                "exclusiveMaximum": lambda v: not v >= bound,
            }[keyword]
            return lambda value: not _is_type(value, "number") or test(value)
        if keyword == "pattern":
            if not isinstance(argument, str):
                return None
            search = re.compile(argument).search
            return lambda value: not isinstance(value, str) or search(value) is not None
        if keyword in ("const", "enum"):
            options = [argument] if keyword == "const" else argument
            if not isinstance(options, list) or any(isinstance(o, list | dict) for o in options):
                return None
            return lambda value: any(_equal(value, option) for option in options)
        if keyword == "required":
            if not isinstance(argument, list):
                return None
            names = list(argument)
            return lambda value: not isinstance(value, dict) or all(name in value for name in names)
        if keyword == "items":
            if "prefixItems" in node:
                return None
            inner = self.schema(argument)
            if inner is None:
                return None
            item = inner
            return lambda value: not isinstance(value, list) or all(item(element) for element in value)
        if keyword == "propertyNames":
            inner = self.schema(argument)
            if inner is None:
                return None
            name_check = inner
            return lambda value: not isinstance(value, dict) or all(name_check(_key(k)) for k in value)
        if keyword in ("properties", "patternProperties"):
            if not isinstance(argument, dict):
                return None
            compiled = {name: self.schema(sub) for name, sub in argument.items()}
            if any(c is None for c in compiled.values()):
                return None
            if keyword == "properties":
                named = {k: c for k, c in compiled.items() if c is not None}
                return lambda value: (
                    not isinstance(value, dict)
                    or all(check(value[name]) for name, check in named.items() if name in value)
                )
            patterned = [(re.compile(p).search, c) for p, c in compiled.items() if c is not None]
            return lambda value: (
                not isinstance(value, dict)
                or all(check(v) for search, check in patterned for k, v in value.items() if search(_key(k)) is not None)
            )
        if keyword == "additionalProperties":
            return self.additional(argument, node)
        return None

    def additional(self, argument: Any, node: dict[str, Any]) -> Check | None:
        """jsonschema's rule: a key is additional when ``properties`` does not name it and no
        pattern of ``patternProperties`` (joined with ``|``, as jsonschema joins them) finds it."""
        named = node.get("properties", {})
        patterns = "|".join(node.get("patternProperties", {}))
        search = re.compile(patterns).search if patterns else None

        def extras(value: dict[str, Any]) -> list[str]:
            return [k for k in value if k not in named and not (search is not None and search(_key(k)) is not None)]

        if argument is False:
            return lambda value: not isinstance(value, dict) or not extras(value)
        inner = self.schema(argument)
        if inner is None:
            return None
        extra = inner
        return lambda value: not isinstance(value, dict) or all(extra(value[k]) for k in extras(value))


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise Unsure
    return key


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A check of ``schema`` (a whole document's schema, whose ``$ref`` point into its
    ``$defs``), or None when it uses a keyword this module does not handle."""
    try:
        return _Compiler(schema).schema(schema)
    except re.error:  # a pattern Python cannot read: jsonschema reports it its own way
        return None


def accepts(check: Check, value: Any) -> bool:
    """True only when ``value`` certainly satisfies the schema ``check`` was compiled from."""
    try:
        return check(value)
    except (Unsure, RecursionError):
        return False
