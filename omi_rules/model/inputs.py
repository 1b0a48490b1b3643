"""Typed shapes of the documents users give `score`: case data (JSON/YAML) and section 4
judgements. Their JSON Schemas are generated from these models like the ruleset's."""

from typing import Literal

from pydantic import ConfigDict, Field

from omi_rules.model import Identifier, IsoDate, ItemId, RulesetId, Text
from omi_rules.model.docstrings import Described

Cell = str | int | float | bool | None


class _Model(Described):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, regex_engine="python-re")


class CaseRow(Described):
    """One case: `case_id`, then one key per case field and per question id."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    __pydantic_extra__: dict[str, Cell] = Field(init=False)

    case_id: str | int
    """The case's unique id in the sample."""


class CaseDataDocument(_Model):
    """A case sample as JSON or YAML (the same layout as a CSV file: one row per case)."""

    ruleset: RulesetId | None = None
    """Optional: the id of the ruleset the data was collected for."""
    cases: list[CaseRow]
    """The cases, one mapping each."""


class JudgementEntry(_Model):
    """A judgement with the evidence behind it."""

    judgement: Text
    """The judgement, one of the values the criterion's judgement rule allows."""
    evidence: Text | None = None
    """A note of the evidence, for the report writer."""


class RatingEntry(_Model):
    """A rating given directly, with the reason for it."""

    rating: Identifier
    """A level of the criterion's rating scale, e.g. `inadequate`."""
    reason: Text | None = None
    """Why: the evidence, or a ratings panel's decision to moderate the computed rating."""


class JudgementsDocument(_Model):
    """Inspectors' judgements of section 4: criterion -> specific criterion -> judgement."""

    ruleset: RulesetId | None = None
    """Optional: the id of the ruleset the judgements were made under."""
    judged_on: IsoDate | None = None
    """Optional: when the judgements were agreed."""
    judgements: dict[ItemId, dict[ItemId, Text | JudgementEntry]] = Field(default_factory=dict)
    """For each judged criterion (e.g. `4.1`), each specific criterion's judgement."""
    ratings: dict[ItemId, Identifier | RatingEntry] = Field(default_factory=dict)
    """Ratings given directly, by criterion id: for criteria inspectors rate (`"1.1": good`),
    and to moderate a computed rating (`"2.2": {rating: inadequate, reason: ...}`, a ratings
    panel's decision). Everything downstream uses a given rating instead of the computed one."""


# --------------------------------------------------------------------------- ruleset tests


class QuestionExpectation(_Model):
    """Expected counts and proportion of one question (omit what you do not want to check)."""

    relevant: int | None = None
    answered: int | None = None
    judged: int | None = None
    sufficient: int | None = None
    proportion: float | None = None
    """Percent of judged cases that were sufficient."""


class CriterionExpectation(_Model):
    """Expected score (percent; null = no judged case) and/or band of a criterion."""

    score: float | None = None
    band: Identifier | None = None
    no_score: bool = False
    """True to expect that the criterion has no score (nothing judged)."""


class OverallExpectation(_Model):
    """Expected rating and/or total of an overall rating (omit what you do not want to check)."""

    rating: Identifier | None = None
    """The overall rating after limits, e.g. `good`."""
    total: float | None = None
    """The total of points."""


class Expectations(_Model):
    """What a test expects of the result; only what is listed is checked."""

    criteria: dict[ItemId, float | CriterionExpectation] = Field(default_factory=dict)
    """Criterion id -> score (percent), or score/band/no_score."""
    questions: dict[ItemId, QuestionExpectation] = Field(default_factory=dict)
    sections: dict[ItemId, float] = Field(default_factory=dict)
    threads: dict[Identifier, float] = Field(default_factory=dict)
    grades: dict[ItemId, Identifier] = Field(default_factory=dict)
    """Judged criterion id -> grade id (e.g. partly_met)."""
    decisions: dict[Identifier, Identifier] = Field(default_factory=dict)
    """Decision id -> outcome id."""
    headlines: dict[Identifier, float] = Field(default_factory=dict)
    """Headline id -> score (percent)."""
    ratings: dict[ItemId, Identifier] = Field(default_factory=dict)
    """Rated criterion id -> its rating (after moderation), e.g. `good`."""
    overall: dict[Identifier, Identifier | OverallExpectation] = Field(default_factory=dict)
    """Overall rating id -> its rating, or rating and/or total."""
    plugin_sections: dict[ItemId, dict[Text, str | float | None]] = Field(default_factory=dict)
    """Plugin section id -> its summary's values by name, e.g. `{ippf: {area_score: 3}}`
    (numbers within the tolerance; `null`: no value)."""


class RulesetTest(_Model):
    """One test: a small sample (inline or a file), and what its scores must be."""

    name: Text
    """What the test shows, in a sentence."""
    cases: list[CaseRow] | None = None
    """Inline cases, as in a case-data document."""
    cases_file: Text | None = None
    """Or a case file, relative to the test file."""
    judgements: dict[ItemId, dict[ItemId, Text | JudgementEntry]] | None = None
    """Inline section 4 judgements."""
    judgements_file: Text | None = None
    """Or a judgements file, relative to the test file."""
    ratings: dict[ItemId, Identifier | RatingEntry] | None = None
    """Inline ratings given directly (as a judgements file's `ratings`). A test with ratings and
    no cases scores the given ratings alone, as `score` without a case file does."""
    where: Text | None = None
    """Score only the cases matching this condition."""
    unanswered: Literal["error", "warning"] | None = None
    """As `score --unanswered`."""
    tolerance: float = Field(default=0.005, ge=0)
    """How far (in percentage points) a score may be from the expected one."""
    expect: Expectations
    """The expected results."""


class RulesetTestFile(_Model):
    """A file of ruleset tests (`*.test.yaml`, usually in the ruleset's `tests/` folder)."""

    ruleset: Text | None = None
    """The ruleset under test, relative to this file (default: the nearest folder above with a
    ruleset.yaml)."""
    tests: list[RulesetTest] = Field(min_length=1)
    """The tests."""
