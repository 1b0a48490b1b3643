"""Surveys a ruleset declares: questionnaires sent to people an inspection asks (offenders,
victims, sentencers), their questions and answer scales, and which criteria or sections each
informs. Also the shape of survey data given as counts (`schemas/survey-data.schema.json`).

Why surveys are not questions of a criterion: a criterion's questions are answered by an
inspector for each case of the sample, and a criterion's score is their mean. A questionnaire
is answered by whoever chose to return it; its figures are evidence the report quotes beside a
criterion ("34 of 37 offenders said..."), not part of the criterion's score. So a survey says
which criteria or sections it *informs* (for the report and the handbook) and its indicators
are reported on their own, with intervals; a decision may read them with `survey()` and
`response_rate()` where a methodology wants that.

Like the rest of the model this is structural only: references (`informs`, `share_of`) are
checked by `omi_rules.checks.surveys`, never by a validator here.
"""

from typing import Annotated

from pydantic import Field

from omi_rules.model.common import Identifier, ItemId, RulesetId, Source, Text, _Model


class SurveyAnswer(_Model):
    """An answer of a survey question's scale, with the words the questionnaire used."""

    id: Identifier
    """The answer as survey data writes it, e.g. `in_part`."""
    label: Text | None = None
    """The answer's words, e.g. `Working well in part`."""


class SurveyQuestion(_Model):
    """One question of a questionnaire and its answer scale."""

    id: Identifier
    """Unique within the survey, e.g. `rules_explained`; the column of respondent rows, and
    `survey('offenders.rules_explained')` in a decision."""
    text: Text
    """The question as the questionnaire asked it (or as the report describes it)."""
    answers: list[Identifier | SurveyAnswer] = Field(min_length=2)
    """The answer scale, in the questionnaire's order. A respondent who left the question blank
    gave none of these and is not counted in the question's shares."""
    share_of: list[Identifier] = Field(default_factory=list)
    """The answers whose share is the question's indicator (what the report quotes, e.g. `yes`
    for "34 of 37 said yes"). Empty: the first answer."""
    informs: list[ItemId] = Field(default_factory=list)
    """Criteria or sections this question is evidence for, beyond the survey's own `informs`."""
    source: Source
    """Where the report describes the question, or the assumption behind its wording."""

    def answer_ids(self) -> tuple[str, ...]:
        """The scale's answers as plain ids, in order."""
        return tuple(a if isinstance(a, str) else a.id for a in self.answers)

    def indicator_answers(self) -> tuple[str, ...]:
        """The answers the indicator counts: `share_of`, or the first answer."""
        return tuple(self.share_of) if self.share_of else self.answer_ids()[:1]


class Survey(_Model):
    """A questionnaire: who is asked, what, and which criteria or sections it informs."""

    id: Identifier
    """Short name, e.g. `offenders`; survey data names it, and so do `survey()` and
    `response_rate()` in decisions."""
    title: Text
    """What the survey is, e.g. `Questionnaire to offenders`."""
    respondents: Text
    """Who is asked, e.g. `offenders whose cases are in the inspection sample`."""
    informs: list[ItemId] = Field(default_factory=list)
    """Criteria or sections the survey as a whole is evidence for."""
    questions: list[SurveyQuestion] = Field(min_length=1)
    """The questions whose answers the inspection records."""
    confidence: float = Field(default=0.95, gt=0, lt=1)
    """Confidence of the intervals reported for its indicators (default 95%)."""
    finite_population_correction: bool = False
    """Narrow the intervals of answer shares by the finite-population correction when the number
    sent is known (default false: respondents choose to reply, so they are not a random sample of
    those sent; see the user guide)."""
    source: Source
    """Where the report describes the survey."""


# --------------------------------------------------------------------------- survey data (counts)


class SurveyCounts(_Model):
    """A survey's data given as counts, as a report publishes them: how many questionnaires were
    sent and returned, and per question how many respondents gave each answer."""

    ruleset: RulesetId | None = None
    """Optional: the id of the ruleset the survey belongs to."""
    survey: Identifier
    """The survey (an id under the ruleset's `surveys`)."""
    sent: Annotated[int, Field(ge=0)] | None = None
    """Questionnaires sent; leave out when unknown (no response rate is then given)."""
    returned: Annotated[int, Field(ge=0)] | None = None
    """Questionnaires returned (respondents). Required with `answers`; with `responses` it is
    the number of rows when left out."""
    answers: dict[Identifier, dict[Identifier, Annotated[int, Field(ge=0)]]] | None = None
    """Per question id, how many respondents gave each answer; respondents not counted under any
    answer left the question blank."""
    responses: Text | None = None
    """Instead of `answers`: a file of one row per respondent (CSV or Excel `.xlsx`),
    relative to this file."""
    note: Text | None = None
    """Where the figures come from, or what was assumed to derive them."""
