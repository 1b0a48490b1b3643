"""``omi-rules schema``: print a published JSON Schema, for editors and for rulesets kept
outside the project.

Every schema in ``schemas/`` can be printed (a ruleset's main and part files, overlays,
ruleset tests, case data, judgements, results): an editor's modeline needs the one for the
file being edited, and a ruleset kept elsewhere needs a copy of each it uses.
"""

from __future__ import annotations

import click

from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model.schemas import CHECKS, PUBLISHED, SUFFIX, render_schema, schema_names


@click.command()
@click.argument("name", required=False)
@click.option("--part", is_flag=True, help="Print the schema of part files (the same as NAME ruleset-part).")
@click.option("--list", "list_names", is_flag=True, help="List the schemas that can be printed, and what each checks.")
def schema(name: str | None, part: bool, list_names: bool) -> None:
    """Print the JSON Schema (2020-12) NAME: ruleset (the default), part, overlay, part-overlay,
    tests, case-data, judgements or result. `--list` says what each checks."""
    if list_names:
        click.echo(_listing(), nl=False)
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
