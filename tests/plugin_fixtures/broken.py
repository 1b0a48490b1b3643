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
