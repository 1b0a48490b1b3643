"""Row-wise evaluation of one case, with a trace of every sub-condition.

Used by ``explain --case`` to show *why* a question was or was not relevant. It must agree
with ``vector.evaluate`` exactly (same rules for empty values, ordering and division; see the
``vector`` module docstring); ``tests/test_expr_agreement.py`` checks this on generated data.

Decisions, rating limits and grade rules are evaluated here too, over scores that are exact
fractions. Where a fraction meets a float (a literal ``59.9``, a case value), the float is read
as the decimal it was written as, so ``score <= 59.9`` holds for a score of exactly 59.9; with
no fraction involved, numbers are floats as in the vectorised evaluator.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked
from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT, SelectionT, Type
from omi_rules.numbers import exact

Number = float | Fraction


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
        return _number(value)
    if isinstance(t, DateT):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return value


def _number(value: Any) -> Number | None:
    """A non-empty number: a score's fraction kept exact, anything else a float (NaN: empty)."""
    if isinstance(value, Fraction):
        return value
    number = float(value)
    return None if math.isnan(number) else number


def _alike(a: Number, b: Number) -> tuple[Number, Number]:
    """Both exact when either is (a float as written), else both as they are."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return exact(a), exact(b)
    return a, b


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
            members = self.checked.selections.get(id(node))
            if members is not None:
                return [self.row.calls.get((node.func, member)) for member in members]
            return self.row.calls.get((node.func, node.arg))
        if isinstance(node, n.Aggregate):
            return self.aggregate(node, depth)
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

    def number(self, node: n.Node, depth: int) -> Number | None:
        v = self.value(node, depth)
        return None if v is None else _number(v)

    def arith(self, node: n.Arith, depth: int) -> Number | None:
        left, right = self.number(node.left, depth + 1), self.number(node.right, depth + 1)
        if left is None or right is None:
            return None
        left, right = _alike(left, right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right

    def aggregate(self, node: n.Aggregate, depth: int) -> Any:
        """A selection reduced to one value. ``count``/``all``/``any`` read each member's
        comparison (an empty member's is false); ``sum``/``mean``/``min``/``max`` are empty when
        any member is empty, so a missing rating never passes for a lower or higher one."""
        values: list[Any] = self.value(node.operand, depth + 1)
        if node.func == "count":
            return sum(1 for v in values if v is True)
        if node.func == "all":
            return all(v is True for v in values)
        if node.func == "any":
            return any(v is True for v in values)
        if any(v is None for v in values):
            return None
        t = self.checked.type_of(node.operand)
        assert isinstance(t, SelectionT)
        if isinstance(t.item, EnumT):
            keys = [_key(t.item, v) for v in values]
            if any(k is None for k in keys):
                return None
            choose = min if node.func == "min" else max
            return values[choose(range(len(values)), key=keys.__getitem__)]
        numbers: list[Number] = [num for v in values if (num := _number(v)) is not None]
        if len(numbers) < len(values):
            return None
        if any(isinstance(v, Fraction) for v in numbers):
            numbers = [exact(v) for v in numbers]
        if node.func == "sum":
            return sum(numbers)
        if node.func == "mean":
            return sum(numbers) / len(numbers)
        return min(numbers) if node.func == "min" else max(numbers)

    def compare(self, node: n.Compare, depth: int) -> Any:
        d = depth + 1
        left_const = isinstance(node.left, n.Const)
        typed = node.right if left_const else node.left
        t = self.checked.type_of(typed)
        if isinstance(t, SelectionT):  # member by member against one fixed value
            members: list[Any] = self.value(typed, d)
            fixed = node.left if left_const else node.right
            return [self.compare_values(node, t.item, fixed, v, left_const) for v in members]
        if node.op in ("in", "not in"):
            assert isinstance(node.right, n.ListLit)
            return self.is_in(node, t, self.value(node.left, d))
        return self.compare_values(node, t, None, None, left_const, depth)

    def is_in(self, node: n.Compare, t: Type, value: Any) -> bool:
        assert isinstance(node.right, n.ListLit)
        if value is None:
            return False
        key = _key(t, value)
        if key is None:
            return False
        hit = key in [_key(t, item.value) for item in node.right.items]
        return hit if node.op == "in" else not hit

    def compare_values(
        self, node: n.Compare, t: Type, fixed: n.Node | None, member: Any, left_const: bool, depth: int = 0
    ) -> bool:
        """One comparison; with ``fixed`` set, of one selection ``member`` with that literal."""
        if fixed is not None:
            if node.op in ("in", "not in"):
                return self.is_in(node, t, member)
            assert isinstance(fixed, n.Const)
            left, right = (fixed.value, member) if left_const else (member, fixed.value)
        else:
            left = self.value(node.left, depth + 1)
            right = self.value(node.right, depth + 1)
        if left is None or right is None:
            return False
        a, b = _key(t, left), _key(t, right)
        if a is None or b is None:
            return False
        if isinstance(t, NumberT):
            a, b = _alike(a, b)
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
