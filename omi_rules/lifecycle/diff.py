"""Semantic diff of two rulesets, in methodology terms.

Both rulesets are loaded and checked, then compared as typed models, never as text: comments,
key order, quoting and formatting cannot show up, and a condition rewritten without changing
its meaning (other quotes, spacing, line breaks) is no change. Lists of things with ids
(fields, sections, criteria, questions, bands, ...) are matched by id, so a reordered list is
no change either and a renamed id is one removal and one addition.

Numbers are shown as the YAML writes them (``65 -> 70``, ``0.8 -> 0.75``), not as the model
holds them (every band limit is a float there: ``65.0``), when the rulesets' data as read is
given; and every value is shown whole: a long one is wrapped in the text, never cut off.
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


def diff_rulesets(old: Ruleset, new: Ruleset, old_data: Any = None, new_data: Any = None) -> list[Change]:
    """Every methodology difference between ``old`` and ``new`` (empty: no change). With the
    data the rulesets were read from (``LoadedRuleset.data``), numbers are as written there."""
    a = _identity_first(old.model_dump(mode="json", exclude={"include"}))
    b = _identity_first(new.model_dump(mode="json", exclude={"include"}))
    changes: list[Change] = []
    _diff(_Side(a, old_data), _Side(b, new_data), (), changes, key="")
    return changes


@dataclass(frozen=True)
class _Side:
    """A value of the model and the same value as written in the YAML (None if not there)."""

    value: Any
    written: Any = None

    def child(self, key: Any) -> _Side:
        value = self.value[key]
        written = self.written
        if isinstance(self.value, dict):
            return _Side(value, written.get(key) if isinstance(written, dict) else None)
        if isinstance(value, dict) and _key_of(value) is not None and isinstance(written, list):  # by its id
            same_id = [w for w in written if isinstance(w, dict) and _same_key(w, value)]
            return _Side(value, same_id[0] if same_id else None)
        fits = isinstance(written, list) and len(written) == len(self.value)
        return _Side(value, written[key] if fits else None)

    def shown(self) -> Any:
        """The value, its numbers as written."""
        return as_written(self.value, self.written)


def _same_key(written: dict[str, Any], item: dict[str, Any]) -> bool:
    key = _key_of(written)
    return key is not None and str(key) == _item_id(item)


def as_written(value: Any, written: Any) -> Any:
    """``value`` (from the model) with each number as the YAML writes it (``written``, the same
    value as read): 65 where the model holds 65.0. A number not in the YAML (a default) that is
    whole is shown whole too."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        if isinstance(written, int | float) and not isinstance(written, bool) and written == value:
            return written
        return int(value) if isinstance(value, float) and value.is_integer() else value
    side = _Side(value, written)
    if isinstance(value, dict):
        return {k: side.child(k).shown() for k in value}
    if isinstance(value, list):
        return [side.child(i).shown() for i in range(len(value))]
    return value


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


def _diff(a: _Side, b: _Side, where: tuple[str, ...], out: list[Change], key: str) -> None:
    if key in CONDITION_KEYS:
        if _canonical_condition(a.value) != _canonical_condition(b.value):
            out.append(Change("changed", where, a.value, b.value))
        return
    if isinstance(a.value, dict) and isinstance(b.value, dict):
        for k in list(a.value) + [k for k in b.value if k not in a.value]:
            if k not in b.value:
                out.append(Change("removed", (*where, k), a.child(k).shown(), None))
            elif k not in a.value:
                out.append(Change("added", (*where, k), None, b.child(k).shown()))
            else:
                _diff(a.child(k), b.child(k), (*where, k), out, k)
        return
    if isinstance(a.value, list) and isinstance(b.value, list) and _identified(a.value + b.value):
        _diff_items(a, b, where, out, key)
        return
    if a.value != b.value:
        out.append(Change("changed", where, a.shown(), b.shown()))


def _diff_items(a: _Side, b: _Side, where: tuple[str, ...], out: list[Change], key: str) -> None:
    """Two lists of things with ids, matched by id."""
    label = LABELS.get(key, key)
    parent = where[:-1] if where and where[-1] == key else where
    old = {_item_id(item): a.child(i) for i, item in enumerate(a.value)}
    new = {_item_id(item): b.child(i) for i, item in enumerate(b.value)}
    for item_id, item in old.items():  # in the old order: changes and removals
        if item_id in new:
            _diff(item, new[item_id], (*parent, f"{label} {item_id}"), out, label)
        else:
            out.append(Change("removed", (*parent, f"{label} {item_id}"), _summary(item.shown()), None))
    for item_id, item in new.items():  # then additions, in the new order
        if item_id not in old:
            out.append(Change("added", (*parent, f"{label} {item_id}"), None, _summary(item.shown())))


def _summary(item: dict[str, Any]) -> str:
    """A description of an added or removed item: its title (or text, label, description); a
    changelog entry's date and changes, one a line; else the whole item. Never cut short: the
    renderings wrap it."""
    for key in ("title", "text", "label", "description"):
        if isinstance(item.get(key), str):
            return str(item[key])
    changes = item.get("changes")
    if isinstance(item.get("date"), str) and isinstance(changes, list):
        return "\n".join([str(item["date"]), *(f"- {change}" for change in changes)])
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


WIDTH = 100
"""Where the text rendering wraps a long line (at spaces: no word or value is cut)."""
_INDENT = " " * 6


def _wrapped(first: str, text: str) -> list[str]:
    """``first`` followed by ``text`` as lines of at most ``WIDTH`` characters where spaces
    allow; the lines of a value of several lines (a changelog entry) each on its own, and
    continuation lines indented (under a ``- `` bullet's text, for a bullet)."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        lead = first if number == 0 else _INDENT
        hang = _INDENT + ("  " if number and line.startswith("- ") else "")
        out.extend(
            textwrap.wrap(
                lead + line,
                WIDTH,
                subsequent_indent=hang,
                break_long_words=False,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
            or [lead.rstrip()]
        )
    return out


def as_text(changes: list[Change], old_name: str, new_name: str) -> str:
    if not changes:
        return f"no methodology change between {old_name} and {new_name}\n"
    lines = [f"{len(changes)} change{'s' * (len(changes) != 1)} from {old_name} to {new_name}:"]
    for change in changes:
        where = " > ".join(change.where)
        if change.kind == "changed":
            lines += _wrapped(f"  changed {where}: ", f"{_show(change.old)} -> {_show(change.new)}")
        elif change.kind == "added":
            lines += _wrapped(f"  added   {where}: ", _show(change.new))
        else:
            lines += _wrapped(f"  removed {where}: ", _show(change.old))
    return "\n".join(lines) + "\n"


def as_markdown(changes: list[Change], old_name: str, new_name: str) -> str:
    lines = [f"# Changes from {old_name} to {new_name}", ""]
    if not changes:
        return "\n".join([*lines, "No methodology change.", ""])
    lines += ["| change | where | old | new |", "|---|---|---|---|"]
    for change in changes:
        cells = [change.kind, " > ".join(change.where), _show(change.old), _show(change.new)]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", "<br>") for c in cells) + " |")
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
