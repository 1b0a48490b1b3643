"""``omi-rules schema``: print a published JSON Schema, for editors and for rulesets kept
outside the project.

Every schema in ``schemas/`` can be printed (a ruleset's main and part files, overlays,
ruleset tests, case data, judgements, results): an editor's modeline needs the one for the
file being edited, and a ruleset kept elsewhere needs a copy of each it uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model.schemas import CHECKS, PUBLISHED, SUFFIX, render_schema, schema_names


@click.command()
@click.argument("name", required=False)
@click.option("--part", is_flag=True, help="Print the schema of part files (the same as NAME ruleset-part).")
@click.option("--list", "list_names", is_flag=True, help="List the schemas that can be printed, and what each checks.")
@click.option(
    "--cases",
    "cases_of",
    type=click.Path(path_type=Path),
    metavar="RULESET",
    help="Print the schema of RULESET's case data: its fields, questions and allowed values.",
)
def schema(name: str | None, part: bool, list_names: bool, cases_of: Path | None) -> None:
    """Print the JSON Schema (2020-12) NAME: ruleset (the default), part, overlay, part-overlay,
    tests, case-data, judgements or result. `--list` says what each checks. `--cases RULESET`
    prints the schema of one ruleset's case data (the ruleset is checked first)."""
    if list_names:
        click.echo(_listing(), nl=False)
        return
    if cases_of is not None:
        if name is not None or part:
            raise click.UsageError("give a schema NAME, --part or --cases RULESET, not two of them")
        click.echo(_case_schema(cases_of), nl=False)
        return
    if part and name is not None:
        raise click.UsageError("give a schema NAME or --part, not both")
    click.echo(render_schema(_file(name or ("ruleset-part" if part else "ruleset"))), nl=False)


def _file(name: str) -> str:
    """The schema file a name stands for; an unknown name is a usage error (exit 2) that lists
    every name, with the nearest one first when there is one."""
    names = schema_names()
    file = names.get(name) or names.get(name.removesuffix(SUFFIX))
    if file is not None:
        return file
    nearest = did_you_mean(name, set(names))
    listed = ", ".join(names)
    raise click.BadParameter(
        f"unknown schema {name!r}" + (f" ({nearest})" if nearest else "") + f"; the schemas are: {listed}",
        param_hint="'NAME'",
    )


def _listing() -> str:
    """One line per schema: the names that print it, its file, what it checks."""
    aliases: dict[str, list[str]] = {}
    for alias, file in schema_names().items():
        aliases.setdefault(file, []).append(alias)
    rows = [(", ".join(aliases[file]), file, CHECKS[file]) for file in PUBLISHED]
    width = max(len(names) for names, _, _ in rows)
    return "".join(f"{names:<{width}}  {file}: {checks}\n" for names, file, checks in rows)


def _case_schema(ruleset: Path) -> str:
    """The case-data schema of a checked ruleset; its errors are reported (exit 1 or 2)."""
    from omi_rules.casedata.schema import render_case_schema
    from omi_rules.checks import check_ruleset
    from omi_rules.cli import common
    from omi_rules.diagnostics import Report

    report = Report()
    loaded = check_ruleset(ruleset, report, common.load_plugins())
    if loaded.model is None or report.errors or report.unreadable:
        common.print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    return render_case_schema(loaded.model)
