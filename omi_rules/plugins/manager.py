"""Find, load and isolate plugins, and collect what they provide into a ``Registry``.

Each entry point in the ``omi_rules`` group is loaded on its own: a plugin that fails to import,
breaks the hook contract (a hook raises, or returns something that is not a list of the
promised contributions) or claims a name another plugin already provides is reported with its
status, and none of its contributions are used; the others keep working.

There is no global plugin manager: ``load_plugins()`` returns a fresh ``Registry`` that the
CLI passes down, and tests build their own with ``extra`` plugins.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pluggy

from omi_rules import __version__
from omi_rules.diagnostics.codes import CODES
from omi_rules.numbers import exact
from omi_rules.plugins import builtin
from omi_rules.plugins.hookspecs import (
    PROJECT,
    Aggregation,
    CheckRule,
    ConditionFunction,
    GradeRule,
    HookSpecs,
    Reader,
    ReportSection,
    SectionKind,
    ThreadCombination,
)

if TYPE_CHECKING:
    from omi_rules.model import Ruleset
    from omi_rules.model.results import Result

BUILTIN = "omi-rules"
ENTRY_POINT_GROUP = "omi_rules"

# hook name -> (contribution type, registry attribute, key attribute of the contribution)
_HOOKS: dict[str, tuple[type, str, str]] = {
    "omi_rules_aggregations": (Aggregation, "aggregations", "name"),
    "omi_rules_thread_combinations": (ThreadCombination, "thread_combinations", "name"),
    "omi_rules_grade_rules": (GradeRule, "grade_rules", "name"),
    "omi_rules_condition_functions": (ConditionFunction, "functions", "name"),
    "omi_rules_readers": (Reader, "readers", "suffix"),
    "omi_rules_check_rules": (CheckRule, "check_rules", "code"),
    "omi_rules_section_kinds": (SectionKind, "section_kinds", "name"),
}


@dataclass(frozen=True)
class PluginInfo:
    """A plugin as ``omi-rules plugins`` lists it."""

    name: str
    version: str
    status: str
    """``ok``, or what went wrong (the plugin's contributions are then not used)."""
    provides: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class PluginFailure(Exception):
    """A plugin's code failed or returned something impossible while scoring.

    The CLI reports it naming the plugin (exit code 3), not as a bug in omi-rules.
    """


@dataclass
class Registry:
    """Everything the loaded plugins provide, by name."""

    aggregations: dict[str, Aggregation] = field(default_factory=dict)
    thread_combinations: dict[str, ThreadCombination] = field(default_factory=dict)
    grade_rules: dict[str, GradeRule] = field(default_factory=dict)
    functions: dict[str, ConditionFunction] = field(default_factory=dict)
    readers: dict[str, Reader] = field(default_factory=dict)
    check_rules: dict[str, CheckRule] = field(default_factory=dict)
    section_kinds: dict[str, SectionKind] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    manager: pluggy.PluginManager | None = None
    owners: dict[str, str] = field(default_factory=dict)
    """``"<kind> <name>"`` -> the plugin that provides it, for messages."""

    def score(self, kind: str, name: str, function: Callable[..., Any], *args: Any) -> Fraction | None:
        """Call a plugin's scoring function; its result must be a percentage (0-100) or None.

        The result is kept exact: a fraction as it is, a float as the decimal it prints as."""
        value = self.call(kind, name, function, *args)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Fraction) or not 0 <= value <= 100:
            raise PluginFailure(
                f"{self._who(kind, name)} returned {value!r}; a score is a percentage from 0 to 100, or None"
            )
        return exact(value)

    def call(self, kind: str, name: str, function: Callable[..., Any], *args: Any) -> Any:
        """Call a plugin's function, turning its exceptions into a ``PluginFailure`` naming it."""
        try:
            return function(*args)
        except PluginFailure:
            raise
        except Exception as exc:  # the plugin's fault: say so, whatever it raised
            raise PluginFailure(f"{self._who(kind, name)} failed: {type(exc).__name__}: {exc}") from exc

    def _who(self, kind: str, name: str) -> str:
        return f"plugin '{self.owners.get(f'{kind} {name}', 'unknown')}', {kind} '{name}',"

    def plugin(self, name: str) -> PluginInfo | None:
        return next((p for p in self.plugins if p.name == name), None)

    def versions(self) -> dict[str, str]:
        """Loaded third-party plugins and their versions, for a result's provenance."""
        return {p.name: p.version for p in self.plugins if p.ok and p.name != BUILTIN}

    def report_sections(self, result: Result, ruleset: Ruleset) -> list[ReportSection]:
        """Sections plugins add to a report; a plugin that fails here is skipped."""
        if self.manager is None:
            return []
        sections: list[ReportSection] = []
        usable = {p.name for p in self.plugins if p.ok}
        offered = {"result": result, "ruleset": ruleset}
        for impl in self.manager.hook.omi_rules_report_sections.get_hookimpls():
            if impl.plugin_name not in usable:
                continue
            try:
                # Like pluggy, pass only the arguments the implementation asks for.
                produced = impl.function(**{k: v for k, v in offered.items() if k in impl.argnames})
            except Exception:  # one plugin's failure must not stop the report
                continue
            if isinstance(produced, list):
                sections.extend(s for s in produced if isinstance(s, ReportSection))
        return sections


NAME = re.compile(r"[a-z][a-z0-9_]*")
"""Names rulesets can refer to (the ruleset format's identifier pattern)."""
RESERVED_FUNCTIONS = {"answer", "thread", "criterion", "section", "grade", "n", "share"}
PLUGIN_CODE = re.compile(r"[A-Z]{2,4}[0-9]{3}")


def _validate(item: object) -> None:
    """Refuse contributions no ruleset could use, or that would shadow omi-rules' own."""
    named = isinstance(item, Aggregation | ThreadCombination | GradeRule | ConditionFunction | SectionKind)
    if named and not NAME.fullmatch(getattr(item, "name", "")):
        raise ValueError(f"'{getattr(item, 'name', '')}' is not a name a ruleset can use (lower case, digits, '_')")
    if isinstance(item, ConditionFunction) and item.name in RESERVED_FUNCTIONS:
        raise ValueError(f"condition function '{item.name}' would hide omi-rules' own")
    if isinstance(item, Reader) and not re.fullmatch(r"\.[a-z0-9][a-z0-9.]*", item.suffix):
        raise ValueError(f"reader suffix '{item.suffix}' must be lower case and start with '.'")
    if isinstance(item, CheckRule):
        if not PLUGIN_CODE.fullmatch(item.code) or item.code in CODES:
            raise ValueError(
                f"check rule code '{item.code}' must be 2-4 capitals and 3 digits, not one of omi-rules' own"
            )
        if item.severity not in ("error", "warning"):
            raise ValueError(f"check rule severity must be 'error' or 'warning', not '{item.severity}'")


def builtin_registry() -> Registry:
    """Only omi-rules' own rules: for library use and tests that must not see installed plugins."""
    return load_plugins(entry_points=())


def _version(dist: Any) -> str:
    try:
        return str(dist.version) if dist is not None else "unknown"
    except Exception:  # broken distribution metadata: still list the plugin
        return "unknown"


def load_plugins(
    entry_points: Iterable[metadata.EntryPoint] | None = None,
    extra: Sequence[tuple[str, object, str]] = (),
) -> Registry:
    """Load the built-ins, every installed plugin, and ``extra`` ``(name, object, version)``."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(HookSpecs)
    registry = Registry(manager=manager)
    candidates: list[tuple[str, str, Any]] = [(BUILTIN, __version__, lambda: builtin)]
    points = metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points is None else entry_points
    for point in sorted(points, key=lambda p: p.name):
        candidates.append((point.name, _version(getattr(point, "dist", None)), point.load))
    for name, obj, version in extra:
        candidates.append((name, version, lambda obj=obj: obj))
    for name, version, load in candidates:
        registry.plugins.append(_load_one(manager, registry, name, version, load))
    return registry


def _load_one(manager: pluggy.PluginManager, registry: Registry, name: str, version: str, load: Any) -> PluginInfo:
    if registry.plugin(name) is not None:
        return PluginInfo(name, version, "not loaded: another plugin has the same name")
    try:
        obj = load()
        manager.register(obj, name=name)
    except Exception as exc:  # report and carry on with the others
        return PluginInfo(name, version, f"failed to load: {type(exc).__name__}: {exc}")
    try:
        manager.check_pending()  # a hook implementation that matches no specification
    except pluggy.PluginValidationError as exc:
        manager.unregister(name=name)
        return PluginInfo(name, version, f"broken: {exc}")
    contributions: dict[str, list[Any]] = {}
    try:
        for hook_name, (kind, attribute, key) in _HOOKS.items():
            for impl in getattr(manager.hook, hook_name).get_hookimpls():
                if impl.plugin_name != name:
                    continue
                produced = impl.function()
                if not isinstance(produced, list) or not all(isinstance(item, kind) for item in produced):
                    raise TypeError(f"{hook_name} must return a list of {kind.__name__}")
                table = getattr(registry, attribute)
                for item in produced:
                    item_key = getattr(item, key)
                    _validate(item)
                    if item_key in table:
                        raise ValueError(f"{kind.__name__} '{item_key}' is already provided by another plugin")
                contributions.setdefault(attribute, []).extend(produced)
    except Exception as exc:  # a broken hook contract disables this plugin only
        manager.unregister(name=name)
        return PluginInfo(name, version, f"broken: {type(exc).__name__}: {exc}")
    provides: list[str] = []
    for attribute, items in contributions.items():
        key = next(k for _, a, k in _HOOKS.values() if a == attribute)
        for item in items:
            getattr(registry, attribute)[getattr(item, key)] = item
            what = f"{attribute.rstrip('s').replace('_', ' ')} {getattr(item, key)}"
            registry.owners[what] = name
            provides.append(what)
    if manager.hook.omi_rules_report_sections.get_hookimpls() and any(
        impl.plugin_name == name for impl in manager.hook.omi_rules_report_sections.get_hookimpls()
    ):
        provides.append("report sections")
    return PluginInfo(name, version, "ok", tuple(provides))
