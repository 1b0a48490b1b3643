"""Plugins a ruleset needs (R021, R022) and the extra check rules plugins provide.

A ruleset lists the plugins it needs under ``plugins`` with version ranges; a missing, broken or
incompatible plugin is reported here, where the ruleset names it, before anything is scored.
"""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics import Diagnostic, Severity


def run(ctx: CheckContext) -> None:
    _requirements(ctx)
    _plugin_rules(ctx)


def _requirements(ctx: CheckContext) -> None:
    for name, wanted in ctx.model.plugins.items():
        path = ("plugins", name)
        info = ctx.registry.plugin(name)
        if info is None:
            installed = ", ".join(p.name for p in ctx.registry.plugins) or "none"
            ctx.report(
                "R021",
                f"the ruleset needs plugin '{name}', which is not installed",
                path,
                f"installed: {installed}",
                key=True,
            )
            continue
        if not info.ok:
            ctx.report(
                "R021", f"the ruleset needs plugin '{name}', which cannot be used: {info.status}", path, key=True
            )
            continue
        try:
            spec = SpecifierSet(wanted)
        except InvalidSpecifier:
            ctx.report("R022", f"'{wanted}' is not a version range", path, "write it as pip does, e.g. '>=1.0,<2'")
            continue
        try:
            version = Version(info.version)
        except InvalidVersion:
            ctx.report("R022", f"plugin '{name}' has no usable version ({info.version})", path)
            continue
        if version not in spec:
            ctx.report(
                "R022",
                f"the ruleset needs plugin '{name}' {wanted}, but version {info.version} is installed",
                path,
                f"install a version in {wanted}, or change the range after checking the plugin's changelog",
            )


def _plugin_rules(ctx: CheckContext) -> None:
    """Run each plugin check rule on its own: one that raises is reported, not fatal."""
    for code, rule in sorted(ctx.registry.check_rules.items()):
        severity = Severity.WARNING if rule.severity == "warning" else Severity.ERROR
        try:
            findings = list(rule.check(ctx.model))
        except Exception as exc:  # a broken plugin rule must not stop check
            ctx.report("R023", f"plugin check rule {code} failed: {type(exc).__name__}: {exc}", ())
            continue
        for finding in findings:
            ctx.diagnostics.append(
                Diagnostic(code, finding.message, ctx.at(tuple(finding.path)), severity, finding.hint, name=rule.name)
            )
