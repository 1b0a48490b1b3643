"""The ``omi-rules`` command line.

Exit codes (BRIEF section 6): 0 ok; 1 the rules, data or tests are wrong (findings reported);
2 usage or unreadable input; 3 internal error (short message; traceback only with --debug).
The commands are thin: they parse arguments, call the pipeline and render.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from omi_rules import __version__, render
from omi_rules.diagnostics import Report
from omi_rules.pipeline import check_ruleset
from omi_rules.schema_gen import SCHEMAS, render_schema

EXIT_INTERNAL = 3


class _Group(click.Group):
    """Turns any unexpected exception into exit code 3 with a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                click.echo(
                    f"omi-rules: internal error: {type(exc).__name__}: {exc}\n"
                    "This is a bug in omi-rules; run again with --debug for details.",
                    err=True,
                )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omi-rules")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Inspection methodologies as versioned, checked YAML rulesets."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.command()
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
def check(paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check rulesets (folders or files): schema, references, bands, conditions.

    Exit code 0 when clean, 1 when there are errors (or warnings with --strict), 2 when a file
    cannot be read.
    """
    report = Report()
    files: dict[str, list[str]] = {}
    for path in paths:
        loaded = check_ruleset(path, report)
        files.update(loaded.files)
    diagnostics = report.sorted()
    if fmt == "json":
        click.echo(render.as_json(diagnostics, len(paths)))
    elif fmt == "github":
        if diagnostics:
            click.echo(render.github(diagnostics))
        click.echo(render.summary(diagnostics, len(paths)), err=True)
    else:
        if diagnostics:
            click.echo(render.human(diagnostics, files, color=sys.stdout.isatty()) + "\n")
        click.echo(render.summary(diagnostics, len(paths)))
    sys.exit(report.exit_code(strict))


@main.command()
@click.option("--part", is_flag=True, help="Print the schema of part files instead of main files.")
def schema(part: bool) -> None:
    """Print the ruleset JSON Schema (2020-12) that editors and `check` use."""
    name = "ruleset-part.schema.json" if part else "ruleset.schema.json"
    assert name in SCHEMAS
    click.echo(render_schema(name), nl=False)
