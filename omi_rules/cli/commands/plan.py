"""``omi-rules plan``: the cases a sample needs for each criterion's margin, and what the
ruleset's sample size achieves."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.cli import common
from omi_rules.diagnostics import Report, formats


@click.command("plan")
@click.argument("ruleset", type=click.Path(path_type=Path))
@click.option(
    "--sample",
    "past",
    type=click.Path(path_type=Path),
    help="A past case sample: plan from its relevance rates and answers (else a worst-case plan).",
)
@click.option(
    "--margin",
    type=float,
    help="Half-width of each criterion score's interval, in percentage points (default: the ruleset's, else 5).",
)
@click.option("--confidence", type=float, help="Confidence (default: the ruleset's, else 0.95).")
@click.option("--caseload", type=int, help="Cases the sample will be drawn from (finite-population correction).")
@click.option(
    "--relevance",
    type=float,
    default=1.0,
    show_default=True,
    help="Without --sample: the share of cases each question is assumed judged on.",
)
@click.option("--unanswered", type=click.Choice(["error", "warning"]), help="As for score, for the past sample.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plan_command(
    ruleset: Path,
    past: Path | None,
    margin: float | None,
    confidence: float | None,
    caseload: int | None,
    relevance: float,
    unanswered: str | None,
    fmt: str,
) -> None:
    """Plan a sample: for each criterion, the cases needed for its score to be within
    --margin points at --confidence, given the relevance rates of a past sample (--sample),
    and the margin the ruleset's sample size (sample.size) achieves."""
    from omi_rules.diagnostics import Position
    from omi_rules.diagnostics.codes import make
    from omi_rules.engine.precision import Options, check_options
    from omi_rules.lifecycle.plan import plain, plan

    problems = check_options(Options(confidence=confidence, caseload=caseload, margin=margin))
    if not 0 < relevance <= 1:
        problems.append(
            make(
                "U001",
                f"--relevance {relevance:g}: a share of cases is more than 0 and at most 1",
                Position("--relevance", 1, len("--relevance") + 2),
                hint=f"did you mean {relevance / 100:g}?" if 1 < relevance <= 100 else "e.g. --relevance 0.5",
            )
        )
    if problems:
        report = Report()
        report.extend(problems)
        _fail(report, {}, fmt, 2)
    planned = plan(ruleset, past, margin, confidence, caseload, relevance, unanswered)
    files = dict(planned.files or {})
    if past is not None:
        files[str(past)] = common.text_lines(past)
    if planned.plan is None:
        _fail(planned.report, files, fmt, planned.report.exit_code() or 1)
        return
    if fmt == "json":
        click.echo(planned.plan.model_dump_json(indent=2))
    else:
        if planned.report.diagnostics:
            common.print_diagnostics(planned.report, files)
        click.echo(plain(planned.plan), nl=False)
    sys.exit(0)


def _fail(report: Report, files: dict[str, list[str]], fmt: str, code: int) -> None:
    """Print the diagnostics (JSON for programs) and exit with ``code``."""
    if fmt == "json":
        click.echo(formats.as_json(report.sorted(), 1))
    else:
        common.print_diagnostics(report, files)
    sys.exit(code)
