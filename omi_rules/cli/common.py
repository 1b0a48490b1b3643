"""What the commands share: loading plugins, writing output, printing diagnostics.

Every command loads the plugins through ``load_plugins`` here (one place to replace it in a
test) and prints diagnostics and output the same way, so the commands stay thin: they parse
arguments, call the stage that does the work, and render.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from omi_rules.diagnostics import Diagnostic, Report, caps, counted, formats, tally
from omi_rules.plugins.manager import load_plugins

__all__ = ["all_findings", "emit", "load_plugins", "no_cache", "print_diagnostics", "shown", "text_lines"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _lift_caps(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        caps.lift(True)
        ctx.call_on_close(lambda: caps.lift(False))  # not for the next command run in-process


def all_findings(command: _F) -> _F:
    """The ``--all`` option: every finding shown, not the first 50 of each code in each file,
    and schema validation without its budget (``omi_rules.diagnostics.caps``)."""
    return click.option(
        "--all",
        "all_findings",
        is_flag=True,
        expose_value=False,
        callback=_lift_caps,
        help=f"Show every finding (by default the first {caps.SHOWN_PER_CODE} of each code in each file, then a "
        "count), and validate a file however many schema findings it has.",
    )(command)


def _skip_cache(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        from omi_rules.engine import cache

        cache.disable(True)
        ctx.call_on_close(lambda: cache.disable(False))


def no_cache(command: _F) -> _F:
    """The ``--no-cache`` option: load and check the ruleset even if a checked copy is cached
    (``omi_rules.engine.cache``)."""
    return click.option(
        "--no-cache",
        is_flag=True,
        expose_value=False,
        callback=_skip_cache,
        help="Load and check the ruleset afresh, not from the cache of checked rulesets.",
    )(command)


def shown(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings to print: capped per code and file unless ``--all`` was given."""
    return caps.capped(diagnostics, caps.shown_per_code())


def text_lines(path: Path) -> list[str]:
    """Lines of a YAML/JSON input, for showing the offending line under a diagnostic.

    Not for CSV: there a diagnostic's column is the cell's number (as a spreadsheet counts),
    not a character offset, so a caret under the line would point at the wrong text.
    """
    if path.suffix.lower() not in (".json", ".yaml", ".yml") or not path.is_file():
        return []
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def emit(text: str | bytes, output: Path | None) -> None:
    """Write a command's output to ``--output`` atomically, or print it (text only: a binary
    output such as a workbook needs ``--output``, which its command requires).

    The import is deferred because ``report.output`` pulls in jinja2 and the result model,
    which commands that fail early (or only print) should not pay for at start-up.
    """
    if output is None:
        if isinstance(text, bytes):
            raise click.UsageError("this output is a workbook: give --output FILE.xlsx")
        click.echo(text, nl=False)
        return
    from omi_rules.report.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:  # a folder, a missing folder, no permission: a usage error, not a bug
        raise click.BadParameter(f"cannot write {str(output)!r}: {exc.strerror}", param_hint="'--output'") from None


def print_diagnostics(report: Report, files: dict[str, list[str]]) -> None:
    """Every finding of ``report`` on standard error (capped, see ``shown``), then the count of
    all of them."""
    diagnostics = report.sorted()
    if diagnostics:
        click.echo(formats.human(shown(diagnostics), files, color=sys.stderr.isatty()), err=True)
        click.echo(counted(*tally(diagnostics)), err=True)
