"""A fixed corpus of malformed inputs, each run as a real process (``python -m omi_rules``).

In-process runs cannot see everything: a hang that ignores signals, output written around
click's runner, the exit status the operating system reports. So a representative corpus --
one or two inputs of each family of damage on each input path, and odd command lines -- runs as
subprocesses with a timeout, two at a time. The corpus is fixed (recipes with fixed seeds), so a
failure names its reproducer and every CI run tries the same inputs.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cli_args
from .harness import check, record, run_subprocess, scratch
from .mutations import Recipe
from .targets import TARGETS, workspace

CORPUS: list[tuple[str, Recipe, int]] = [
    ("ruleset", (("truncate", 11),), 0),
    ("ruleset", (("reencode", 2),), 0),
    ("ruleset", (("nul-byte", 4),), 2),
    ("ruleset", (("alias-bomb", 5),), 0),
    ("ruleset", (("scalar-swap", 7), ("scalar-swap", 8)), 4),
    ("ruleset", (("key-swap", 9), ("data-replace", 10)), 5),
    ("ruleset", (("hostile-paths", 11),), 0),
    ("ruleset", (("oversize", 14),), 0),
    ("ruleset-omi", (("data-replace", 17),), 1),
    ("cases-csv", (("ragged", 19), ("quotes", 20)), 3),
    ("cases-csv", (("formula", 22), ("cell-swap", 23)), 5),
    ("cases-csv", (("header", 24), ("bom", 25)), 6),
    ("cases-csv", (("many-columns", 27),), 8),
    ("cases-json", (("deep-nest", 29), ("data-replace", 30)), 4),
    ("cases-yaml", (("alias-bomb", 31),), 5),
    ("cases-xlsx", (("far-cell", 34),), 4),
    ("cases-xlsx", (("zip:truncate", 35),), 5),
    ("cases-xlsx", (("zip:zip-bomb", 36),), 6),
    ("cases-xlsx", (("merged", 37), ("zip:part-attribute", 38)), 7),
    ("cases-north-wales", (("newlines", 39),), 0),
    ("judgements", (("truncate", 40),), 3),
    ("judgements", (("data-replace", 41), ("alias-bomb", 42)), 4),
    ("ruleset-tests", (("hostile-paths", 43),), 0),
    ("ruleset-tests", (("hostile-paths", 44), ("data-replace", 45)), 1),
]
"""(target, recipe, layout seed): the file inputs run as subprocesses."""

COMMAND_LINES: list[tuple[int, Recipe]] = [
    (0, (("odd-path", 3),)),
    (3, (("option-value", 1),)),
    (4, (("output-target", 2),)),
    (7, (("bad-date", 3),)),
    (5, (("bad-where", 4),)),
    (15, (("odd-path", 7),)),
]
"""(base command line, recipe): the command lines run as subprocesses."""


Result = tuple[str, float, str | None]
"""(input path, seconds, what broke or None): counted by the main thread."""


def _run_file_input(item: tuple[str, Recipe, int]) -> Result:
    name, recipe, layout = item
    with scratch() as tmp:
        prepared = TARGETS[name].prepare(Path(tmp), recipe, layout)
        prepared.argv = cli_args.without_nul(prepared.argv)
        outcome = run_subprocess(prepared.argv, prepared.cwd)
        problems = check(outcome, prepared.output, prepared.before)
    spec = json.dumps({"target": name, "layout": layout, "recipe": [list(step) for step in recipe]})
    return name, outcome.seconds, f"--replay '{spec}'\n{outcome.describe()}" if problems else None


def _run_command_line(item: tuple[int, Recipe]) -> Result:
    base, recipe = item
    argv = cli_args.without_nul(cli_args.build(base, recipe))
    with scratch() as tmp:
        workspace(Path(tmp))
        outcome = run_subprocess(argv, Path(tmp))
        problems = check(outcome)
    return "cli-args", outcome.seconds, f"command line {base} {recipe}\n{outcome.describe()}" if problems else None


def test_corpus_as_subprocesses() -> None:
    """Each corpus input, run as ``python -m omi_rules`` with a timeout, ends within the limit
    with exit code 0/1/2, a located diagnostic when it fails, no traceback and no partial
    --output file."""
    workers = max(2, min(4, os.cpu_count() or 2))  # each process mostly imports: two per core is fine
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [*pool.map(_run_file_input, CORPUS), *pool.map(_run_command_line, COMMAND_LINES)]
    for name, seconds, _ in results:
        record(name, "subprocess", seconds)
    found = [problem for _, _, problem in results if problem]
    assert not found, f"{len(found)} of {len(results)} inputs broke an invariant:\n\n" + "\n\n".join(found)
