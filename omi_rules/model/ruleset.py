"""The typed in-memory model of a ruleset (pydantic v2).

This module is the single source of truth for the ruleset *shape*: the JSON Schema in
`schemas/ruleset.schema.json` is generated from it (`omi_rules.model.schemas`) and a test
proves the committed file is up to date and that schema and model accept the same documents.

Why the model is deliberately "structural only": anything the JSON Schema cannot say
(references between ids, band coverage, weights summing to 1, condition typing) is checked by
`omi_rules.checks` and reported as a diagnostic with a position, never by a pydantic validator.
That keeps the schema and the model in exact agreement, and gives methodology staff the same
errors in their editor as on the command line.

Field docstrings become the schema's `description` (`omi_rules.model.docstrings`), which is
what an editor shows on hover, so they are written for methodology staff.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from omi_rules.model.common import (
    Assumption as Assumption,
)
from omi_rules.model.common import (
    BoolField as BoolField,
)
from omi_rules.model.common import (
    CaseField as CaseField,
)
from omi_rules.model.common import (
    ChangelogEntry as ChangelogEntry,
)
from omi_rules.model.common import (
    Citation as Citation,
)
from omi_rules.model.common import (
    Condition as Condition,
)
from omi_rules.model.common import (
    DateField as DateField,
)
from omi_rules.model.common import (
    Document as Document,
)
from omi_rules.model.common import (
    EnumField as EnumField,
)
from omi_rules.model.common import (
    EnumValue as EnumValue,
)
from omi_rules.model.common import (
    Identifier as Identifier,
)
from omi_rules.model.common import (
    IntField as IntField,
)
from omi_rules.model.common import (
    IsoDate as IsoDate,
)
from omi_rules.model.common import (
    ItemId as ItemId,
)
from omi_rules.model.common import (
    NumberField as NumberField,
)
from omi_rules.model.common import (
    PluginName as PluginName,
)
from omi_rules.model.common import (
    RulesetId as RulesetId,
)
from omi_rules.model.common import (
    SemVer as SemVer,
)
from omi_rules.model.common import (
    Source as Source,
)
from omi_rules.model.common import (
    StringField as StringField,
)
from omi_rules.model.common import (
    Text as Text,
)
from omi_rules.model.common import (
    VersionRange as VersionRange,
)
from omi_rules.model.common import (
    Wording as Wording,
)
from omi_rules.model.common import (
    _FieldBase as _FieldBase,
)
from omi_rules.model.common import (
    _Model as _Model,
)
from omi_rules.model.ratings import (
    Limit as Limit,
)
from omi_rules.model.ratings import (
    Members as Members,
)
from omi_rules.model.ratings import (
    OverallBand as OverallBand,
)
from omi_rules.model.ratings import (
    OverallRating as OverallRating,
)
from omi_rules.model.ratings import (
    RatedAs as RatedAs,
)
from omi_rules.model.ratings import (
    RatingLevel as RatingLevel,
)
from omi_rules.model.ratings import (
    RatingScale as RatingScale,
)
from omi_rules.model.surveys import (
    Survey as Survey,
)
from omi_rules.model.surveys import (
    SurveyQuestion as SurveyQuestion,
)

# --------------------------------------------------------------------------- scales and bands


class Scale(_Model):
    """An answer scale: which answers count as sufficient ("above the line")."""

    id: Identifier
    """The name questions use to refer to this scale."""
    description: Text | None = None
    """What the scale is for."""
    sufficient: list[Identifier] = Field(min_length=1)
    """Answers that count as sufficient: "above the line"."""
    insufficient: list[Identifier] = Field(min_length=1)
    """Answers that count as insufficient: "below the line"."""
    not_applicable: list[Identifier] = Field(default_factory=list)
    """Answers that mean the question did not apply; the case is not counted as judged."""
    source: Source | None = None
    """Where the scale comes from."""


class Band(_Model):
    """One band of a band set: scores from `min` (inclusive) up to `max` (exclusive).

    The band whose `max` is 100 also includes 100.
    """

    id: Identifier
    """Short name used in results, e.g. `good`."""
    label: Text
    """The label shown in tables, e.g. `Good`."""
    min: float = Field(ge=0, le=100)
    """Lowest score in the band (inclusive)."""
    max: float = Field(ge=0, le=100)
    """Score where the next band starts (exclusive; 100 is included in the top band)."""
    sentence: Text | None = None
    """The sentence the report prints for a score in this band."""
    source: Source
    """Where the band limits come from, or the assumption behind them."""


class BandSet(_Model):
    """Grade bands that turn a percentage score into a conclusion."""

    id: Identifier
    """The name criteria and threads use to refer to this band set."""
    title: Text
    """What the bands grade, e.g. `Criterion conclusion`."""
    basis: Literal["rounded", "unrounded"] = "rounded"
    """Whether the band is decided on the displayed (rounded) score or the exact one."""
    rule: Identifier = "ranges"
    """How a score becomes a band: `ranges` (built in: min to max), or a plugin's grade rule."""
    bands: list[Band] = Field(min_length=1)
    """The bands, in any order; together they must cover 0-100 without gaps or overlaps."""
    rating_scale: Identifier | None = None
    """Optional: the rating scale (under `rating_scales`) whose levels these bands are. A
    criterion banded by this set is then rated: its band is its rating (band ids are levels)."""
    note: Text | None = None
    """Anything a reviewer should know, e.g. which other limits would fit the evidence."""


class Rounding(_Model):
    """How scores are displayed. Scores are always computed unrounded."""

    decimals: int = Field(default=0, ge=0, le=4)
    """Decimal places of a displayed percentage."""
    method: Literal["half_up", "half_even"] = "half_up"
    """`half_up`: 70.5 shows as 71; `half_even`: 70.5 shows as 70."""


# --------------------------------------------------------------------------- sections 1-3


class Weights(_Model):
    """How a criterion combines its individual questions and its summary question."""

    individual: float = Field(default=0.8, ge=0, le=1)
    """Weight of the mean over the individual questions."""
    summary: float = Field(default=0.2, ge=0, le=1)
    """Weight of the summary question."""
    source: Source | None = None
    """Where the weights come from (OMI: Appendix 4, "weighted 80/20")."""


class Question(_Model):
    """A question of the Offender Management Tool, answered for each relevant case."""

    id: ItemId
    """Unique question id, e.g. `1.2.3`; the case data column for its answers."""
    text: Text
    """The question as inspectors read it."""
    scale: Identifier
    """The answer scale (an id under `scales`)."""
    relevant_if: Condition | None = None
    """Which cases the question applies to; omitted means every case."""
    summary: bool = False
    """True for the criterion's single summary question."""
    scored: bool = True
    """False for a routing question (e.g. "was a full RoH analysis required?") whose answer only
    decides which later questions are relevant; it never counts in a score."""
    tags: list[Identifier] = Field(default_factory=list)
    """Labels threads select on, e.g. `roh` for Risk of Harm questions."""
    weight: float | None = Field(default=None, gt=0, le=1000)
    """The question's weight in a criterion aggregated `weighted_questions` (default 1). No other
    aggregation uses it (R028)."""
    guidance: Text | None = None
    """Notes for inspectors on how to judge the question."""
    source: Source
    """Where in the report the question's finding appears, or the assumption behind it."""


class CaseCriterion(_Model):
    """A general criterion scored from the case sample (sections 1-3)."""

    id: ItemId
    """Criterion number, e.g. `1.2`."""
    title: Text
    """Short title, e.g. `Assessment of Risk of Harm`."""
    statement: Text
    """The criterion's statement of what good work looks like."""
    weights: Weights = Field(default_factory=Weights)
    """Weights of individual questions vs the summary question (default 0.8/0.2)."""
    aggregation: Identifier = "weighted_summary"
    """How the questions combine into the criterion score."""
    bands: Identifier | None = None
    """Band set for the conclusion; defaults to the section's."""
    tags: list[Identifier] = Field(default_factory=list)
    """Labels that conditions select criteria by, e.g. `rating('tag:casework')`."""
    questions: list[Question] = Field(min_length=1)
    """The criterion's questions, including exactly one with `summary: true`."""
    source: Source
    """Where the criterion is defined."""


class CaseSampleSection(_Model):
    """A section scored from the case sample (sections 1-3 of OMI)."""

    id: ItemId
    """Section number, e.g. `1`."""
    title: Text
    """Section title."""
    kind: Literal["case_sample"]
    bands: Identifier | None = None
    """Default band set for the section's criteria."""
    criteria: list[CaseCriterion] = Field(min_length=1)
    """The general criteria of the section."""
    score_published: bool = True
    """Whether reports show the section's score (the mean of its criteria). OMI publishes it;
    HMI Probation publishes ratings per standard, and no domain score."""
    source: Source
    """Where the section and its scoring are defined."""


# --------------------------------------------------------------------------- section 4


class SpecificCriterion(_Model):
    """One specific criterion that inspectors judge for a section 4 general criterion."""

    id: ItemId
    """Unique id, e.g. `4.1.3`."""
    text: Text
    """What inspectors judge."""
    source: Source
    """Where the report assesses it."""


class JudgementCriterion(_Model):
    """A general criterion graded by judgement of its specific criteria (section 4)."""

    id: ItemId
    """Criterion number, e.g. `4.1`."""
    title: Text
    """Short title."""
    statement: Text
    """The criterion's statement."""
    rule: Identifier | None = None
    """The judgement rule (under `judgement_rules`); defaults to the section's."""
    tags: list[Identifier] = Field(default_factory=list)
    """Labels that conditions select criteria by, e.g. `rating('tag:casework')`."""
    specific_criteria: list[SpecificCriterion] = Field(default_factory=list)
    """The specific criteria inspectors judge. Leave out for a criterion inspectors rate
    directly (set `rating_scale` instead)."""
    rating_scale: Identifier | None = None
    """A criterion inspectors rate directly, with one rating of this scale (under
    `rating_scales`), given in the judgements file's `ratings`, e.g. HMI Probation's
    organisational standards."""
    source: Source
    """Where the criterion is defined."""


class JudgementSection(_Model):
    """A section graded by inspectors' judgements rather than case scores (OMI section 4)."""

    id: ItemId
    """Section number, e.g. `4`."""
    title: Text
    """Section title."""
    kind: Literal["judgement"]
    rule: Identifier | None = None
    """Default judgement rule for the section's criteria."""
    criteria: list[JudgementCriterion] = Field(min_length=1)
    """The general criteria of the section."""
    source: Source
    """Where the section is defined."""


class PluginSection(_Model):
    """A section scored by a kind a plugin provides, e.g. IPPF performance metrics.

    `config` holds what the section kind needs (its metrics, bands, roll-up rules); the plugin
    publishes a JSON Schema for it, and `check` validates it.
    """

    id: ItemId
    """Section number or name, e.g. `ippf`."""
    title: Text
    """Section title."""
    kind: Literal["plugin"]
    section_kind: Identifier
    """The plugin's section kind, e.g. `ippf_metrics` (`omi-rules plugins` lists them)."""
    config: dict[str, Any] = Field(default_factory=dict)
    """The section kind's settings, as its plugin documents them."""
    source: Source
    """Where the section is defined."""


Section = Annotated[CaseSampleSection | JudgementSection | PluginSection, Field(discriminator="kind")]


class Outcome(_Model):
    """One possible result of a rule; the first whose `when` is true applies."""

    id: Identifier
    """Short name used in results, e.g. `satisfactorily_met` or `yes`."""
    label: Text
    """What tables print, e.g. `Satisfactorily met`."""
    when: Condition | None = None
    """The condition; omit it on the last outcome to make it the otherwise case."""
    sentence: Text | None = None
    """The sentence the report prints for this outcome."""


class JudgementRule(_Model):
    """Turns inspectors' judgements of specific criteria into a grade.

    Conditions may use `total` (number of specific criteria judged), `n('met')` (how many
    were judged `met`) and `share('met')` (that count divided by `total`).
    """

    id: Identifier
    """The name criteria use to refer to this rule."""
    title: Text
    """What the rule does, in a few words."""
    judgements: list[Identifier] = Field(min_length=1)
    """The values inspectors may give a specific criterion, best first."""
    grades: list[Outcome] = Field(min_length=1)
    """The grades, tried in order; the last has no `when`."""
    rating_scale: Identifier | None = None
    """Optional: the rating scale (under `rating_scales`) whose levels the grades are; a
    criterion graded by this rule is then rated (grade ids are levels)."""
    source: Source
    """Where the rule comes from, or the assumption behind it."""


# --------------------------------------------------------------------------- threads, decisions


class ThreadSelection(_Model):
    """Which questions a thread draws on."""

    tags: list[Identifier] = Field(min_length=1)
    """Questions carrying any of these tags are selected."""
    sections: list[ItemId] = Field(default_factory=list)
    """Only from these sections (empty: all case-sample sections)."""
    include_summary: bool = False
    """Whether tagged summary questions count too."""


class Thread(_Model):
    """A cross-cutting score over tagged questions, e.g. the Risk of Harm thread."""

    id: Identifier
    """Short name, e.g. `roh`; decisions refer to it as `thread('roh')`."""
    title: Text
    """Title, e.g. `Risk of Harm thread`."""
    select: ThreadSelection
    """Which questions it draws on."""
    combine: Identifier = "mean_of_questions"
    """How the selected questions' proportions combine."""
    bands: Identifier | None = None
    """Optional band set for the thread score."""
    source: Source
    """Where the thread is defined."""


class Headline(_Model):
    """A headline score: the share of cases where some work was done well enough.

    Unlike a criterion (a mean of question proportions), a headline judges each case as a
    whole: e.g. OMI2's "Risk of Harm work was done well enough" in 72% of cases.
    """

    id: Identifier
    """Short name, e.g. `control`."""
    title: Text
    """What the headline measures, e.g. `Risk of Harm work (control)`."""
    relevant_if: Condition | None = None
    """Which cases count (omitted: every case)."""
    well_enough_if: Condition
    """When a counted case's work was done well enough, e.g. `answer('1.2.s') == 'yes'`."""
    source: Source
    """Where the headline comes from, or the assumption behind it."""


class Decision(_Model):
    """A decision the report announces, e.g. whether a further inspection follows.

    Conditions may use `thread('id')`, `criterion('id')` and `section('id')` (scores in
    percent) and `grade('id')` (the grade id of a section 4 criterion).
    """

    id: Identifier
    """Short name used in results."""
    title: Text
    """The question the decision answers."""
    outcomes: list[Outcome] = Field(min_length=1)
    """The possible outcomes, tried in order; the last has no `when`."""
    basis: Literal["rounded", "unrounded"] | None = None
    """Which scores the conditions compare: `rounded`, each score as the report publishes it
    (a thread of 59.6 is 60 at 0 decimals, so `thread('roh') < 60` is false, as the published
    60% says); `unrounded`, the exact score (59.6 < 60 is true though 60% is published). Not
    declared: unrounded, and `check` warns (R029) where a condition compares a score, because
    the decision and the published figure can then disagree."""
    source: Source
    """Where the decision rule comes from, or the assumption behind it."""


# --------------------------------------------------------------------------- sample requirements


class SampleSize(_Model):
    """How many cases a sample should have."""

    min: int = Field(ge=1)
    """Fewest cases."""
    max: int | None = Field(default=None, ge=1)
    """Most cases (omit for no upper limit)."""
    source: Source
    """Where the size comes from."""


class Stratum(_Model):
    """How many cases of each value of a field the sample is designed to contain."""

    field: Identifier
    """An enum field, e.g. `sentence`."""
    counts: dict[Identifier, Annotated[int, Field(ge=0)]]
    """Designed number of cases per value."""
    source: Source
    """Where the design comes from."""


class Minimum(_Model):
    """A minimum number of cases of a given type."""

    id: Identifier
    """Short name, e.g. `ppo`."""
    title: Text
    """What kind of case, in words."""
    when: Condition
    """Which cases count, e.g. `ppo`."""
    min: int = Field(ge=0)
    """The minimum number of such cases."""
    source: Source
    """Where the minimum comes from, or the assumption behind it."""


class SamplePrecision(_Model):
    """How precise the sample's figures are meant to be: the confidence of every interval
    (`score --uncertainty`) and the margin `omi-rules plan` sizes a sample for."""

    confidence: float = Field(default=0.95, gt=0, lt=1)
    """Confidence of the intervals, e.g. 0.95 (the default); `--confidence` overrides it."""
    margin: float | None = Field(default=None, gt=0, le=50)
    """Half-width of a criterion score's interval, in percentage points, that `plan` sizes
    the sample for (e.g. 5); `--margin` overrides it."""
    source: Source
    """Where the confidence and margin come from, or the assumption behind them."""


class SampleRequirements(_Model):
    """What a case sample must contain before it is scored."""

    size: SampleSize | None = None
    """Sample size."""
    strata: list[Stratum] = Field(default_factory=list)
    """Designed counts by field value."""
    minimums: list[Minimum] = Field(default_factory=list)
    """Minimum numbers of case types."""
    precision: SamplePrecision | None = None
    """The confidence of the intervals and the margin a sample is planned for."""


class CaseDataRules(_Model):
    """How strictly case data is checked before scoring."""

    relevant_unanswered: Literal["error", "warning"] = "error"
    """A question left unanswered on a case it is relevant to: an error (default) stops scoring;
    a warning scores the question on the cases that were answered."""


# --------------------------------------------------------------------------- the ruleset


class _RulesetContent(_Model):
    """The lists a ruleset file or part file may contribute."""

    fields: list[CaseField] = Field(default_factory=list)
    """Case fields the data declares and conditions may use."""
    scales: list[Scale] = Field(default_factory=list)
    """Answer scales."""
    band_sets: list[BandSet] = Field(default_factory=list)
    """Grade band sets."""
    sections: list[Section] = Field(default_factory=list)
    """Sections, in report order."""
    judgement_rules: list[JudgementRule] = Field(default_factory=list)
    """Rules for judged (section 4) criteria."""
    threads: list[Thread] = Field(default_factory=list)
    """Cross-cutting scores."""
    decisions: list[Decision] = Field(default_factory=list)
    """Decisions drawn from the scores."""
    headlines: list[Headline] = Field(default_factory=list)
    """Headline scores: shares of cases where work was done well enough."""
    rating_scales: list[RatingScale] = Field(default_factory=list)
    """Ordered scales of ratings, with points (e.g. Outstanding 3 ... Inadequate 0)."""
    overall_ratings: list[OverallRating] = Field(default_factory=list)
    """Ratings rolled up from criteria's ratings: points summed, banded, limited."""
    surveys: list[Survey] = Field(default_factory=list)
    """Questionnaires (to offenders, victims, sentencers...): their questions, answer scales and
    the criteria or sections they inform; their data is given to `score` with `--surveys`."""


class RulesetPart(_RulesetContent):
    """A part of a ruleset kept in its own file and listed under `include` by the main file."""

    part_of: RulesetId
    """The id of the ruleset this file belongs to."""


class Ruleset(_RulesetContent):
    """An inspection methodology: what is scored, how, and what follows from the scores."""

    format_version: Literal[1]
    """Version of the ruleset format; currently 1."""

    @field_validator("format_version", mode="before")
    @classmethod
    def _exactly_int(cls, value: object) -> object:
        """`Literal[1]` accepts `true` and `1.0` (they equal 1 in Python); the schema's
        `{"const": 1, "type": "integer"}` does not, and the two must agree."""
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("format_version must be the whole number 1")
        return value

    id: RulesetId
    """Ruleset id, e.g. `omi-2008`."""
    version: SemVer
    """Semantic version of this ruleset, e.g. `1.0.0`."""
    title: Text
    """Full title of the methodology."""
    description: Text
    """What the methodology inspects, in a paragraph."""
    effective_from: IsoDate
    """First day the ruleset is in force."""
    effective_to: IsoDate | None = None
    """Last day the ruleset is in force (omit while current)."""
    changelog: list[ChangelogEntry] = Field(min_length=1)
    """Released versions, newest first."""
    extends: Text | None = None
    """The parent ruleset this one derives from: a path, an id, or `id@version` (see the reference)."""
    plugins: dict[PluginName, VersionRange] = Field(default_factory=dict)
    """Plugins the ruleset needs, with the versions it works with, e.g. `omi-rules-ippf: ">=1.0,<2"`."""
    documents: dict[Identifier, Document] = Field(default_factory=dict)
    """Published documents that `source` citations refer to."""
    include: list[Text] = Field(default_factory=list)
    """Part files (relative paths) whose lists are added to this ruleset's."""
    rounding: Rounding = Field(default_factory=Rounding)
    """How scores are displayed."""
    sample: SampleRequirements = Field(default_factory=SampleRequirements)
    """What the case sample must contain."""
    case_data: CaseDataRules = Field(default_factory=CaseDataRules)
    """How strictly case data is checked before scoring."""
    wording: Wording = Field(default_factory=Wording)
    """The methodology's words for its levels and report captions."""
