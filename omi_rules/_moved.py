"""Old import paths that were documented before the package was arranged by stage (0.2).

Plugins and scripts written against the earlier layout keep working: importing an old path
gives the module at its new path (the very same module object, so ``isinstance`` checks and
monkeypatching agree) with a ``DeprecationWarning`` that names the new path. Only paths the
docs showed are kept; everything else was internal. ``docs/architecture.md`` lists them.

A finder on ``sys.meta_path`` does this instead of a stub file per old module, so the tree
shows only where things are, not where they were. The finder and loader are plain classes
(the import system asks only for their methods): ``importlib.abc``'s base classes cost every
run 10 ms of imports for a finder that old scripts alone use.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

MOVED: dict[str, str] = {
    "omi_rules.codes": "omi_rules.diagnostics.codes",
    "omi_rules.engine.result_model": "omi_rules.model.results",
    "omi_rules.expr": "omi_rules.conditions",
    "omi_rules.expr.checker": "omi_rules.conditions.checker",
    "omi_rules.expr.nodes": "omi_rules.conditions.nodes",
    "omi_rules.expr.parser": "omi_rules.conditions.parser",
    "omi_rules.expr.rowwise": "omi_rules.conditions.rowwise",
    "omi_rules.expr.types": "omi_rules.conditions.types",
    "omi_rules.expr.vector": "omi_rules.conditions.vector",
    "omi_rules.pipeline": "omi_rules.checks",
    "omi_rules.score_pipeline": "omi_rules.engine.pipeline",
    "omi_rules.synthetic": "omi_rules.lifecycle.synthetic",
}
"""Old module path -> the module that now holds the same names."""


class _Alias:
    """Loads an old path as the module at its new path."""

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} has moved to {self.new}; import it from there (the old path will be removed in 1.0)",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new path is already imported."""


class _MovedFinder:
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", _Alias(new)))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())
