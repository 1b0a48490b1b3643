"""``omi-rules score`` on case files of growing size, against the floor of reading them.

The North Wales example (109 cases) is resampled, seeded, to a national cycle (42 areas x 120
= 5,040 cases) and to an archive ten times larger (50,400 cases, about 35 MB of CSV). For each,
in the same run:

* ``score``: the command as a user runs it, a fresh process (terminal output: ``--format json``
  also computes the intervals, see bench_uncertainty.py), best of N;
* the floors, each both as a fresh process (like ``score``, it starts Python and imports its
  library: the like-for-like comparison) and in this process (the read alone, warm): reading
  the same CSV and encoding each column to integer codes by hand -- with pyarrow (``read_csv``
  and ``dictionary_encode``; a dependency of omi-rules), with polars when it is installed
  (``read_csv`` and ``cast(pl.Categorical)``, the floor the issue names; not a dependency), and
  with the standard library (``csv`` and a dict per column, the least a Python reader does);
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

from _timing import INSTALLED, best_of

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
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False, env=INSTALLED)
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


def pyarrow_floor(path: Path) -> None:
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(path)
    [pc.dictionary_encode(column.cast("string")) for column in table.columns]


def polars_floor(path: Path) -> None:
    import polars as pl

    frame = pl.read_csv(path, infer_schema_length=0)
    frame.select(pl.all().cast(pl.Categorical).to_physical())


def floor_process(name: str, path: Path, repeat: int) -> float:
    """Best wall time of a fresh Python process that runs floor ``name`` on ``path``: like
    ``score``, it pays for starting Python and importing its library."""
    script = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_casedata as b; "
    script += f"from pathlib import Path; b.{name}_floor(Path(sys.argv[1]))"
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, str(path)], check=True, env=INSTALLED)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    floors = {"pyarrow": pyarrow_floor, "stdlib": stdlib_floor}
    try:
        import polars  # noqa: F401

        floors = {"polars": polars_floor, **floors}
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as work:
        example, example_peak = score_process(EXAMPLE, args.repeat)
        print(f"{'109 cases (the example)':24} score {example:5.2f} s  peak {example_peak:4.0f} MiB")
        for cases in (5_040, 50_400):
            path = resample(cases, Path(work) / f"cases-{cases}.csv")
            took, peak = score_process(path, args.repeat)
            growth = f"{took / example:4.1f}x the example"
            print(f"{f'{cases:,} cases':24} score {took:5.2f} s  peak {peak:4.0f} MiB  {growth}")
            for name, floor in floors.items():
                alone = floor_process(name, path, args.repeat)
                warm = best_of(lambda floor=floor, path=path: floor(path), repeat=args.repeat)
                print(
                    f"{'':24} {name + ' floor':14} {alone:5.2f} s as a process (score {took / alone:4.1f}x), "
                    f"{warm:5.2f} s in this one (score {took / warm:4.1f}x)"
                )


if __name__ == "__main__":
    main()
