"""The handbook as plain view objects: every condition already in words, every source already
resolved to its document title, every anchor assigned. Templates only lay these out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# --------------------------------------------------------------------------- view objects


@dataclass(frozen=True)
class Link:
    """A reference to something elsewhere in the handbook."""

    anchor: str
    text: str


@dataclass(frozen=True)
class SourceView:
    """Where a rule comes from: a citation, or an assumption that must stand out as one."""

    assumption: str | None = None
    document: str | None = None
    ref: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class ValueView:
    value: str
    description: str | None


@dataclass(frozen=True)
class FieldView:
    id: str
    anchor: str
    kind: str
    description: str
    in_sentences: str
    """How the handbook words the field ("the Risk of Harm", or the fact when true / false)."""
    values: list[ValueView]
    required: bool
    source: SourceView | None


@dataclass(frozen=True)
class ScaleView:
    id: str
    anchor: str
    description: str | None
    sufficient: list[str]
    insufficient: list[str]
    not_applicable: list[str]
    source: SourceView | None


@dataclass(frozen=True)
class BandView:
    id: str
    label: str
    scores: str
    sentence: str | None
    source: SourceView


@dataclass(frozen=True)
class BandSetView:
    id: str
    anchor: str
    title: str
    basis: str
    note: str | None
    bands: list[BandView]


@dataclass(frozen=True)
class QuestionView:
    id: str
    anchor: str
    text: str
    relevance: str
    condition: str | None
    role: str
    scale: Link
    tags: list[str]
    guidance: str | None
    source: SourceView
    decides: list[Link]
    """Later questions whose relevance reads this question's answer."""


@dataclass(frozen=True)
class CaseCriterionView:
    id: str
    anchor: str
    title: str
    statement: str
    weights: str
    weights_source: SourceView | None
    aggregation: str
    bands: BandSetView | None
    bands_link: Link | None
    questions: list[QuestionView]
    source: SourceView


@dataclass(frozen=True)
class SpecificView:
    id: str
    anchor: str
    text: str
    source: SourceView


@dataclass(frozen=True)
class JudgementCriterionView:
    id: str
    anchor: str
    title: str
    statement: str
    rule: Link | None
    specific: list[SpecificView]
    source: SourceView


@dataclass(frozen=True)
class SectionView:
    id: str
    anchor: str
    title: str
    kind: Literal["case_sample", "judgement", "plugin"]
    how: str
    source: SourceView
    case_criteria: list[CaseCriterionView] = field(default_factory=list)
    judgement_criteria: list[JudgementCriterionView] = field(default_factory=list)


@dataclass(frozen=True)
class OutcomeView:
    id: str
    anchor: str
    label: str
    when: str
    condition: str | None
    sentence: str | None


@dataclass(frozen=True)
class RuleView:
    id: str
    anchor: str
    title: str
    judgements: str
    grades: list[OutcomeView]
    used_by: list[Link]
    source: SourceView


@dataclass(frozen=True)
class ThreadView:
    id: str
    anchor: str
    title: str
    selection: str
    questions: list[Link]
    bands: Link | None
    source: SourceView


@dataclass(frozen=True)
class HeadlineView:
    id: str
    anchor: str
    title: str
    counted: str
    """Which cases count, in words."""
    well_enough: str
    """When a case's work was done well enough, in words."""
    conditions: tuple[str | None, str]
    """The two conditions as written."""
    source: SourceView


@dataclass(frozen=True)
class DecisionView:
    id: str
    anchor: str
    title: str
    outcomes: list[OutcomeView]
    source: SourceView
    basis: str = ""
    """Which scores the conditions compare, in words (published figures or exact scores)."""


@dataclass(frozen=True)
class RatingScaleView:
    id: str
    anchor: str
    title: str
    levels: list[tuple[str, str]]
    """(label, points in words), best first."""
    source: SourceView


@dataclass(frozen=True)
class OverallBandView:
    label: str
    totals: str
    """The totals it covers, in words: ``19-30``."""
    source: SourceView


@dataclass(frozen=True)
class LimitView:
    title: str
    when: str
    """The condition in words."""
    condition: str
    at_most: str
    source: SourceView


@dataclass(frozen=True)
class OverallView:
    id: str
    anchor: str
    title: str
    summary: str
    """The roll-up in plain English: what is added up, over which criteria, and what is left out."""
    unrated: str
    """What a member without a rating does, in words."""
    bands: list[OverallBandView]
    limits: list[LimitView]
    source: SourceView


@dataclass(frozen=True)
class StratumView:
    field: str
    counts: list[tuple[str, int]]
    total: int
    source: SourceView


@dataclass(frozen=True)
class MinimumView:
    id: str
    anchor: str
    title: str
    when: str
    condition: str
    min: int
    source: SourceView


@dataclass(frozen=True)
class SampleView:
    size: str | None
    size_source: SourceView | None
    strata: list[StratumView]
    minimums: list[MinimumView]


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    text: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentView:
    id: str
    title: str
    details: str
    url: str | None


@dataclass(frozen=True)
class ChangeView:
    version: str
    date: str
    changes: list[str]


@dataclass(frozen=True)
class SurveyQuestionView:
    text: str
    answers: str
    """The answer scale in words: `yes or no`; `Working well in part or Another answer`."""
    indicator: str
    """What the question's indicator is, in a sentence."""
    informs: str | None
    source: SourceView


@dataclass(frozen=True)
class SurveyView:
    id: str
    anchor: str
    title: str
    respondents: str
    informs: str | None
    reporting: str
    """How its figures are reported: shares, the interval and its confidence, the correction."""
    questions: list[SurveyQuestionView] = field(default_factory=list)
    source: SourceView | None = None


@dataclass
class HandbookView:
    """Everything either template shows, in reading order."""

    title: str
    id: str
    version: str
    effective: str
    description: str
    rounding: str
    changelog: list[ChangeView]
    documents: list[DocumentView]
    fields: list[FieldView] = field(default_factory=list)
    scales: list[ScaleView] = field(default_factory=list)
    band_sets: list[BandSetView] = field(default_factory=list)
    sections: list[SectionView] = field(default_factory=list)
    rules: list[RuleView] = field(default_factory=list)
    threads: list[ThreadView] = field(default_factory=list)
    decisions: list[DecisionView] = field(default_factory=list)
    headlines: list[HeadlineView] = field(default_factory=list)
    rating_scales: list[RatingScaleView] = field(default_factory=list)
    overall_ratings: list[OverallView] = field(default_factory=list)
    surveys: list[SurveyView] = field(default_factory=list)
    sample: SampleView | None = None
    toc: list[TocEntry] = field(default_factory=list)
