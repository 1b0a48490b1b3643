"""Ruleset inheritance: a ruleset that ``extends`` another is the parent with the child's
additions, overrides and removals applied.

The child is written as an *overlay*: only what differs. Items with ids (fields, scales, band
sets and their bands, sections, criteria, questions, specific criteria, judgement rules and
their grades, threads, decisions and their outcomes, sample minimums) are matched by id: a
child item with a parent's id overrides the keys it gives, one with a new id is added after the
parent's items, and ``{id: ..., remove: true}`` removes the parent's item. Mappings (weights,
rounding, documents, sample) are merged key by key; any other value the child gives replaces
the parent's. Identity and dates (``id``, ``version``, ``effective_from``/``_to``) and the
``changelog`` are never inherited: each version states its own.

Every merged value keeps the position it was written at, in whichever file, so diagnostics
about the resolved ruleset point at the parent's or the child's file as appropriate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.diagnostics.codes import make
from omi_rules.yamlio.reader import PathKey, SourceMap, load_yaml

REPLACED = {"changelog", "extends", "include"}
"""Keys whose child value replaces the parent's whole value (never merged)."""
NOT_INHERITED = {"id", "version", "effective_from", "effective_to", "changelog", "extends", "include"}
"""Top-level keys that belong to each version itself: a child states its own or has none."""
DISCRIMINATORS = ("kind", "type")


@dataclass
class Merger:
    """Merges a parent document and a child overlay, tracking positions and problems."""

    parent_map: SourceMap
    child_map: SourceMap
    positions: SourceMap = field(default_factory=SourceMap)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def copy(self, value: Any, source: SourceMap, old: PathKey, new: PathKey) -> Any:
        """A copy of ``value`` whose positions are taken from ``source`` under ``old``."""
        self.positions.rebase(new, source, old)
        if isinstance(value, dict):
            return {k: self._detach(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._detach(v) for v in value]
        return value

    def _detach(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._detach(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._detach(v) for v in value]
        return value

    def merge(self, parent: Any, child: Any, ppath: PathKey, cpath: PathKey, path: PathKey, key: str) -> Any:
        if key in REPLACED:
            return self.copy(child, self.child_map, cpath, path)
        if isinstance(parent, dict) and isinstance(child, dict):
            return self.merge_mapping(parent, child, ppath, cpath, path)
        if isinstance(parent, list) and isinstance(child, list) and _identified(parent) and _identified(child):
            return self.merge_items(parent, child, ppath, cpath, path)
        return self.copy(child, self.child_map, cpath, path)

    def merge_mapping(
        self, parent: dict[str, Any], child: dict[str, Any], ppath: PathKey, cpath: PathKey, path: PathKey
    ) -> dict[str, Any]:
        conflicts = {key for key in DISCRIMINATORS if key in child and key in parent and child[key] != parent[key]}
        for key in sorted(conflicts):
            self.diagnostics.append(
                make(
                    "R026",
                    f"an override cannot change '{key}' from '{parent[key]}' to '{child[key]}'",
                    self.child_map.value(cpath + (key,)),
                    hint="remove the parent's item (remove: true) and add a new one with another id",
                )
            )
        self.positions.values[path] = (
            self.parent_map.value(ppath) if ppath in self.parent_map.values else self.child_map.value(cpath)
        )
        out: dict[str, Any] = {}
        for key, value in parent.items():
            if key in child and key not in conflicts:
                continue
            self.positions.keys[path + (key,)] = self.parent_map.key(ppath + (key,))
            out[key] = self.copy(value, self.parent_map, ppath + (key,), path + (key,))
        for key, value in child.items():
            if key == "remove" or key in conflicts:  # a conflicting kind is reported; the parent's stays
                continue
            self.positions.keys[path + (key,)] = self.child_map.key(cpath + (key,))
            if key in parent:
                out[key] = self.merge(parent[key], value, ppath + (key,), cpath + (key,), path + (key,), key)
            else:
                out[key] = self.copy(value, self.child_map, cpath + (key,), path + (key,))
        # keep the parent's key order, then the child's new keys
        ordered = {k: out[k] for k in parent if k in out}
        ordered.update({k: v for k, v in out.items() if k not in ordered})
        return ordered

    def merge_items(
        self, parent: list[Any], child: list[Any], ppath: PathKey, cpath: PathKey, path: PathKey
    ) -> list[Any]:
        child_by_id = {_id(item): (i, item) for i, item in enumerate(child)}
        parent_ids = {_id(item) for item in parent}
        out: list[Any] = []
        for i, item in enumerate(parent):
            item_id = _id(item)
            if item_id in child_by_id:
                j, override = child_by_id[item_id]
                if override.get("remove") is True:
                    continue
                out.append(self.merge(item, override, ppath + (i,), cpath + (j,), path + (len(out),), ""))
            else:
                out.append(self.copy(item, self.parent_map, ppath + (i,), path + (len(out),)))
        for j, item in enumerate(child):
            item_id = _id(item)
            if item_id in parent_ids:
                if item.get("remove") is True and len(item) > 2:
                    self.diagnostics.append(
                        make(
                            "R026",
                            f"'{item_id}' is removed, so its other keys have no effect",
                            self.child_map.value(cpath + (j, "remove")),
                            hint="write either remove: true or overrides",
                        )
                    )
                continue
            if item.get("remove") is True:
                self.diagnostics.append(
                    make(
                        "R026",
                        f"cannot remove '{item_id}': the parent ruleset has no such item",
                        self.child_map.value(cpath + (j, "id")),
                        hint="check the id against the parent ruleset",
                    )
                )
                continue
            out.append(self.copy(item, self.child_map, cpath + (j,), path + (len(out),)))
        return out


def _id(item: Any) -> str:
    return str(item.get("id")) if isinstance(item, dict) else ""


def _identified(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items)


def merge_documents(
    parent: dict[str, Any], parent_map: SourceMap, child: dict[str, Any], child_map: SourceMap
) -> tuple[dict[str, Any], SourceMap, list[Diagnostic]]:
    """The resolved document: ``parent`` with the overlay ``child`` applied."""
    merger = Merger(parent_map, child_map, SourceMap(default=child_map.default))
    own = {k: v for k, v in parent.items() if k not in NOT_INHERITED}
    merged = merger.merge_mapping(own, child, (), (), ())
    return merged, merger.positions, merger.diagnostics


_ID_VERSION = re.compile(r"^(?P<id>[a-z][a-z0-9\-]*)(?:@(?P<version>[0-9][0-9A-Za-z.\-]*))?$")


def find_parent(reference: str, child_main: Path) -> Path | None:
    """The main file of the ruleset ``extends`` names: a path (relative to the child's file),
    or ``id`` / ``id@version`` looked up among the rulesets beside the child's folder."""
    match = _ID_VERSION.match(reference)
    if match is None or "/" in reference:
        try:
            candidate = (child_main.parent / reference).resolve()
            if candidate.is_dir():
                candidate = candidate / "ruleset.yaml"
            return candidate if candidate.is_file() else None
        except (OSError, ValueError):  # a NUL character, a name too long: no such ruleset (tests/fuzz)
            return None
    folder = child_main.parent.parent
    wanted_id, wanted_version = match.group("id"), match.group("version")
    found: list[tuple[tuple[int, ...], Path]] = []
    for main in sorted(folder.glob("*/ruleset.yaml")):
        if main.resolve() == child_main.resolve():
            continue
        try:
            doc = load_yaml(main)
        except Exception:  # an unreadable sibling is not the parent we are looking for
            continue
        data = doc.data if isinstance(doc.data, dict) else {}
        if data.get("id") != wanted_id:
            continue
        version = str(data.get("version", ""))
        if wanted_version is not None and version != wanted_version:
            continue
        found.append((_version_key(version), main))
    return max(found)[1] if found else None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3]) or (0,)


def parent_problem(reference: str, where: Position, cycle: bool) -> Diagnostic:
    if cycle:
        return make("R025", f"'{reference}' leads back to this ruleset: extends forms a cycle", where)
    return make(
        "R025",
        f"cannot find the ruleset '{reference}' to extend",
        where,
        hint="give a path (e.g. ../omi-2008) or an id, optionally @version, of a ruleset beside this one",
    )
