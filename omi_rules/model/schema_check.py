"""Validate loaded YAML against the published JSON Schema and explain errors in plain words.

jsonschema reports errors as data (path, failing keyword); this module turns each into a
diagnostic at the file, line and column the ``SourceMap`` recorded, with a message a
methodology editor can act on ("unknown key 'titel' (did you mean 'title'?)") rather than a
schema dump. For ``oneOf``/``anyOf`` (field types, sources) it picks the branch the author
evidently meant and reports that branch's errors only.

jsonschema is imported only to explain a document that may be invalid: whether a document is
valid is asked first of ``schema_accept`` (the same rules, without jsonschema's import, about
25 ms of every start), and only a document it does not certainly accept goes to jsonschema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from omi_rules.diagnostics import Diagnostic
from omi_rules.diagnostics.codes import make
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model.schema_accept import Check, accepts, compile_schema
from omi_rules.model.schemas import SCHEMAS, build_schema
from omi_rules.yamlio.reader import PathKey, SourceMap

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_PATTERN_WORDS = {
    r"^[a-z][a-z0-9_]*$": "lower-case letters, digits and '_', starting with a letter (e.g. roh_level)",
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$": "letters, digits, '.', '-' or '_' (e.g. 1.2.3)",
    r"^[a-z][a-z0-9\-]*$": "lower-case letters, digits and '-' (e.g. omi-2008)",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
}
_DISCRIMINATORS = ("type", "kind")
_TYPE_WORDS = {
    "object": "a mapping (key: value lines)",
    "array": "a list ('- item' lines)",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing (null)",
}


def _is_integer(checker: Any, instance: Any) -> bool:
    """Only real ints are integers: pydantic's strict mode rejects ``1.0`` and so must we."""
    return isinstance(instance, int) and not isinstance(instance, bool)


@cache
def _strict_validator() -> Any:
    """Draft 2020-12 with strict integers (``_is_integer``); jsonschema imported here."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    type_checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    return extend(Draft202012Validator, type_checker=type_checker)


@cache
def schema(name: str) -> dict[str, Any]:
    """One of the published schemas as plain JSON data (what both validators read)."""
    loaded: dict[str, Any] = json.loads(json.dumps(build_schema(name)))
    return loaded


@cache
def validator(name: str) -> Any:
    """A cached jsonschema validator for one of the published schemas."""
    return _strict_validator()(schema(name))


@cache
def _acceptance(name: str) -> Check | None:
    return compile_schema(schema(name))


def certainly_valid(data: Any, schema_name: str) -> bool:
    """True when ``data`` satisfies the schema, decided without jsonschema (``schema_accept``);
    False when it does not, or when only jsonschema can tell."""
    check = _acceptance(schema_name)
    return check is not None and accepts(check, data)


def validate(data: Any, schema_name: str, source_map: SourceMap) -> list[Diagnostic]:
    """All schema problems of ``data``, each located through ``source_map``."""
    if certainly_valid(data, schema_name):
        return []
    out: list[Diagnostic] = []
    for error in validator(schema_name).iter_errors(data):
        out.extend(_explain(error, source_map, schema_name))
    return out


def validate_and_prune(
    data: Any, schema_name: str, source_map: SourceMap, budget: int | None = None
) -> tuple[list[Diagnostic], set[PathKey], bool]:
    """``validate`` and ``invalid_paths`` in one pass over the schema's errors, and whether
    validation stopped at ``budget`` errors (None: no budget) before the end of ``data``.

    Validating is the costly step (a part of thousands of bad items spends most of ``check``
    here), so the loader, which needs both the diagnostics and what to prune, validates once.
    Each error is explained and dropped as it comes: keeping 100,000 errors (each with its
    ``oneOf`` branches' errors) to use them twice cost gigabytes.
    """
    if certainly_valid(data, schema_name):
        return [], set(), False
    diagnostics: list[Diagnostic] = []
    paths: set[PathKey] = set()
    for count, error in enumerate(validator(schema_name).iter_errors(data)):
        if budget is not None and count >= budget:
            return diagnostics, paths, True
        diagnostics.extend(_explain(error, source_map, schema_name))
        paths.update(_prune_error(error, data))
    return diagnostics, paths, False


def _path(error: ValidationError) -> PathKey:
    return tuple(error.absolute_path)


def _branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """For a oneOf/anyOf error, the errors of the branch the author meant (None if unclear)."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    schemas = error.validator_value if isinstance(error.validator_value, list) else []
    instance = error.instance
    candidates = {
        index: errs
        for index, errs in branches.items()
        if not (index < len(schemas) and schemas[index].get("type") == "null" and instance is not None)
    }
    if isinstance(instance, dict):
        # A discriminator ('type' / 'kind') that matches a branch decides it.
        for key in _DISCRIMINATORS:
            if key in instance:
                matching = {
                    i: errs
                    for i, errs in candidates.items()
                    if not any(e.validator == "const" and list(e.relative_path) == [key] for e in errs)
                }
                if len(matching) == 1:
                    return next(iter(matching.values()))
                if not matching:
                    return None

        # Otherwise, the branch that knows most of the keys written.
        def score(item: tuple[int, list[ValidationError]]) -> tuple[int, int]:
            index, errs = item
            props = _properties(schemas[index]) if index < len(schemas) else set()
            return (-len(set(instance) & props), len(errs))

        if candidates:
            return sorted(candidates.items(), key=score)[0][1]
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    return None


def _properties(branch: dict[str, Any]) -> set[str]:
    """The keys a oneOf/anyOf branch allows (following a local ``$ref``)."""
    ref = branch.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        branch = _defs().get(ref.rsplit("/", 1)[1], {})
    props = branch.get("properties", {})
    return set(props) if isinstance(props, dict) else set()


@lru_cache(maxsize=1)
def _defs() -> dict[str, Any]:
    """Every ``$defs`` entry of every published schema (names are unique across them)."""
    defs: dict[str, Any] = {}
    for name in SCHEMAS:
        defs.update(build_schema(name).get("$defs", {}))
    return defs


def _explain(error: ValidationError, source_map: SourceMap, schema_name: str) -> Iterable[Diagnostic]:
    path = _path(error)
    kind = error.validator
    if kind in ("oneOf", "anyOf"):
        chosen = _branch_errors(error)
        if chosen:
            for sub in chosen:
                yield from _explain(sub, source_map, schema_name)
            return
        yield from _discriminator_or_generic(error, source_map)
        return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for key in sorted(set(error.instance) - allowed):
            hint = _unknown_key_hint(key, allowed, error.schema, schema_name)
            yield make("S001", f"unknown key '{key}'", source_map.key(path + (key,)), hint, span=len(key))
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        # Only where unknown keys are refused does the misspelling get its own S001; where they
        # are allowed (a case's field columns), staying quiet lost the error (found by tests/fuzz).
        if isinstance(error.instance, dict) and error.schema.get("additionalProperties") is False:
            unknown = set(error.instance) - set(error.schema.get("properties", {}))
            if any(did_you_mean(key, {missing}) for key in unknown):
                return  # a misspelling of this key: the S001 for it says so; one mistake, one diagnostic
        yield make("S002", f"missing required key '{missing}'", source_map.value(path))
        return
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in names)
        yield make(
            "S003",
            f"expected {words}, got {_describe(error.instance)}",
            source_map.value(path),
            _quote_hint(path, error.instance, names, source_map),
        )
        return
    if kind == "const":
        yield make(
            "S004",
            f"{_show(error.instance)} is not allowed here; expected {_show(error.validator_value)}",
            source_map.value(path),
        )
        return
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        choice_hint = did_you_mean(str(error.instance), set(choices)) if isinstance(error.instance, str) else None
        yield make(
            "S004",
            f"{_show(error.instance)} is not one of: {', '.join(choices)}",
            source_map.value(path),
            choice_hint,
        )
        return
    if kind == "pattern" and "propertyNames" in error.schema_path:
        words = _PATTERN_WORDS.get(str(error.validator_value), f"text matching {error.validator_value}")
        yield make(
            "S004",
            f"key {_show(error.instance)} is not a valid name: use {words}",
            source_map.key(path + (str(error.instance),)),
            span=len(str(error.instance)),
        )
        return
    if kind == "pattern":
        words = _PATTERN_WORDS.get(str(error.validator_value), f"text matching {error.validator_value}")
        named = [p for p in path if isinstance(p, str)]
        name = named[-1] if named else "value"
        yield make("S004", f"{_show(error.instance)} is not a valid {name}: use {words}", source_map.value(path))
        return
    if kind in ("minLength", "minItems", "minProperties"):
        yield make("S004", f"{_where(path)} must not be empty", source_map.value(path))
        return
    if kind == "maxLength" and isinstance(error.instance, str):
        yield make(
            "S004",
            f"{_where(path)} is {len(error.instance)} characters long; the limit is {error.validator_value}",
            source_map.value(path),
        )
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength", "maxItems"):
        yield make("S004", f"{_where(path)}: {error.message}", source_map.value(path))
        return
    if kind == "propertyNames":
        yield make("S004", f"invalid key in {_where(path)}: {error.message}", source_map.value(path))
        return
    yield make("S004", f"{_where(path)}: {error.message}", source_map.value(path))


def _unknown_key_hint(key: str, allowed: set[str], here: Any, schema_name: str) -> str:
    """A misspelling gets "did you mean"; a key the schema allows elsewhere in the same
    document gets where it belongs (a misplaced key is spelt right, so "did you mean" alone
    said nothing, or named an unrelated key); a key neither misspelt nor misplaced gets the
    keys allowed here."""
    from omi_rules.model.schema_places import belongs_hint  # only a document with an unknown key needs it

    nearest = did_you_mean(key, allowed)
    belongs = belongs_hint(key, here, schema_name)
    if nearest and belongs:
        return f"{nearest} Or, if you meant '{key}': {belongs}"
    if belongs:
        return f"{belongs}; the keys here are {', '.join(sorted(allowed))}"
    return nearest or f"allowed keys here: {', '.join(sorted(allowed))}"


def _discriminator_or_generic(error: ValidationError, source_map: SourceMap) -> Iterable[Diagnostic]:
    path = _path(error)
    instance = error.instance
    if isinstance(instance, dict):
        for key in _DISCRIMINATORS:
            if key in instance:
                allowed = sorted(
                    {
                        str(e.validator_value)
                        for e in error.context or []
                        if e.validator == "const" and list(e.relative_path) == [key]
                    }
                )
                hint = did_you_mean(str(instance[key]), set(allowed))
                yield make(
                    "S004",
                    f"{_show(instance[key])} is not a known {key}; expected one of: {', '.join(allowed)}",
                    source_map.value(path + (key,)),
                    hint,
                )
                return
    if error.context and all(e.validator == "type" for e in error.context):
        names = sorted({str(e.validator_value) for e in error.context})
        words = " or ".join(sorted({_TYPE_WORDS.get(t, t) for t in names}))
        yield make(
            "S003",
            f"expected {words}, got {_describe(instance)}",
            source_map.value(path),
            _quote_hint(path, instance, names, source_map),
        )
        return
    yield make("S004", f"{_where(path)} is not valid: {error.message[:200]}", source_map.value(path))


def _quote_hint(path: PathKey, value: Any, expected: list[str], source_map: SourceMap) -> str | None:
    """How to make a number or true/false that YAML read from an unquoted value into text.

    YAML reads ``2018``, ``1.0`` and ``true`` as a number or true/false; where text is expected
    the author nearly always meant the characters written, which quotes keep as text. The hint
    shows the key and the value as written (``published: "2018"``), so it can be copied.
    """
    if "string" not in expected or value is None or not isinstance(value, bool | int | float):
        return None
    written = source_map.texts.get(path) or (str(value).lower() if isinstance(value, bool) else str(value))
    quoted = json.dumps(written, ensure_ascii=False)
    key = path[-1] if path and isinstance(path[-1], str) else None
    return f"write it in quotes: {key}: {quoted}" if key is not None else f"write it in quotes: {quoted}"


def _where(path: PathKey) -> str:
    if not path:
        return "the document"
    return "'" + ".".join(str(p) for p in path) + "'"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text {_show(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def invalid_paths(data: Any, schema_name: str) -> set[PathKey]:
    """Paths to drop so that ``data`` satisfies the schema (see ``loader.prune``).

    Unknown keys are dropped on their own; any other error drops the innermost list item that
    contains it (a question, a field, a band), so the rest of the ruleset can still be checked
    for meaning and every problem is reported in one run. Errors outside any list item cannot
    be pruned; their path is returned as-is and the caller gives up on building a model.
    """
    out: set[PathKey] = set()
    if certainly_valid(data, schema_name):
        return out
    for error in validator(schema_name).iter_errors(data):
        out.update(_prune_error(error, data))
    return out


def _item(data: Any, path: PathKey) -> Any:
    for step in path:
        data = data[step]
    return data


def _prune_error(error: ValidationError, data: Any) -> set[PathKey]:
    path = _path(error)
    if error.validator in ("oneOf", "anyOf"):
        chosen = _branch_errors(error)
        if chosen:
            return set().union(*(_prune_error(sub, data) for sub in chosen))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return {path + (key,) for key in error.instance if key not in allowed}
    # Drop the innermost list item that is a mapping (a question, a band, ...): dropping a
    # single bad value from a list of values would change the list's meaning instead.
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], int) and isinstance(_item(data, path[: i + 1]), dict):
            return {path[: i + 1]}
    return {path}
