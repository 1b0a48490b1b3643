"""``check``'s pipeline: load each ruleset, validate, run the semantic checks.

Kept apart from the CLI so tests and other commands (``score`` later) use the same steps.
"""

from __future__ import annotations

from pathlib import Path

from omi_rules.checks import run_checks
from omi_rules.diagnostics import Report
from omi_rules.loader import LoadedRuleset, load_ruleset
from omi_rules.plugins.manager import Registry


def check_ruleset(path: Path, report: Report, registry: Registry | None = None) -> LoadedRuleset:
    """Load and check one ruleset, adding every finding to ``report``.

    ``registry`` holds the plugins' rules; by default only omi-rules' own.
    """
    loaded = load_ruleset(path)
    report.extend(loaded.diagnostics)
    report.unreadable = report.unreadable or loaded.unreadable
    if loaded.model is not None:
        report.extend(
            run_checks(loaded.model, loaded.source_map, loaded.files, loaded.pruned, loaded.complete, registry)
        )
    return loaded
