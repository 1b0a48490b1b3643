"""The plugin API: what a plugin can add to omi-rules, as pluggy hook specifications.

A plugin is a Python package that declares an entry point in the ``omi_rules`` group pointing
at a module (or object) with functions marked ``@hookimpl``. Each hook returns a list of
*contributions*: small frozen dataclasses defined here. omi-rules' own behaviour (the OMI
weighted rule, the readers for CSV and Excel, ...) is registered through the same hooks by
``omi_rules.plugins.builtin``, so built-ins and plugins are treated alike.

Hooks (all optional; implement the ones you need):

* ``omi_rules_aggregations`` -- how a criterion combines its questions (``aggregation:``);
* ``omi_rules_thread_combinations`` -- how a thread combines its questions (``combine:``);
* ``omi_rules_grade_rules`` -- how a score becomes a band of a band set (``rule:``);
* ``omi_rules_condition_functions`` -- functions conditions may call, typed so ``check``
  checks every call;
* ``omi_rules_readers`` -- case-data readers for further file types;
* ``omi_rules_check_rules`` -- extra ``check`` rules with their own codes;
* ``omi_rules_section_kinds`` -- whole sections scored by the plugin (e.g. IPPF metrics);
* ``omi_rules_report_sections`` -- extra sections in the Markdown and HTML reports.

See docs/plugins.md for a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from omi_rules.casedata.table import RawTable
    from omi_rules.conditions.types import Type
    from omi_rules.model import BandSet, Ruleset
    from omi_rules.model.results import Result

PROJECT = "omi_rules"

Score = Fraction | float | int
"""What a scoring function may return. It receives exact fractions (``fractions.Fraction``:
proportions, weights, scores), and arithmetic on fractions and whole numbers stays exact, so a
rounding tie such as 70.5 stays a tie. A float result is accepted and read as the decimal it
prints as, but float arithmetic (``statistics.fmean``, a float literal such as ``0.5``) can
lose a tie: write ``Fraction(1, 2)`` or keep to ``sum``, ``len``, ``min`` and ``max``."""
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class Aggregation:
    """A criterion rule: ``combine(individual, summary, w_individual, w_summary)``.

    ``individual`` holds the proportions (percent, exact fractions) of the criterion's scored
    individual questions that have at least one judged case; ``summary`` the summary question's,
    or None; the weights are the ruleset's, as exact fractions (0.8 is 4/5). Return the
    criterion score in percent, or None when nothing was judged (never 0 or 100 for "nothing
    judged").
    """

    name: str
    description: str
    combine: Callable[[list[Fraction], Fraction | None, Fraction, Fraction], Score | None]
    needs_summary: bool = True
    """Whether a criterion aggregated this way must have exactly one summary question (and
    its weights are used). False for rules over the key questions alone, such as the lowest
    of them; a criterion may then have no summary question (at most one)."""
    weigh: Callable[[list[Fraction], list[Fraction]], Score | None] | None = None
    """For a rule over per-question weights: ``weigh(proportions, weights)`` of every scored
    question with a judged case (the summary question included), each weight the question's
    ``weight`` (default 1). When set it is used instead of ``combine``, which should then give
    the same result with every weight 1 (it documents the rule's unweighted form)."""


@dataclass(frozen=True)
class ThreadCombination:
    """A thread rule: ``combine(proportions)`` over the selected questions with judged cases
    (exact fractions, percent)."""

    name: str
    description: str
    combine: Callable[[list[Fraction]], Score | None]


@dataclass(frozen=True)
class GradeRule:
    """Turns a score into a band id of a band set: ``grade(score, band_set)`` (None: no band).

    ``score`` is an exact fraction, already rounded when the band set's basis says so. Compare
    it with a band's limits through ``omi_rules.numbers.exact(band.min)``: a limit written
    62.7 is then exactly 62.7, where the float 62.7 is a little more and would refuse a score of
    exactly 62.7.
    """

    name: str
    description: str
    grade: Callable[[Fraction, BandSet], str | None]


@dataclass(frozen=True)
class ConditionFunction:
    """A function conditions may call with one quoted id, e.g. ``years_since('sentence_date')``.

    ``arguments(ruleset)`` lists the valid ids (None: any); ``returns(ruleset, arg)`` gives the
    result's type (``omi_rules.conditions.types``), so ``check`` can type every call;
    ``row(arg, values)`` computes the value for one case from its field values (None =
    empty). The engine applies ``row`` to every case; ``vector`` may do it for all cases at
    once (``vector(arg, values_by_field, size)`` returning a sequence of values).
    """

    name: str
    description: str
    argument: str
    arguments: Callable[[Ruleset], Collection[str] | None]
    returns: Callable[[Ruleset, str], Type]
    row: Callable[[str, Mapping[str, Any]], Any]
    vector: Callable[[str, Mapping[str, Sequence[Any]], int], Sequence[Any]] | None = None


@dataclass(frozen=True)
class Reader:
    """Reads case data from files ending in ``suffix`` (e.g. ``.ods``) into a ``RawTable``.

    ``read(path, display_name)`` raises ``omi_rules.diagnostics.InputUnreadable`` for files
    it cannot read and reports other problems in ``RawTable.diagnostics``.
    """

    suffix: str
    description: str
    read: Callable[[Path, str], RawTable]


@dataclass(frozen=True)
class Finding:
    """One problem found by a plugin check rule, at a path in the ruleset document."""

    message: str
    path: tuple[str | int, ...]
    hint: str | None = None


@dataclass(frozen=True)
class CheckRule:
    """An extra ``check`` rule with a code of the plugin's own: 2-4 capitals and 3 digits, e.g.
    ``EX001`` (omi-rules' own codes cannot be reused). ``severity`` is ``error`` or ``warning``;
    ``name`` is the short name shown with the code."""

    code: str
    name: str
    description: str
    check: Callable[[Ruleset], Iterable[Finding]]
    severity: str = "error"


@dataclass(frozen=True)
class ReportSection:
    """A section added to Markdown and HTML reports: a title, paragraphs and an optional table."""

    title: str
    paragraphs: Sequence[str] = ()
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class SectionScore:
    """What a plugin section kind computes: named values (machine-readable, in the JSON result)
    and a table and paragraphs for people (in every report format)."""

    summary: Mapping[str, str | int | float | None]
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    paragraphs: Sequence[str] = ()


@dataclass(frozen=True)
class SectionKind:
    """A kind of section a ruleset can declare with `kind: plugin` and `section_kind: <name>`.

    ``schema`` is the JSON Schema (2020-12) of the section's ``config``, checked by ``check``
    with positions. ``validate(config, ruleset)`` may report further findings (paths relative
    to ``config``). ``score(config, record_ids, values)`` computes the section from the case
    data: one record per row, ``values`` maps each declared field to its column of values.
    """

    name: str
    description: str
    schema: Mapping[str, Any]
    score: Callable[[Mapping[str, Any], Sequence[str], Mapping[str, Sequence[Any]]], SectionScore]
    validate: Callable[[Mapping[str, Any], Ruleset], Iterable[Finding]] | None = None


class HookSpecs:
    """The hook specifications (pluggy reads them from this class)."""

    @hookspec
    def omi_rules_aggregations(self) -> list[Aggregation]:  # type: ignore[empty-body]
        """Criterion aggregations this plugin provides."""

    @hookspec
    def omi_rules_thread_combinations(self) -> list[ThreadCombination]:  # type: ignore[empty-body]
        """Thread combinations this plugin provides."""

    @hookspec
    def omi_rules_grade_rules(self) -> list[GradeRule]:  # type: ignore[empty-body]
        """Grade rules this plugin provides."""

    @hookspec
    def omi_rules_condition_functions(self) -> list[ConditionFunction]:  # type: ignore[empty-body]
        """Functions conditions may call."""

    @hookspec
    def omi_rules_readers(self) -> list[Reader]:  # type: ignore[empty-body]
        """Case-data readers."""

    @hookspec
    def omi_rules_check_rules(self) -> list[CheckRule]:  # type: ignore[empty-body]
        """Extra check rules."""

    @hookspec
    def omi_rules_section_kinds(self) -> list[SectionKind]:  # type: ignore[empty-body]
        """Section kinds this plugin provides."""

    @hookspec
    def omi_rules_report_sections(self, result: Result, ruleset: Ruleset) -> list[ReportSection]:  # type: ignore[empty-body]
        """Sections to add to a report of ``result``."""
