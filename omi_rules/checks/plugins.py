"""Plugins a ruleset needs (R021, R022) and the extra check rules plugins provide.

A ruleset lists the plugins it needs under ``plugins`` with version ranges; a missing, broken or
incompatible plugin is reported here, where the ruleset names it, before anything is scored.

jsonschema (a plugin section's config) and packaging (version ranges) are imported only for a
ruleset that has plugin sections or needs plugins: most have neither, and the imports cost
every check about 25 ms.
"""

from __future__ import annotations

from omi_rules.checks.context import CheckContext
from omi_rules.diagnostics import Diagnostic, Severity
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import PluginSection
from omi_rules.yamlio.reader import PathKey


def run(ctx: CheckContext) -> None:
    _requirements(ctx)
    _plugin_rules(ctx)
    _plugin_sections(ctx)


def _plugin_sections(ctx: CheckContext) -> None:
    """A plugin section's kind must exist; its config must satisfy the kind's JSON Schema and
    the kind's own checks (R024), each problem at its position in the config."""
    kinds = ctx.registry.section_kinds
    for i, section in enumerate(ctx.model.sections):
        if not isinstance(section, PluginSection):
            continue
        path: PathKey = ("sections", i)
        kind = kinds.get(section.section_kind)
        if kind is None:
            hint = did_you_mean(section.section_kind, set(kinds)) or (
                f"section kinds: {', '.join(sorted(kinds))}" if kinds else "no installed plugin provides section kinds"
            )
            ctx.report("R002", f"unknown section kind '{section.section_kind}'", path + ("section_kind",), hint)
            continue
        config = dict(section.config)
        from jsonschema import Draft202012Validator

        errors = list(Draft202012Validator(dict(kind.schema)).iter_errors(config))
        for error in errors:
            where = path + ("config", *error.absolute_path)
            ctx.report("R024", f"{section.section_kind}: {error.message[:300]}", where)
        if errors or kind.validate is None:
            continue
        try:
            findings = list(kind.validate(config, ctx.model))
        except Exception as exc:  # a broken plugin check must not stop check
            ctx.report(
                "R023", f"section kind {kind.name} failed to check its config: {type(exc).__name__}: {exc}", path
            )
            continue
        for finding in findings:
            ctx.report("R024", finding.message, path + ("config", *finding.path), finding.hint)


def _requirements(ctx: CheckContext) -> None:
    if not ctx.model.plugins:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

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
