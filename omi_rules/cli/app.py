"""The ``omi-rules`` command line.

Exit codes (BRIEF section 6): 0 ok; 1 the rules, data or tests are wrong (findings reported);
2 usage or unreadable input; 3 internal error (short message; traceback only with --debug).
This module is the group: global options, and the one place where an unexpected exception
becomes exit code 3. Each command lives in ``omi_rules.cli.commands``, one module per command
(``get`` and ``set`` share ``edit``); the commands are thin: they parse arguments, call the stage
that does the work and render.
"""

from __future__ import annotations

import errno
import traceback
from typing import Any

import click

from omi_rules import __version__
from omi_rules.cli.commands import check, diff, docs, edit, explain, impact, plan, plugins, resolve, schema, score, test
from omi_rules.plugins.manager import PluginFailure

EXIT_INTERNAL = 3


_REFUSED_PATH = {errno.ENAMETOOLONG, errno.ELOOP, errno.EACCES, errno.EPERM}
"""Errors with which the system refuses a path the user gave (name too long, a loop of links,
no permission): unreadable input (exit 2), wherever the path is first looked at."""


class _Group(click.Group):
    """Turns any unexpected exception into exit code 3 with a one-line message."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # A NUL character cannot come from a real command line, but called in-process it would
        # reach os.stat inside click.Path and raise ValueError (found by tests/fuzz).
        if any("\x00" in arg for arg in args):
            raise click.UsageError("an argument contains a NUL character", ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except PluginFailure as exc:  # the plugin's fault, not omi-rules': name it
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            click.echo(
                f"omi-rules: {exc}\nReport it to the plugin's authors; `omi-rules plugins` lists them.", err=True
            )
            ctx.exit(EXIT_INTERNAL)
        except Exception as exc:  # the last line of defence: exit 3, no traceback
            if isinstance(exc, OSError) and exc.errno in _REFUSED_PATH and exc.filename is not None:
                click.echo(f"{exc.filename}: error[Y001]: {exc.strerror}", err=True)
                ctx.exit(2)
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


main.add_command(check.check)
main.add_command(score.score)
main.add_command(explain.explain)
main.add_command(docs.docs_command)
main.add_command(test.test_command)
main.add_command(resolve.resolve)
main.add_command(diff.diff)
main.add_command(impact.impact)
main.add_command(plan.plan_command)
main.add_command(plugins.plugins)
main.add_command(schema.schema)
main.add_command(edit.get_command)
main.add_command(edit.set_command)
