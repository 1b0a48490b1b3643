"""``omi-rules plugins``: the installed plugins, their status and what each provides."""

from __future__ import annotations

import sys

import click

from omi_rules.cli import common


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def plugins(fmt: str) -> None:
    """List the plugins: omi-rules' own rules and every installed plugin, with version, status
    and what each provides. Exit code 1 if any plugin failed to load or broke its contract."""
    import json

    registry = common.load_plugins()
    if fmt == "json":
        rows = [
            {"name": p.name, "version": p.version, "status": p.status, "provides": list(p.provides)}
            for p in registry.plugins
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        for p in registry.plugins:
            click.echo(f"{p.name} {p.version}: {p.status}")
            if p.provides:
                click.echo("  provides: " + ", ".join(p.provides))
    sys.exit(0 if all(p.ok for p in registry.plugins) else 1)
