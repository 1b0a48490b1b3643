"""Tiny timing helpers shared by the benchmarks: best of several runs, in seconds, and the
environment a command is timed in."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable

INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="omi-bench-pycache-")
}
"""The environment of a timed ``omi-rules`` process: with bytecode, as an installed package has
it (pip compiles it on install). The development environment sets PYTHONDONTWRITEBYTECODE,
which made every run compile omi-rules' modules from source (about 55 ms); the first run writes
the bytecode, and best-of-N leaves that run out."""


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by other work on the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
