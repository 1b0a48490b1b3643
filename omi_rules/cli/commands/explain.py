"""``omi-rules explain``: how a number was made, down to the cases and conditions behind it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.cli import common


@click.command()
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
    from omi_rules.engine import explain as explain_module
    from omi_rules.engine import pipeline as score_pipeline

    scored = score_pipeline.score(ruleset, cases, judgements, where, None, unanswered, common.load_plugins())
    files = dict(scored.files)
    files[str(cases)] = common.text_lines(cases)
    if scored.result is None:
        common.print_diagnostics(scored.report, files)
        sys.exit(scored.report.exit_code() or 1)
    try:
        click.echo(explain_module.explain(scored, target, show_cases, case_id), nl=False)
    except explain_module.ExplainError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(0)
