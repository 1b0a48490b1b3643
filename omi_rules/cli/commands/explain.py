"""``omi-rules explain``: how a number was made, down to the cases and conditions behind it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.cli import common


@click.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("cases", metavar="[CASES]")
@click.argument("target", required=False)
@click.option("--judgements", type=click.Path(path_type=Path), help="Section 4 judgements (YAML).")
@click.option("--where", help="Explain the score of the cases matching this condition.")
@click.option("--cases", "show_cases", is_flag=True, help="List the cases behind each count.")
@click.option("--case", "case_id", help="Show why each question was or was not relevant to this case.")
@click.option("--unanswered", type=click.Choice(["error", "warning"]), help="As for score.")
@click.option("--surveys", "surveys", multiple=True, metavar="PATH", help="Survey data, as for score.")
@common.all_findings
@common.no_cache
@common.precision_options
def explain(
    ruleset: Path,
    cases: str,
    target: str | None,
    judgements: Path | None,
    where: str | None,
    show_cases: bool,
    case_id: str | None,
    unanswered: str | None,
    uncertainty: bool,
    confidence: float | None,
    replicates: int | None,
    seed: int | None,
    caseload: int | None,
    surveys: tuple[str, ...],
) -> None:
    """Explain how a number was made: TARGET is a criterion, question, section, thread,
    decision, judged criterion or overall rating id.

    Without CASES (``explain RULESET TARGET --judgements RATINGS``) the result comes from the
    ratings given in the judgements file alone, as for ``score``: decisions, overall ratings
    and ratings can then be explained. --uncertainty adds the figure's interval and the share
    of resamples of the cases in each band."""
    from omi_rules.engine import explain as explain_module
    from omi_rules.engine import pipeline as score_pipeline

    case_file: Path | None = Path(cases)
    if target is None:  # RULESET TARGET: no case file
        case_file, target = None, cases
        if where is not None:
            raise click.UsageError("--where needs a case file")
    precision = common.precision(uncertainty, confidence, replicates, seed, caseload)
    scored = score_pipeline.score(
        ruleset,
        case_file,
        judgements,
        where,
        None,
        unanswered,
        common.load_plugins(),
        uncertainty=precision,
        surveys=surveys,
    )
    files = dict(scored.files)
    if case_file is not None:
        files[str(case_file)] = common.text_lines(case_file)
    if scored.result is None:
        common.print_diagnostics(scored.report, files)
        sys.exit(scored.report.exit_code() or 1)
    try:
        click.echo(explain_module.explain(scored, target, show_cases, case_id), nl=False)
        if uncertainty:
            from omi_rules.report.uncertainty import explain_text

            click.echo(explain_text(scored.result, target), nl=False)
    except explain_module.ExplainError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(0)
