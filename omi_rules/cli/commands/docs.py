"""``omi-rules docs``: the methodology handbook of a ruleset, for reviewers who do not read YAML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.checks import check_ruleset
from omi_rules.cli import common
from omi_rules.diagnostics import Report


@click.command("docs")
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["html", "markdown"]), default="html", show_default=True, help="Output format."
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@common.all_findings
def docs_command(ruleset: Path, fmt: str, output: Path | None) -> None:
    """Write the methodology handbook of a ruleset: every criterion, question and rule in plain
    English, with the source or assumption behind each. The ruleset is checked first."""
    from omi_rules.handbook.render import render_handbook

    report = Report()
    loaded = check_ruleset(ruleset, report, common.load_plugins())
    if loaded.model is None or report.errors or report.unreadable:
        common.print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    text = render_handbook(loaded.model, "html" if fmt == "html" else "markdown")
    common.emit(text, output)
    sys.exit(0)
