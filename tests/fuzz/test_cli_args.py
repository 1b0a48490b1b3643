"""Generated malformed command lines, in-process (click's test runner).

Every command line is a valid one (``cli_args.BASES``) with a Hypothesis-drawn recipe of
mutations: unknown options, odd option values, impossible dates, hostile ``--where``
conditions, odd paths (folders, devices, missing, long names, NUL characters), dropped,
duplicated and swapped arguments. The front-door invariants of ``harness.check`` hold for each:
no exception or traceback, exit code 0/1/2, a located diagnostic or a usage error when the exit
code is not 0, no partial ``--output`` file.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import cli_args
from .harness import check, record, run_in_process, scratch
from .mutations import Recipe
from .strategies import recipes
from .targets import MINIMAL, workspace

BASE = st.integers(min_value=0, max_value=len(cli_args.BASES) - 1)


def exercise(base: int, recipe: Recipe) -> None:
    """Run one mutated command line in a fresh folder of valid inputs; assert the invariants."""
    argv = cli_args.build(base, recipe)
    with scratch() as tmp:
        folder = Path(tmp)
        workspace(folder)
        output = _output_of(argv, folder)
        before = output.read_bytes() if output is not None and output.is_file() else None
        outcome = run_in_process(argv, folder)
        problems = check(outcome, output, before)
        record("cli-args", "in-process", outcome.seconds)
    spec = json.dumps({"target": "cli-args", "layout": base, "recipe": [list(step) for step in recipe]})
    assert not problems, f"reproduce with: python -m tests.fuzz.campaign --replay '{spec}'\n{outcome.describe()}"


def _output_of(argv: list[str], folder: Path) -> Path | None:
    """The file ``--output`` names, when it is one a run could create in the folder."""
    for i, arg in enumerate(argv[:-1]):
        if arg == "--output" and argv[i + 1] and "\x00" not in argv[i + 1] and len(argv[i + 1]) < 200:
            path = folder / argv[i + 1]
            return None if path.is_dir() or not path.parent.is_dir() else path
    return None


@settings(
    max_examples=max(10, settings.default.max_examples // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(base=BASE, recipe=recipes(sorted(cli_args.KINDS)))
def test_mutated_command_lines(base: int, recipe: Recipe) -> None:
    """A mutated command line of any command gives a diagnostic or a usage error, never a crash,
    a hang or a partial --output file; NUL characters and over-long names included."""
    exercise(base, recipe)


def test_every_base_command_line_is_valid() -> None:
    """The starting points are valid: each exits 0 (or 1 for a gate that fails by design)."""
    with scratch() as tmp:
        folder = Path(tmp)
        workspace(folder)
        for argv in cli_args.BASES:
            outcome = run_in_process(argv, folder)
            assert outcome.exit_code in (0, 1) and not check(outcome), outcome.describe()
            record("cli-args", "in-process", outcome.seconds)
    assert MINIMAL.is_dir()
