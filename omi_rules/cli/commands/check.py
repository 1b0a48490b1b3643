"""``omi-rules check``: check rulesets for every problem at once, located in the files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.checks import check_ruleset
from omi_rules.cli import common
from omi_rules.diagnostics import Report, formats


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["human", "json", "github"]),
    default="human",
    show_default=True,
    help="human: source line and caret; json: for programs; github: workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@common.all_findings
def check(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check rulesets (folders or files): schema, references, bands, conditions.

    Exit code 0 when clean, 1 when there are errors (or warnings with --strict), 2 when a file
    cannot be read.
    """
    report = Report()
    files: dict[str, list[str]] = {}
    registry = common.load_plugins()
    paths = expand_ruleset_folders(paths)
    for path in paths:
        loaded = check_ruleset(path, report, registry)
        files.update(loaded.files)
    diagnostics = report.sorted()
    shown = common.shown(diagnostics)
    if fmt == "json":
        click.echo(formats.as_json(shown, len(paths), every=diagnostics))
    elif fmt == "github":
        if diagnostics:
            click.echo(formats.github(shown))
        click.echo(formats.summary(diagnostics, len(paths)), err=True)
    else:
        if diagnostics:
            click.echo(formats.human(shown, files, color=sys.stdout.isatty()) + "\n")
        click.echo(formats.summary(diagnostics, len(paths)))
    sys.exit(report.exit_code(strict))


def expand_ruleset_folders(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """A folder of rulesets (no ruleset.yaml of its own, sub-folders with one) stands for each
    of them, so `omi-rules check rulesets` checks them all (as the pre-commit hook does)."""
    out: list[Path] = []
    for path in paths:
        inner = sorted(p.parent for p in path.glob("*/ruleset.yaml")) if path.is_dir() else []
        if path.is_dir() and not (path / "ruleset.yaml").exists() and inner:
            out.extend(inner)
        else:
            out.append(path)
    return tuple(out)
