"""``omi-rules diff``: what changed between two rulesets, in methodology terms."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omi_rules.checks import check_ruleset
from omi_rules.cli import common
from omi_rules.diagnostics import Report


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json", "html"]), default="text", show_default=True
)
@click.option("--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option("--exit-code", is_flag=True, help="Exit with 1 when there is any change (for CI gates).")
@common.all_findings
def diff(old: Path, new: Path, fmt: str, output: Path | None, exit_code: bool) -> None:
    """What changed between two rulesets, in methodology terms: criteria, questions,
    conditions, weights, bands, decisions and sample rules added, removed or changed.

    Comments, key order, formatting and conditions rewritten with the same meaning are no
    change. Both rulesets are checked first.
    """
    from omi_rules.lifecycle import diff as diff_module

    report = Report()
    registry = common.load_plugins()
    loaded = [check_ruleset(path, report, registry) for path in (old, new)]
    if report.errors or report.unreadable or any(item.model is None for item in loaded):
        files = {k: v for item in loaded for k, v in item.files.items()}
        common.print_diagnostics(report, files)
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
    common.emit(text, output)
    sys.exit(1 if exit_code and changes else 0)
