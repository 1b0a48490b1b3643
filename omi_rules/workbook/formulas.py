"""A relevance condition as an Excel formula, so a workbook can grey out the questions that
do not apply to a case while an inspector fills it in.

The formula must mean what the engine means, or the greying would mislead: a question shown
as not relevant that the engine then wants answered (D007). So only what can be said exactly
in Excel is translated, with the engine's semantics (``conditions.vector``):

* any comparison with an empty cell is false (``!=`` and ``not in`` included);
* an enum comparison admits a set of values, written as ``OR(EXACT(cell, "a"), ...)``
  (``EXACT`` because Excel's ``=`` ignores case and the reader does not);
* a yes/no field is true for exactly the spellings the reader reads as true;
* ``answer('q')`` is the answer only where question ``q`` is itself relevant (an answer on a
  case a question does not apply to is not counted, in scores or in other conditions).

Anything else (arithmetic, one field compared with another, a plugin's function) raises
``Untranslatable``, and the workbook writes a note on the question instead of a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from omi_rules.casedata.validate import FALSE_WORDS, TRUE_WORDS
from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked
from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT, StringT, Type

_FLIPPED = {"==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_EXCEL_OP = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class Untranslatable(Exception):
    """The condition uses something Excel cannot be given exactly; the message says what."""


def _string(text: str) -> str:
    """An Excel string literal: double quotes, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _any(parts: list[str]) -> str:
    if not parts:
        return "FALSE"
    return parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"


def _all(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"


def _admitted(t: EnumT, op: str, values: list[str]) -> list[str]:
    """The values of ``t`` for which ``cell op value`` (or ``in``/``not in`` the list) holds."""
    if op == "in":
        return [v for v in t.values if v in values]
    if op == "not in":
        return [v for v in t.values if v not in values]
    value = values[0]
    if op == "==":
        return [value] if value in t.values else []
    if op == "!=":
        return [v for v in t.values if v != value]
    if value not in t.values:
        return []
    at = t.values.index(value)
    tests: dict[str, Callable[[int], bool]] = {
        "<": lambda i: i < at,
        "<=": lambda i: i <= at,
        ">": lambda i: i > at,
        ">=": lambda i: i >= at,
    }
    return [v for i, v in enumerate(t.values) if tests[op](i)]


class ExcelFormula:
    """Translates checked relevance conditions for one row of the cases sheet.

    ``cells`` gives each field's and question's cell on the first data row (``$C5``: column
    absolute, row relative, as conditional formatting over a range expects). ``relevance``
    gives, for ``answer('q')``, question q's own relevance as a formula ("TRUE" for a question
    relevant to every case), or raises ``Untranslatable``.
    """

    def __init__(self, cells: Mapping[str, str], relevance: Callable[[str], str]) -> None:
        self.cells = cells
        self.relevance = relevance
        self._checked: Checked | None = None

    def truth(self, checked: Checked) -> str:
        """The condition as an Excel formula without the leading ``=``."""
        previous = self._checked  # answer() translates another question's condition inside this one
        self._checked = checked
        try:
            return self._truth(checked.root)
        finally:
            self._checked = previous

    def _type(self, node: n.Node) -> Type:
        assert self._checked is not None
        return self._checked.type_of(node)

    def _truth(self, node: n.Node) -> str:
        if isinstance(node, n.BoolOp):
            parts = [self._truth(o) for o in node.operands]
            return f"{'AND' if node.op == 'and' else 'OR'}({','.join(parts)})"
        if isinstance(node, n.Not):
            return f"NOT({self._truth(node.operand)})"
        if isinstance(node, n.Const) and isinstance(node.value, bool):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node, n.Name) and isinstance(self._type(node), BoolT):
            return self._spelled(self.cells[node.id], TRUE_WORDS)
        if isinstance(node, n.Compare):
            return self._compare(node)
        raise Untranslatable(_what(node))

    def _spelled(self, cell: str, words: set[str]) -> str:
        """A yes/no cell holding one of ``words`` (in any capitals, spaces around ignored);
        an Excel TRUE/FALSE value reads as the text true/false."""
        text = f"LOWER(TRIM({cell}))"
        return _any([f"{text}={_string(w)}" for w in sorted(words)])

    def _compare(self, node: n.Compare) -> str:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, n.Const) and not isinstance(right, n.Const | n.ListLit):
            left, right, op = right, left, _FLIPPED[op]
        if isinstance(right, n.ListLit):
            values = [item.value for item in right.items]
        elif isinstance(right, n.Const):
            values = [right.value]
        else:
            raise Untranslatable("a comparison of two values of the case")
        t = self._type(left)
        if isinstance(left, n.Call) and left.func == "answer" and isinstance(t, EnumT):
            cell = self.cells[left.arg]
            admitted = _admitted(t, op, [str(v) for v in values])
            relevant = self.relevance(left.arg)
            matches = _any([f"EXACT(TRIM({cell}),{_string(v)})" for v in admitted])
            return matches if relevant == "TRUE" else _all([relevant, matches])
        if not isinstance(left, n.Name):
            raise Untranslatable(_what(left))
        cell = self.cells[left.id]
        if isinstance(t, EnumT):
            admitted = _admitted(t, op, [str(v) for v in values])
            return _any([f"EXACT(TRIM({cell}),{_string(v)})" for v in admitted])
        if isinstance(t, BoolT):
            if op not in ("==", "!="):
                raise Untranslatable("an ordered comparison of a yes/no value")
            wanted = bool(values[0]) if op == "==" else not bool(values[0])
            return self._spelled(cell, TRUE_WORDS if wanted else FALSE_WORDS)
        if isinstance(t, NumberT):
            if op in ("in", "not in"):
                tests = [f"{cell}={float(v)!r}" for v in values]
                return _all([f"ISNUMBER({cell})", _any(tests) if op == "in" else f"NOT({_any(tests)})"])
            return f"AND(ISNUMBER({cell}),{cell}{_EXCEL_OP[op]}{_number(values[0])})"
        if isinstance(t, DateT):
            if op in ("in", "not in"):
                raise Untranslatable("a date compared with a list")
            day = dt.date.fromisoformat(str(values[0]))
            return f"AND(ISNUMBER({cell}),{cell}{_EXCEL_OP[op]}DATE({day.year},{day.month},{day.day}))"
        if isinstance(t, StringT):
            if op in ("in", "not in"):
                hit = _any([f"EXACT(TRIM({cell}),{_string(str(v))})" for v in values])
                return _all([f'{cell}<>""', hit if op == "in" else f"NOT({hit})"])
            if op not in ("==", "!="):
                raise Untranslatable("an ordered comparison of text")
            hit = f"EXACT(TRIM({cell}),{_string(str(values[0]))})"
            return _all([f'{cell}<>""', hit if op == "==" else f"NOT({hit})"])
        raise Untranslatable(f"a comparison of {t}")


def _what(node: n.Node) -> str:
    """What a condition uses that Excel is not given, in words for the question's note."""
    if isinstance(node, n.Arith | n.Neg):
        return "arithmetic"
    if isinstance(node, n.Call):
        return f"the function {node.func}()"
    if isinstance(node, n.Aggregate):
        return f"{node.func}() over a selection"
    return "a value Excel cannot be given"


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Untranslatable(f"{value!r} compared as a number")
    return str(value) if isinstance(value, int) else repr(value)
