"""The shape of a scoring result (`--format json`), published as `schemas/result.schema.json`.

Scores are unrounded percentages (0-100) or null when nothing was judged; `display` is the
score rounded by the ruleset's rule, as the report prints it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Counts(_Model):
    """How many cases a question applied to and how they were judged."""

    relevant: int
    """Cases the question is relevant to."""
    answered: int
    """Relevant cases with an answer."""
    judged: int
    """Relevant cases judged sufficient or insufficient (not 'not applicable')."""
    sufficient: int
    """Relevant cases judged sufficient: "above the line"."""


class QuestionResult(_Model):
    id: str
    counts: Counts
    proportion: float | None
    """sufficient / judged, in percent; null when no relevant case was judged."""
    scored: bool
    summary: bool


class BandResult(_Model):
    id: str
    label: str
    sentence: str | None = None


class CriterionResult(_Model):
    id: str
    title: str
    section: str
    score: float | None
    """Unrounded percentage, or null when no question was judged on any relevant case."""
    display: str | None
    band: BandResult | None
    individual_mean: float | None
    """Mean proportion over individual questions with at least one judged case."""
    summary_proportion: float | None
    weights: dict[str, float]
    questions: list[QuestionResult]
    note: str | None = None


class SectionResult(_Model):
    id: str
    title: str
    score: float | None
    display: str | None
    criteria: list[str]


class ThreadResult(_Model):
    id: str
    title: str
    score: float | None
    display: str | None
    band: BandResult | None
    questions: list[str]
    """Questions that contributed (tagged, scored, at least one judged case)."""


class JudgedCriterionResult(_Model):
    id: str
    title: str
    grade: BandResult | None
    counts: dict[str, int]
    total: int


class DecisionResult(_Model):
    id: str
    title: str
    outcome: str
    label: str
    sentence: str | None


class PluginSectionResult(_Model):
    """A section scored by a plugin's section kind (e.g. IPPF metrics)."""

    id: str
    title: str
    section_kind: str
    summary: dict[str, str | int | float | None]
    """The section's named results, e.g. the area score."""
    header: list[str]
    rows: list[list[str]]
    paragraphs: list[str]


class HeadlineResult(_Model):
    id: str
    title: str
    score: float | None
    """Percent of counted cases where the work was done well enough; null when none counted."""
    display: str | None
    cases: int
    """Cases counted (relevant)."""
    well_enough: int


class Scores(_Model):
    """Scores of sections 1-3 for one set of cases."""

    cases: int
    criteria: dict[str, CriterionResult]
    sections: dict[str, SectionResult]
    threads: dict[str, ThreadResult]


class Group(_Model):
    value: str
    scores: Scores


class Grouping(_Model):
    field: str
    groups: list[Group]


class RulesetRef(_Model):
    id: str
    version: str
    title: str
    sha256: str
    """sha256 of the resolved ruleset's canonical JSON."""


class InputRef(_Model):
    file: str
    sha256: str
    records: int


class Finding(_Model):
    code: str
    severity: str
    message: str
    file: str
    line: int
    column: int


class Inputs(_Model):
    cases: InputRef
    judgements: InputRef | None


class Result(_Model):
    """The result of scoring one inspection sample."""

    format_version: int = 1
    tool: dict[str, str]
    """Name and version of omi-rules."""
    plugins: dict[str, str]
    """Third-party plugins loaded for this run, with their versions."""
    ruleset: RulesetRef
    inputs: Inputs
    where: str | None
    """The subgroup condition (--where), if any."""
    cases: int
    """Cases scored (after --where)."""
    criteria: dict[str, CriterionResult]
    sections: dict[str, SectionResult]
    threads: dict[str, ThreadResult]
    grades: dict[str, JudgedCriterionResult]
    """Section 4 grades by criterion id."""
    decisions: dict[str, DecisionResult]
    headlines: dict[str, HeadlineResult]
    """Headline scores, by id."""
    plugin_sections: dict[str, PluginSectionResult]
    """Sections scored by plugins' section kinds, by section id."""
    by: Grouping | None
    findings: list[Finding]
    """Warnings found while checking the data (errors stop scoring)."""
