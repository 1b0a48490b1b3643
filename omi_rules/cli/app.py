"""The ``omi-rules`` command line.

Exit codes (BRIEF section 6): 0 ok; 1 the rules, data or tests are wrong (findings reported);
2 usage or unreadable input; 3 internal error (short message; traceback only with --debug).
This module is the group: global options, and the one place where an unexpected exception
becomes exit code 3. Each command lives in ``omi_rules.cli.commands``, one module per command
(``get`` and ``set`` share ``edit``); the commands are thin: they parse arguments, call the stage
that does the work and render.
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
import traceback
from typing import Any

import click

from omi_rules import __version__

EXIT_INTERNAL = 3


_REFUSED_PATH = {errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM}
"""Errors with which the system refuses a path the user gave (name too long, a loop of links,
no permission): unreadable input (exit 2), wherever the path is first looked at."""


COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("check", "check", "Check rulesets (folders or files): schema, references, bands, conditions."),
    "diff": ("diff", "diff", "What changed between two rulesets, in methodology terms"),
    "docs": ("docs", "docs_command", "Write the methodology handbook of a ruleset"),
    "explain": ("explain", "explain", "Explain how a number was made"),
    "get": ("edit", "get_command", "Print the value at PATH of a ruleset"),
    "impact": ("impact", "impact", "Re-score inspections under OLD and NEW"),
    "plan": ("plan", "plan_command", "Plan a sample: for each criterion, the cases needed"),
    "plugins": ("plugins", "plugins", "List the plugins: omi-rules' own rules and every installed plugin"),
    "resolve": ("resolve", "resolve", "Print the fully resolved ruleset"),
    "schema": ("schema", "schema", "Print the JSON Schema (2020-12) NAME"),
    "score": ("score", "score", "Score a case sample: the report's Summary of Scores"),
    "set": ("edit", "set_command", "Change values of a ruleset, keeping every comment"),
    "template": ("template", "template_command", "Write the data-collection workbook of RULESET"),
    "test": ("test", "test_command", "Run YAML ruleset tests"),
}
"""Each command: its module in ``omi_rules.cli.commands``, its function, and how its help
begins, which ``omi-rules --help`` shows for it. A command's module is imported only when that command runs
(or shows its own help): importing them all (pydantic models, numpy, jsonschema, the engine)
took half a second before ``--help`` or a usage error could print anything. A test keeps each
the start of its command's own help."""


class _Group(click.Group):
    """Turns any unexpected exception into exit code 3 with a one-line message, and loads each
    command's module when that command is used (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, function, _summary = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"omi_rules.cli.commands.{module_name}"), function)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands from ``COMMANDS``, without importing one."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # A NUL character cannot come from a real command line, but called in-process it would
        # reach os.stat inside click.Path and raise ValueError (found by tests/fuzz).
        if any("\x00" in arg for arg in args):
            raise click.UsageError("an argument contains a NUL character", ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # `omi-rules check ... | head`: the reader has what it wanted
            _quiet_stdout()
            ctx.exit(1)
        except Exception as exc:  # the last line of defence: exit 3, no traceback
            from omi_rules.plugins.manager import PluginFailure  # loaded by then, if a plugin ran

            if isinstance(exc, PluginFailure):  # the plugin's fault, not omi-rules': name it
                if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                    traceback.print_exc()
                click.echo(
                    f"omi-rules: {exc}\nReport it to the plugin's authors; `omi-rules plugins` lists them.", err=True
                )
                ctx.exit(EXIT_INTERNAL)
            if isinstance(exc, OSError) and exc.errno in _REFUSED_PATH and exc.filename is not None:
                click.echo(f"{exc.filename}: error[Y001]: {exc.strerror}", err=True)
                ctx.exit(2)
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                click.echo(
                    f"omi-rules: internal error: {type(exc).__name__}: {exc}\n"
                    "This is a bug in omi-rules; run again with --debug for details.",
                    err=True,
                )
            ctx.exit(EXIT_INTERNAL)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit, into a pipe
    whose reader has gone, raises nothing more (as the Python documentation advises)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (in-process, under a test runner)
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omi-rules")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Inspection methodologies as versioned, checked YAML rulesets."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


GC_THRESHOLD = (200_000, 30, 30)
"""The collector's thresholds for a run as a process (mypy uses the same first generation)."""


def run() -> None:
    """``omi-rules`` as a process (the console script and ``python -m omi_rules``): ``main``,
    with the garbage collector set for a short run.

    A run makes a few hundred thousand objects that live until it ends (modules, pydantic
    models, the ruleset, numpy) and little cyclic garbage. With the default thresholds the
    collector walked them again and again while they were made, and once more at exit: about
    60 ms of the 0.41 s a cached ``score`` of the example took (benchmarks/bench_score_e2e.py).
    A first generation of 200,000 allocations still collects cycles, rarely; freezing what
    exists at the end spares the interpreter's last collection walking it. Not in ``main``,
    which tests call in-process: there it would change the collector of the whole session.

    pydantic's own plugins (observability tools that watch every validation) are turned off
    unless ``PYDANTIC_DISABLE_PLUGINS`` is set: looking for them scanned every installed
    package's metadata on the first model built, 8 ms of every run, for tools a command of
    its own has no use for.
    """
    gc.set_threshold(*GC_THRESHOLD)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        main()
    finally:
        gc.freeze()
