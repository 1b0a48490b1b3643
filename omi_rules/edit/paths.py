"""Readable paths into YAML data, and values given as YAML text, for ``omi_rules.edit``.

A path names mapping keys, and list items by their ``id`` (``sections/1/criteria/1.1``): ids
are what methodology staff see in the report and in every diagnostic, while list positions
change whenever an item is added. Items of a list without ids are numbered from 0, and ``-``
as the last step names a new item at the end of a list (``fields/roh/values/-``). Every wrong
step is a located diagnostic with the nearby names, so a typo costs one glance.
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from omi_rules.diagnostics import Diagnostic, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.yamlio.reader import PathKey, SourceMap, parse_yaml
from omi_rules.yamlio.roundtrip import KeptNull, make_yaml

Steps = tuple[str, ...]
APPEND = "-"
"""The last step that names a new item at the end of a list (as in JSON Pointer and JSON Patch:
``fields/roh/values/-``). No id can be ``-``: ids start with a letter or digit."""


class EditError(Exception):
    """A mistake in an edit: located diagnostics, the lines to show under them, and whether an
    input could not be read or written at all (exit code 2 rather than 1)."""

    def __init__(
        self, diagnostics: list[Diagnostic], files: dict[str, list[str]] | None = None, unreadable: bool = False
    ) -> None:
        super().__init__("; ".join(str(d.position) + ": " + d.message for d in diagnostics))
        self.diagnostics = diagnostics
        self.files = files or {}
        self.unreadable = unreadable


def parse_path(path: str | Sequence[str]) -> Steps:
    """``band_sets/conclusion/bands/good/min`` as its steps (a sequence is taken as steps)."""
    if not isinstance(path, str):
        steps = tuple(str(step) for step in path)
    else:
        text = path.strip().strip("/")
        steps = tuple(step.replace("~1", "/").replace("~0", "~") for step in text.split("/")) if text else ()
    if not steps or "" in steps:
        problem = "the path is empty" if not steps else "the path has an empty step ('//')"
        hint = "give a path such as band_sets/conclusion/bands/good/min"
        raise EditError([make("E001", problem, Position("PATH"), hint=hint)])
    return steps


def format_path(steps: Sequence[str]) -> str:
    return "/".join(step.replace("~", "~0").replace("/", "~1") for step in steps)


def parse_value(text: str, name: str = "VALUE") -> Any:
    """A value given as YAML text (``72``, ``'[a, b]'``, ``"{min: 0, max: 62}"``), keeping the
    style it was written in. Not YAML, or empty: ``E003`` located in the text (file ``name``)."""
    files = {name: text.splitlines() or [""]}
    if not text.strip():
        hint = "write null for no value, or '\"\"' for empty text"
        raise EditError([make("E003", "the value is empty", Position(name, 1, 1), hint=hint)], files)
    parsed = parse_yaml(text, name)
    errors = [d for d in parsed.diagnostics if d.severity is Severity.ERROR]
    if any(d.code == "Y009" for d in errors):
        hint = "write null for no value, or '\"\"' for empty text"
        raise EditError([make("E003", "the value is empty (only a comment)", Position(name, 1, 1), hint=hint)], files)
    if errors:
        hint = "text holding ': ' or ' #', or starting with a quote or bracket, must be quoted (or use --string)"
        raise EditError([make("E003", _value_problem(d), d.position, hint=hint) for d in errors], files)
    return make_yaml().load(text)


def _value_problem(diagnostic: Diagnostic) -> str:
    """The reader's message about a file, said about a value."""
    if diagnostic.code == "Y010":  # e.g. 'custody' in sentence: a quoted text, then more
        return "the value is not valid YAML: more follows a complete value (a quoted text, a list or a mapping)"
    return "the value is not valid YAML: " + diagnostic.message.removeprefix("invalid YAML: ")


@dataclass(frozen=True)
class Target:
    """Where a path leads: the concrete keys and list indices, and the value if it exists."""

    steps: Steps
    concrete: PathKey
    exists: bool
    value: Any = None


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, int | float):
        return f"a number ({value})"
    text = str(value)
    return f"text ('{text if len(text) <= 30 else text[:27] + '...'}')"


def _choices(step: str, names: list[str], what: str) -> str:
    close = difflib.get_close_matches(step, names, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{name}'" for name in close) + "?"
    if not names:
        return f"there are no {what} here"
    shown = ", ".join(names[:15]) + (f", ... ({len(names)} in all)" if len(names) > 15 else "")
    return f"the {what} here are: {shown}"


def resolve(root: Any, steps: Steps, where: Callable[[PathKey], Position], new_key: bool = False) -> Target:
    """Follow ``steps`` from ``root``: mapping keys by name, list items by id (or index when the
    items have no ids). With ``new_key``, a missing last key of a mapping is allowed and a last
    step ``-`` of a list names the item after its last (``set`` adds them; the target's last
    concrete key is then the new index). ``where`` locates a container for the diagnostics."""
    node = root
    concrete: list[str | int] = []
    for n, step in enumerate(steps):
        here = f"'{format_path(steps[:n])}'" if n else "the top level"
        position = where(tuple(concrete))
        if isinstance(node, dict):
            key = next((k for k in node if str(k) == step), None)
            if key is None:
                if new_key and n == len(steps) - 1:
                    return Target(steps, (*concrete, step), False)
                hint = _choices(step, [str(k) for k in node], "keys")
                raise EditError([make("E001", f"{here} has no key '{step}'", position, hint=hint)])
        elif isinstance(node, list) and step == APPEND:
            if new_key and n == len(steps) - 1:
                return Target(steps, (*concrete, len(node)), False)
            message = f"'{APPEND}' in {here} stands for a new item at the end of the list, which does not exist yet"
            hint = f"'{APPEND}' can only end a path given to set, e.g. {format_path((*steps[:n], APPEND))}"
            raise EditError([make("E001", message, position, hint=hint)])
        elif isinstance(node, list):
            key = _item(node, step, here, position)
        else:
            message = f"{here} is {_describe(node)}, so there is nothing called '{step}' inside it"
            hint = f"the path ends at {format_path(steps[:n])}"
            raise EditError([make("E002", message, position, hint=hint)])
        concrete.append(key)
        node = node[key]
    return Target(steps, tuple(concrete), True, node)


def _item(items: list[Any], step: str, here: str, position: Position) -> int:
    """Index of the item with id ``step`` in a list whose items all have an id (the first, if
    two share it: ``check`` reports that), or of item number ``step`` in any other list."""
    ids = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    if ids and len(ids) == len(items):
        for index, item in enumerate(items):
            if isinstance(item, dict) and str(item.get("id")) == step:
                return index
        hint = _choices(step, ids, "ids")
        raise EditError([make("E001", f"{here} has no item with id '{step}'", position, hint=hint)])
    if step.isascii() and step.isdigit() and int(step) < len(items):
        return int(step)
    hint = f"its items have no ids: give an index from 0 to {len(items) - 1}" if items else "the list is empty"
    raise EditError([make("E001", f"{here} has no item {step}", position, hint=hint)])


def locator(source_map: SourceMap) -> Callable[[PathKey], Position]:
    """A container's position for diagnostics: its key (``bands:``) or, for a list item, the item."""
    return lambda path: source_map.key(path) if path and isinstance(path[-1], str) else source_map.value(path)


def check_value(value: Any, position: Position, path: str) -> None:
    """Refuse what no ruleset file can hold (``E003``): numbers that are not finite or beyond
    float's range (the loader rejects them), and values that are not YAML data."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_value(key, position, path)
            check_value(item, position, path)
        return
    if isinstance(value, list):
        for item in value:
            check_value(item, position, path)
        return
    if isinstance(value, bool) or value is None or isinstance(value, str | KeptNull | date):
        return
    if isinstance(value, float) and math.isfinite(value):
        return
    if isinstance(value, int) and abs(value) <= sys.float_info.max:
        return
    message = f"{_show_any(value)} cannot be written to a ruleset (new value of {path})"
    hint = "numbers must be finite and within about ±1.8e308; values are text, numbers, true/false, lists, mappings"
    raise EditError([make("E003", message, position, hint=hint)])


def _show_any(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
