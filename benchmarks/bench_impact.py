"""``impact`` of a band change over a national archive: one process against two.

42 inspections of 120 cases each, resampled (seeded) from the North Wales example, re-scored
under omi-2008 and a copy whose 'good' band starts at 73 instead of 71. The rulesets are
checked and compiled once; the work timed is ``lifecycle.impact.impact``: reading each
inspection once, scoring it under both rulesets, comparing. Baseline, same run: the same call
with ``workers=1``. Also timed: the whole command in a fresh process, as a user runs it (best
of three; both rulesets are then in the cache of checked rulesets, as on a second run).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import INSTALLED, best_of
from bench_casedata import resample

from omi_rules.diagnostics import Report
from omi_rules.engine import cache
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.lifecycle.impact import find_samples, impact
from omi_rules.plugins.manager import load_plugins

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        archive = Path(work) / "archive"
        archive.mkdir()
        for area in range(42):
            resample(120, archive / f"area{area:02d}.csv", seed=area)
        moved = Path(work) / "moved"
        shutil.copytree(ROOT / "rulesets" / "omi-2008", moved, ignore=shutil.ignore_patterns("tests"))
        main_file = moved / "ruleset.yaml"
        text = main_file.read_text(encoding="utf-8")
        main_file.write_text(
            text.replace("        min: 71\n", "        min: 73\n", 1).replace(
                "        max: 71\n", "        max: 73\n", 1
            )
        )
        registry = load_plugins()
        report = Report()
        old, new = (
            compile_ruleset(cache.checked_ruleset(path, report, registry).model, registry)  # type: ignore[arg-type]
            for path in (ROOT / "rulesets" / "omi-2008", moved)
        )
        samples = find_samples([archive])
        serial = best_of(lambda: impact(old, new, samples, workers=1), repeat=3)
        parallel = best_of(lambda: impact(old, new, samples, workers=2), repeat=3)
        moves = len(impact(old, new, samples).moves)
        command = [sys.executable, "-m", "omi_rules", "impact", str(ROOT / "rulesets" / "omi-2008"), str(moved)]
        whole = best_of(
            lambda: subprocess.run([*command, "--cases", str(archive)], capture_output=True, env=INSTALLED), repeat=3
        )
    print(f"42 inspections, {moves} moves")
    print(f"impact, one process : {serial:.2f} s (baseline)")
    print(f"impact, two workers : {parallel:.2f} s ({parallel / serial:.2f}x)")
    print(f"the command, e2e    : {whole:.2f} s")


if __name__ == "__main__":
    main()
