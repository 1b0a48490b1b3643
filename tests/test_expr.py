"""Unit tests of the condition language: parsing, checking, positions, hostile input."""

from __future__ import annotations

import pytest

from omi_rules.conditions.checker import Checked, ExprError, compile_condition
from omi_rules.conditions.rowwise import RowData, evaluate_row, explain_row
from omi_rules.conditions.types import BoolT, DateT, EnumT, Env, Function, NumberT, StringT

ENV = Env(
    {
        "sentence": EnumT("sentence", ("community", "licence", "custody")),
        "roh": EnumT("roh", ("low", "medium", "high", "very_high"), ordered=True),
        "ppo": BoolT(),
        "tier": NumberT(integer=True),
        "start": DateT(),
        "note": StringT(),
    },
    {"answer": Function("answer", "question", lambda q: EnumT(f"answer('{q}')", ("yes", "no")), {"1.2.3"})},
)


def errors(text: str) -> list[ExprError]:
    result = compile_condition(text, ENV)
    assert not isinstance(result, Checked), f"expected an error for {text!r}"
    return result


def ok(text: str) -> Checked:
    result = compile_condition(text, ENV)
    assert isinstance(result, Checked), result
    return result


@pytest.mark.parametrize(
    "text",
    [
        "sentence in ['licence', 'custody'] and roh >= 'high' and not ppo",
        "tier == 4",
        "1 <= tier <= 3",
        "answer('1.2.3') == 'yes'",
        "start >= '2008-01-01'",
        "note != 'x'",
        "ppo or (tier * 2 + 1) / 3 > 2",
        "true",
        "roh > 'low'\n  and sentence != 'custody'",
    ],
)
def test_valid_conditions_compile(text: str) -> None:
    ok(text)


@pytest.mark.parametrize(
    ("text", "code", "start", "hint"),
    [
        ("roh >= 'hihg'", "C004", 7, "did you mean 'high'?"),
        ("sentence in ['licence', 'custdy']", "C004", 24, "did you mean 'custody'?"),
        ("sentance == 'licence'", "C003", 0, "did you mean 'sentence'?"),
        ("answer('1.2.4') == 'yes'", "C006", 7, "did you mean '1.2.3'?"),
        ("answer('1.2.3') == 'maybe'", "C004", 19, None),
        ("sentence < 'licence'", "C005", 0, None),
        ("tier == 'four'", "C005", 8, None),
        ("ppo == 1", "C005", 7, None),
        ("tier", "C005", 0, None),
        ("start > '2008-02-30'", "C005", 8, None),
        ("tier = 4", "C001", 5, "use '==' to compare ('=' alone is not allowed)"),
        ("ppo && tier == 4", "C001", None, "use 'and' / 'or' instead of '&&' / '||'"),
        ("answr('1.2.3') == 'yes'", "C010", 0, "did you mean 'answer'?"),
        ("answer(1) == 'yes'", "C010", 7, None),
        ("answer('1.2.3', 'x') == 'yes'", "C010", 0, None),
        ("1 == 1", "C005", 0, None),
        ("sentence in ppo", "C005", 12, None),
        ("", "C001", 0, None),
    ],
)
def test_errors_have_code_position_and_hint(text: str, code: str, start: int | None, hint: str | None) -> None:
    found = errors(text)
    assert found[0].code == code, found
    if start is not None:
        assert found[0].start == start, found
    if hint is not None:
        assert found[0].hint == hint


def test_all_errors_reported_at_once() -> None:
    found = errors("sentance == 'x' and roh >= 'hihg' and foo")
    assert [e.code for e in found] == ["C003", "C004", "C003"]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "().__class__.__bases__[0].__subclasses__()",
        "sentence.__class__",
        "open('/etc/passwd')",
        "eval('1')",
        "exec('import os')",
        "[x for x in sentence]",
        "(lambda: 1)()",
        "{'a': 1}",
        "f'{sentence}'",
        "1 if ppo else 2",
        "(x := 1)",
        "tier ** 99999999",
        "sentence[0] == 'c'",
        "tier is None",
        "__builtins__",
        "globals()",
        "getattr(ppo, 'real')",
        "answer('1.2.3').upper() == 'YES'",
        "answer(answer('1.2.3')) == 'yes'",
        "answer(x='1.2.3') == 'yes'",
        "ppo and " * 400 + "ppo",
        "not " * 500 + "ppo",
        "(" * 300 + "ppo" + ")" * 300,
        "tier == " + "9" * 5000,
        "x" * 2001,
    ],
)
def test_hostile_conditions_are_refused(text: str) -> None:
    """No condition can reach attributes, dunders, imports, unregistered calls or unbounded work."""
    found = errors(text)
    assert found and found[0].code in {"C001", "C002", "C003", "C005", "C008", "C010"}, found


def test_rowwise_trace_shows_every_subcondition() -> None:
    checked = ok("sentence == 'custody' and roh >= 'high'")
    result, steps = explain_row(checked, RowData({"sentence": "custody", "roh": "medium"}))
    assert result is False
    assert [(s.text, s.value) for s in steps] == [
        ("sentence == 'custody' and roh >= 'high'", False),
        ("sentence == 'custody'", True),
        ("sentence", "custody"),
        ("roh >= 'high'", False),
        ("roh", "medium"),
    ]


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        ("roh >= 'high'", {"roh": "very_high"}, True),
        ("roh >= 'high'", {"roh": "medium"}, False),
        ("roh != 'high'", {"roh": None}, False),
        ("sentence not in ['custody']", {"sentence": None}, False),
        ("not (sentence in ['custody'])", {"sentence": None}, True),
        ("ppo", {"ppo": None}, False),
        ("not ppo", {"ppo": None}, True),
        ("tier / 0 > 1", {"tier": 3}, False),
        ("start < '2008-01-01'", {"start": "2007-12-31"}, True),
    ],
)
def test_empty_values_and_ordering_semantics(text: str, row: dict[str, object], expected: bool) -> None:
    assert evaluate_row(ok(text), RowData(row)) is expected
