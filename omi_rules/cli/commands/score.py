"""``omi-rules score``: the Summary of Scores of a case sample, in every output format."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click

from omi_rules.cli import common
from omi_rules.diagnostics import formats


@click.command()
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.argument("cases", type=click.Path(path_type=Path), required=False)
@click.option(
    "--judgements", type=click.Path(path_type=Path), help="Judgements and given ratings (YAML) of the judged criteria."
)
@click.option(
    "--surveys",
    "surveys",
    multiple=True,
    metavar="PATH",
    help="Survey data: a survey data file (YAML), a folder of them, or NAME=FILE for respondent rows "
    "(CSV/Excel) of survey NAME. Repeatable.",
)
@click.option("--where", help='Score only the cases matching this condition, e.g. "tier == 4".')
@click.option("--by", "by", help="Also score each group of this enum or bool field, e.g. sentence.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "html", "xlsx"]),
    default="table",
    show_default=True,
    help="table: terminal tables; json: the full result; markdown; html: one self-contained page; "
    "xlsx: a workbook, one sheet per table (needs --output).",
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option(
    "--unanswered",
    type=click.Choice(["error", "warning"]),
    help="A relevant question left unanswered: error (default, or as the ruleset says) or warning.",
)
@common.precision_options
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="RULESET is a folder of versions: use the one in force on this date (YYYY-MM-DD).",
)
@common.all_findings
@common.no_cache
def score(
    ruleset: Path,
    cases: Path | None,
    judgements: Path | None,
    surveys: tuple[str, ...],
    where: str | None,
    by: str | None,
    fmt: str,
    output: Path | None,
    unanswered: str | None,
    as_of: Any,
    uncertainty: bool,
    confidence: float | None,
    replicates: int | None,
    seed: int | None,
    caseload: int | None,
) -> None:
    """Score a case sample: the report's Summary of Scores, ratings and overall ratings.

    Checks the ruleset and the data first; any error is reported (exit 1, or 2 for unreadable
    input) and nothing is scored. Without CASES, the ratings given in --judgements are rated
    and rolled up alone (a published inspection replayed from its ratings).

    --uncertainty adds how sure each figure is: its interval, the share of resamples of the
    cases in each band, and the conclusions a resample could change. The JSON always has it.
    """
    # Imported here so that `check` and `--help` do not pay for the engine's imports.
    from omi_rules.engine import pipeline as score_pipeline

    if cases is None and judgements is None:
        raise click.UsageError("give CASES, or --judgements with the ratings to roll up (or both)")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if as_of is not None:
        ruleset = _version_in_force(ruleset, as_of.date())
    from omi_rules.report import output as report_output
    from omi_rules.report import text as report_text
    from omi_rules.report.surveys import survey_sections
    from omi_rules.report.tables import plugin_section_reports

    precision = common.precision(
        uncertainty or fmt == "json", confidence, replicates, seed, caseload, json_errors=fmt == "json"
    )
    try:
        registry = common.load_plugins()
        scored = score_pipeline.score(
            ruleset, cases, judgements, where, by, unanswered, registry, uncertainty=precision, surveys=surveys
        )
    except score_pipeline.UsageError as exc:
        raise click.UsageError(str(exc)) from None
    files = dict(scored.files)
    if cases is not None:
        files[str(cases)] = common.text_lines(cases)
    if judgements is not None:
        files[str(judgements)] = common.text_lines(judgements)
    if surveys:  # the survey data reader is imported only when there is survey data
        from omi_rules.casedata.surveys import survey_files

        for _, path in survey_files(surveys):
            files[str(path)] = common.text_lines(path)
    if scored.result is None:
        if fmt == "json":  # programs get the findings as JSON, like `check --format json`
            every = scored.report.sorted()
            click.echo(formats.as_json(common.shown(every), 1, every=every))
        else:
            common.print_diagnostics(scored.report, files)
        sys.exit(scored.report.exit_code() or 1)
    if scored.report.diagnostics and fmt != "json":
        common.print_diagnostics(scored.report, files)
    result = scored.result
    assert scored.compiled is not None
    extra = (
        plugin_section_reports(result)
        + survey_sections(result)
        + registry.report_sections(result, scored.compiled.model)
    )
    if uncertainty:
        from omi_rules.report.uncertainty import uncertainty_sections

        extra = extra + uncertainty_sections(result)
    if fmt == "json":
        text = report_output.as_json(result)
    elif fmt == "markdown":
        assert scored.compiled is not None
        text = report_text.markdown(result, extra)
    elif fmt == "html":
        from omi_rules.report.html import render_html

        assert scored.compiled is not None
        text = render_html(result, scored.compiled.model, extra)
    elif fmt == "xlsx":
        from omi_rules.workbook.results import result_workbook

        common.emit(result_workbook(result, scored.compiled.model.rounding, extra), output)
        sys.exit(0)
    else:
        on_terminal = output is None and sys.stdout.isatty()
        width = max(80, shutil.get_terminal_size((110, 24)).columns) if on_terminal else 110
        text = report_text.terminal(result, width=width, color=on_terminal, extra_sections=extra)
    common.emit(text, output)
    sys.exit(0)


def _version_in_force(ruleset: Path, date: Any) -> Path:
    """``--as-of``: the version of RULESET's methodology in force on ``date``, among the rulesets
    beside it (or, for a folder of versions, in it). A usage error if none is in force."""
    from omi_rules.ruleset.versions import in_force, versions

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
