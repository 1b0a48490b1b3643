"""The environments conditions are checked and evaluated in, built from a ruleset.

One place decides what each kind of condition may refer to, so ``check`` and the scoring
engine can never disagree about it:

* relevance conditions: case fields and ``answer('question id')``;
* sample minimums: case fields;
* judgement rules: ``total``, ``n('value')``, ``share('value')``;
* decisions: ``thread('id')``, ``criterion('id')``, ``section('id')``, ``grade('id')``,
  ``rating('id')``, ``points('id')``, ``overall('id')``, ``total('id')``,
  ``survey('survey.question')``, ``response_rate('survey')``;
* limiting rules of overall ratings: ``rating('id')``, ``points('id')``, and the survey figures.

In decisions and limiting rules a function may also select several members at once, by a
list of ids or a group (``rating('section:2')``, ``points('tag:casework')``), for ``count``,
``sum``, ``min``, ``max``, ``mean``, ``all`` and ``any``. Relevance conditions cannot: a case
answers one question at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from omi_rules.conditions.types import EnumT, Env, Function, NumberT, Type
from omi_rules.model import (
    CaseSampleSection,
    JudgementRule,
    JudgementSection,
    PluginSection,
    Ruleset,
)
from omi_rules.model.value_types import all_questions, answer_type, field_names, rated_criteria, rating_type

if TYPE_CHECKING:
    from omi_rules.plugins.hookspecs import ConditionFunction
    from omi_rules.plugins.manager import Registry


def case_env(model: Ruleset, registry: Registry | None = None) -> Env:
    """Relevance conditions: case fields, earlier answers, and plugins' condition functions."""
    scales = {s.id: s for s in model.scales}
    questions = all_questions(model)

    def returns(qid: str) -> Type:
        return answer_type(questions[qid], scales)

    answer = Function("answer", "question", returns, set(questions), "the answer given to a question for this case")
    functions = {"answer": answer}
    if registry is not None:
        for name, fn in registry.functions.items():
            functions[name] = Function(name, fn.argument, _bind_returns(fn, model), fn.arguments(model), fn.description)
    return Env(field_names(model), functions, "relevance condition")


def _bind_returns(fn: ConditionFunction, model: Ruleset) -> Callable[[str], Type]:
    return lambda arg: fn.returns(model, arg)


def sample_env(model: Ruleset) -> Env:
    """Sample minimums: case fields only."""
    return Env(field_names(model), {}, "sample condition")


def judgement_env(rule: JudgementRule) -> Env:
    """Judgement rules: counts and shares of the judgements given."""
    values = set(rule.judgements)
    count = Function(
        "n", "judgement", lambda _: NumberT(integer=True), values, "how many specific criteria got this judgement"
    )
    share = Function(
        "share", "judgement", lambda _: NumberT(), values, "the fraction of specific criteria with this judgement"
    )
    return Env({"total": NumberT(integer=True)}, {"n": count, "share": share}, "judgement rule")


PUBLISHED_SCORES = frozenset({"criterion", "section", "thread", "headline", "survey", "response_rate"})
"""The decision functions whose values the report publishes rounded (``display``): a decision's
``basis`` says whether it compares those published figures or the exact scores, and ``check``
warns (R029) where a decision compares one without saying."""


def decision_env(model: Ruleset) -> Env:
    """Decisions: scores of threads, criteria and sections, and section 4 grades."""
    rules = {r.id: r for r in model.judgement_rules}
    grade_values: dict[str, tuple[str, ...]] = {}
    case_criteria: set[str] = set()
    case_sections: set[str] = set()
    for section in model.sections:
        if isinstance(section, JudgementSection):
            for jc in section.criteria:
                rule = rules.get(jc.rule or section.rule or "")
                grade_values[jc.id] = tuple(g.id for g in rule.grades) if rule else ()
        elif isinstance(section, CaseSampleSection):
            case_sections.add(section.id)
            case_criteria.update(c.id for c in section.criteria)
    number = NumberT()
    lists: dict[str, tuple[str, ...]] = {}  # selectable by a list of ids, no named groups
    functions = {
        "thread": Function(
            "thread", "thread", lambda _: number, {t.id for t in model.threads}, "a thread's score in percent", lists
        ),
        "criterion": Function(
            "criterion",
            "criterion",
            lambda _: number,
            case_criteria,
            "a criterion's score in percent",
            criterion_groups(model, case_criteria),
        ),
        "section": Function(
            "section", "section", lambda _: number, case_sections, "a section's score in percent", lists
        ),
        "headline": Function(
            "headline",
            "headline",
            lambda _: number,
            {h.id for h in model.headlines},
            "a headline score in percent",
            lists,
        ),
        "grade": Function(
            "grade",
            "judged criterion",
            lambda cid: EnumT(f"grade('{cid}')", grade_values[cid]),
            set(grade_values),
            "the grade of a judged (section 4) criterion",
            criterion_groups(model, set(grade_values)),
        ),
        **rating_functions(model),
    }
    overall = {o.id: o for o in model.overall_ratings}
    scales = {s.id: s for s in model.rating_scales}
    overall_scales = {oid: scales[o.scale] for oid, o in overall.items() if o.scale in scales}
    functions["overall"] = Function(
        "overall",
        "overall rating",
        lambda oid: rating_type(overall_scales[oid], f"overall('{oid}')"),
        set(overall_scales),
        "an overall rating (ordered: `overall('overall') >= 'good'` is Good or better)",
    )
    functions["total"] = Function(
        "total", "overall rating", lambda _: number, set(overall_scales), "an overall rating's total of points"
    )
    functions.update(survey_functions(model))
    return Env({}, functions, "decision")


def survey_ids(model: Ruleset) -> set[str]:
    """What ``survey()`` accepts: ``survey.question`` (the question's indicator) and
    ``survey.question.answer`` (one answer's share). One quoted id, like every function of the
    language, so the parser, the checker's "did you mean" and both evaluators serve it as they
    are."""
    ids: set[str] = set()
    for survey in model.surveys:
        for question in survey.questions:
            ids.add(f"{survey.id}.{question.id}")
            ids.update(f"{survey.id}.{question.id}.{a}" for a in question.answer_ids())
    return ids


def survey_functions(model: Ruleset) -> dict[str, Function]:
    """``survey('offenders.rules_explained')`` and ``response_rate('offenders')``, in percent."""
    number = NumberT()
    return {
        "survey": Function(
            "survey",
            "survey question",
            lambda _: number,
            survey_ids(model),
            "the percentage of a survey's respondents giving the question's indicator answers "
            "(`survey.question`), or one answer (`survey.question.answer`)",
        ),
        "response_rate": Function(
            "response_rate",
            "survey",
            lambda _: number,
            {s.id for s in model.surveys},
            "a survey's response rate in percent (returned of sent)",
        ),
    }


def criterion_groups(model: Ruleset, members: set[str]) -> dict[str, tuple[str, ...]]:
    """The named groups of ``members`` (criterion ids): ``section:ID`` for the members of each
    section, ``tag:TAG`` for those carrying a tag; each in ruleset order, none empty."""
    groups: dict[str, list[str]] = {}
    for section in model.sections:
        if isinstance(section, PluginSection):
            continue
        for criterion in section.criteria:
            if criterion.id not in members:
                continue
            groups.setdefault(f"section:{section.id}", []).append(criterion.id)
            for tag in criterion.tags:
                groups.setdefault(f"tag:{tag}", []).append(criterion.id)
    return {name: tuple(ids) for name, ids in groups.items()}


def rating_functions(model: Ruleset) -> dict[str, Function]:
    """``rating('id')`` and ``points('id')`` of every rated criterion, and of groups of them."""
    rated = {cid: scale for cid, (_, scale) in rated_criteria(model).items()}
    groups = criterion_groups(model, set(rated))
    return {
        "rating": Function(
            "rating",
            "rated criterion",
            lambda cid: rating_type(rated[cid], f"rating('{cid}')"),
            set(rated),
            "a criterion's rating (ordered: `rating('2.1') >= 'good'` is Good or better)",
            groups,
        ),
        "points": Function(
            "points",
            "rated criterion",
            lambda _: NumberT(integer=True),
            set(rated),
            "the points of a criterion's rating",
            groups,
        ),
    }


def limit_env(model: Ruleset) -> Env:
    """Limiting rules of overall ratings: the criteria's ratings and points (not other overall
    ratings, which could go round in a circle), and survey figures (a methodology may cap an
    overall rating on what service users say)."""
    return Env({}, {**rating_functions(model), **survey_functions(model)}, "limiting rule")
