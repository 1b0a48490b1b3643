"""The vectorised and the row-wise evaluators agree on generated conditions and cases.

Conditions are generated type-correct from the grammar (so they compile), cases with every
field sometimes empty; for each, evaluating all cases at once with numpy must give exactly the
per-case results of the row-wise evaluator used by ``explain``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.rowwise import RowData, evaluate_row, explain_row
from omi_rules.conditions.types import BoolT, DateT, EnumT, Env, Function, NumberT, StringT
from omi_rules.conditions.vector import VectorData, encode, evaluate

SENTENCE = EnumT("sentence", ("community", "licence", "custody"))
ROH = EnumT("roh", ("low", "medium", "high", "very_high"), ordered=True)
ANSWER = EnumT("answer('q1')", ("yes", "no", "na"))
NAMES = {
    "sentence": SENTENCE,
    "roh": ROH,
    "ppo": BoolT(),
    "tier": NumberT(integer=True),
    "score": NumberT(),
    "start": DateT(),
    "note": StringT(),
}
ENV = Env(
    dict(NAMES),
    {"answer": Function("answer", "question", lambda _: ANSWER, {"q1", "q2"})},
)


def quote(value: str) -> str:
    return "'" + value + "'"


numbers = st.one_of(st.integers(-5, 10).map(str), st.sampled_from(["0.5", "2.25", "0", "-1.5"]))


@st.composite
def number_expr(draw: st.DrawFn, depth: int = 0) -> str:
    choice = draw(st.integers(0, 4 if depth < 2 else 1))
    if choice == 0:
        return draw(st.sampled_from(["tier", "score"]))
    if choice == 1:
        return draw(numbers)
    if choice == 4:
        return "-" + draw(st.sampled_from(["tier", "score"]))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(number_expr(depth + 1))} {op} {draw(number_expr(depth + 1))})"


@st.composite
def atom(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 8))
    cmp = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
    eq = draw(st.sampled_from(["==", "!="]))
    if kind == 0:
        return f"sentence {eq} {quote(draw(st.sampled_from(SENTENCE.values)))}"
    if kind == 1:
        return f"roh {cmp} {quote(draw(st.sampled_from(ROH.values)))}"
    if kind == 2:
        values = draw(st.lists(st.sampled_from(SENTENCE.values + ROH.values[:0]), min_size=1, max_size=3))
        op = draw(st.sampled_from(["in", "not in"]))
        return f"sentence {op} [{', '.join(quote(v) for v in values)}]"
    if kind == 3:
        return draw(st.sampled_from(["ppo", "not ppo", "ppo == true", "ppo != false"]))
    if kind == 4:
        left = draw(number_expr())
        if left.lstrip("-").replace(".", "").isdigit():
            left = "tier"  # comparing two fixed numbers is rejected by the checker (C005)
        return f"{left} {cmp} {draw(number_expr())}"
    if kind == 5:
        day = draw(st.dates(dt.date(2007, 1, 1), dt.date(2008, 12, 31)))
        return f"start {cmp} '{day.isoformat()}'"
    if kind == 6:
        return f"note {eq} {quote(draw(st.sampled_from(['a', 'b'])))}"
    if kind == 7:
        q = draw(st.sampled_from(["q1", "q2"]))
        return f"answer('{q}') {eq} {quote(draw(st.sampled_from(ANSWER.values)))}"
    lo, hi = sorted(draw(st.lists(st.integers(0, 5), min_size=2, max_size=2)))
    return f"{lo} <= tier <= {hi}"


@st.composite
def condition(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return draw(atom())
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return f"not ({draw(condition(depth + 1))})"
    parts = draw(st.lists(condition(depth + 1), min_size=2, max_size=3))
    return "(" + f" {kind} ".join(parts) + ")"


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


case = st.fixed_dictionaries(
    {
        "sentence": maybe(st.sampled_from(SENTENCE.values)),
        "roh": maybe(st.sampled_from(ROH.values)),
        "ppo": maybe(st.booleans()),
        "tier": maybe(st.integers(0, 5)),
        "score": maybe(st.sampled_from([0.0, 0.5, 2.25, -1.5, 7.0, float("nan")])),
        "start": maybe(st.dates(dt.date(2007, 1, 1), dt.date(2008, 12, 31))),
        "note": maybe(st.sampled_from(["a", "b", "c"])),
        "q1": maybe(st.sampled_from(ANSWER.values)),
        "q2": maybe(st.sampled_from(ANSWER.values)),
    }
)


@given(condition(), st.lists(case, min_size=1, max_size=25))
def test_vector_and_rowwise_agree(text: str, cases: list[dict[str, Any]]) -> None:
    """Invariant: vectorised evaluation equals row-by-row evaluation, case by case."""
    checked = compile_condition(text, ENV)
    assert isinstance(checked, Checked), (text, checked)
    columns = {name: encode(t, [c[name] for c in cases]) for name, t in NAMES.items()}
    calls = {("answer", q): encode(ANSWER, [c[q] for c in cases]) for q in ("q1", "q2")}
    vector = evaluate(checked, VectorData(len(cases), columns, calls))
    for index, c in enumerate(cases):
        row = RowData({k: c[k] for k in NAMES}, {("answer", q): c[q] for q in ("q1", "q2")})
        expected = evaluate_row(checked, row)
        assert bool(vector[index]) == expected, (text, c)
        traced, steps = explain_row(checked, row)
        assert traced == expected
        assert steps[0].text in text
