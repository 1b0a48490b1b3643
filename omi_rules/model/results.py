"""The shape of a scoring result (`--format json`), published as `schemas/result.schema.json`.

Scores are unrounded percentages (0-100) or null when nothing was judged; `display` is the
score rounded by the ruleset's rule, as the report prints it. In memory every score is an exact
fraction (``omi_rules.numbers``), so rounding and bands see the true value; the JSON holds
it as a number.
"""

from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from omi_rules.model.docstrings import Described
from omi_rules.numbers import exact


def _to_exact(value: object) -> object:
    """Pydantic's view: accept any number a caller has, keep it exact (a float as written)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        return value  # pydantic then reports the wrong type
    return exact(value)


def _to_float(value: Fraction) -> float:
    return float(value)


Exact = Annotated[
    Fraction,
    BeforeValidator(_to_exact),
    PlainSerializer(_to_float, return_type=float),
    WithJsonSchema({"type": "number"}),
]
"""A score field: exact in memory, a plain JSON number (float) in every serialised result."""


class _Model(Described):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    proportion: Exact | None
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
    score: Exact | None
    """Unrounded percentage, or null when no question was judged on any relevant case."""
    display: str | None
    band: BandResult | None
    individual_mean: Exact | None
    """Mean proportion over individual questions with at least one judged case."""
    summary_proportion: Exact | None
    weights: dict[str, float]
    """The weights the aggregation used: OMI's `individual` and `summary`; each scored
    question's weight by its id (`weighted_questions`); empty for one that uses none (the
    lowest, or the mean, of the questions)."""
    aggregation: str = "weighted_summary"
    """How the questions made the score: the criterion's declared aggregation."""
    questions: list[QuestionResult]
    note: str | None = None


class SectionResult(_Model):
    id: str
    title: str
    score: Exact | None
    display: str | None
    criteria: list[str]
    published: bool = True
    """Whether reports show the section's score (the ruleset's `score_published`)."""


class ThreadResult(_Model):
    id: str
    title: str
    score: Exact | None
    display: str | None
    band: BandResult | None
    questions: list[str]
    """Questions that contributed (tagged, scored, at least one judged case)."""


class JudgedCriterionResult(_Model):
    id: str
    title: str
    grade: BandResult | None
    """The grade of the judgements; null when none of its specific criteria was judged."""
    counts: dict[str, int]
    total: int
    """Specific criteria judged: the grade is made from these."""
    not_judged: list[str] = Field(default_factory=list)
    """Specific criteria left out of the judgements file."""
    note: str | None = None
    """Why there is no grade, or that it was made from only some specific criteria."""


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


class RatingResult(_Model):
    """A criterion's rating: the level of its scale, with where it came from."""

    id: str
    title: str
    scale: str
    """The rating scale."""
    rating: str | None
    """The level, or null when the criterion could not be rated (nothing judged)."""
    label: str | None
    points: int | None
    """The level's points, if the scale gives points."""
    computed: str | None
    """The level the method gave (band of the score, grade of the judgements); null for a
    criterion rated directly or not rated."""
    basis: str
    """Where `rating` comes from: `band` (of the score), `grade` (of the judgements),
    `given` (rated directly by inspectors), `moderated` (given over a computed rating) or
    `none`."""
    reason: str | None = None
    """The reason given with a rating that was given or moderated."""


class AppliedLimit(_Model):
    id: str
    title: str
    at_most: str
    """The best rating the limit allows."""


class OverallRatingResult(_Model):
    """An overall rating: the members' points, their total, its band, and any limits."""

    id: str
    title: str
    scale: str
    rating: str | None
    """The overall level after limits; null when it could not be rated."""
    label: str | None
    total: Exact | None
    """Sum of the counted members' points (scaled up when unrated members were left out)."""
    maximum: int
    """The highest total possible: the counted members times the best level's points."""
    counted: list[str]
    """Members whose points are in the total."""
    excluded: list[str]
    """Criteria rated but left out of the total (`members.exclude`)."""
    unrated: list[str]
    """Members without a rating, and what was done (see the ruleset's `unrated`)."""
    rescaled: bool
    """True when unrated members were left out and the total scaled to the full maximum."""
    banded: str | None
    """The level the total's band gives, before limits."""
    limits: list[AppliedLimit]
    """Limiting rules that lowered the rating, in the ruleset's order."""


class HeadlineResult(_Model):
    id: str
    title: str
    score: Exact | None
    """Percent of counted cases where the work was done well enough; null when none counted."""
    display: str | None
    cases: int
    """Cases counted (relevant)."""
    well_enough: int


# --------------------------------------------------------------------------- how sure a figure is
# Intervals and band shares are statistical estimates, not published figures: they are floats
# (a bootstrap's percentile is not a rational number the method defines), rounded to 4 places so
# that the JSON stays byte-identical across runs and machines with the same numpy.


class Interval(_Model):
    """A confidence interval of a score in percent (0-100)."""

    low: float | None
    """Lower limit; null when the figure could not be estimated."""
    high: float | None
    """Upper limit."""
    method: str
    """How it was made: `bootstrap` (percentiles of the resampled scores), `wilson` (Wilson
    score interval of a proportion) or `linearised` (normal interval from the linearised
    variance of the score over the cases)."""


class Share(_Model):
    """The share of resamples that gave one band, grade or outcome."""

    id: str
    """The band, rating or outcome id; `none` for resamples that gave no figure."""
    label: str
    share: float
    """Share of the resamples (the shares of one figure sum to 1)."""
    replicates: int
    """How many resamples that is."""


class Stability(_Model):
    """How firm a conclusion is: the share of resamples in each band, and a flag when the
    interval of its figure crosses a band limit."""

    published: str | None
    """The band (or outcome) of the whole sample, as the result gives it."""
    shares: list[Share]
    """Every band with at least one resample, in the band set's order (`none` last)."""
    firm: bool
    """True when the interval lies inside one band (for outcomes: every resample agrees)."""
    reaches: list[str]
    """The other bands (or outcomes) the interval reaches (for outcomes: any resample gave)."""
    flag: str | None
    """When not firm: e.g. "Good, but not distinguishable from Priority for improvement at
    this sample size"."""


class FigureUncertainty(_Model):
    """The intervals of one score and, where it has a band, how stable its band is."""

    estimate: float | None
    """The score of the whole sample (as a float)."""
    bootstrap: Interval
    linearised: Interval | None
    """The analytic interval; null for a rule that is not smooth (the lowest question)."""
    wilson: Interval | None = None
    """For a single proportion (a question, a headline): the Wilson score interval."""
    defined: float
    """Share of resamples in which the figure had a value (some relevant case judged)."""
    stability: Stability | None = None
    """The band's stability; null for a figure without bands."""


class OutcomeUncertainty(_Model):
    """A rating, overall rating or decision recomputed on every resample."""

    stability: Stability


class Uncertainty(_Model):
    """How sure the figures are: intervals, band stability and their settings (`score
    --uncertainty`, always in the JSON). Computed from the cases scored (after `--where`)."""

    confidence: float
    """Declared confidence of every interval (default 0.95)."""
    replicates: int
    """Bootstrap resamples of the cases."""
    seed: int
    """Seed of the resampling: the same seed, the same intervals."""
    caseload: int | None
    """Cases the sample was drawn from, when given: the finite-population correction."""
    correction: float
    """The factor applied to the spread, sqrt(1 - n/N); 1 without a caseload."""
    note: str
    """What the figures are, in words."""
    questions: dict[str, FigureUncertainty]
    criteria: dict[str, FigureUncertainty]
    sections: dict[str, FigureUncertainty]
    threads: dict[str, FigureUncertainty]
    headlines: dict[str, FigureUncertainty]
    ratings: dict[str, OutcomeUncertainty]
    """Ratings made from a score's band, recomputed on each resample."""
    overall_ratings: dict[str, OutcomeUncertainty]
    decisions: dict[str, OutcomeUncertainty]
    unstable: list[str]
    """One line per conclusion a resample could change, with its band shares."""


class SurveyInterval(_Model):
    """A confidence interval of a survey percentage, in percent."""

    low: float
    high: float
    confidence: float
    """e.g. 0.95."""
    method: str
    """`wilson` (Wilson score interval), or `wilson_fpc` (with the finite-population correction)."""


class AnswerShare(_Model):
    """How many respondents gave one answer (or one of the indicator's answers), and their share."""

    count: int
    share: Exact | None
    """count / respondents who answered the question, in percent; null when none answered."""
    label: str | None = None
    """The answer's words (the ruleset's `label`, or its id); null for a response rate."""
    display: str | None
    interval: SurveyInterval | None


class SurveyQuestionResult(_Model):
    """One survey question's answers."""

    id: str
    text: str
    answered: int
    """Respondents who gave an answer of the scale."""
    blank: int
    """Respondents who left the question blank (returned minus answered)."""
    answers: dict[str, AnswerShare]
    """Each answer of the scale, in its order."""
    indicator: list[str]
    """The answers the question's indicator counts (the ruleset's `share_of`)."""
    share: AnswerShare
    """The indicator: respondents giving one of `indicator`'s answers."""
    informs: list[str]
    """Criteria or sections the question (and its survey) informs."""


class SurveyResult(_Model):
    """A survey's indicators: response rate and, per question, the share giving each answer."""

    id: str
    title: str
    respondents: str
    """Who was asked."""
    files: dict[str, str]
    """The files the survey's data was read from (the data file, and the respondent rows it
    names), each with its sha256."""
    data: str
    """`counts` (answer counts given) or `responses` (one row per respondent)."""
    sent: int | None
    """Questionnaires sent; null when not known."""
    returned: int
    response_rate: AnswerShare | None
    """Returned of sent; null when `sent` is not known."""
    finite_population_correction: bool
    """Whether the answer shares' intervals were narrowed by the finite-population correction."""
    informs: list[str]
    questions: dict[str, SurveyQuestionResult]
    note: str | None = None
    """The data file's note: where its figures come from or what was assumed."""


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
    cases: InputRef | None
    """The case file; null when the result was computed from given ratings alone."""
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
    wording: dict[str, str | None] = Field(default_factory=dict)
    """The methodology's words for its levels and report captions (the ruleset's `wording`)."""
    ratings: dict[str, RatingResult] = Field(default_factory=dict)
    """Ratings of the criteria that have a rating scale, by criterion id."""
    overall_ratings: dict[str, OverallRatingResult] = Field(default_factory=dict)
    """Overall ratings, by id."""
    surveys: dict[str, SurveyResult] = Field(default_factory=dict)
    """Survey indicators (response rate, answer shares, intervals), by survey id; empty when no
    survey data was given."""
    by: Grouping | None
    findings: list[Finding]
    """Warnings found while checking the data (errors stop scoring)."""
    uncertainty: Uncertainty | None = None
    """How sure the figures are (`--uncertainty`; always with `--format json`); null when not
    computed (no case sample)."""
