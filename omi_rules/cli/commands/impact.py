"""``omi-rules impact``: re-score inspections under two rulesets and list what moves."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from omi_rules.cli import common
from omi_rules.diagnostics import Report
from omi_rules.engine import cache


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--cases",
    "cases",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="A case file, a ratings file (*.ratings.yaml: an inspection replayed from its ratings), or a folder "
    "of inspections (repeat for more).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html", "xlsx"]),
    default="text",
    show_default=True,
    help="xlsx: a workbook, one sheet per table (needs --output).",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option(
    "--fail-on",
    type=click.Choice(["grade-change", "score-change"]),
    help="Exit with 1 when a conclusion, grade, rating, overall rating or decision changes (grade-change) "
    "or when anything moves.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes re-scoring inspections at once (default: one per core, from 8 inspections; 1: this one).",
)
@common.all_findings
@common.no_cache
def impact(
    old: Path,
    new: Path,
    cases: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    workers: int | None,
) -> None:
    """Re-score inspections under OLD and NEW and list every score, conclusion, grade and
    decision that moves, per inspection, with the questions that explain it."""
    from omi_rules.engine.compiled import compile_ruleset
    from omi_rules.lifecycle import impact as impact_module

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    report = Report()
    registry = common.load_plugins()
    loaded = [cache.checked_ruleset(path, report, registry) for path in (old, new)]
    if report.errors or report.unreadable or any(item.model is None for item in loaded):
        common.print_diagnostics(report, {k: v for item in loaded for k, v in item.files.items()})
        sys.exit(report.exit_code() or 1)
    models = [item.model for item in loaded]
    assert models[0] is not None and models[1] is not None
    compiled = [
        compile_ruleset(models[0], registry, loaded[0].sha256),
        compile_ruleset(models[1], registry, loaded[1].sha256),
    ]
    samples = impact_module.find_samples(cases)
    if not samples:
        raise click.UsageError("--cases: no case files found")
    result = _run_impact(impact_module, compiled, samples, (old, new), workers)
    names = (f"{models[0].id} {models[0].version}", f"{models[1].id} {models[1].version}")
    render = {
        "text": impact_module.as_text,
        "markdown": impact_module.as_markdown,
        "json": impact_module.as_json,
        "html": impact_module.as_html,
    }
    if fmt == "xlsx":
        from omi_rules.workbook.impact import impact_workbook

        common.emit(impact_workbook(result, *names), output)
    else:
        common.emit(render[fmt](result, *names), output)
    if output is not None:  # the report went to a file: name the inspections not scored here too
        for name, failure in sorted(result.failures.items()):
            click.echo(failure.describe(name), err=True)
    failed = (fail_on == "score-change" and result.moves) or (
        fail_on == "grade-change" and any(m.kind in impact_module.VERDICTS for m in result.moves)
    )
    sys.exit(1 if failed or result.failures else 0)


def _run_impact(
    module: Any, compiled: list[Any], samples: list[Any], paths: tuple[Path, Path], workers: int | None
) -> Any:
    """Run impact with a progress bar on long runs when stderr is a terminal."""
    if len(samples) < 5 or not sys.stderr.isatty():
        return module.impact(compiled[0], compiled[1], samples, paths=paths, workers=workers)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("re-scoring inspections", total=len(samples))
        return module.impact(
            compiled[0], compiled[1], samples, progress=lambda _: progress.advance(task), paths=paths, workers=workers
        )
