"""A longer fuzzing campaign than CI runs: N generated inputs per input path, in-process.

    python -m tests.fuzz.campaign --inputs 2000 --seed 7
    python -m tests.fuzz.campaign --inputs 500 --paths cases-csv,cases-xlsx --subprocess 20
    python -m tests.fuzz.campaign --replay '{"target": "cases-csv", "layout": 1, "recipe": [["bom", 0]]}' --keep case

Each path draws its inputs from ``random.Random(seed)`` with the same mutations as the tests
(``mutations``, ``xlsx``, ``cli_args``); conditions are drawn by the Hypothesis strategies of
``test_expressions``, seeded. Every input is checked against the invariants of
``harness.check``; each failure is printed with the command line, what broke and a
``--replay`` line that rebuilds exactly that input (``--keep DIR`` leaves its files in DIR).
At the end the counts per path are printed and written to test-artifacts/fuzz-campaign.json.
Exit code 0 when every input kept the invariants, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed

from . import cli_args, mutations, xlsx
from .harness import (
    ROOT,
    TRIED,
    Hang,
    Outcome,
    check,
    record,
    run_in_process,
    run_subprocess,
    scratch,
    summary,
    time_limit,
)
from .targets import TARGETS, Prepared, workspace

PATHS = [*TARGETS, "cli-args", "conditions"]


def _recipe(rnd: random.Random, name: str) -> mutations.Recipe:
    kinds = xlsx.KINDS if name == "cases-xlsx" else cli_args.KINDS if name == "cli-args" else TARGETS[name].kinds
    return mutations.random_recipe(rnd, {k: mutations.empty for k in kinds})


def _prepare(name: str, recipe: mutations.Recipe, layout: int, folder: Path) -> Prepared:
    if name == "cli-args":
        workspace(folder)
        return Prepared(cli_args.build(layout, recipe), folder)
    return TARGETS[name].prepare(folder, recipe, layout)


def run_one(name: str, recipe: mutations.Recipe, layout: int, subprocess: bool, keep: Path | None) -> Outcome:
    """Lay out one input, run it, check it; ``keep`` copies its folder there."""
    mode = "subprocess" if subprocess else "in-process"
    with scratch() as tmp:
        try:
            with time_limit(60):
                prepared = _prepare(name, recipe, layout, Path(tmp))
        except Hang:
            outcome = Outcome([], None, "", "", 60.0, "hang: making the input took over 60s")
            outcome.problems.append("the generator hung (a bug in tests/fuzz, not in omi-rules)")
            return outcome
        if subprocess:
            prepared.argv = cli_args.without_nul(prepared.argv)
        outcome = (run_subprocess if subprocess else run_in_process)(prepared.argv, prepared.cwd)
        check(outcome, prepared.output, prepared.before)
        if keep is not None:
            shutil.copytree(tmp, keep, dirs_exist_ok=True)
    record(name, mode, outcome.seconds)
    return outcome


def replay_line(name: str, recipe: mutations.Recipe, layout: int) -> str:
    spec = json.dumps({"target": name, "layout": layout, "recipe": [list(step) for step in recipe]})
    return f"python -m tests.fuzz.campaign --replay '{spec}' --keep fuzz-case"


def campaign_path(name: str, inputs: int, rnd: random.Random, subprocess: int) -> int:
    """Run ``inputs`` in-process inputs (and ``subprocess`` more as processes); failures found."""
    failures = 0
    for index in range(inputs + subprocess):
        recipe = _recipe(rnd, name)
        layout = rnd.randrange(len(cli_args.BASES)) if name == "cli-args" else rnd.randrange(2**32)
        outcome = run_one(name, recipe, layout, index >= inputs, None)
        if outcome.problems:
            failures += 1
            print(f"\nFAIL {name} #{index}: {', '.join(outcome.problems)}")
            print(f"  reproduce: {replay_line(name, recipe, layout)}")
            print("  " + outcome.describe().replace("\n", "\n  "))
    return failures


def campaign_conditions(inputs: int, seed: int) -> int:
    """The expression properties of test_expressions, ``inputs`` examples each, seeded."""
    from hypothesis import given

    from . import strategies as s
    from . import test_expressions as t

    def drive(prop: Any, strategy: Any) -> Any:
        """``prop``'s body under a new @given with ``inputs`` examples and the seed."""
        inner = prop.hypothesis.inner_test
        run = given(strategy)(lambda value: inner(*value) if isinstance(value, tuple) else inner(value))
        configured = settings(
            max_examples=inputs, deadline=2000, database=None, suppress_health_check=list(HealthCheck)
        )
        return hypothesis_seed(seed)(configured(run))

    from hypothesis import strategies as st

    checks = [
        ("compiling any text", t.test_compiling_any_text_is_safe, t.ANY_CONDITION),
        ("hostile conditions", t.test_hostile_conditions_never_compile, s.hostile()),
        (
            "hostile conditions in a ruleset",
            t.test_hostile_conditions_in_a_ruleset_are_located_diagnostics,
            st.tuples(st.one_of(s.hostile(), st.sampled_from(t.HOSTILE_26)), st.sampled_from(t.SLOTS)),
        ),
    ]
    failures = 0
    for title, prop, strategy in checks:
        try:
            drive(prop, strategy)()
        except Exception:
            failures += 1
            print(f"\nFAIL conditions: {title}")
            print("  " + traceback.format_exc().replace("\n", "\n  "))
    return failures


def bounded(sizes: tuple[int, ...]) -> int:
    """Each hostile shape at each size: its time, exit code and how many findings it listed,
    and the growth from the first size to the last against linear. Exit code 1 if any time grew
    more than 2.5 times as fast as its input (the limit tests/test_bounded_work.py asserts at
    small sizes: ten times the time for four times the input)."""
    import tempfile

    from tests.fuzz import hostile

    failed = False
    with tempfile.TemporaryDirectory() as work:
        for shape in hostile.RULESET_SHAPES + hostile.CASE_SHAPES:
            runs = [hostile.measure(shape, n, Path(work)) for n in sizes]
            for n, run in zip(sizes, runs, strict=True):
                listed = len(run.body.get("diagnostics", []))
                print(f"{shape:16} {n:>8,} {run.seconds:7.2f}s exit {run.exit_code} listed {listed}")
            growth = (runs[-1].seconds / runs[0].seconds) / (sizes[-1] / sizes[0])
            failed = failed or growth > 2.5
            print(f"{shape:16} time grew {growth:.2f}x as fast as the input")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    # As in the test suite (tests/conftest.py): the campaign's thousands of generated rulesets
    # must not fill the user's cache of checked rulesets.
    os.environ["OMI_RULES_NO_CACHE"] = "1"
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.campaign", description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=500, help="generated inputs per path, in-process")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated inputs")
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated, from: {', '.join(PATHS)}")
    parser.add_argument("--subprocess", type=int, default=0, help="more inputs per path, run as processes")
    parser.add_argument("--replay", help="JSON of one input, as printed for a failure")
    parser.add_argument("--keep", type=Path, help="with --replay: copy the input's folder here")
    parser.add_argument(
        "--bounded",
        metavar="SIZES",
        nargs="?",
        const="10000,100000",
        help="instead: time every hostile shape (tests/fuzz/hostile.py) at two sizes, default 10000,100000",
    )
    args = parser.parse_args(argv)
    if args.bounded:
        return bounded(tuple(int(n) for n in args.bounded.split(",")))
    if args.replay:
        spec = json.loads(args.replay)
        recipe = tuple((str(kind), int(seed)) for kind, seed in spec["recipe"])
        outcome = run_one(spec["target"], recipe, int(spec["layout"]), False, args.keep)
        print(outcome.describe())
        if args.keep:
            print(f"the input is in {args.keep}/ (run the command line above from there)")
        return 1 if outcome.problems else 0
    names = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(names) - set(PATHS))
    if unknown:
        parser.error(f"unknown paths: {', '.join(unknown)}")
    started = time.perf_counter()
    failures = 0
    for offset, name in enumerate(names):
        path_started = time.perf_counter()
        if name == "conditions":
            failures += campaign_conditions(args.inputs, args.seed)
        else:
            failures += campaign_path(name, args.inputs, random.Random(f"{args.seed}/{name}"), args.subprocess)
        count = sum(n for (p, _), n in TRIED.items() if p.startswith(name))
        print(f"{name:<22} {count:>8,} inputs  {time.perf_counter() - path_started:7.1f}s", flush=True)
        del offset
    counts = summary()
    print(f"{'total':<22} {counts['total']:>8,} inputs  {time.perf_counter() - started:7.1f}s; {failures} failures")
    out = ROOT / "test-artifacts" / "fuzz-campaign.json"
    out.parent.mkdir(exist_ok=True)
    counts = {"seed": args.seed, "inputs_per_path": args.inputs, "failures": failures, **counts}
    out.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
    print(f"counts written to {out.relative_to(ROOT)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
