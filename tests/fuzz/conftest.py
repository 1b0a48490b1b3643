"""Report how many inputs the fuzz tests tried: in pytest's terminal summary, and in
test-artifacts/fuzz-summary.json (test-artifacts/ is not committed)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import settings

from .harness import ROOT, SECONDS, TRIED

SUMMARY_FILE = ROOT / "test-artifacts" / "fuzz-summary.json"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TRIED:
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
