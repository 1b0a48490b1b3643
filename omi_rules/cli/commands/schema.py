"""``omi-rules schema``: print the ruleset JSON Schema editors and ``check`` use."""

from __future__ import annotations

import click

from omi_rules.model.schemas import SCHEMAS, render_schema


@click.command()
@click.option("--part", is_flag=True, help="Print the schema of part files instead of main files.")
def schema(part: bool) -> None:
    """Print the ruleset JSON Schema (2020-12) that editors and `check` use."""
    name = "ruleset-part.schema.json" if part else "ruleset.schema.json"
    assert name in SCHEMAS
    click.echo(render_schema(name), nl=False)
