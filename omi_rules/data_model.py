"""Typed shapes of the documents users give `score`: case data (JSON/YAML) and section 4
judgements. Their JSON Schemas are generated from these models like the ruleset's."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from omi_rules.model import IsoDate, ItemId, RulesetId, Text

Cell = str | int | float | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True, regex_engine="python-re"
    )


class CaseRow(BaseModel):
    """One case: `case_id`, then one key per case field and per question id."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True, use_attribute_docstrings=True)
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


class JudgementsDocument(_Model):
    """Inspectors' judgements of section 4: criterion -> specific criterion -> judgement."""

    ruleset: RulesetId | None = None
    """Optional: the id of the ruleset the judgements were made under."""
    judged_on: IsoDate | None = None
    """Optional: when the judgements were agreed."""
    judgements: dict[ItemId, dict[ItemId, Text | JudgementEntry]]
    """For each judged criterion (e.g. `4.1`), each specific criterion's judgement."""
