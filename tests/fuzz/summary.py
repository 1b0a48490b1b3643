"""How many inputs the fuzz tests tried: in pytest's terminal summary, and in
test-artifacts/fuzz-summary.json (test-artifacts/ is not committed).

The suite runs in parallel (pytest-xdist): each worker process counts its own inputs and hands
them to the controller when it ends (``hand_over``, ``take_over``), which reports the total, so
the summary is the same whether the tests ran in one process or several. The hooks that call
these functions are in tests/conftest.py, which the controller loads (it never collects
tests/fuzz/ itself); so this module imports nothing else of the tests (the mutation check runs
tests/conftest.py in a copy that holds only the property tests and this file).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

TRIED: Counter[tuple[str, str]] = Counter()
"""(input path, mode) -> inputs tried in this process."""
SECONDS: Counter[tuple[str, str]] = Counter()
"""(input path, mode) -> seconds spent running them."""

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_FILE = ROOT / "test-artifacts" / "fuzz-summary.json"
KEY = "omi_rules_fuzz_tried"


def hand_over(config: pytest.Config) -> None:
    """In an xdist worker: put this process's counts where the controller receives them."""
    output = getattr(config, "workeroutput", None)
    if output is not None:
        output[KEY] = [[path, mode, count, SECONDS[(path, mode)]] for (path, mode), count in TRIED.items()]


def take_over(node: object) -> None:
    """In the controller: add the counts of a worker that has ended."""
    for path, mode, count, seconds in getattr(node, "workeroutput", {}).get(KEY, []):
        TRIED[(path, mode)] += count
        SECONDS[(path, mode)] += seconds


def report(terminalreporter: pytest.TerminalReporter) -> None:
    """The summary, written by the process that prints (never by a worker)."""
    if hasattr(terminalreporter.config, "workerinput") or not TRIED:
        return
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    by_path: dict[str, int] = {}
    by_mode: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for (path, mode), count in sorted(TRIED.items()):
        by_path[path] = by_path.get(path, 0) + count
        by_mode[mode] = by_mode.get(mode, 0) + count
        seconds[path] = seconds.get(path, 0.0) + SECONDS[(path, mode)]
    total = sum(by_path.values())
    write = terminalreporter.write_line
    terminalreporter.section("fuzzing the front door: inputs tried")
    for path, count in by_path.items():
        modes = ", ".join(f"{m} {n:,}" for (p, m), n in sorted(TRIED.items()) if p == path)
        write(f"{path:<22} {count:>7,}   {modes}; {seconds[path]:.1f}s running them")
    write(f"{'total':<22} {total:>7,}   " + ", ".join(f"{m} {n:,}" for m, n in by_mode.items()))
    body = {
        "profile": profile,
        "max_examples": settings.default.max_examples,
        "total": total,
        "by_path": by_path,
        "by_mode": by_mode,
        "by_path_and_mode": {f"{p} ({m})": n for (p, m), n in sorted(TRIED.items())},
        "seconds_by_path": {p: round(s, 2) for p, s in seconds.items()},
    }
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    SUMMARY_FILE.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    write(f"(profile {profile}; written to {os.path.relpath(SUMMARY_FILE)})")
