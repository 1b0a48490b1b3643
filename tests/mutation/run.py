"""Run the property tests against each injected scoring bug and report which properties catch it.

    python -m tests.mutation.run               # every mutant, every property
    python -m tests.mutation.run --mutant weights-swapped --profile dev

Each mutant is applied to a fresh copy of the package and the property tests in a temporary
folder; the checkout is never modified. Exit code 1 when a mutant survives (no property fails)
or a mutant no longer applies.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tests.mutation.mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[2]
COPIED = (
    "omi_rules",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/fuzz/__init__.py",
    "tests/fuzz/summary.py",
    "tests/properties",
    "pyproject.toml",
)


class MutantDoesNotApply(Exception):
    """The text a mutant edits is not in the source exactly once (the code moved)."""


@dataclass
class Run:
    returncode: int
    failed: set[str]
    """``file::test`` of each test that failed on an assertion."""
    errors: set[str]
    """Tests that could not run (import errors, fixture errors): the harness, not a catch."""
    seconds: float
    output: str
    """pytest's output, to show why a mutant was not caught."""


def copy_tree(dest: Path) -> None:
    """The package and the property tests, as a self-contained project in ``dest``."""
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def apply(mutant: Mutant, root: Path) -> None:
    path = root / mutant.file
    text = path.read_text(encoding="utf-8")
    if text.count(mutant.old) != 1:
        raise MutantDoesNotApply(
            f"{mutant.name}: {mutant.file} holds its text {text.count(mutant.old)} times, not once"
        )
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")


def run_properties(root: Path, tests: list[str], profile: str) -> Run:
    """Run ``tests`` (``file::test`` under tests/properties/, or the whole folder) in ``root``.

    ``python -m pytest`` from ``root`` puts ``root`` first on sys.path, so the copied (mutated)
    package is imported rather than the installed one; the run checks it."""
    report = root / "junit.xml"
    targets = [f"tests/properties/{t}" for t in tests] or ["tests/properties"]
    env = {**os.environ, "HYPOTHESIS_PROFILE": profile, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import omi_rules; print(omi_rules.__file__)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    if not Path(probe.stdout.strip()).resolve().is_relative_to(root.resolve()):
        raise RuntimeError(f"the copy is not the package imported: {probe.stdout.strip()}")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *targets],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    failed: set[str] = set()
    errors: set[str] = set()
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            name = f"{Path(case.get('file') or case.get('classname', '').replace('.', '/')).name}::{case.get('name')}"
            if not name.split("::")[0].endswith(".py"):
                name = f"{case.get('classname', '').rsplit('.', 1)[-1]}.py::{case.get('name')}"
            if case.find("failure") is not None:
                failed.add(name)
            elif case.find("error") is not None:
                errors.add(name)
    if proc.returncode not in (0, 1) or errors:
        raise RuntimeError(f"the property run itself failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}")
    return Run(proc.returncode, failed, errors, seconds, proc.stdout)


def run_mutant(mutant: Mutant | None, tests: list[str], profile: str) -> Run:
    """Copy, mutate (``None``: leave as is, the control), run."""
    with tempfile.TemporaryDirectory(prefix="omi-mutant-") as folder:
        root = Path(folder)
        copy_tree(root)
        if mutant is not None:
            apply(mutant, root)
        return run_properties(root, tests, profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutant", action="append", help="run only this mutant (repeatable)")
    parser.add_argument("--profile", default="mutation", help="Hypothesis profile (mutation, ci or dev)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.mutant or m.name in args.mutant]
    survived = 0
    print(f"{'mutant':34} {'caught':>6} {'seconds':>7}  properties that failed")
    for mutant in chosen:
        try:
            run = run_mutant(mutant, [], args.profile)
        except MutantDoesNotApply as exc:
            print(f"{mutant.name:34} {'-':>6} {'-':>7}  DOES NOT APPLY: {exc}")
            survived += 1
            continue
        caught = bool(run.failed)
        survived += not caught
        names = ", ".join(sorted(n.split("::")[1] for n in run.failed)) or "none: SURVIVED"
        print(f"{mutant.name:34} {'yes' if caught else 'NO':>6} {run.seconds:7.1f}  {names}", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
