"""The condition-language type of each case field and question answer, and the values of a scale.

Pure functions of the ruleset model, needed both where case data is checked against a ruleset
(``omi_rules.casedata``) and where conditions are bound to it (``omi_rules.ruleset.environments``),
so they live with the model rather than with either.
"""

from __future__ import annotations

from omi_rules.conditions.types import BoolT, DateT, EnumT, NumberT, StringT, Type
from omi_rules.model import (
    BoolField,
    CaseField,
    CaseSampleSection,
    DateField,
    EnumField,
    IntField,
    NumberField,
    Question,
    Ruleset,
    Scale,
)


def field_type(f: CaseField) -> Type:
    """The condition-language type of a declared case field."""
    if isinstance(f, EnumField):
        return EnumT(f.id, f.value_ids(), f.ordered)
    if isinstance(f, BoolField):
        return BoolT()
    if isinstance(f, IntField):
        return NumberT(integer=True)
    if isinstance(f, NumberField):
        return NumberT()
    if isinstance(f, DateField):
        return DateT()
    return StringT()


def scale_values(scale: Scale) -> tuple[str, ...]:
    """Every answer a scale allows, sufficient first."""
    return tuple(scale.sufficient) + tuple(scale.insufficient) + tuple(scale.not_applicable)


def answer_type(question: Question, scales: dict[str, Scale]) -> EnumT:
    scale = scales.get(question.scale)
    values = scale_values(scale) if scale is not None else ()
    return EnumT(f"answer('{question.id}')", values)


def all_questions(model: Ruleset) -> dict[str, Question]:
    return {
        q.id: q for s in model.sections if isinstance(s, CaseSampleSection) for c in s.criteria for q in c.questions
    }


def field_names(model: Ruleset) -> dict[str, Type]:
    return {f.id: field_type(f) for f in model.fields}
