"""Vectorised evaluation: one numpy array per sub-expression, over all cases at once.

This is what scoring uses: relevance of every question for every case is a handful of array
operations instead of a Python loop per case. The row-wise evaluator (``rowwise``) has the same
semantics and serves ``explain``; ``tests/test_expr_agreement.py`` checks they agree.

Representation (see ``encode``): enum and bool fields are integer codes with -1 for an empty
value, numbers are float64 with NaN, dates datetime64[D] with NaT, text an object array with
None. Semantics shared with the row-wise evaluator:

* any comparison involving an empty value is false (``!=`` and ``not in`` included);
* a bool field used as a condition is true only when it holds true;
* arithmetic with an empty value, or a division by zero, gives an empty value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked
from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT, StringT, Type

Array = NDArray[Any]


@dataclass(frozen=True)
class VectorData:
    """Encoded columns for the names and calls a condition uses."""

    size: int
    columns: Mapping[str, Array]
    calls: Mapping[tuple[str, str], Array]


def encode(t: Type, values: Sequence[Any]) -> Array:
    """Encode raw Python values (None = empty) into the array form of type ``t``."""
    if isinstance(t, EnumT):
        index = {v: i for i, v in enumerate(t.values)}
        return np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64)
    if isinstance(t, BoolT):
        return np.array([-1 if v is None else int(bool(v)) for v in values], dtype=np.int8)
    if isinstance(t, NumberT):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    if isinstance(t, DateT):
        return np.array(
            [np.datetime64("NaT") if v is None else np.datetime64(_iso(v), "D") for v in values],
            dtype="datetime64[D]",
        )
    if isinstance(t, StringT):
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    raise TypeError(f"cannot encode values of {t}")


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _valid(t: Type, a: Array) -> NDArray[np.bool_]:
    if isinstance(t, EnumT | BoolT) and a.dtype != np.bool_:
        return a >= 0
    if isinstance(t, NumberT):
        return ~np.isnan(a)
    if isinstance(t, DateT):
        return ~np.isnat(a)
    if isinstance(t, StringT):
        return np.array([v is not None for v in a], dtype=bool)
    return np.ones(a.shape, dtype=bool)


def _literal(t: Type, value: Any) -> Any:
    """The encoded form of a literal compared with a value of type ``t``."""
    if isinstance(t, EnumT):
        # -2 matches no case (empty is -1); only reachable when the values are unknown
        return t.values.index(value) if value in t.values else -2
    if isinstance(t, BoolT):
        return int(bool(value))
    if isinstance(t, NumberT):
        return float(value)
    if isinstance(t, DateT):
        return np.datetime64(str(value), "D")
    return value


_FEW = 8
"""Up to this many values, ``x in [...]`` is a comparison per value rather than ``np.isin``."""

_OPS = {
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


class _Evaluator:
    def __init__(self, checked: Checked, data: VectorData) -> None:
        self.checked = checked
        self.data = data

    def truth(self, node: n.Node) -> NDArray[np.bool_]:
        """Evaluate a node in a true/false position."""
        value = self.value(node)
        if isinstance(value, bool):
            return np.full(self.data.size, value, dtype=bool)
        array: NDArray[Any] = value
        if array.dtype == np.bool_:
            return array.astype(bool, copy=False)
        truth: NDArray[np.bool_] = np.equal(array, 1)  # bool field codes: -1 empty, 0 false, 1 true
        return truth

    def value(self, node: n.Node) -> Any:
        if isinstance(node, n.Const):
            return node.value
        if isinstance(node, n.Name):
            return self.data.columns[node.id]
        if isinstance(node, n.Call):
            return self.data.calls[(node.func, node.arg)]
        if isinstance(node, n.Not):
            return ~self.truth(node.operand)
        if isinstance(node, n.BoolOp):
            parts = [self.truth(o) for o in node.operands]
            combine = np.logical_and if node.op == "and" else np.logical_or
            return combine.reduce(parts)
        if isinstance(node, n.Neg):
            return -self.number(node.operand)
        if isinstance(node, n.Arith):
            return self.arith(node)
        if isinstance(node, n.Compare):
            return self.compare(node)
        raise AssertionError(f"unhandled node {type(node).__name__}")

    def number(self, node: n.Node) -> Array:
        value = self.value(node)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return np.full(self.data.size, float(value))
        return np.asarray(value, dtype=np.float64)

    def arith(self, node: n.Arith) -> Array:
        left, right = self.number(node.left), self.number(node.right)
        with np.errstate(all="ignore"):
            if node.op == "+":
                return left + right
            if node.op == "-":
                return left - right
            if node.op == "*":
                return left * right
            out = np.full(self.data.size, np.nan)
            np.divide(left, right, out=out, where=right != 0)
            return out

    def compare(self, node: n.Compare) -> NDArray[np.bool_]:
        left_const = isinstance(node.left, n.Const)
        typed_node = node.right if left_const else node.left
        t = self.checked.type_of(typed_node)
        if node.op in ("in", "not in"):
            assert isinstance(node.right, n.ListLit)
            codes = [_literal(t, item.value) for item in node.right.items]
            left = self.value(node.left)
            valid = _valid(t, left)
            hit: NDArray[np.bool_]
            if left.dtype == object:
                hit = np.array([v in codes for v in left], dtype=bool)
            elif len(codes) <= _FEW:  # a comparison per code: several times faster than isin's sort
                hit = np.zeros(self.data.size, dtype=bool)
                for code in codes:
                    hit |= left == code
            else:
                hit = np.isin(left, np.array(codes, dtype=left.dtype))
            found: NDArray[np.bool_] = valid & (hit if node.op == "in" else ~hit)
            return found
        left = self._operand(node.left, t)
        right = self._operand(node.right, t)
        valid = np.ones(self.data.size, dtype=bool)
        for side, raw in ((node.left, left), (node.right, right)):
            if not isinstance(side, n.Const):
                valid &= _valid(self.checked.type_of(side), raw)
        if isinstance(t, NumberT):
            left, right = np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            result = _OPS[node.op](left, right)
        out: NDArray[np.bool_] = np.logical_and(valid, np.asarray(result, dtype=bool))
        return out

    def _operand(self, node: n.Node, t: Type) -> Any:
        if isinstance(node, n.Const):
            return _literal(t, node.value)
        value = self.value(node)
        if isinstance(value, np.ndarray) and value.dtype == np.bool_ and isinstance(t, BoolT):
            return value.astype(np.int8)
        return value


def evaluate(checked: Checked, data: VectorData) -> NDArray[np.bool_]:
    """Evaluate a checked condition over all cases: one bool per case."""
    return _Evaluator(checked, data).truth(checked.root)
