"""Row-wise evaluation of one case, with a trace of every sub-condition.

Used by ``explain --case`` to show *why* a question was or was not relevant. It must agree
with ``vector.evaluate`` exactly (same rules for empty values, ordering and division; see the
``vector`` module docstring); ``tests/test_expr_agreement.py`` checks this on generated data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked
from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT, Type


@dataclass(frozen=True)
class RowData:
    """One case: raw values of names and calls (None = empty)."""

    values: Mapping[str, Any]
    calls: Mapping[tuple[str, str], Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One sub-condition of the trace: its text and the value it had for this case."""

    text: str
    value: Any
    depth: int


def _key(t: Type, value: Any) -> Any:
    """Comparable form of a non-empty value of type ``t``."""
    if isinstance(t, EnumT):
        return t.values.index(value) if value in t.values else None
    if isinstance(t, BoolT):
        return int(bool(value))
    if isinstance(t, NumberT):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(t, DateT):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return value


class _RowEvaluator:
    def __init__(self, checked: Checked, row: RowData, trace: list[Step] | None) -> None:
        self.checked = checked
        self.row = row
        self.trace = trace

    def truth(self, node: n.Node, depth: int) -> bool:
        """A node in a true/false position; an empty bool field counts as false."""
        value = self.value(node, depth)
        return value is not None and bool(value)

    def value(self, node: n.Node, depth: int) -> Any:
        index = len(self.trace) if self.trace is not None else 0
        result = self._value(node, depth)
        if self.trace is not None and not isinstance(node, n.Const | n.ListLit):
            self.trace.insert(index, Step(self.checked.text[node.start : node.end], result, depth))
        return result

    def _value(self, node: n.Node, depth: int) -> Any:
        d = depth + 1
        if isinstance(node, n.Const):
            return node.value
        if isinstance(node, n.Name):
            return self.row.values.get(node.id)
        if isinstance(node, n.Call):
            return self.row.calls.get((node.func, node.arg))
        if isinstance(node, n.Not):
            return not self.truth(node.operand, d)
        if isinstance(node, n.BoolOp):
            # Evaluate every operand (no short-circuit) so the trace shows all of them.
            parts = [self.truth(o, d) for o in node.operands]
            return all(parts) if node.op == "and" else any(parts)
        if isinstance(node, n.Neg):
            v = self.number(node.operand, d)
            return None if v is None else -v
        if isinstance(node, n.Arith):
            return self.arith(node, depth)
        if isinstance(node, n.Compare):
            return self.compare(node, depth)
        raise AssertionError(f"unhandled node {type(node).__name__}")

    def number(self, node: n.Node, depth: int) -> float | None:
        v = self.value(node, depth)
        if v is None:
            return None
        number = float(v)
        return None if math.isnan(number) else number

    def arith(self, node: n.Arith, depth: int) -> float | None:
        left, right = self.number(node.left, depth + 1), self.number(node.right, depth + 1)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right

    def compare(self, node: n.Compare, depth: int) -> bool:
        d = depth + 1
        left_const = isinstance(node.left, n.Const)
        t = self.checked.type_of(node.right if left_const else node.left)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, n.ListLit)
            value = self.value(node.left, d)
            if value is None:
                return False
            key = _key(t, value)
            if key is None:
                return False
            hit = key in [_key(t, item.value) for item in node.right.items]
            return hit if node.op == "in" else not hit
        left = self.value(node.left, d)
        right = self.value(node.right, d)
        if left is None or right is None:
            return False
        a, b = _key(t, left), _key(t, right)
        if a is None or b is None:
            return False
        op = node.op
        if op == "==":
            return bool(a == b)
        if op == "!=":
            return bool(a != b)
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)


def evaluate_row(checked: Checked, row: RowData) -> bool:
    """Evaluate a checked condition for one case."""
    return _RowEvaluator(checked, row, None).truth(checked.root, 0)


def explain_row(checked: Checked, row: RowData) -> tuple[bool, list[Step]]:
    """Evaluate for one case and return every sub-condition's value, outermost first."""
    trace: list[Step] = []
    result = _RowEvaluator(checked, row, trace).truth(checked.root, 0)
    return result, trace
