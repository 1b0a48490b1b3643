"""Choose the ruleset version in force on a date (``--as-of``).

A folder such as ``rulesets/`` holds one sub-folder per ruleset version, each with its
``effective_from`` and (unless current) ``effective_to``. Versions belong to one methodology
when they descend (through ``extends``) from the same root ruleset: omi2-2009 extends
omi-2008, so both are OMI; ippf-2007 is another methodology. The version in force on a date is
the one of the methodology whose period contains the date; if periods overlap, the one that
started last wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from omi_rules.diagnostics import InputUnreadable
from omi_rules.ruleset.inherit import find_parent
from omi_rules.yamlio.reader import load_yaml


@dataclass(frozen=True)
class Version:
    path: Path
    id: str
    version: str
    start: dt.date
    end: dt.date | None
    root: str
    """The id of the ruleset at the root of its ``extends`` chain: its methodology."""


def versions(folder: Path) -> list[Version]:
    """Every ruleset directly below ``folder`` whose dates can be read (others are skipped:
    ``check`` is where a broken ruleset is reported)."""
    found = []
    for main in sorted(folder.glob("*/ruleset.yaml")):
        try:
            data = load_yaml(main).data
        except InputUnreadable:
            continue
        if not isinstance(data, dict):
            continue
        try:
            start = dt.date.fromisoformat(str(data.get("effective_from")))
            end_text = data.get("effective_to")
            end = dt.date.fromisoformat(str(end_text)) if end_text else None
        except ValueError:
            continue
        found.append(Version(main.parent, str(data.get("id")), str(data.get("version")), start, end, _root(main)))
    return found


def _root(main: Path) -> str:
    """Follow ``extends`` to the first ruleset (cycles and missing parents end the walk)."""
    seen: set[Path] = set()
    current: Path | None = main
    root = ""
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        try:
            data = load_yaml(current).data
        except InputUnreadable:
            break
        if not isinstance(data, dict):
            break
        root = str(data.get("id"))
        reference = data.get("extends")
        current = find_parent(reference, current) if isinstance(reference, str) else None
    return root


def in_force(folder: Path, date: dt.date, root: str | None = None) -> Version | None:
    """The version of methodology ``root`` (any, if None) in force on ``date``, or None."""
    candidates = [
        v
        for v in versions(folder)
        if (root is None or v.root == root) and v.start <= date and (v.end is None or date <= v.end)
    ]
    return max(candidates, key=lambda v: v.start) if candidates else None
