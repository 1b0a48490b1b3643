"""Expression safety: hostile conditions never reach anything outside the whitelist.

Conditions (``relevant_if``, ``when``, ``--where``...) are parsed by a whitelist
(``omi_rules.conditions.parser``), checked against declared fields and registered functions
(``expr.checker``) and evaluated with numpy (``expr.vector``) or row by row (``expr.rowwise``).
These properties hold for the 26 hostile conditions of tests/test_expr.py and for generated
ones -- token soups of Python-like syntax, structured hostile expressions (attributes,
dunders, subscripts, calls to builtins, lambdas, comprehensions, f-strings, walrus, starred),
size attacks (deep nesting, long chains, long literals) and arbitrary text:

* compiling never raises: the result is a checked condition or a list of located C-diagnostics;
* compiling ends quickly (Hypothesis deadline of 2 s per example; in practice milliseconds);
* a condition that compiles holds only our node types, names only declared fields, calls only
  registered functions with known ids, and only finite literals within the limits; evaluating
  it, over a sample or one case, ends quickly and gives true/false;
* written into a ruleset, a hostile condition makes ``check`` exit with 1 and a diagnostic
  located on the condition's line.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.test_expr as expr_tests
from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked, ExprError, compile_condition
from omi_rules.conditions.parser import MAX_DEPTH, MAX_LENGTH, MAX_NODES
from omi_rules.conditions.rowwise import RowData, evaluate_row, explain_row
from omi_rules.conditions.types import EnumT, Env, Function, NumberT
from omi_rules.conditions.vector import VectorData, encode, evaluate

from . import strategies as s
from .harness import record, run_in_process, scratch
from .targets import MINIMAL

ENV = expr_tests.ENV
HOSTILE_26: list[str] = list(expr_tests.test_hostile_conditions_are_refused.pytestmark[0].args[1])
CODES = {f"C{i:03d}" for i in range(1, 11)}
NODE_TYPES = (n.Const, n.ListLit, n.Name, n.Call, n.Not, n.BoolOp, n.Compare, n.Arith, n.Neg)

ANY_CONDITION = st.one_of(
    s.token_soups(),
    s.structured(),
    s.bulk(),
    s.hostile(),
    st.sampled_from(HOSTILE_26 + s.VALID),
    st.text(max_size=300),
)

ROWS = [
    {"sentence": "custody", "roh": "high", "tier": 4, "ppo": False, "start": "2008-01-01", "note": "x"},
    {"sentence": "licence", "roh": "low", "tier": 1, "ppo": True, "start": "2007-12-31", "note": None},
    {"sentence": None, "roh": None, "tier": None, "ppo": None, "start": None, "note": ""},
]
ANSWERS = ["yes", "no", None]


def compile_checked(text: str) -> Checked | list[ExprError]:
    """Compile ``text`` in ENV, asserting it neither raises nor takes long; count it."""
    started = time.perf_counter()
    result = compile_condition(text, ENV)
    seconds = time.perf_counter() - started
    record("conditions", "compile", seconds)
    assert seconds < 2.0, f"compiling took {seconds:.2f}s: {text[:200]!r}"
    return result


def assert_safe(checked: Checked) -> None:
    """Everything a compiled condition holds is on the whitelist."""
    nodes = n.walk(checked.root)
    assert len(nodes) <= MAX_NODES + 1
    assert _depth(checked.root) <= MAX_DEPTH + 2
    for node in nodes:
        assert isinstance(node, NODE_TYPES), type(node)
        if isinstance(node, n.Name):
            assert node.id in ENV.names, node.id
            assert not node.id.startswith("_")
        if isinstance(node, n.Call):
            function = ENV.functions.get(node.func)
            assert function is not None, node.func
            assert function.ids is None or node.arg in function.ids, node.arg
        if isinstance(node, n.Const):
            assert type(node.value) in (str, int, float, bool), type(node.value)
            if isinstance(node.value, float):
                assert math.isfinite(node.value)
            if isinstance(node.value, int) and not isinstance(node.value, bool):
                assert abs(node.value) <= 10**15
    assert checked.names <= set(ENV.names)
    assert {f for f, _ in checked.calls} <= set(ENV.functions)


def _depth(node: n.Node) -> int:
    children = n.children(node)
    return 1 + max((_depth(c) for c in children), default=0)


def assert_evaluates(checked: Checked) -> None:
    """The condition evaluates over a small sample and for each case, quickly, to true/false."""
    started = time.perf_counter()
    columns = {name: encode(t, [row[name] for row in ROWS]) for name, t in ENV.names.items()}
    answer = ENV.functions["answer"].returns("1.2.3")
    assert isinstance(answer, EnumT)
    calls = {key: encode(answer, ANSWERS) for key in checked.calls}
    result = evaluate(checked, VectorData(len(ROWS), columns, calls))
    assert result.dtype == np.bool_ and result.shape == (len(ROWS),)
    for i, row in enumerate(ROWS):
        data = RowData(row, {key: ANSWERS[i] for key in checked.calls})
        assert isinstance(evaluate_row(checked, data), bool)
        value, steps = explain_row(checked, data)
        assert isinstance(value, bool) and isinstance(steps, list)
    assert time.perf_counter() - started < 2.0


def assert_located(errors: list[ExprError], text: str) -> None:
    assert errors, text
    for error in errors:
        assert error.code in CODES, error
        assert 0 <= error.start <= error.end <= max(len(text), 1) + 1, (error, len(text))
        assert error.message


def test_the_26_hostile_conditions_are_refused_and_located() -> None:
    """The hostile conditions of tests/test_expr.py: each refused, every error located in the text."""
    assert len(HOSTILE_26) == 26
    for text in HOSTILE_26:
        result = compile_checked(text)
        assert not isinstance(result, Checked), text
        assert_located(result, text)


@settings(max_examples=settings.default.max_examples * 4, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(text=ANY_CONDITION)
def test_compiling_any_text_is_safe(text: str) -> None:
    """Compiling any text never raises and ends within the deadline; what compiles is on the
    whitelist (declared fields, registered functions, finite bounded literals) and evaluates
    to true/false; what does not compile comes back as located C-diagnostics."""
    result = compile_checked(text)
    if isinstance(result, Checked):
        assert_safe(result)
        assert_evaluates(result)
    else:
        assert_located(result, text)


@settings(max_examples=settings.default.max_examples * 2, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(text=s.hostile())
def test_hostile_conditions_never_compile(text: str) -> None:
    """A condition holding a forbidden construct (attribute, dunder, subscript, builtin call,
    lambda, comprehension, f-string, walrus, starred, '**', 'is', None, an undeclared name, a
    huge or infinite number) or beyond a size limit is always refused."""
    result = compile_checked(text)
    assert not isinstance(result, Checked), text
    assert_located(result, text)
    assert len(text) <= MAX_LENGTH or result[0].code == "C008"


SLOTS = [
    ("relevant_if: \"answer('1.1.1') == 'yes' and roh >= 'high'\"", "relevant_if: "),
    ("relevant_if: sentence in ['custody', 'licence'] and not ppo", "relevant_if: "),
    ("when: n('not_met') == 0 and share('met') >= 0.8", "when: "),
    ("when: thread('roh') < 60", "when: "),
    ("when: roh >= 'high'", "when: "),
]
"""Conditions of the minimal ruleset (a relevance condition, a judgement rule's grade, a
decision's outcome, a sample minimum) that a hostile condition replaces."""


@settings(max_examples=max(10, settings.default.max_examples // 3), deadline=None)
@given(text=st.one_of(s.hostile(), st.sampled_from(HOSTILE_26)), slot=st.sampled_from(SLOTS))
def test_hostile_conditions_in_a_ruleset_are_located_diagnostics(text: str, slot: tuple[str, str]) -> None:
    """A hostile condition written into a copy of the minimal ruleset: ``check`` exits with 1,
    with an error diagnostic on the condition's own line, and no traceback."""
    original, key = slot
    with scratch() as tmp:
        folder = Path(tmp) / "r"
        shutil.copytree(MINIMAL, folder)
        main = folder / "ruleset.yaml"
        source = main.read_text(encoding="utf-8")
        assert source.count(original) == 1
        source = source.replace(original, key + json.dumps(text))
        main.write_text(source, encoding="utf-8")
        line = source[: source.index(key + json.dumps(text))].count("\n") + 1
        outcome = run_in_process(["check", "r", "--format", "json"], Path(tmp))
    record("conditions-in-check", "in-process", outcome.seconds)
    assert outcome.error is None and outcome.exit_code == 1, outcome.describe()
    assert "Traceback" not in outcome.stdout + outcome.stderr
    found = json.loads(outcome.stdout)["diagnostics"]
    here = [d for d in found if d["file"].endswith("ruleset.yaml") and d["line"] == line and d["severity"] == "error"]
    assert here and all(d["code"] in CODES or d["code"] == "S004" for d in here), outcome.describe()


# ---------------------------------------------------------------------- selections (decisions)

_LEVELS = ("inadequate", "requires_improvement", "good", "outstanding")
_RATED = ("2.1", "2.2", "3.1")
_GROUPS = {"section:2": ("2.1", "2.2"), "section:3": ("3.1",), "tag:planning": ("2.2", "3.1")}
SELECTION_ENV = Env(
    {},
    {
        "rating": Function(
            "rating", "rated criterion", lambda cid: EnumT(f"rating('{cid}')", _LEVELS, True), _RATED, "", _GROUPS
        ),
        "points": Function("points", "rated criterion", lambda _: NumberT(integer=True), _RATED, "", _GROUPS),
        "thread": Function("thread", "thread", lambda _: NumberT(), ("roh",), "", {}),
    },
    "decision",
)
_SELECTION_TOKENS = [
    *[f"{f}('{a}')" for f in ("rating", "points", "thread") for a in (*_RATED, *_GROUPS, "section:9", "roh", "")],
    "rating(['2.1', '3.1'])",
    "points(['2.2', 'x'])",
    "points([])",
    *[f"{a}(" for a in n.AGGREGATES],
    *[f"'{level}'" for level in _LEVELS],
    "(", ")", "[", "]", ",", "==", "!=", "<", ">=", "in", "not", "and", "or", "+", "-", "/", "0", "2", "1.5",
]  # fmt: skip


def _selections() -> st.SearchStrategy[str]:
    soup = st.lists(st.sampled_from(_SELECTION_TOKENS), max_size=25).map(" ".join)
    atom = st.sampled_from([t for t in _SELECTION_TOKENS if t.endswith(")") and "(" in t] + ["'good'", "2"])
    shaped = st.recursive(
        atom,
        lambda inner: st.one_of(
            st.builds(lambda f, x: f"{f}({x})", st.sampled_from(list(n.AGGREGATES)), inner),
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["==", "<", ">=", "+", "and"]), inner),
            st.builds(lambda x: f"not {x}", inner),
        ),
        max_leaves=8,
    )
    sel = st.sampled_from([f"'{g}'" for g in (*_GROUPS, *_RATED)] + ["['2.1', '3.1']", "['2.2', '2.2']"])
    op = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    level = st.sampled_from([f"'{level}'" for level in _LEVELS])
    number = st.sampled_from(["0", "1", "2", "2.5", "-1"])
    typed_atom = st.one_of(
        st.builds(
            lambda f, s_, o, lv, c, k: f"{f}(rating({s_}) {o} {lv}) {c} {k}",
            st.just("count"),
            sel,
            op,
            level,
            op,
            number,
        ),
        st.builds(lambda f, s_, o, lv: f"{f}(rating({s_}) {o} {lv})", st.sampled_from(["all", "any"]), sel, op, level),
        st.builds(
            lambda f, s_, o, k: f"{f}(points({s_})) {o} {k}",
            st.sampled_from(["sum", "mean", "min", "max"]),
            sel,
            op,
            number,
        ),
        st.builds(lambda f, s_, o, lv: f"{f}(rating({s_})) {o} {lv}", st.sampled_from(["min", "max"]), sel, op, level),
        st.builds(lambda s_, t, o: f"sum(points({s_})) + sum(points({t})) {o} 3", sel, sel, op),
    )
    typed = st.recursive(
        typed_atom,
        lambda inner: st.one_of(
            st.builds(lambda a, j, b: f"{a} {j} {b}", inner, st.sampled_from(["and", "or"]), inner),
            st.builds(lambda x: f"not ({x})", inner),
        ),
        max_leaves=4,
    )
    return st.one_of(soup, shaped, typed)


@settings(max_examples=settings.default.max_examples * 2, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(text=_selections(), values=st.lists(st.sampled_from([*_LEVELS, None]), min_size=3, max_size=3))
def test_selections_compile_safely_and_evaluate_to_true_or_false(text: str, values: list[str | None]) -> None:
    """Counts, sums, min/max, all/any over selections, well- or ill-formed: compiling never
    raises; what compiles reads only declared members and evaluates (with members rated or
    not) to true/false; what does not comes back as located C-diagnostics."""
    started = time.perf_counter()
    result = compile_condition(text, SELECTION_ENV)
    record("conditions", "compile", time.perf_counter() - started)
    if not isinstance(result, Checked):
        assert_located(result, text)
        return
    assert {arg for _, arg in result.calls} <= {*_RATED, "roh"}
    points = {"inadequate": 0, "requires_improvement": 1, "good": 2, "outstanding": 3}
    calls: dict[tuple[str, str], object] = {("thread", "roh"): 61.5}
    for cid, level in zip(_RATED, values, strict=True):
        calls[("rating", cid)] = level
        calls[("points", cid)] = None if level is None else points[level]
    assert isinstance(evaluate_row(result, RowData({}, calls)), bool)
    value, steps = explain_row(result, RowData({}, calls))
    assert isinstance(value, bool) and steps
