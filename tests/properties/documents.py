"""Strategies for *invalid* ruleset documents: valid ones mutated by type confusions,
deletions, unknown and renamed keys, and out-of-range values; and the two acceptance tests
(JSON Schema, typed model) whose agreement the properties check."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from omi_rules.model import Ruleset, RulesetPart
from omi_rules.model.schema_check import validator


def schema_accepts(data: Any, name: str = "ruleset.schema.json") -> bool:
    return not any(True for _ in validator(name).iter_errors(data))


def model_accepts(data: Any, model: type[Ruleset] | type[RulesetPart] = Ruleset) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(paths(item, prefix + (key,)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(paths(item, prefix + (index,)))
    return out


INTERESTING = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -1,
        0.5,
        1.0,
        1.5,
        100,
        101,
        -0.1,
        10**20,
        "",
        "x",
        "yes",
        "Bad Id",
        "bad-id",
        "1.2.3",
        "omi-2008",
        "1.0.0",
        "1.0",
        "2008-01-01",
        "2008-13-45",
        "08-01-01",
        "case_sample",
        "judgement",
        "enum",
        "int",
        "bool",
        "half_up",
        "rounded",
        "1",
        "0.5",
        "true",
        "null",
        2.0,
        3,
        [],
        ["x"],
        ["yes", "no"],
        {},
        {"assumption": "why"},
        {"document": "rep", "ref": "1.1"},
        {"a": 1},
    ]
)


def get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not path:
        return value if action == "set" else data
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "add_key" and isinstance(parent[last], dict):
        parent[last]["unexpected_key"] = value
    elif action == "rename_key" and isinstance(parent, dict) and isinstance(value, str):
        parent[value] = parent.pop(last)
    return data


def confusions(value: Any) -> list[Any]:
    """Values a lax parser would coerce to ``value``'s type: where schema and model could differ."""
    if isinstance(value, bool):
        return [int(value), str(value).lower(), "yes", None]
    if isinstance(value, int):
        return [float(value), str(value), bool(value), value + 0.5, None]
    if isinstance(value, float):
        return [str(value), int(value), True, None]
    if isinstance(value, str):
        return [value + "\n", value.upper(), " " + value, 1, [value], None, b"x".decode() + value]
    return [None, "x"]


@st.composite
def mutated_documents(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    data: Any = base
    for _ in range(draw(st.integers(1, 3))):
        every = paths(data)
        leaves = [p for p in every if p and not isinstance(get(data, p), dict | list)]
        path = draw(st.sampled_from(leaves if leaves and draw(st.booleans()) else every))
        action = draw(st.sampled_from(["set", "confuse", "confuse", "delete", "add_key", "rename_key"]))
        if action == "confuse":
            action, value = "set", draw(st.sampled_from(confusions(get(data, path))))
        else:
            value = draw(INTERESTING)
        data = mutate(data, path, action, value)
    return data
