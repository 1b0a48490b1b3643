"""``omi-rules score`` on case files of growing size, against the floor of reading them.

The North Wales example (109 cases) is resampled, seeded, to a national cycle (42 areas x 120
= 5,040 cases) and to an archive ten times larger (50,400 cases, about 35 MB of CSV). For each,
in the same run:

* ``score``: the command as a user runs it, a fresh process (terminal output: ``--format json``
  also computes the intervals, see bench_uncertainty.py), best of N;
* the floor: reading the same CSV and encoding each column to integer codes with the standard
  library (``csv`` and a dict per column) in this process -- the least any reader written in
  Python must do; with polars installed, also polars' ``read_csv`` and ``cast(pl.Categorical)``
  (the columnar floor the issue names; polars is not a dependency of omi-rules);
* the 109-case example's own ``score``, so the growth with the sample is a ratio too;
* peak memory of each ``score`` (the child's maximum resident set, from ``resource``).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "north-wales-2008" / "cases.csv"


def resample(cases: int, path: Path, seed: int = 1) -> Path:
    """``cases`` rows drawn with replacement from the example, each with a new case id."""
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(cases):
            writer.writerow([f"c{i:06d}", *rng.choice(rows)[1:]])
    return path


def score_process(cases: Path, repeat: int) -> tuple[float, float]:
    """Best wall time of ``omi-rules score`` in a fresh process, and its peak memory (MiB)."""
    command = [sys.executable, "-m", "omi_rules", "score", "rulesets/omi-2008", str(cases)]
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return best, peak


def stdlib_floor(path: Path) -> None:
    """Read the CSV and encode each column to integer codes, in plain Python."""
    with path.open(encoding="utf-8", newline="") as handle:
        _header, *rows = list(csv.reader(handle))
    for column in zip(*rows, strict=True):
        codes: dict[str, int] = {}
        [codes.setdefault(cell.strip(), len(codes)) for cell in column]


def polars_floor(path: Path) -> None:
    import polars as pl

    frame = pl.read_csv(path, infer_schema_length=0)
    frame.select(pl.all().cast(pl.Categorical).to_physical())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import polars  # noqa: F401

        floors = {"stdlib csv": stdlib_floor, "polars": polars_floor}
    except ImportError:
        floors = {"stdlib csv": stdlib_floor}
    with tempfile.TemporaryDirectory() as work:
        example, example_peak = score_process(EXAMPLE, args.repeat)
        print(f"{'109 cases (the example)':28} score {example:6.2f} s  peak {example_peak:5.0f} MiB")
        for cases in (5_040, 50_400):
            path = resample(cases, Path(work) / f"cases-{cases}.csv")
            took, peak = score_process(path, args.repeat if cases < 50_000 else 1)
            line = (
                f"{f'{cases:,} cases':28} score {took:6.2f} s  peak {peak:5.0f} MiB  {took / example:4.1f}x the example"
            )
            for name, floor in floors.items():
                base = best_of(lambda floor=floor, path=path: floor(path), repeat=args.repeat)
                line += f"; {name} floor {base:.2f} s ({took / base:.1f}x)"
            print(line)


if __name__ == "__main__":
    main()
