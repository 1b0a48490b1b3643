"""Selections in the condition language: counts, sums, min/max, mean, all/any over criteria
chosen by ids, section or tag -- checked statically, evaluated like everything else, worded in
the handbook, and usable in decisions and limiting rules (issue 13, item 1).

East Sussex 2024 (examples/hmip-youth) is the data: its published ratings are known, so every
value below can be worked out by hand from the ratings file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omi_rules.conditions.checker import Checked, ExprError, compile_condition
from omi_rules.conditions.parser import parse
from omi_rules.conditions.rowwise import RowData, evaluate_row, explain_row
from omi_rules.conditions.types import Env
from omi_rules.handbook.english import describe_condition
from omi_rules.model import Ruleset
from omi_rules.ruleset.environments import case_env, decision_env, limit_env

from .test_ratings import EAST_SUSSEX, POINTS, _compiled, _variant, run

# East Sussex 2024, as published: 2.2 Inadequate, 3.1 and 3.2 Requires improvement.
RATINGS = {
    "1.1": "good",
    "1.2": "good",
    "1.3": "outstanding",
    "1.4": "outstanding",
    "2.1": "good",
    "2.2": "inadequate",
    "2.3": "outstanding",
    "2.4": "outstanding",
    "3.1": "requires_improvement",
    "3.2": "requires_improvement",
    "3.3": "outstanding",
    "3.4": "good",
    "4.1": "requires_improvement",
}


@pytest.fixture(scope="module")
def model() -> Ruleset:
    return _compiled().model


@pytest.fixture(scope="module")
def env(model: Ruleset) -> Env:
    return decision_env(model)


def _calls() -> dict[tuple[str, str], object]:
    calls: dict[tuple[str, str], object] = {}
    for cid, level in RATINGS.items():
        calls[("rating", cid)] = level
        calls[("points", cid)] = POINTS[level]
    return calls


def _checked(text: str, env: Env) -> Checked:
    checked = compile_condition(text, env)
    assert isinstance(checked, Checked), [(e.code, e.message) for e in checked]
    return checked


def _errors(text: str, env: Env) -> list[ExprError]:
    checked = compile_condition(text, env)
    assert not isinstance(checked, Checked), f"{text!r} should not check"
    return checked


# ---------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # counts of a comparison, member by member
        ("count(rating('section:2') == 'inadequate') == 1", True),
        ("count(rating('section:3') <= 'requires_improvement') == 2", True),  # 3.1, 3.2
        ("count(rating('section:1') in ['good', 'outstanding']) == 4", True),
        ("count(rating('section:1') not in ['good']) == 2", True),
        ("count('good' == rating('section:1')) == 2", True),  # the literal may come first
        # sums and means of points, of a section, a list, a tag
        ("sum(points('section:2')) == 8", True),  # 2 + 0 + 3 + 3
        ("sum(points(['1.1', '2.2', '3.4'])) == 4", True),
        ("sum(points('tag:planning')) == 1", True),  # 2.2 (0) and 3.2 (1)
        ("mean(points('section:1')) == 2.5", True),
        # the lowest and highest rating (ordered, so compared by order) and points
        ("min(rating('section:2')) == 'inadequate'", True),
        ("max(rating('section:3')) == 'outstanding'", True),
        ("min(rating('tag:assessment')) == 'requires_improvement'", True),  # 2.1 good, 3.1 RI
        ("min(rating('section:1')) >= 'good'", True),
        ("max(points('tag:reviewing')) == 3", True),
        ("min(rating(['2.1', '3.4'])) == max(rating(['2.1', '3.4']))", True),  # both good
        # every / some member
        ("all(rating('section:1') >= 'good')", True),
        ("all(rating('section:2') >= 'good')", False),
        ("any(rating('section:2') == 'inadequate')", True),
        ("not any(rating('section:1') < 'good')", True),
        # arithmetic on reduced values
        ("sum(points('section:2')) + sum(points('section:3')) == 13", True),
        # a repeated id is one member
        ("count(rating(['2.2', '2.2']) == 'inadequate') == 1", True),
    ],
)
def test_selections_evaluate_to_what_the_ratings_say(env: Env, condition: str, expected: bool) -> None:
    assert evaluate_row(_checked(condition, env), RowData({}, _calls())) is expected


def test_a_missing_member_never_passes_for_a_lower_or_higher_value(env: Env) -> None:
    calls = _calls()
    calls[("rating", "2.2")] = None  # not rated
    calls[("points", "2.2")] = None
    row = RowData({}, calls)
    # sums, means, min and max are empty with an unrated member: every comparison is false
    for text in (
        "sum(points('section:2')) >= 0",
        "sum(points('section:2')) < 100",
        "min(rating('section:2')) >= 'inadequate'",
        "min(rating('section:2')) < 'outstanding'",
        "mean(points('section:2')) >= 0",
    ):
        assert evaluate_row(_checked(text, env), row) is False, text
    # counts count the members whose comparison holds; an empty one's does not
    assert evaluate_row(_checked("count(rating('section:2') == 'outstanding') == 2", env), row)
    assert evaluate_row(_checked("count(rating('section:2') != 'outstanding') == 1", env), row)  # 2.1 only
    assert not evaluate_row(_checked("all(rating('section:2') >= 'inadequate')", env), row)


def test_explain_shows_each_member_of_a_selection(env: Env) -> None:
    checked = _checked("count(rating('section:2') == 'inadequate') >= 1", env)
    value, steps = explain_row(checked, RowData({}, _calls()))
    assert value is True
    shown = {step.text: step.value for step in steps}
    assert shown["rating('section:2')"] == ["good", "inadequate", "outstanding", "outstanding"]
    assert shown["rating('section:2') == 'inadequate'"] == [False, True, False, False]
    assert shown["count(rating('section:2') == 'inadequate')"] == 1


def test_the_checker_records_every_member_read(env: Env) -> None:
    checked = _checked("sum(points('tag:planning')) >= 1 and rating('1.1') == 'good'", env)
    assert checked.calls == {("points", "2.2"), ("points", "3.2"), ("rating", "1.1")}
    assert sorted(checked.selections.values()) == [("2.2", "3.2")]


# ---------------------------------------------------------------------- static checks


@pytest.mark.parametrize(
    ("condition", "code", "words", "hint"),
    [
        ("count(rating('sectoin:2') == 'good') > 1", "C006", "unknown group 'sectoin:2'", "section:2"),
        ("count(rating('tag:planing') == 'good') > 1", "C006", "unknown group 'tag:planing'", "tag:planning"),
        ("sum(points(['2.1', '2.9'])) > 1", "C006", "unknown rated criterion '2.9'", "did you mean"),
        ("count(rating('section:2') == 'goood') > 1", "C004", "'goood' is not a value", "good"),
        ("rating('section:2') == 'good'", "C005", "must be true or false, but this is a selection of 4", "all("),
        ("sum(rating('section:2')) > 1", "C005", "sum() needs numbers", "points("),
        ("count(points('section:2')) > 1", "C005", "count() needs a comparison of each member", "=="),
        ("points('section:2') + 1 > 1", "C005", "arithmetic needs numbers", "sum("),
        ("count(rating('section:2') == rating('2.1')) > 1", "C005", "one fixed value", "min("),
        ("sum(3) > 1", "C005", "sum() needs a selection of values", "points('section:2')"),
        ("sum(points('section:2'), 1) > 1", "C010", "sum() takes one selection, e.g. sum(points(", None),
        ("count(rating([]) == 'good') > 1", "C005", "is empty", None),
        ("thread(['x']) > 1", "C006", "unknown thread 'x'", None),
        ("max(grade('section:4')) == 'x'", "C005", "needs numbers or ordered values", None),
    ],
)
def test_a_wrong_selection_is_reported_once_with_its_place(
    env: Env, condition: str, code: str, words: str, hint: str | None
) -> None:
    errors = _errors(condition, env)
    assert len(errors) == 1, [(e.code, e.message) for e in errors]
    error = errors[0]
    assert error.code == code and words in error.message, (error.code, error.message)
    assert 0 <= error.start < error.end <= len(condition)
    if hint is not None:
        assert error.hint is not None and hint in error.hint, error.hint


def test_relevance_conditions_cannot_select(model: Ruleset) -> None:
    env = case_env(model)
    questions = sorted(env.functions["answer"].ids or ())
    errors = _errors(f"answer(['{questions[0]}', '{questions[1]}']) == 'yes'", env)
    assert [e.code for e in errors] == ["C010"] and "not a list" in errors[0].message
    errors = _errors(f"count(answer('{questions[0]}') == 'yes') > 1", env)
    assert [e.code for e in errors] == ["C010"] and "not available in a relevance condition" in errors[0].message


def test_limiting_rules_select_ratings_but_not_overall_ratings(model: Ruleset) -> None:
    env = limit_env(model)
    _checked("count(rating('section:2') == 'inadequate') >= 1", env)
    assert [e.code for e in _errors("overall('overall') == 'good'", env)] == ["C010"]


def test_a_list_argument_must_hold_quoted_ids() -> None:
    tree = parse("sum(points(['2.1', x])) > 1")
    assert not isinstance(tree, type(parse("true"))) and getattr(tree, "code", None) == "C010"


# ---------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        (
            "count(rating('section:2') == 'inadequate') >= 1",
            "the number of the standards of domain 2 (Domain two: court disposals) whose rating is inadequate "
            "is 1 or more",
        ),
        (
            "sum(points('tag:planning')) < 2",
            "the total of the points of the standards tagged planning is less than 2",
        ),
        (
            "min(rating(['2.1', '3.1'])) >= 'good'",
            "the lowest rating of standards 2.1 and 3.1 is good or outstanding",
        ),
        (
            "all(rating('section:1') >= 'good')",
            "for each of the standards of domain 1 (Domain one: organisational delivery), the rating is good "
            "or outstanding",
        ),
        (
            "not any(rating('section:1') == 'inadequate')",
            "for none of the standards of domain 1 (Domain one: organisational delivery), the rating is inadequate",
        ),
        ("points('2.2') < 2", "the number of points of standard 2.2 (Planning) is less than 2"),
    ],
)
def test_the_handbook_words_selections_in_the_methodologys_terms(
    model: Ruleset, env: Env, condition: str, words: str
) -> None:
    text = describe_condition(condition, env, model)
    assert text == words
    assert not any(mark in text for mark in ("(", "'", "[")) or "(Domain" in text or "(Planning)" in text


# ---------------------------------------------------------------------- end to end

SELECTING_LIMIT = """    limits:
      - id: inadequate_case_work
        title: An Inadequate case-assessed standard caps the overall rating at Requires improvement
        when: "count(rating('section:2') == 'inadequate') + count(rating('section:3') == 'inadequate') >= 1"
        at_most: requires_improvement
        source: {assumption: A limiting rule for the tests.}
    source:
      document: hmip
      ref: "Ratings and scoring: the twelve standards' points, 0-36\""""


def test_a_limiting_rule_over_a_selection_caps_east_sussex_and_the_handbook_says_so(tmp_path: Path) -> None:
    folder = _variant(
        tmp_path,
        """    source:
      document: hmip
      ref: "Ratings and scoring: the twelve standards' points, 0-36\"""",
        SELECTING_LIMIT,
    )
    code, out, err = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert code == 0, err
    overall = json.loads(out)["overall_ratings"]["overall"]
    assert (overall["total"], overall["banded"], overall["rating"]) == (25, "good", "requires_improvement")
    assert [limit["id"] for limit in overall["limits"]] == ["inadequate_case_work"]
    code, book, err = run("docs", str(folder), "--format", "markdown")
    assert code == 0, err
    assert "the number of the standards of domain 2 (Domain two: court disposals) whose rating is inadequate" in book


def test_a_decision_over_selections_is_scored_and_explained(tmp_path: Path) -> None:
    folder = _variant(
        tmp_path,
        "\noverall_ratings:\n",
        """
decisions:
  - id: planning_review
    title: Does planning need a thematic review?
    source: {assumption: A decision for the tests.}
    outcomes:
      - id: "yes"
        label: "Yes"
        when: "sum(points('tag:planning')) < 2 or min(rating('tag:planning')) == 'inadequate'"
      - id: "no"
        label: "No"

overall_ratings:
""",
    )
    code, out, err = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["decisions"]["planning_review"]["outcome"] == "yes"  # 0 + 1 points
    code, out, err = run("explain", str(folder), "planning_review", "--judgements", str(EAST_SUSSEX))
    assert code == 0, err
    assert "points('tag:planning') = [0, 1]" in out
    assert "sum(points('tag:planning')) = 1" in out
