"""Relevance conditions as Excel formulas (``workbook.formulas``): each translated condition,
evaluated the way Excel would (``workbook_helpers.Formula``), gives the engine's answer
(``conditions.rowwise``) on every combination of values, empty cells included; what cannot be
said exactly in Excel is refused, never approximated."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.conditions.types import BoolT, DateT, EnumT, Env, NumberT, StringT
from omi_rules.workbook.formulas import ExcelFormula, Untranslatable

from .workbook_helpers import Formula

ENV = Env(
    {
        "sentence": EnumT("sentence", ("community", "licence", "custody")),
        "roh": EnumT("roh", ("low", "medium", "high", "very_high"), ordered=True),
        "tier": NumberT(integer=True),
        "ppo": BoolT(),
        "start": DateT(),
        "note": StringT(),
    },
    {},
    "relevance condition",
)
CELLS = {"sentence": "$B5", "roh": "$C5", "tier": "$D5", "ppo": "$E5", "start": "$F5", "note": "$G5"}
VALUES: dict[str, list[Any]] = {
    "sentence": [None, "community", "custody"],
    "roh": [None, "low", "high", "very_high"],
    "tier": [None, 1, 3, 4],
    "ppo": [None, True, False],
    "start": [None, dt.date(2007, 12, 31), dt.date(2008, 1, 1)],
    "note": [None, "x", "y"],
}
CONDITIONS = [
    "sentence == 'custody'",
    "sentence != 'custody'",
    "sentence in ['community', 'licence']",
    "sentence not in ['community']",
    "'custody' == sentence",
    "roh >= 'high'",
    "roh < 'high'",
    "roh <= 'medium' or roh > 'high'",
    "tier >= 3",
    "tier != 3",
    "3 < tier",
    "tier in [1, 4]",
    "tier not in [1, 4]",
    "ppo",
    "not ppo",
    "ppo == false",
    "ppo != true",
    "start >= '2008-01-01'",
    "start < '2008-01-01'",
    "note == 'x'",
    "note != 'x'",
    "note in ['x', 'z']",
    "not (sentence == 'custody' and roh >= 'high') or (ppo and tier > 1)",
]


def _checked(text: str) -> Checked:
    checked = compile_condition(text, ENV)
    assert isinstance(checked, Checked), checked
    return checked


def _no_answers(qid: str) -> str:
    raise Untranslatable("answer()")


def _excel(name: str, value: Any) -> Any:
    """A value as the filled workbook holds it: yes/no fields as the drop-down's words."""
    if name == "ppo" and value is not None:
        return "yes" if value else "no"
    return value


@pytest.mark.parametrize("text", CONDITIONS)
def test_the_formula_means_what_the_engine_means(text: str) -> None:
    checked = _checked(text)
    formula = Formula(ExcelFormula(CELLS, _no_answers).truth(checked))
    names = sorted(checked.names)
    for combination in itertools.product(*(VALUES[name] for name in names)):
        values = dict(zip(names, combination, strict=True))
        cells = {CELLS[n].strip("$")[0]: _excel(n, v) for n, v in values.items()}
        assert formula(cells) == evaluate_row(checked, RowData(values)), values


@pytest.mark.parametrize(
    "text",
    ["tier * 2 > 5", "tier > -tier", "tier + 1 == 4", "tier >= tier", "start in ['2008-01-01']"],
)
def test_what_excel_cannot_be_given_is_refused(text: str) -> None:
    with pytest.raises(Untranslatable):
        ExcelFormula(CELLS, _no_answers).truth(_checked(text))
