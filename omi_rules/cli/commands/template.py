"""``omi-rules template``: the data-collection workbook of a ruleset (one row per case)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.checks import check_ruleset
from omi_rules.cli import common
from omi_rules.diagnostics import Report


@click.command("template")
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The workbook to write (.xlsx), atomically.",
)
@click.option(
    "--rows",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="How many case rows get drop-downs, limits and greying.",
)
def template_command(ruleset: Path, output: Path, rows: int) -> None:
    """Write the data-collection workbook of RULESET: a row per case, a column per case field
    and question with drop-downs of the allowed values, questions greyed where they do not
    apply, and a guide. `score` reads the filled workbook. The ruleset is checked first."""
    from omi_rules.engine.compiled import compile_ruleset
    from omi_rules.workbook.template import make_template

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{str(output)!r} does not end in .xlsx", param_hint="'--output'")
    report = Report()
    registry = common.load_plugins()
    loaded = check_ruleset(ruleset, report, registry)
    if loaded.model is None or report.errors or report.unreadable:
        common.print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    if report.diagnostics:
        common.print_diagnostics(report, loaded.files)
    made = make_template(compile_ruleset(loaded.model, registry), rows)
    common.emit(made.data, output)
    model = loaded.model
    greyed, noted = len(made.greyed), len(made.noted)
    click.echo(
        f"wrote {output}: {model.id} {model.version}, {rows} case rows; {greyed} questions greyed where they do "
        f"not apply" + (f", {noted} with a note instead (Excel cannot be given their condition)" if noted else ""),
        err=True,
    )
    sys.exit(0)
