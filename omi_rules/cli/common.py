"""What the commands share: loading plugins, writing output, printing diagnostics.

Every command loads the plugins through ``load_plugins`` here (one place to replace it in a
test) and prints diagnostics and output the same way, so the commands stay thin: they parse
arguments, call the stage that does the work, and render.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.diagnostics import Report, formats
from omi_rules.plugins.manager import load_plugins

__all__ = ["emit", "load_plugins", "print_diagnostics", "text_lines"]


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
    diagnostics = report.sorted()
    if diagnostics:
        click.echo(formats.human(diagnostics, files, color=sys.stderr.isatty()), err=True)
        errors = len(report.errors)
        click.echo(
            f"{errors} error{'s' * (errors != 1)}, {len(diagnostics) - errors} warning"
            f"{'s' * (len(diagnostics) - errors != 1)}",
            err=True,
        )
