"""``omi-rules score`` end to end on the North Wales example, as a user runs it.

Each run is a fresh process (Python start-up, imports, loading and checking the ruleset --
or taking it from the cache of checked rulesets -- reading and checking the data, scoring,
rendering); with ``--no-cache`` and without, so the cache's gain is a ratio too; in JSON
(which always computes the intervals) and as the terminal table. The baseline, timed in the
same run, is a bare Python interpreter start-up (``python -c pass``), so the ratio says how
much the tool costs over the fixed cost of starting Python here.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import INSTALLED

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [
    sys.executable,
    "-m",
    "omi_rules",
    "score",
    "rulesets/omi-2008",
    "examples/north-wales-2008/cases.csv",
    "--judgements",
    "examples/north-wales-2008/judgements.yaml",
    "--format",
    "json",
]


def best_of_process(cmd: list[str], repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=INSTALLED)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    baseline = best_of_process([sys.executable, "-c", "pass"])
    imports = best_of_process([sys.executable, "-c", "import omi_rules.engine.pipeline"])
    cold = best_of_process([*COMMAND, "--no-cache"])
    score = best_of_process(COMMAND)  # the first run fills the cache of checked rulesets
    table = best_of_process(COMMAND[: COMMAND.index("--format")])
    helped = best_of_process([sys.executable, "-m", "omi_rules", "--help"])
    print(f"python start-up (baseline): {baseline * 1000:.0f} ms")
    print(f"importing the engine      : {imports * 1000:.0f} ms")
    print(f"omi-rules --help          : {helped * 1000:.0f} ms")
    print(f"score, ruleset checked    : {cold * 1000:.0f} ms (--no-cache)")
    print(f"score, ruleset cached     : {score * 1000:.0f} ms ({score / cold:.2f}x the checked run)")
    print(f"score, cached, table      : {table * 1000:.0f} ms (terminal tables, no intervals)")
    print(f"ratio                     : {score / baseline:.1f}x a bare interpreter start (JSON)")
    print(f"                            {table / baseline:.1f}x (table)")


if __name__ == "__main__":
    main()
