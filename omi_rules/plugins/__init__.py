"""Plugins: the hook API (``hookspecs``), the built-in plugin and the loader (``manager``)."""

from omi_rules.plugins.hookspecs import (
    Aggregation,
    CheckRule,
    ConditionFunction,
    Finding,
    GradeRule,
    Reader,
    ReportSection,
    Score,
    SectionKind,
    SectionScore,
    ThreadCombination,
    hookimpl,
)

__all__ = [
    "Aggregation",
    "CheckRule",
    "ConditionFunction",
    "Finding",
    "GradeRule",
    "Reader",
    "ReportSection",
    "Score",
    "SectionKind",
    "SectionScore",
    "ThreadCombination",
    "hookimpl",
]
