"""Static checking of conditions against the declared fields and functions.

Runs when a ruleset is checked, so a methodology editor learns about a misspelled field, an
enum value that does not exist or a comparison that makes no sense before any case is scored.
The result (``Checked``) records each node's type, which the evaluators rely on: evaluation
never has to guess what a literal means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from omi_rules.conditions import nodes as n
from omi_rules.conditions.parser import ParseError, parse
from omi_rules.conditions.types import (
    BoolT,
    DateT,
    EnumT,
    Env,
    Function,
    ListT,
    LiteralStrT,
    NumberT,
    SelectionT,
    StringT,
    Type,
)
from omi_rules.diagnostics.suggest import did_you_mean


@dataclass(frozen=True)
class ExprError:
    """A problem in a condition; ``start``/``end`` are offsets into the condition text."""

    code: str
    message: str
    start: int
    end: int
    hint: str | None = None


@dataclass
class Checked:
    """A condition that passed checking: its tree, each node's type, and what it refers to."""

    text: str
    root: n.Node
    types: dict[int, Type]
    calls: set[tuple[str, str]] = field(default_factory=set)
    """Every (function, id) the condition reads, the members of its selections included."""
    names: set[str] = field(default_factory=set)
    selections: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """The members each selecting call (by node id) reads, in ruleset order."""

    def type_of(self, node: n.Node) -> Type:
        return self.types[id(node)]


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def compile_condition(text: str, env: Env) -> Checked | list[ExprError]:
    """Parse and check ``text`` in ``env``: the checked condition, or every problem found."""
    tree = parse(text)
    if isinstance(tree, ParseError):
        return [ExprError(tree.code, tree.message, tree.start, tree.end, tree.hint)]
    checker = _Checker(text, env)
    result = checker.check(tree)
    if result is not None and not isinstance(result, BoolT) and not checker.errors:
        checker.error(
            "C005",
            f"a {env.context} must be true or false, but this is {result}",
            tree,
            _bool_hint(result),
        )
    if checker.errors:
        return checker.errors
    return Checked(text, tree, checker.types, checker.calls, checker.names, checker.selections)


def _bool_hint(t: Type) -> str | None:
    if isinstance(t, SelectionT):
        return "reduce it to one value: all(...), any(...) or count(...) >= 1 around a comparison"
    if isinstance(t, EnumT) and t.values:
        return f"compare it with a value, e.g. ... == '{t.values[0]}'"
    if isinstance(t, NumberT):
        return "compare it with a number, e.g. ... >= 4"
    return None


class _Checker:
    def __init__(self, text: str, env: Env) -> None:
        self.text = text
        self.env = env
        self.errors: list[ExprError] = []
        self.types: dict[int, Type] = {}
        self.calls: set[tuple[str, str]] = set()
        self.names: set[str] = set()
        self.selections: dict[int, tuple[str, ...]] = {}

    def error(self, code: str, message: str, node: n.Node, hint: str | None = None) -> None:
        self.errors.append(ExprError(code, message, node.start, node.end, hint))

    def set(self, node: n.Node, t: Type | None) -> Type | None:
        if t is not None:
            self.types[id(node)] = t
        return t

    def check(self, node: n.Node) -> Type | None:
        return self.set(node, self._check(node))

    def _check(self, node: n.Node) -> Type | None:
        if isinstance(node, n.Const):
            return self.const_type(node)
        if isinstance(node, n.ListLit):
            for item in node.items:
                self.check(item)
            return ListT()
        if isinstance(node, n.Name):
            return self.name(node)
        if isinstance(node, n.Call):
            return self.call(node)
        if isinstance(node, n.Aggregate):
            return self.aggregate(node)
        if isinstance(node, n.Not):
            self.expect_bool(node.operand, "'not'")
            return BoolT()
        if isinstance(node, n.BoolOp):
            for operand in node.operands:
                self.expect_bool(operand, f"'{node.op}'")
            return BoolT()
        if isinstance(node, n.Arith | n.Neg):
            operands = (node.operand,) if isinstance(node, n.Neg) else (node.left, node.right)
            ok = True
            for operand in operands:
                t = self.check(operand)
                if t is not None and not isinstance(t, NumberT):
                    hint = "add the members up first: sum(...)" if isinstance(t, SelectionT) else None
                    self.error("C005", f"arithmetic needs numbers, but this is {t}", operand, hint)
                    ok = False
            return NumberT() if ok else None
        if isinstance(node, n.Compare):
            return self.compare(node)
        raise AssertionError(f"unhandled node {type(node).__name__}")  # parser guarantees

    @staticmethod
    def const_type(node: n.Const) -> Type:
        value = node.value
        if isinstance(value, bool):
            return BoolT()
        if isinstance(value, int):
            return NumberT(integer=True)
        if isinstance(value, float):
            return NumberT()
        return LiteralStrT(value)

    def name(self, node: n.Name) -> Type | None:
        t = self.env.names.get(node.id)
        if t is None:
            if node.id in self.env.functions:
                self.error("C010", f"'{node.id}' is a function: call it with an id, e.g. {node.id}('...')", node)
                return None
            hint = did_you_mean(node.id, set(self.env.names))
            owners = [name for name, t in self.env.names.items() if isinstance(t, EnumT) and node.id in t.values]
            if owners and hint is None:
                hint = f"'{node.id}' is a value of {owners[0]}: put it in quotes, e.g. {owners[0]} == '{node.id}'"
            known = ", ".join(sorted(self.env.names)[:12])
            self.error(
                "C003",
                f"unknown name '{node.id}'",
                node,
                hint or (f"names you can use here: {known}" if known else "no names can be used here"),
            )
            return None
        self.names.add(node.id)
        return t

    def call(self, node: n.Call) -> Type | None:
        fn = self.env.functions.get(node.func)
        if fn is None:
            available = sorted(self.env.functions)
            if node.func in self.env.names:
                hint = f"'{node.func}' is a name, not a function: use it without brackets"
            else:
                hint = did_you_mean(node.func, set(available)) or (
                    f"functions you can use here: {', '.join(available)}"
                    if available
                    else "no functions can be used here"
                )
            self.error("C010", f"unknown function '{node.func}'", node, hint)
            return None
        if node.items is not None or (fn.groups and node.arg in fn.groups and node.arg not in (fn.ids or ())):
            return self.selection(node, fn)
        if fn.ids is not None and node.arg not in fn.ids:
            self.unknown_id(node, fn, node.arg, node.arg_start, node.arg_end)
            return None
        self.calls.add((node.func, node.arg))
        return fn.returns(node.arg)

    def unknown_id(self, node: n.Call, fn: Function, arg: str, start: int, end: int) -> None:
        ids = sorted(fn.ids or ())
        known = set(ids) | set(fn.groups or {})
        listed = ", ".join(ids[:10]) + (", ..." if len(ids) > 10 else "")
        hint = did_you_mean(arg, known)
        if hint is None and ":" in arg and fn.groups:
            groups = sorted(fn.groups)
            hint = "groups you can select: " + ", ".join(groups[:10]) + (", ..." if len(groups) > 10 else "")
        if hint is None:
            hint = f"known: {listed}" if ids else f"no {fn.kind} exists"
        what = "group" if ":" in arg and fn.groups is not None else fn.kind
        self.error("C006", f"unknown {what} '{arg}' in {node.func}()", n.Const(start, end, arg), hint)

    def selection(self, node: n.Call, fn: Function) -> Type | None:
        """``rating('section:2')``, ``points(['2.1', '2.2'])``: the values of several members."""
        if fn.groups is None:
            self.error(
                "C010",
                f"{node.func}() takes one {fn.kind} id, not a list",
                n.Const(node.arg_start, node.arg_end, node.arg),
                f"e.g. {node.func}('{sorted(fn.ids)[0] if fn.ids else '...'}')",
            )
            return None
        if node.items is None:
            members = fn.groups[node.arg]
        else:
            if not node.items:
                self.error("C005", f"the list given to {node.func}() is empty", node)
                return None
            unknown = [item for item in node.items if fn.ids is not None and item not in fn.ids]
            for item in unknown:
                offset = self.text.find(f"{item}", node.arg_start, node.arg_end)
                start = offset if offset >= 0 else node.arg_start
                self.unknown_id(node, fn, item, start, start + len(item) if offset >= 0 else node.arg_end)
            if unknown:
                return None
            members = tuple(dict.fromkeys(node.items))
        types = [fn.returns(member) for member in members]
        first = types[0]
        if not isinstance(first, BoolT | NumberT | EnumT | DateT | StringT) or any(
            not self.same_kind(first, t) for t in types[1:]
        ):
            self.error(
                "C005",
                f"the members of this selection do not hold the same kind of value ({first} and others)",
                node,
                "select members rated on one scale",
            )
            return None
        if isinstance(first, NumberT) and not all(isinstance(t, NumberT) and t.integer for t in types):
            first = NumberT()
        if isinstance(first, EnumT):  # named as written, for messages
            first = EnumT(self.text[node.start : node.end], first.values, first.ordered)
        for member in members:
            self.calls.add((node.func, member))
        self.selections[id(node)] = members
        return SelectionT(first, members)

    def aggregate(self, node: n.Aggregate) -> Type | None:
        """``count(...)``, ``sum(...)``, ``min(...)``...: a selection reduced to one value."""
        if not any(fn.groups is not None for fn in self.env.functions.values()):
            available = sorted(self.env.functions)
            hint = did_you_mean(node.func, set(available)) or (
                f"functions you can use here: {', '.join(available)}" if available else "no functions can be used here"
            )
            self.error(
                "C010",
                f"{node.func}() is not available in a {self.env.context}: it reduces a selection of criteria, "
                "which only decisions and limiting rules have",
                node,
                hint,
            )
            return None
        errors = len(self.errors)
        t = self.check(node.operand)
        if t is None or len(self.errors) > errors:  # already reported inside
            return None
        example = f"{node.func}({n.AGGREGATES[node.func]})"
        if not isinstance(t, SelectionT):
            self.error(
                "C005", f"{node.func}() needs a selection of values, but this is {t}", node.operand, f"e.g. {example}"
            )
            return None
        item = t.item
        if node.func in ("count", "all", "any"):
            if not isinstance(item, BoolT):
                self.error(
                    "C005",
                    f"{node.func}() needs a comparison of each member, but this is {t}",
                    node.operand,
                    f"e.g. {example}",
                )
                return None
            return NumberT(integer=True) if node.func == "count" else BoolT()
        if node.func in ("sum", "mean"):
            if not isinstance(item, NumberT):
                self.error("C005", f"{node.func}() needs numbers, but this is {t}", node.operand, f"e.g. {example}")
                return None
            return NumberT(integer=item.integer and node.func == "sum")
        if isinstance(item, NumberT):
            return item
        if isinstance(item, EnumT) and item.ordered:
            return EnumT(self.text[node.start : node.end], item.values, ordered=True)
        self.error(
            "C005", f"{node.func}() needs numbers or ordered values, but this is {t}", node.operand, f"e.g. {example}"
        )
        return None

    def expect_bool(self, node: n.Node, where: str) -> None:
        t = self.check(node)
        if t is not None and not isinstance(t, BoolT):
            self.error("C005", f"{where} needs true/false, but this is {t}", node, _bool_hint(t))

    def compare(self, node: n.Compare) -> Type | None:
        left = self.check(node.left)
        right = self.check(node.right)
        if left is None or right is None:
            return BoolT()
        op = node.op
        if isinstance(left, SelectionT) or isinstance(right, SelectionT):
            return self.compare_members(node, left, right)
        if op in ("in", "not in"):
            if not isinstance(node.right, n.ListLit):
                self.error("C005", f"'{op}' needs a list on its right, e.g. ['a', 'b']", node.right)
                return BoolT()
            if isinstance(left, LiteralStrT | ListT) or isinstance(node.left, n.Const):
                self.error("C005", f"put a field or function on the left of '{op}'", node.left)
                return BoolT()
            if not node.right.items:
                self.error("C005", f"the list after '{op}' is empty", node.right)
            for item in node.right.items:
                self.check_literal(left, item)
            return BoolT()
        if isinstance(left, ListT) or isinstance(right, ListT):
            self.error("C005", f"a list can only follow 'in' or 'not in', not '{op}'", node)
            return BoolT()
        left_const = isinstance(node.left, n.Const)
        right_const = isinstance(node.right, n.Const)
        if left_const and right_const:
            self.error("C005", "this compares two fixed values; compare a field with a value", node)
            return BoolT()
        if right_const or left_const:
            typed, lit = (left, node.right) if right_const else (right, node.left)
            assert isinstance(lit, n.Const)
            if self.check_literal(typed, lit):
                self.check_order(op, typed, node)
            return BoolT()
        if not self.same_kind(left, right):
            self.error("C005", f"cannot compare {left} with {right}", node)
            return BoolT()
        self.check_order(op, left, node)
        return BoolT()

    def compare_members(self, node: n.Compare, left: Type, right: Type) -> Type | None:
        """A selection compared with one fixed value, member by member: a selection of
        true/false values for ``count``, ``all`` or ``any``."""
        selection, other = (left, node.right) if isinstance(left, SelectionT) else (right, node.left)
        assert isinstance(selection, SelectionT)
        if node.op in ("in", "not in"):
            if not (isinstance(left, SelectionT) and isinstance(node.right, n.ListLit)):
                self.error("C005", f"'{node.op}' needs the selection on its left and a list on its right", node)
                return None
            if not node.right.items:
                self.error("C005", f"the list after '{node.op}' is empty", node.right)
            ok = all([self.check_literal(selection.item, item) for item in node.right.items])
            return SelectionT(BoolT(), selection.ids) if ok else None
        if not isinstance(other, n.Const):
            self.error(
                "C005",
                "a selection can only be compared with one fixed value, member by member",
                node,
                "e.g. count(rating('section:2') == 'inadequate') >= 1, or compare min(...) / max(...) of it",
            )
            return None
        if not self.check_literal(selection.item, other):
            return None
        self.check_order(node.op, selection.item, node)
        return SelectionT(BoolT(), selection.ids)

    @staticmethod
    def same_kind(a: Type, b: Type) -> bool:
        if isinstance(a, NumberT) and isinstance(b, NumberT):
            return True
        if isinstance(a, EnumT) and isinstance(b, EnumT):
            return a.values == b.values
        return type(a) is type(b)

    def check_order(self, op: str, t: Type, node: n.Node) -> None:
        if op not in ("<", "<=", ">", ">="):
            return
        if isinstance(t, NumberT | DateT):
            return
        if isinstance(t, EnumT) and t.ordered:
            return
        if isinstance(t, EnumT):
            is_field = "(" not in t.name  # answer('...') and grade('...') can never be ordered
            self.error(
                "C005",
                f"'{op}' needs an order, but the values of {t.name} are not ordered",
                node,
                "use == / in, or declare the field with 'ordered: true'" if is_field else "use == or in",
            )
        else:
            self.error("C005", f"'{op}' cannot order {t}", node, "use == or !=")

    def check_literal(self, t: Type, lit: n.Const) -> bool:
        """Is literal ``lit`` a possible value of type ``t``? Reports C004/C005 if not."""
        value = lit.value
        if isinstance(t, EnumT):
            if not t.values:
                return True  # the values are unknown (e.g. a missing scale, reported elsewhere)
            if not isinstance(value, str):
                self.error("C005", f"{t.name} holds values in quotes, not {value!r}", lit, f"e.g. '{t.values[0]}'")
                return False
            if value not in t.values:
                hint = did_you_mean(value, set(t.values)) or f"the values are: {', '.join(t.values)}"
                self.error("C004", f"'{value}' is not a value of {t.name}", lit, hint)
                return False
            return True
        if isinstance(t, BoolT):
            if not isinstance(value, bool):
                self.error("C005", f"a true/false value cannot equal {value!r}", lit, "compare with true or false")
                return False
            return True
        if isinstance(t, NumberT):
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.error(
                    "C005",
                    f"{str(t).capitalize()} cannot be compared with {value!r}",
                    lit,
                    "write the number without quotes",
                )
                return False
            return True
        if isinstance(t, DateT):
            if not isinstance(value, str) or parse_date(value) is None:
                self.error("C005", f"{value!r} is not a date", lit, "write dates as 'YYYY-MM-DD'")
                return False
            return True
        if isinstance(t, StringT):
            if not isinstance(value, str):
                self.error("C005", f"text cannot be compared with {value!r}", lit, "put the value in quotes")
                return False
            return True
        self.error("C005", f"cannot compare {t} with {value!r}", lit)
        return False
