"""``omi-rules resolve``: the fully resolved ruleset, with where each rule was written."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.checks import check_ruleset
from omi_rules.cli import common
from omi_rules.diagnostics import Report


@click.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@common.all_findings
def resolve(ruleset: Path, fmt: str, output: Path | None) -> None:
    """Print the fully resolved ruleset (part files and `extends` applied), each item with the
    file and line it comes from. The ruleset is checked first."""
    from omi_rules.ruleset import resolve as resolve_module

    report = Report()
    loaded = check_ruleset(ruleset, report, common.load_plugins())
    if loaded.data is None or report.errors or report.unreadable:
        common.print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    text = resolve_module.as_json(loaded) if fmt == "json" else resolve_module.as_yaml(loaded)
    common.emit(text, output)
    sys.exit(0)
