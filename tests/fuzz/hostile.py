"""Hostile inputs of a chosen size, for the bounded-work tests (issue 18) and the campaign.

Each shape is one way a careless export or a hostile file multiplies the work: many invalid
list items, many unknown keys, many anchors, a derived ruleset with many items, and case data
with many rows, bad cells or unknown columns. ``measure`` runs ``check`` (rulesets) or
``score`` (case data) in-process on one and returns the time, the exit code and the JSON
findings, so a test can compare the times of two sizes: the work must grow linearly.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from omi_rules.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
MINIMAL_CASES = ROOT / "tests" / "fixtures" / "data" / "minimal-cases.csv"

RULESET_SHAPES = ("bad-items", "bad-mappings", "unknown-keys", "anchors", "duplicate-ids", "derived-items")
CASE_SHAPES = ("rows", "bad-cells", "unknown-columns")


@dataclass(frozen=True)
class Run:
    seconds: float
    exit_code: int
    body: dict[str, Any]

    def codes(self, code: str) -> list[dict[str, Any]]:
        return [d for d in self.body.get("diagnostics", []) if d["code"] == code]


def ruleset(shape: str, n: int, folder: Path) -> Path:
    """A copy of the minimal ruleset (or, for ``derived-items``, of omi2-2009 beside omi-2008)
    made hostile with ``n`` of ``shape``; returns the ruleset folder to check."""
    if folder.exists():
        shutil.rmtree(folder)
    if shape == "derived-items":
        shutil.copytree(ROOT / "rulesets" / "omi-2008", folder / "omi-2008", ignore=shutil.ignore_patterns("tests"))
        shutil.copytree(ROOT / "rulesets" / "omi2-2009", folder / "new", ignore=shutil.ignore_patterns("tests"))
        main_file = folder / "new" / "ruleset.yaml"
        items = "".join(f"  - {{id: extra_{i}, type: bool, description: An added field.}}\n" for i in range(n))
        main_file.write_text(main_file.read_text(encoding="utf-8") + "fields:\n" + items, encoding="utf-8")
        return folder / "new"
    shutil.copytree(MINIMAL, folder, ignore=shutil.ignore_patterns("tests"))
    part, main_file = folder / "section-4.yaml", folder / "ruleset.yaml"
    lines = {
        "bad-items": ("fields:\n", "  - 1\n"),
        "bad-mappings": ("fields:\n", "  - {{id: f{i}, type: nope}}\n"),
        "duplicate-ids": ("fields:\n", "  - {{id: twin, type: bool, description: Twin.}}\n"),
    }
    if shape in lines:
        head, line = lines[shape]
        part.write_text(part.read_text(encoding="utf-8") + head + "".join(line.format(i=i) for i in range(n)))
    elif shape == "unknown-keys":
        main_file.write_text(main_file.read_text(encoding="utf-8") + "".join(f"key_{i}: {i}\n" for i in range(n)))
    elif shape == "anchors":
        aliases = "".join(f"  - &a{i} {{v: {i}}}\n  - *a{i}\n" for i in range(n))
        main_file.write_text(main_file.read_text(encoding="utf-8") + "anchored:\n" + aliases)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return folder


def cases(shape: str, n: int, path: Path) -> Path:
    """The minimal ruleset's case file made hostile with ``n`` of ``shape``."""
    header, *rows = MINIMAL_CASES.read_text(encoding="utf-8").splitlines()
    if shape == "rows":
        out = [header] + [",".join([f"c{i}", *rows[i % len(rows)].split(",")[1:]]) for i in range(n)]
    elif shape == "bad-cells":  # the sentence of every case is not one of its values
        out = [header] + [",".join([f"c{i}", "bogus", *rows[i % len(rows)].split(",")[2:]]) for i in range(n)]
    elif shape == "unknown-columns":
        out = [header + "".join(f",extra_{i}" for i in range(n))] + [row + "," * n for row in rows]
    else:
        raise ValueError(f"unknown shape {shape!r}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def measure(shape: str, n: int, work: Path, *options: str) -> Run:
    """Make ``shape`` at size ``n`` under ``work`` and run it (``check`` or ``score``, JSON)."""
    if shape in CASE_SHAPES:
        args = ["score", str(MINIMAL), str(cases(shape, n, work / f"{shape}-{n}.csv")), "--format", "json"]
    else:
        args = ["check", str(ruleset(shape, n, work / f"{shape}-{n}")), "--format", "json"]
    started = time.perf_counter()
    result = CliRunner().invoke(main, [*args, *options])
    seconds = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return Run(seconds, result.exit_code, json.loads(result.stdout))
