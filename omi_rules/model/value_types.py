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
    JudgementSection,
    NumberField,
    Question,
    RatingScale,
    Ruleset,
    Scale,
    Text,
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


def rating_type(scale: RatingScale, name: str) -> EnumT:
    """The type of a rating in a condition: an ordered enum, worst first, so that
    ``rating('2.1') >= 'good'`` means Good or better (the scale lists its levels best first)."""
    return EnumT(name, tuple(level.id for level in reversed(scale.levels)), ordered=True)


def rated_criteria(model: Ruleset) -> dict[str, tuple[Text, RatingScale]]:
    """Criterion id -> (title, rating scale) for every criterion that has a rating.

    A case criterion is rated when its band set names a rating scale; a judged criterion when
    its judgement rule does, or when inspectors rate it directly (its own ``rating_scale``).
    References to scales that do not exist are left out here (``check`` reports them)."""
    scales = {s.id: s for s in model.rating_scales}
    band_sets = {b.id: b for b in model.band_sets}
    rules = {r.id: r for r in model.judgement_rules}
    out: dict[str, tuple[Text, RatingScale]] = {}
    for section in model.sections:
        if isinstance(section, CaseSampleSection):
            for criterion in section.criteria:
                band_set = band_sets.get(criterion.bands or section.bands or "")
                scale = scales.get(band_set.rating_scale or "") if band_set is not None else None
                if scale is not None:
                    out[criterion.id] = (criterion.title, scale)
        elif isinstance(section, JudgementSection):
            for jc in section.criteria:
                rule = rules.get(jc.rule or section.rule or "")
                name = jc.rating_scale or (rule.rating_scale if rule is not None and jc.specific_criteria else None)
                scale = scales.get(name or "")
                if scale is not None:
                    out[jc.id] = (jc.title, scale)
    return out
