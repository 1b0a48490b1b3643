"""Deliberately broken plugins: each breaks the contract in a different way."""

from __future__ import annotations

from typing import Any

from omi_rules.model import Ruleset
from omi_rules.plugins import CheckRule, Finding, hookimpl


class WrongType:
    @hookimpl
    def omi_rules_aggregations(self) -> Any:
        return "not a list"


class Raises:
    @hookimpl
    def omi_rules_readers(self) -> Any:
        raise RuntimeError("boom")


class Duplicate:
    @hookimpl
    def omi_rules_aggregations(self) -> Any:
        from omi_rules.plugins import Aggregation

        return [Aggregation("weighted_summary", "clashes with the built-in", lambda i, s, wi, ws: 0.0)]


def _explodes(ruleset: Ruleset) -> list[Finding]:
    raise ValueError("the rule itself is broken")


class RuleRaises:
    @hookimpl
    def omi_rules_check_rules(self) -> list[CheckRule]:
        return [CheckRule("RR001", "explodes", "a rule that raises", _explodes)]


class BadSignature:
    @hookimpl
    def omi_rules_unknown_hook(self) -> list[Any]:
        return []


wrong_type = WrongType()
raises = Raises()
duplicate = Duplicate()
rule_raises = RuleRaises()
bad_signature = BadSignature()


class ShadowsAnswer:
    @hookimpl
    def omi_rules_condition_functions(self) -> list[Any]:
        from omi_rules.conditions.types import BoolT
        from omi_rules.plugins import ConditionFunction

        return [
            ConditionFunction(
                "answer", "hides the built-in", "x", lambda r: None, lambda r, a: BoolT(), lambda a, v: True
            )
        ]


class StealsCode:
    @hookimpl
    def omi_rules_check_rules(self) -> list[CheckRule]:
        return [CheckRule("R001", "duplicate-id", "reuses a built-in code", lambda r: [])]


class BadSeverity:
    @hookimpl
    def omi_rules_check_rules(self) -> list[CheckRule]:
        return [CheckRule("BS001", "x", "unknown severity", lambda r: [], "warn")]


class OutOfRange:
    @hookimpl
    def omi_rules_aggregations(self) -> list[Any]:
        from omi_rules.plugins import Aggregation

        return [Aggregation("too_high", "returns 150", lambda i, s, wi, ws: 150.0)]


class ResultOnlySection:
    @hookimpl
    def omi_rules_report_sections(self, result: Any) -> list[Any]:
        from omi_rules.plugins import ReportSection

        return [ReportSection("Result only", [f"{result.cases} cases"])]


shadows_answer = ShadowsAnswer()
steals_code = StealsCode()
bad_severity = BadSeverity()
out_of_range = OutOfRange()
result_only_section = ResultOnlySection()
