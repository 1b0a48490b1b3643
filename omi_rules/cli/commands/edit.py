"""``omi-rules get`` and ``omi-rules set``: read or change values of a ruleset from the command
line or a script, keeping every comment and the layout of the files.

Thin, like the other commands: the work is in ``omi_rules.edit``. ``set`` checks the edited
ruleset in memory and writes nothing when the change would introduce an error, because a
methodology with a gap between two bands or weights that do not add up must not reach the
files that score inspections; ``--force`` overrides that for a change made in several steps.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from omi_rules.cli import common
from omi_rules.diagnostics import Diagnostic, Severity, counted, formats, tally

PATH_HELP = (
    "PATH names keys, and list items by their id: band_sets/conclusion/bands/good/min, "
    "sections/1/criteria/1.1/weights/summary, fields/roh/values (items of a list without ids by "
    "number from 0: fields/roh/values/0); a last step - adds an item at the end of a list (set "
    "fields/roh/values/- extreme)."
)


def _print(diagnostics: list[Diagnostic], files: dict[str, list[str]]) -> None:
    """Diagnostics on standard error, as ``score`` prints them, with a count."""
    if not diagnostics:
        return
    click.echo(formats.human(common.shown(diagnostics), files, color=sys.stderr.isatty()), err=True)
    click.echo(counted(*tally(diagnostics)), err=True)


def _fail(exc: Any) -> NoReturn:
    """Report an ``EditError`` and exit: 2 if a file could not be read or written, else 1."""
    _print(exc.diagnostics, exc.files)
    sys.exit(2 if exc.unreadable else 1)


def _format(value: Any, fmt: str) -> str:
    """A value for printing: JSON, or YAML where text is printed as it is (no quotes)."""
    if fmt == "json":
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    if isinstance(value, str):
        return value + "\n"
    if not isinstance(value, dict | list):
        return json.dumps(value) + "\n"  # 71, 0.8, true, null: the same in YAML
    from omi_rules.yamlio.roundtrip import dump, make_yaml

    return dump(make_yaml(), value)


@click.command("get", epilog=PATH_HELP)
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("path")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="yaml: text as it is, lists and mappings as YAML; json: for programs.",
)
@common.all_findings
def get_command(ruleset: Path, path: str, fmt: str) -> None:
    """Print the value at PATH of a ruleset (part files and extends applied); where it is
    written goes to standard error."""
    from omi_rules.edit import EditError, RulesetEditor

    try:
        editor = RulesetEditor(ruleset)
        value, position = editor.get(path), editor.where(path)
    except EditError as exc:
        _fail(exc)
    click.echo(_format(value, fmt), nl=False)
    click.echo(f"from {position}", err=True)
    sys.exit(0)


@click.command("set", epilog=PATH_HELP)
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("assignments", nargs=-1, required=True, metavar="PATH VALUE [PATH VALUE]...")
@click.option("--string", "as_text", is_flag=True, help="Take each VALUE as text, exactly as given, not as YAML.")
@click.option("--dry-run", is_flag=True, help="Print the change as a unified diff; save nothing.")
@click.option("--force", is_flag=True, help="Save even if the change introduces errors.")
@common.all_findings
def set_command(ruleset: Path, assignments: tuple[str, ...], as_text: bool, dry_run: bool, force: bool) -> None:
    """Change values of a ruleset, keeping every comment, the key order, the quoting and the
    layout of all other lines.

    VALUE is YAML: 72, 0.25, "[low, medium, high]", "court_report != 'none'". Several PATH
    VALUE pairs are changed together (two band limits that meet). The ruleset is checked as
    changed before anything is written; a change that introduces an error is not saved
    (exit code 1) unless --force is given.
    """
    from omi_rules.edit import EditError, RulesetEditor, new_problems, parse_value

    if len(assignments) % 2:
        raise click.UsageError("give a VALUE after each PATH: PATH VALUE [PATH VALUE]...")
    pairs = list(zip(assignments[::2], assignments[1::2], strict=True))
    try:
        editor = RulesetEditor(ruleset)
    except EditError as exc:
        _fail(exc)
    problems: list[Diagnostic] = []
    files = dict(editor.files)
    for number, (path, text) in enumerate(pairs, 1):
        try:
            value = text if as_text else parse_value(text, "VALUE" if len(pairs) == 1 else f"VALUE{number}")
            editor.set(path, value)
        except EditError as exc:
            problems.extend(exc.diagnostics)
            files.update(exc.files)
    if problems:
        _print(problems, files)
        sys.exit(1)
    if not editor.diff():
        click.echo("nothing to change: the ruleset already has " + ("these values" if len(pairs) > 1 else "this value"))
        sys.exit(0)
    registry = common.load_plugins()
    before, _ = editor.check(registry, edited=False)
    after, files = editor.check(registry)
    introduced = new_problems(before, after) + editor.reformatted()
    errors = [d for d in introduced if d.severity is Severity.ERROR]
    if dry_run:
        click.echo(editor.diff(), nl=False)
    else:
        for change in editor.changes:
            click.echo(str(change))
    _print(introduced, files)
    if before.errors:
        count = len(before.errors)
        note = f"(the ruleset had {count} error{'s' * (count != 1)} before this change; they are not counted here)"
        click.echo(note, err=True)
    refused = f"the change introduces {len(errors)} error{'s' * (len(errors) != 1)}"
    if dry_run:
        click.echo("dry run: nothing saved" + (f"; it would be refused: {refused}" if errors else ""), err=True)
        sys.exit(1 if errors else 0)
    if errors and not force:
        click.echo(f"not saved: {refused}; correct the value, or use --force to save anyway", err=True)
        sys.exit(1)
    try:
        saved = editor.save()
    except EditError as exc:
        _fail(exc)
    for file in saved:
        click.echo(f"saved {file}")
    sys.exit(1 if errors else 0)
