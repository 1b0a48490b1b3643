"""What the commands share: loading plugins, writing output, printing diagnostics.

Every command loads the plugins through ``load_plugins`` here (one place to replace it in a
test) and prints diagnostics and output the same way, so the commands stay thin: they parse
arguments, call the stage that does the work, and render.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from omi_rules.diagnostics import Report, formats
from omi_rules.plugins.manager import load_plugins

if TYPE_CHECKING:  # the engine is imported only by the commands that score
    from omi_rules.engine.precision import Options

__all__ = ["emit", "load_plugins", "precision", "precision_options", "print_diagnostics", "text_lines"]


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


def emit(text: str, output: Path | None) -> None:
    """Write a command's output to ``--output`` atomically, or print it.

    The import is deferred because ``report.output`` pulls in jinja2 and the result model,
    which commands that fail early (or only print) should not pay for at start-up.
    """
    if output is None:
        click.echo(text, nl=False)
        return
    from omi_rules.report.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:  # a folder, a missing folder, no permission: a usage error, not a bug
        raise click.BadParameter(f"cannot write {str(output)!r}: {exc.strerror}", param_hint="'--output'") from None


def print_diagnostics(report: Report, files: dict[str, list[str]]) -> None:
    diagnostics = report.sorted()
    if diagnostics:
        click.echo(formats.human(diagnostics, files, color=sys.stderr.isatty()), err=True)
        errors = len(report.errors)
        click.echo(
            f"{errors} error{'s' * (errors != 1)}, {len(diagnostics) - errors} warning"
            f"{'s' * (len(diagnostics) - errors != 1)}",
            err=True,
        )


def precision_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of how sure a figure is, shared by score and explain."""
    options = [
        click.option(
            "--uncertainty",
            is_flag=True,
            help="Show each figure's interval, its band in resamples of the cases, and which conclusions a "
            "resample could change (always in --format json).",
        ),
        click.option(
            "--confidence", type=float, help="Confidence of the intervals (default: the ruleset's, else 0.95)."
        ),
        click.option("--replicates", type=int, help="Bootstrap resamples (default 2000)."),
        click.option("--seed", type=int, help="Seed of the resampling (default 20080901): same seed, same intervals."),
        click.option(
            "--caseload", type=int, help="Cases the sample was drawn from: applies the finite-population correction."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def precision(
    wanted: bool,
    confidence: float | None,
    replicates: int | None,
    seed: int | None,
    caseload: int | None,
    json_errors: bool = False,
    margin: float | None = None,
) -> Options | None:
    """The precision options, checked: a bad value is reported (U001) and ends the command
    with exit 2; None when no uncertainty is wanted."""
    from omi_rules.engine.precision import Options, check_options

    options = Options(confidence, replicates, seed, caseload, margin)
    problems = check_options(options)
    if problems:
        report = Report()
        report.extend(problems)
        if json_errors:
            click.echo(formats.as_json(report.sorted(), 1))
        else:
            print_diagnostics(report, {})
        sys.exit(2)
    return options if wanted else None
