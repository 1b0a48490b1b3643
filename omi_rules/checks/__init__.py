"""Semantic checks of a loaded ruleset: everything the JSON Schema cannot say.

Each module checks one concern and reports through ``CheckContext``; ``run_checks`` runs them
all so that one ``check`` reports every problem at once. ``check_ruleset`` is ``check``'s whole
pipeline for one ruleset (load, schema, semantic checks); the other commands that read a ruleset
call the same function, so none of them accepts a ruleset ``check`` refuses.
"""

from __future__ import annotations

from pathlib import Path

from omi_rules.checks import conditions, metadata, plugins, ratings, references, structure, surveys
from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics import Diagnostic, Report
from omi_rules.model import Ruleset
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.ruleset.loader import LoadedRuleset, Pruned, load_ruleset
from omi_rules.yamlio.reader import SourceMap

CHECKS = (references.run, structure.run, ratings.run, surveys.run, metadata.run, conditions.run, plugins.run)


def run_checks(
    model: Ruleset,
    source_map: SourceMap,
    files: dict[str, list[str]],
    pruned: Pruned | None = None,
    complete: bool = True,
    registry: Registry | None = None,
) -> list[Diagnostic]:
    """All semantic diagnostics of ``model``.

    ``pruned`` and ``complete`` come from loading: when schema errors forced parts of the
    ruleset to be dropped, checks that would only report the consequences stay quiet.
    """
    pruned = pruned or Pruned()
    ctx = CheckContext(
        model,
        source_map,
        files,
        degraded=pruned.degraded,
        pruned_ids=pruned.ids,
        complete=complete,
        registry=registry or builtin_registry(),
    )
    for check in CHECKS:
        check(ctx)
    return ctx.diagnostics


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
