"""Semantic checks of a loaded ruleset: everything the JSON Schema cannot say.

Each module checks one concern and reports through ``CheckContext``; ``run_checks`` runs them
all so that one ``check`` reports every problem at once.
"""

from __future__ import annotations

from omi_rules.checks import conditions, metadata, plugins, references, structure
from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics import Diagnostic
from omi_rules.loader import Pruned
from omi_rules.model import Ruleset
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.yamlio import SourceMap

CHECKS = (references.run, structure.run, metadata.run, conditions.run, plugins.run)


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
