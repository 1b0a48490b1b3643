"""Run the command line on one input and check the front-door invariants.

Every input, whatever it holds, must give:

* no Python exception escaping and no traceback printed;
* exit code 0, 1 or 2 (3 is an internal error: a bug, never the input's fault);
* when the exit code is not 0, at least one diagnostic with a position (``file:line:col:`` or
  ``file:``, in the human, JSON or GitHub form) or a usage error (``Error: ...``);
* when ``--output FILE`` is given and the run fails, FILE does not exist, or is unchanged if it
  existed (``diff`` and ``impact`` may exit with 1 as a verdict on a complete report, which they
  write); and no temporary file is left beside it;
* an end, in bounded time: in-process runs are interrupted after ``IN_PROCESS_LIMIT`` seconds,
  subprocesses killed after ``SUBPROCESS_LIMIT``.

``TRIED`` counts every input exercised, by input path and by mode (in-process, subprocess,
compile); ``tests/fuzz/summary.py`` prints the counts and writes them to
``test-artifacts/fuzz-summary.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from click.testing import CliRunner

from omi_rules.cli import main

from .summary import SECONDS, TRIED

ROOT = Path(__file__).resolve().parents[2]
IN_PROCESS_LIMIT = 30.0
SUBPROCESS_LIMIT = 90.0


POSITIONED = re.compile(r"^.*?(?::\d+:\d+)?: (?:error|warning)\[[A-Z]+\d{3}\]", re.M)
"""A human diagnostic: ``file:line:col: error[CODE]`` or ``file: error[CODE]`` (the file may
be any text, even a space, if that is the path given)."""
GITHUB = re.compile(r"^::(?:error|warning) file=[^,]+", re.M)
USAGE = re.compile(r"^Error: \S", re.M)
VERDICTS = {"diff", "impact"}
"""Commands whose exit code 1 can be a verdict on a complete report (``diff --exit-code``,
``impact --fail-on``, an inspection ``impact`` could not score): their ``--output`` is then
written whole, by design."""


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A fresh folder for one input. In memory (/dev/shm) where there is one: creating and
    removing a handful of files and folders per input costs about 20 ms on a disk, 0.3 ms there."""
    memory = Path("/dev/shm")
    roomy = memory.is_dir() and os.access(memory, os.W_OK) and shutil.disk_usage(memory).free > 256 * 2**20
    return tempfile.TemporaryDirectory(prefix="omi-fuzz-", dir=str(memory) if roomy else None)


def record(path: str, mode: str, seconds: float = 0.0) -> None:
    TRIED[(path, mode)] += 1
    SECONDS[(path, mode)] += seconds


def summary() -> dict[str, object]:
    """The counts so far, by path and mode (the campaign writes them to fuzz-campaign.json)."""
    by_path: Counter[str] = Counter()
    by_mode: Counter[str] = Counter()
    for (path, mode), count in TRIED.items():
        by_path[path] += count
        by_mode[mode] += count
    return {
        "total": sum(TRIED.values()),
        "by_path": dict(sorted(by_path.items())),
        "by_mode": dict(sorted(by_mode.items())),
        "by_path_and_mode": {f"{p} ({m})": n for (p, m), n in sorted(TRIED.items())},
        "seconds_by_path": {p: round(sum(s for (q, _), s in SECONDS.items() if q == p), 2) for p in sorted(by_path)},
    }


@dataclass
class Outcome:
    """What one run of the command line did."""

    argv: list[str]
    exit_code: int | None
    stdout: str
    stderr: str
    seconds: float
    error: str | None = None
    """An escaped exception with its traceback, or a hang; None when the run ended normally."""
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        shown = [a if len(a) <= 200 else a[:200] + f"...({len(a)} chars)" for a in self.argv]
        text = f"argv: {shown!r}\nexit code: {self.exit_code} in {self.seconds:.2f}s\n"
        text += "problems: " + "; ".join(self.problems) + "\n"
        if self.error:
            text += f"error: {self.error}\n"
        return text + f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}"


class Hang(BaseException):
    """Raised by the in-process time limit (a BaseException, so no ``except Exception`` in the
    command line can swallow it and report an internal error instead)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with ``Hang`` after ``seconds`` (main thread, POSIX only; elsewhere a
    no-op, and the subprocess tests' timeouts still catch hangs)."""
    if not hasattr(signal, "setitimer") or os.name != "posix":
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no end after {seconds:.0f}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_in_process(argv: Sequence[str], cwd: Path | None = None) -> Outcome:
    """Run ``omi-rules ARGV`` through click's test runner, in this process."""
    started = time.perf_counter()
    error: str | None = None
    exit_code: int | None = None
    stdout = stderr = ""
    try:
        with working_directory(cwd or Path.cwd()), time_limit(IN_PROCESS_LIMIT):
            result = CliRunner().invoke(main, list(argv), catch_exceptions=True)
        exit_code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert result.exc_info is not None
            error = "".join(traceback.format_exception(*result.exc_info))
    except Hang as exc:
        error = f"hang: {exc}"
    return Outcome(list(argv), exit_code, stdout, stderr, time.perf_counter() - started, error)


def run_subprocess(argv: Sequence[str], cwd: Path | None = None) -> Outcome:
    """Run ``python -m omi_rules ARGV`` as a separate process, killed if it does not end."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "omi_rules", *argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "110"}
    try:
        proc = subprocess.run(
            command, capture_output=True, timeout=SUBPROCESS_LIMIT, cwd=cwd, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        err = (exc.stderr or b"").decode("utf-8", "replace")
        return Outcome(list(argv), None, out, err, time.perf_counter() - started, f"hang: killed after {exc.timeout}s")
    return Outcome(
        list(argv),
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        time.perf_counter() - started,
    )


def _has_position(outcome: Outcome) -> bool:
    text = outcome.stdout + "\n" + outcome.stderr
    if POSITIONED.search(text) or GITHUB.search(text) or USAGE.search(outcome.stderr):
        return True
    try:  # --format json: the diagnostics are a JSON document on stdout
        body = json.loads(outcome.stdout)
    except ValueError:
        return False
    items = body.get("diagnostics", []) if isinstance(body, dict) else []
    return any(isinstance(d, dict) and d.get("file") for d in items)


def check(outcome: Outcome, output: Path | None = None, before: bytes | None = None) -> list[str]:
    """The invariants this outcome breaks (empty when it keeps them all); also recorded on it.

    ``output`` is the ``--output`` file of the run, if any; ``before`` its content before the
    run (None if it did not exist).
    """
    problems = outcome.problems
    if outcome.error is not None:
        problems.append("hang" if outcome.error.startswith("hang") else "an exception escaped")
    if outcome.exit_code not in (0, 1, 2):
        problems.append(f"exit code {outcome.exit_code}")
    if "Traceback (most recent call last)" in outcome.stdout + outcome.stderr:
        problems.append("a traceback was printed")
    bare = not outcome.argv and "Usage:" in outcome.stdout + outcome.stderr  # no arguments: click's help
    if outcome.exit_code in (1, 2) and not bare and not _has_position(outcome):
        problems.append("failed without a located diagnostic")
    verdict = outcome.exit_code == 1 and bool(outcome.argv) and outcome.argv[0] in VERDICTS
    if output is not None:
        if outcome.exit_code != 0 and not verdict:
            if before is None and output.exists():
                problems.append(f"the run failed but wrote {output.name}")
            if before is not None and (not output.is_file() or output.read_bytes() != before):
                problems.append(f"the run failed but changed {output.name}")
        folder = output.parent
        if folder.is_dir():
            leftovers = [
                p.name for p in folder.iterdir() if p.name.startswith(f".{output.name}.") and p.suffix == ".tmp"
            ]
            if leftovers:
                problems.append(f"temporary files left: {leftovers}")
    return problems
