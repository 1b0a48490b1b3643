"""The ``omi-rules`` command line.

Exit codes (BRIEF section 6): 0 ok; 1 the rules, data or tests are wrong (findings reported);
2 usage or unreadable input; 3 internal error (short message; traceback only with --debug).
The commands are thin: they parse arguments, call the pipeline and render.
"""

from __future__ import annotations

import errno
import shutil
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from omi_rules import __version__, cli_edit, render
from omi_rules.diagnostics import Report
from omi_rules.pipeline import check_ruleset
from omi_rules.plugins.manager import PluginFailure, load_plugins
from omi_rules.schema_gen import SCHEMAS, render_schema

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
    registry = load_plugins()
    paths = _expand_ruleset_folders(paths)
    for path in paths:
        loaded = check_ruleset(path, report, registry)
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


def _version_in_force(ruleset: Path, date: Any) -> Path:
    """``--as-of``: the version of RULESET's methodology in force on ``date``, among the rulesets
    beside it (or, for a folder of versions, in it). A usage error if none is in force."""
    from omi_rules.versions import in_force, versions

    if (ruleset / "ruleset.yaml").exists():
        folder = ruleset.parent
        same = [v for v in versions(folder) if v.path.resolve() == ruleset.resolve()]
        root = same[0].root if same else None
    else:
        folder, root = ruleset, None
        roots = {v.root for v in versions(folder)}
        if len(roots) > 1:
            raise click.UsageError(
                f"--as-of: {folder} holds several methodologies ({', '.join(sorted(roots))}); "
                "give one of its rulesets instead, e.g. rulesets/omi-2008"
            )
    chosen = in_force(folder, date, root)
    if chosen is None:
        known = "; ".join(
            f"{v.id} {v.version}: {v.start} to {v.end or 'now'}" for v in versions(folder) if root in (None, v.root)
        )
        raise click.UsageError(f"--as-of {date}: no ruleset in {folder} is in force then ({known or 'none found'})")
    click.echo(f"using {chosen.id} {chosen.version} (in force from {chosen.start})", err=True)
    return chosen.path


def _expand_ruleset_folders(paths: tuple[Path, ...]) -> tuple[Path, ...]:
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


def _text_lines(path: Path) -> list[str]:
    """Lines of a YAML/JSON input, for showing the offending line under a diagnostic.

    Not for CSV: there a diagnostic's column is the cell's number (as a spreadsheet counts),
    not a character offset, so a caret under the line would point at the wrong text.
    """
    if path.suffix.lower() not in (".json", ".yaml", ".yml") or not path.is_file():
        return []
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _emit(text: str, output: Path | None) -> None:
    """Write a command's output to ``--output`` atomically, or print it.

    The import is deferred because ``report.output`` pulls in jinja2 and the result model,
    which commands that fail early (or only print) should not pay for at start-up.
    """
    if output is None:
        click.echo(text, nl=False)
        return
    from omi_rules.report.output import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:  # a folder, a missing folder, no permission: a usage error, not a bug
        raise click.BadParameter(f"cannot write {str(output)!r}: {exc.strerror}", param_hint="'--output'") from None


def _print_diagnostics(report: Report, files: dict[str, list[str]]) -> None:
    diagnostics = report.sorted()
    if diagnostics:
        click.echo(render.human(diagnostics, files, color=sys.stderr.isatty()), err=True)
        errors = len(report.errors)
        click.echo(
            f"{errors} error{'s' * (errors != 1)}, {len(diagnostics) - errors} warning"
            f"{'s' * (len(diagnostics) - errors != 1)}",
            err=True,
        )


@main.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("cases", type=click.Path(path_type=Path))
@click.option("--judgements", type=click.Path(path_type=Path), help="Section 4 judgements (YAML).")
@click.option("--where", help='Score only the cases matching this condition, e.g. "tier == 4".')
@click.option("--by", "by", help="Also score each group of this enum or bool field, e.g. sentence.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html"]),
    default="table",
    show_default=True,
    help="table: terminal tables; json: the full result; markdown; html: one self-contained page.",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option(
    "--unanswered",
    type=click.Choice(["error", "warning"]),
    help="A relevant question left unanswered: error (default, or as the ruleset says) or warning.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="RULESET is a folder of versions: use the one in force on this date (YYYY-MM-DD).",
)
def score(
    ruleset: Path,
    cases: Path,
    judgements: Path | None,
    where: str | None,
    by: str | None,
    fmt: str,
    output: Path | None,
    unanswered: str | None,
    as_of: Any,
) -> None:
    """Score a case sample: the report's Summary of Scores.

    Checks the ruleset and the data first; any error is reported (exit 1, or 2 for unreadable
    input) and nothing is scored.
    """
    # Imported here so that `check` and `--help` do not pay for the engine's imports.
    from omi_rules import score_pipeline

    if as_of is not None:
        ruleset = _version_in_force(ruleset, as_of.date())
    from omi_rules.report import output as report_output
    from omi_rules.report import text as report_text
    from omi_rules.report.tables import plugin_section_reports

    try:
        registry = load_plugins()
        scored = score_pipeline.score(ruleset, cases, judgements, where, by, unanswered, registry)
    except score_pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None
    files = dict(scored.files)
    files[str(cases)] = _text_lines(cases)
    if judgements is not None:
        files[str(judgements)] = _text_lines(judgements)
    if scored.result is None:
        if fmt == "json":  # programs get the findings as JSON, like `check --format json`
            click.echo(render.as_json(scored.report.sorted(), 1))
        else:
            _print_diagnostics(scored.report, files)
        sys.exit(scored.report.exit_code() or 1)
    if scored.report.diagnostics and fmt != "json":
        _print_diagnostics(scored.report, files)
    result = scored.result
    assert scored.compiled is not None
    extra = plugin_section_reports(result) + registry.report_sections(result, scored.compiled.model)
    if fmt == "json":
        text = report_output.as_json(result)
    elif fmt == "markdown":
        assert scored.compiled is not None
        text = report_text.markdown(result, extra)
    elif fmt == "html":
        from omi_rules.report.html import render_html

        assert scored.compiled is not None
        text = render_html(result, scored.compiled.model, extra)
    else:
        on_terminal = output is None and sys.stdout.isatty()
        width = max(80, shutil.get_terminal_size((110, 24)).columns) if on_terminal else 110
        text = report_text.terminal(result, width=width, color=on_terminal, extra_sections=extra)
    _emit(text, output)
    sys.exit(0)


@main.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("cases", type=click.Path(path_type=Path))
@click.argument("target")
@click.option("--judgements", type=click.Path(path_type=Path), help="Section 4 judgements (YAML).")
@click.option("--where", help="Explain the score of the cases matching this condition.")
@click.option("--cases", "show_cases", is_flag=True, help="List the cases behind each count.")
@click.option("--case", "case_id", help="Show why each question was or was not relevant to this case.")
@click.option("--unanswered", type=click.Choice(["error", "warning"]), help="As for score.")
def explain(
    ruleset: Path,
    cases: Path,
    target: str,
    judgements: Path | None,
    where: str | None,
    show_cases: bool,
    case_id: str | None,
    unanswered: str | None,
) -> None:
    """Explain how a number was made: TARGET is a criterion, question, section, thread,
    decision or judged criterion id."""
    from omi_rules import explain as explain_module
    from omi_rules import score_pipeline

    scored = score_pipeline.score(ruleset, cases, judgements, where, None, unanswered, load_plugins())
    files = dict(scored.files)
    files[str(cases)] = _text_lines(cases)
    if scored.result is None:
        _print_diagnostics(scored.report, files)
        sys.exit(scored.report.exit_code() or 1)
    try:
        click.echo(explain_module.explain(scored, target, show_cases, case_id), nl=False)
    except explain_module.ExplainError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(0)


@main.command("docs")
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["html", "markdown"]), default="html", show_default=True, help="Output format."
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
def docs_command(ruleset: Path, fmt: str, output: Path | None) -> None:
    """Write the methodology handbook of a ruleset: every criterion, question and rule in plain
    English, with the source or assumption behind each. The ruleset is checked first."""
    from omi_rules.handbook.render import render_handbook

    report = Report()
    loaded = check_ruleset(ruleset, report, load_plugins())
    if loaded.model is None or report.errors or report.unreadable:
        _print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    text = render_handbook(loaded.model, "html" if fmt == "html" else "markdown")
    _emit(text, output)
    sys.exit(0)


@main.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--coverage", is_flag=True, help="Report coverage in methodology terms.")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Fail when coverage is below this percentage.")
def test_command(paths: tuple[Path, ...], coverage: bool, fail_under: float | None) -> None:
    """Run YAML ruleset tests (*.test.yaml files, or folders holding them): each test scores a
    small sample and compares the scores, grades and decisions it expects."""
    from omi_rules.ruleset_tests import Runner, find_test_files

    files = find_test_files(list(paths))
    if not files:
        raise click.UsageError("no *.test.yaml files found")
    runner = Runner(load_plugins())
    for file in files:
        runner.run_file(file)
    failed = 0
    for outcome in runner.run.outcomes:
        if outcome.passed:
            click.echo(f"PASS {outcome.file}: {outcome.name}")
            continue
        failed += 1
        click.echo(f"FAIL {outcome.file}: {outcome.name}")
        for failure in outcome.failures:
            click.echo(f"  {failure.position}: error[T002]: {failure.message}")
            if failure.trail:
                click.echo("\n".join("      " + line for line in failure.trail.rstrip().splitlines()))
        for problem in outcome.problems:
            click.echo(f"  {problem.position}: error[{problem.code}]: {problem.message}")
    total = len(runner.run.outcomes)
    click.echo(f"{total - failed} passed, {failed} failed")
    below = False
    if coverage or fail_under is not None:
        for ruleset_name, cov in runner.run.coverage.items():
            click.echo(f"coverage of {ruleset_name}: {cov.percent():.1f}%")
            for category in cov.items:
                missing = cov.missing(category)
                shown = ", ".join(missing[:8]) + (", ..." if len(missing) > 8 else "")
                click.echo(
                    f"  {category}: {cov.percent(category):.1f}%" + (f" (not reached: {shown})" if missing else "")
                )
            below = below or (fail_under is not None and cov.percent() < fail_under)
        if below:
            click.echo(f"coverage is below {fail_under:g}%")
    sys.exit(1 if failed or below else 0)


@main.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
def resolve(ruleset: Path, fmt: str, output: Path | None) -> None:
    """Print the fully resolved ruleset (part files and `extends` applied), each item with the
    file and line it comes from. The ruleset is checked first."""
    from omi_rules import resolve as resolve_module

    report = Report()
    loaded = check_ruleset(ruleset, report, load_plugins())
    if loaded.data is None or report.errors or report.unreadable:
        _print_diagnostics(report, loaded.files)
        sys.exit(report.exit_code() or 1)
    text = resolve_module.as_json(loaded) if fmt == "json" else resolve_module.as_yaml(loaded)
    _emit(text, output)
    sys.exit(0)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default="text", show_default=True
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option("--exit-code", is_flag=True, help="Exit with 1 when there is any change (for CI gates).")
def diff(old: Path, new: Path, fmt: str, output: Path | None, exit_code: bool) -> None:
    """What changed between two rulesets, in methodology terms: criteria, questions,
    conditions, weights, bands, decisions and sample rules added, removed or changed.

    Comments, key order, formatting and conditions rewritten with the same meaning are no
    change. Both rulesets are checked first.
    """
    from omi_rules import diff as diff_module

    report = Report()
    registry = load_plugins()
    loaded = [check_ruleset(path, report, registry) for path in (old, new)]
    if report.errors or report.unreadable or any(item.model is None for item in loaded):
        files = {k: v for item in loaded for k, v in item.files.items()}
        _print_diagnostics(report, files)
        sys.exit(report.exit_code() or 1)
    old_model, new_model = loaded[0].model, loaded[1].model
    assert old_model is not None and new_model is not None
    changes = diff_module.diff_rulesets(old_model, new_model)
    names = (f"{old_model.id} {old_model.version}", f"{new_model.id} {new_model.version}")
    render = {
        "text": diff_module.as_text,
        "markdown": diff_module.as_markdown,
        "json": diff_module.as_json,
        "html": diff_module.as_html,
    }[fmt]
    text = render(changes, *names)
    _emit(text, output)
    sys.exit(1 if exit_code and changes else 0)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--cases",
    "cases",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="A case file, or a folder of inspections (repeat for more).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default="text", show_default=True
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option(
    "--fail-on",
    type=click.Choice(["grade-change", "score-change"]),
    help="Exit with 1 when a conclusion, grade or decision changes (grade-change) or when anything moves.",
)
def impact(old: Path, new: Path, cases: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str | None) -> None:
    """Re-score inspections under OLD and NEW and list every score, conclusion, grade and
    decision that moves, per inspection, with the questions that explain it."""
    from omi_rules import impact as impact_module
    from omi_rules.engine.compiled import compile_ruleset

    report = Report()
    registry = load_plugins()
    loaded = [check_ruleset(path, report, registry) for path in (old, new)]
    if report.errors or report.unreadable or any(item.model is None for item in loaded):
        _print_diagnostics(report, {k: v for item in loaded for k, v in item.files.items()})
        sys.exit(report.exit_code() or 1)
    models = [item.model for item in loaded]
    assert models[0] is not None and models[1] is not None
    compiled = [compile_ruleset(models[0], registry), compile_ruleset(models[1], registry)]
    samples = impact_module.find_samples(cases)
    if not samples:
        raise click.UsageError("--cases: no case files found")
    result = _run_impact(impact_module, compiled, samples)
    names = (f"{models[0].id} {models[0].version}", f"{models[1].id} {models[1].version}")
    render = {
        "text": impact_module.as_text,
        "markdown": impact_module.as_markdown,
        "json": impact_module.as_json,
        "html": impact_module.as_html,
    }
    text = render[fmt](result, *names)
    _emit(text, output)
    if output is not None:  # the report went to a file: name the inspections not scored here too
        for name, why in sorted(result.failed.items()):
            click.echo(f"{name}: not scored {why}", err=True)
    failed = (fail_on == "score-change" and result.moves) or (
        fail_on == "grade-change" and any(m.kind in ("conclusion", "grade", "decision") for m in result.moves)
    )
    sys.exit(1 if failed or result.failed else 0)


def _run_impact(module: Any, compiled: list[Any], samples: list[Any]) -> Any:
    """Run impact with a progress bar on long runs when stderr is a terminal."""
    if len(samples) < 5 or not sys.stderr.isatty():
        return module.impact(compiled[0], compiled[1], samples)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("re-scoring inspections", total=len(samples))
        return module.impact(compiled[0], compiled[1], samples, progress=lambda _: progress.advance(task))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def plugins(fmt: str) -> None:
    """List the plugins: omi-rules' own rules and every installed plugin, with version, status
    and what each provides. Exit code 1 if any plugin failed to load or broke its contract."""
    import json

    registry = load_plugins()
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


@main.command()
@click.option("--part", is_flag=True, help="Print the schema of part files instead of main files.")
def schema(part: bool) -> None:
    """Print the ruleset JSON Schema (2020-12) that editors and `check` use."""
    name = "ruleset-part.schema.json" if part else "ruleset.schema.json"
    assert name in SCHEMAS
    click.echo(render_schema(name), nl=False)


main.add_command(cli_edit.get_command)
main.add_command(cli_edit.set_command)
