"""Documentation stays in step with the code: every diagnostic code, every ruleset key and
every key of the JSON result is documented, and the README's commands and links are real."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from omi_rules.diagnostics.codes import CODES
from omi_rules.model import common as model_common
from omi_rules.model import ratings as model_ratings
from omi_rules.model import ruleset as model
from omi_rules.model import surveys as model_surveys
from omi_rules.model.results import (
    AnswerShare,
    CriterionResult,
    DecisionResult,
    HeadlineResult,
    JudgedCriterionResult,
    OverallRatingResult,
    PluginSectionResult,
    QuestionResult,
    RatingResult,
    Result,
    SectionResult,
    SurveyQuestionResult,
    SurveyResult,
    ThreadResult,
)

from .conftest import ROOT

DIAGNOSTICS = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "ruleset-reference.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
USER_GUIDE = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_documented(code: str) -> None:
    assert f"### {code} {CODES[code].name}" in DIAGNOSTICS


def _models() -> list[type[BaseModel]]:
    modules = (model, model_common, model_ratings, model_surveys)
    return [
        obj
        for module in modules
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__
    ]


@pytest.mark.parametrize("cls", _models(), ids=lambda c: c.__name__)
def test_every_ruleset_key_is_in_the_reference(cls: type[BaseModel]) -> None:
    for key in cls.model_fields:
        assert f"`{key}`" in REFERENCE, f"{cls.__name__}.{key} is not documented in docs/ruleset-reference.md"


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:2500]
    assert "make example" in head and "make test" in head
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^example:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_links_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target


RESULT_TABLES: dict[type[BaseModel], str] = {
    Result: "Top level",
    CriterionResult: "Each criterion",
    QuestionResult: "Each question",
    SectionResult: "Each section",
    ThreadResult: "Each thread",
    JudgedCriterionResult: "Each grade",
    HeadlineResult: "Each headline",
    DecisionResult: "Each decision",
    RatingResult: "Each rating",
    OverallRatingResult: "Each overall rating",
    PluginSectionResult: "Each plugin section",
    SurveyResult: "Each survey",
    SurveyQuestionResult: "Each survey question",
    AnswerShare: "Each share",
}
"""Each object of the JSON result and the heading of its key table in docs/user-guide.md."""


def _table_keys(doc: str, heading: str) -> list[str]:
    """The keys (first column, in backticks) of the table under the ``#### heading`` of ``doc``."""
    found = re.search(rf"^#### {re.escape(heading)}\b.*$", doc, re.M)
    assert found, f"no '#### {heading}' heading in docs/user-guide.md"
    keys: list[str] = []
    for line in doc[found.end() :].splitlines()[1:]:
        if line.startswith("#"):
            break
        if row := re.match(r"^\| `([a-z_]+)` \|", line):
            keys.append(row.group(1))
    return keys


@pytest.mark.parametrize("cls", list(RESULT_TABLES), ids=lambda c: c.__name__)
def test_every_result_key_is_in_the_user_guide(cls: type[BaseModel]) -> None:
    """The JSON result's key tables list exactly the model's fields, in the model's order, so
    a key added to (or removed from) the result cannot go undocumented."""
    assert _table_keys(USER_GUIDE, RESULT_TABLES[cls]) == list(cls.model_fields)


def test_the_user_guide_lists_the_schemas_as_the_command_does() -> None:
    from click.testing import CliRunner

    from omi_rules.cli import main

    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    shown = guide.split("$ omi-rules schema --list\n", 1)[1].split("```", 1)[0]
    assert shown == CliRunner().invoke(main, ["schema", "--list"]).stdout


def _bool_spellings() -> tuple[set[str], set[str]]:
    """The spellings of true and of false the user guide lists for yes/no fields."""
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    sentence = " ".join(guide.split("A yes/no field (`type: bool`) accepts ", 1)[1].split(", in capitals")[0].split())
    true_part, false_part = sentence.split(" for true and ")
    assert false_part.endswith(" for false"), sentence
    return set(re.findall(r"`([^`]+)`", true_part)), set(re.findall(r"`([^`]+)`", false_part))


def test_the_user_guide_lists_exactly_the_bool_spellings_the_reader_accepts() -> None:
    """The guide once listed true/false, yes/no, 1/0 while y/n, TRUE, Yes and " true" were
    accepted too: the list in the guide is the reader's table, and what it says of capitals and
    spaces is what the reader does."""
    from omi_rules.casedata.validate import FALSE_WORDS, TRUE_WORDS, parse_field
    from omi_rules.model import BoolField

    listed_true, listed_false = _bool_spellings()
    assert (listed_true, listed_false) == (TRUE_WORDS, FALSE_WORDS)
    ppo = BoolField(id="ppo", type="bool", description="A PPO case.")
    for words, value in ((listed_true, True), (listed_false, False)):
        for word in words:
            for written in (word, word.upper(), word.capitalize(), f" {word} "):
                assert parse_field(ppo, written)[:2] == (value, None), written
    for refused in ("t", "on", "1.0", "nein"):
        assert parse_field(ppo, refused)[0] is None and parse_field(ppo, refused)[1] is not None
