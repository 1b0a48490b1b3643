"""Semantic diff of two rulesets, in methodology terms.

Both rulesets are loaded and checked, then compared as typed models, never as text: comments,
key order, quoting and formatting cannot show up, and a condition rewritten without changing
its meaning (other quotes, spacing, line breaks) is no change. Lists of things with ids
(fields, sections, criteria, questions, bands, ...) are matched by id, so a reordered list is
no change either and a renamed id is one removal and one addition.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from typing import Any

from omi_rules.conditions.nodes import Node
from omi_rules.conditions.parser import ParseError, parse
from omi_rules.model import Ruleset

CONDITION_KEYS = {"relevant_if", "when"}
"""Keys holding conditions: compared by meaning (parsed form), not by text."""
LABELS = {
    "fields": "field",
    "scales": "scale",
    "band_sets": "band set",
    "bands": "band",
    "sections": "section",
    "criteria": "criterion",
    "questions": "question",
    "specific_criteria": "specific criterion",
    "judgement_rules": "judgement rule",
    "grades": "grade",
    "threads": "thread",
    "decisions": "decision",
    "outcomes": "outcome",
    "minimums": "minimum",
    "strata": "stratum",
    "changelog": "changelog entry",
    "headlines": "headline",
    "rating_scales": "rating scale",
    "levels": "level",
    "overall_ratings": "overall rating",
    "limits": "limit",
    "surveys": "survey",
}


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed or changed; ``where`` names it in
    methodology terms (e.g. ``criterion 1.2 > question 1.2.3 > relevant_if``)."""

    kind: str
    where: tuple[str, ...]
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "where": list(self.where), "old": self.old, "new": self.new}


def diff_rulesets(old: Ruleset, new: Ruleset) -> list[Change]:
    """Every methodology difference between ``old`` and ``new`` (empty: no change)."""
    a = _identity_first(old.model_dump(mode="json", exclude={"include"}))
    b = _identity_first(new.model_dump(mode="json", exclude={"include"}))
    changes: list[Change] = []
    _diff(a, b, (), changes, key="")
    return changes


IDENTITY = ("format_version", "id", "version", "extends", "title", "description", "effective_from", "effective_to")


def _identity_first(document: dict[str, Any]) -> dict[str, Any]:
    """Report identity and dates before the methodology's content."""
    ordered = {k: document[k] for k in IDENTITY if k in document}
    ordered.update({k: v for k, v in document.items() if k not in ordered})
    return ordered


def _canonical_condition(text: Any) -> Any:
    """A condition's meaning as a comparable value (its syntax tree without positions)."""
    if not isinstance(text, str):
        return text
    tree = parse(text)
    if isinstance(tree, ParseError):
        return text
    return _shape(tree)


def _shape(node: Node) -> Any:
    """The node without positions; the operands of and/or and the items of a list are sorted,
    since their order does not change what a condition means."""
    fields = {k: v for k, v in vars(node).items() if k not in ("start", "end", "arg_start", "arg_end")}
    out: list[Any] = [type(node).__name__]
    for key in sorted(fields):
        value = fields[key]
        if isinstance(value, Node):
            out.append((key, _shape(value)))
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            shapes = [_shape(v) for v in value]
            out.append((key, tuple(sorted(shapes, key=repr))))
        else:
            out.append((key, value))
    return tuple(out)


def _identified(items: list[Any]) -> bool:
    """Whether a list holds things with ids (matched by id), not plain values (compared whole)."""
    return bool(items) and all(isinstance(i, dict) and isinstance(_key_of(i), str) for i in items)


def _key_of(item: dict[str, Any]) -> Any:
    """What identifies an item: its id, a changelog entry's version, an overall band's rating."""
    return item.get("id") or item.get("version") or item.get("rating")


def _item_id(item: dict[str, Any]) -> str:
    return str(_key_of(item))


def _diff(a: Any, b: Any, where: tuple[str, ...], out: list[Change], key: str) -> None:
    if key in CONDITION_KEYS:
        if _canonical_condition(a) != _canonical_condition(b):
            out.append(Change("changed", where, a, b))
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b:
                out.append(Change("removed", (*where, k), a[k], None))
            elif k not in a:
                out.append(Change("added", (*where, k), None, b[k]))
            else:
                _diff(a[k], b[k], (*where, k), out, k)
        return
    if isinstance(a, list) and isinstance(b, list) and _identified(a + b):
        label = LABELS.get(key, key)
        parent = where[:-1] if where and where[-1] == key else where
        old = {_item_id(i): i for i in a}
        new = {_item_id(i): i for i in b}
        for item_id, item in old.items():  # in the old order: changes and removals
            if item_id in new:
                _diff(item, new[item_id], (*parent, f"{label} {item_id}"), out, label)
            else:
                out.append(Change("removed", (*parent, f"{label} {item_id}"), _summary(item), None))
        for item_id, item in new.items():  # then additions, in the new order
            if item_id not in old:
                out.append(Change("added", (*parent, f"{label} {item_id}"), None, _summary(item)))
        return
    if a != b:
        out.append(Change("changed", where, a, b))


def _summary(item: dict[str, Any]) -> str:
    """A description of an added or removed item, whole (a changelog entry with every change:
    it is what a reviewer reads the diff for, so it is never cut)."""
    if isinstance(item.get("changes"), list) and "version" in item:
        when = f" ({item['date']})" if item.get("date") else ""
        return f"{item['version']}{when}: " + "; ".join(str(c) for c in item["changes"])
    for key in ("title", "text", "label", "description"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return json.dumps(_as_written(item), sort_keys=True, ensure_ascii=False)


def _as_written(value: Any) -> Any:
    """Numbers as a ruleset writes them: a whole number without ``.0`` (65, not 65.0; the
    model holds limits and weights as floats), any other as its shortest decimal (0.75)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v) for v in value]
    return value


def _show(value: Any) -> str:
    """A value whole: long text is wrapped by the text format, never cut."""
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(_as_written(value), sort_keys=True, ensure_ascii=False)


def _wrapped(line: str) -> str:
    """A text-format line wrapped at 100 columns, continuation lines indented under it."""
    return "\n".join(textwrap.wrap(line, 100, subsequent_indent="      ", break_on_hyphens=False)) or line


def as_text(changes: list[Change], old_name: str, new_name: str) -> str:
    if not changes:
        return f"no methodology change between {old_name} and {new_name}\n"
    lines = [f"{len(changes)} change{'s' * (len(changes) != 1)} from {old_name} to {new_name}:"]
    for change in changes:
        where = " > ".join(change.where)
        if change.kind == "changed":
            lines.append(_wrapped(f"  changed {where}: {_show(change.old)} -> {_show(change.new)}"))
        elif change.kind == "added":
            lines.append(_wrapped(f"  added   {where}: {_show(change.new)}"))
        else:
            lines.append(_wrapped(f"  removed {where}: {_show(change.old)}"))
    return "\n".join(lines) + "\n"


def as_markdown(changes: list[Change], old_name: str, new_name: str) -> str:
    lines = [f"# Changes from {old_name} to {new_name}", ""]
    if not changes:
        return "\n".join([*lines, "No methodology change.", ""])
    lines += ["| change | where | old | new |", "|---|---|---|---|"]
    for change in changes:
        cells = [change.kind, " > ".join(change.where), _show(change.old), _show(change.new)]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change], old_name: str, new_name: str) -> str:
    body = {"old": old_name, "new": new_name, "changes": [c.as_dict() for c in changes]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def as_html(changes: list[Change], old_name: str, new_name: str) -> str:
    from omi_rules.report.output import ChangeTable, changes_page

    rows = [[c.kind, " > ".join(c.where), _show(c.old), _show(c.new)] for c in changes]
    summary = (
        f"{len(changes)} change{'s' * (len(changes) != 1)} in methodology terms."
        if changes
        else ("No methodology change.")
    )
    table = ChangeTable("Changes", ["Change", "Where", "Old", "New"], rows, "No methodology change.")
    return changes_page("Ruleset changes", f"Changes from {old_name} to {new_name}", summary, [table])
