"""``omi-rules test``: run YAML ruleset tests, with coverage in methodology terms."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.cli import common


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--coverage", is_flag=True, help="Report coverage in methodology terms.")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Fail when coverage is below this percentage.")
@common.all_findings
@common.no_cache
def test_command(paths: tuple[Path, ...], coverage: bool, fail_under: float | None) -> None:
    """Run YAML ruleset tests (*.test.yaml files, or folders holding them): each test scores a
    small sample and compares the scores, grades and decisions it expects."""
    from omi_rules.lifecycle.ruleset_tests import Runner, find_test_files

    files = find_test_files(list(paths))
    if not files:
        raise click.UsageError("no *.test.yaml files found")
    runner = Runner(common.load_plugins())
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
            # The hint is how to fix it (did you mean, where a key belongs): never drop it.
            click.echo(f"  {problem.position}: {problem.severity.value}[{problem.code}]: {problem.message}")
            if problem.hint:
                click.echo(f"    = hint: {problem.hint}")
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
