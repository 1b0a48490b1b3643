"""The ruleset model's building blocks: identifier types, the strict base model, sources,
documents, changelog entries and case fields. ``omi_rules.model`` builds the ruleset from them and
re-exports them, so callers import everything from ``omi_rules.model``."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from omi_rules.model.docstrings import Described

FORMAT_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
]
"""A case field, scale, band set or rule name: lower case, digits and underscores."""

ItemId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64),
]
"""A section, criterion or question id such as `1.2` or `1.2.3`."""

RulesetId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9\-]*$", max_length=64)]
SemVer = Annotated[
    str,
    StringConstraints(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.\-]+)?$"),
]
PluginName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]
"""A plugin's name as `omi-rules plugins` lists it (its entry point name)."""
VersionRange = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""A version range as pip writes it, e.g. `>=1.0,<2` (checked by `check`)."""
IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Condition = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
"""An expression in the condition language, e.g. `sentence == 'custody' and roh >= 'high'`."""


class _Model(Described):
    """Base: unknown keys are errors, no type coercion, immutable after loading; field
    docstrings are descriptions, and nothing is built before it is used (``Described``).

    `strict` matters: without it pydantic would accept `"0.8"` for a number while the
    JSON Schema rejects it, and the two would disagree.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        regex_engine="python-re",
    )


# --------------------------------------------------------------------------- sources


class Citation(_Model):
    """A place in a published document that a rule comes from."""

    document: Identifier
    """The id of a document listed under `documents` at the top of the ruleset."""
    ref: Text
    """Where in the document: e.g. `1.2 strength (b)`, `Appendix 4`, `Table 1`."""
    quote: Text | None = None
    """Optional: the words of the document that support the rule."""


class Assumption(_Model):
    """A rule the published sources do not state: say why it was chosen."""

    assumption: Text
    """One or two sentences of reasoning: what the sources leave open and why this choice."""


Source = Citation | Assumption


class Document(_Model):
    """A published document that rules cite."""

    title: Text
    """Full title of the document."""
    publisher: Text | None = None
    """Who published it."""
    published: Text | None = None
    """When it was published, e.g. `2008-09`."""
    url: Text | None = None
    """Where it can be found, if anywhere."""


class ChangelogEntry(_Model):
    """One released version of this ruleset."""

    version: SemVer
    """The version this entry describes."""
    date: IsoDate
    """Release date, YYYY-MM-DD."""
    changes: list[Text] = Field(min_length=1)
    """What changed, one line each, in methodology terms."""


# --------------------------------------------------------------------------- case fields


class EnumValue(_Model):
    """An allowed value of an enum field, with a description."""

    value: Identifier
    """The value as it appears in case data and conditions."""
    description: Text | None = None
    """What the value means."""


class _FieldBase(_Model):
    id: Identifier
    """The column name in case data and the name used in conditions."""
    description: Text
    """What the field records, for the handbook and editor hover."""
    label: Text | None = None
    """How the handbook names the field inside a sentence, e.g. `the Risk of Harm level`."""
    required: bool = True
    """If false, a case may leave the field empty. Any comparison with an empty value is false
    (so `not ppo` is true when `ppo` is empty)."""
    source: Source | None = None
    """Where the field is defined, if it is more than a fact about the case."""


class EnumField(_FieldBase):
    """A field whose value is one of a fixed list."""

    type: Literal["enum"]
    values: list[Identifier | EnumValue] = Field(min_length=1)
    """The allowed values. With `ordered: true` they are listed lowest first."""
    ordered: bool = False
    """If true, conditions may compare values with `<`, `>=` etc. in the listed order."""

    def value_ids(self) -> tuple[str, ...]:
        """The allowed values as plain ids, in the listed order (descriptions dropped)."""
        return tuple(v if isinstance(v, str) else v.value for v in self.values)


class BoolField(_FieldBase):
    """A yes/no fact about a case (true or false)."""

    type: Literal["bool"]
    when_true: Text | None = None
    """The fact in words, for the handbook, e.g. `the offender is a PPO`."""
    when_false: Text | None = None
    """Its opposite in words, e.g. `the offender is not a PPO`."""


class IntField(_FieldBase):
    """A whole number, optionally within a range."""

    type: Literal["int"]
    min: int | None = None
    """Smallest allowed value (inclusive)."""
    max: int | None = None
    """Largest allowed value (inclusive)."""


class NumberField(_FieldBase):
    """A number that may have decimals, optionally within a range."""

    type: Literal["number"]
    min: float | None = None
    """Smallest allowed value (inclusive)."""
    max: float | None = None
    """Largest allowed value (inclusive)."""


class DateField(_FieldBase):
    """A calendar date, written YYYY-MM-DD."""

    type: Literal["date"]
    min: IsoDate | None = None
    """Earliest allowed date (inclusive)."""
    max: IsoDate | None = None
    """Latest allowed date (inclusive)."""


class StringField(_FieldBase):
    """Free text (conditions can only test it for equality)."""

    type: Literal["string"]
    max_length: int | None = Field(default=None, ge=1)
    """Longest allowed text."""


CaseField = Annotated[
    EnumField | BoolField | IntField | NumberField | DateField | StringField,
    Field(discriminator="type"),
]


class Wording(_Model):
    """The methodology's own words for its levels, and the labels of its report's tables.

    Reports build every caption from these and the ruleset's section ids, so no inspectorate's
    wording is built in: OMI's rulesets say `Section` and label Chart 1, Table 1 and Table 2
    ("Scores of sections 1-3"); HMI Probation's youth framework says `Domain`, `Standard` and
    `Key question` and numbers no tables."""

    section: Text = "Section"
    """What a section is called, as a row label begins: `Section`, `Domain`."""
    sections: Text | None = None
    """The plural, if not the singular with an `s`."""
    criterion: Text = "Criterion"
    """What a criterion is called (a column heading): `Criterion`, `Standard`."""
    question: Text = "Question"
    """What a question is called: `Question`, `Key question`."""
    chart_label: Text = "Chart"
    """The label of the HTML report's bar chart, e.g. `Chart 1`."""
    grades_label: Text | None = None
    """A label for the table of judged criteria's grades, e.g. `Table 1`."""
    threads_label: Text | None = None
    """A label for the table of thread scores, e.g. `Table 2`."""


def plural(word: str) -> str:
    """The plural of a level's name, as the ruleset's `wording` gives it in the singular:
    criterion -> criteria, Standard -> Standards, Key question -> Key questions."""
    if word.lower().endswith("criterion"):
        return word[:-2] + "a"
    return word if word.endswith("s") else f"{word}s"
