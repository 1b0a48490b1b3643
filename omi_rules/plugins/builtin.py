"""omi-rules' own rules, registered through the plugin hooks like any other plugin.

Keeping the built-ins behind the same hooks is what proves the hooks are sufficient: the OMI
methodology itself uses nothing a third-party plugin could not provide.

Every rule computes with exact fractions (``omi_rules.numbers``): a score that is exactly a
rounding tie (70.5) must stay one, so that the ruleset's rounding rule, not binary floating
point, decides which way it goes.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from omi_rules.casedata import readers
from omi_rules.casedata.table import RawTable
from omi_rules.model import BandSet
from omi_rules.numbers import exact, mean
from omi_rules.plugins.hookspecs import Aggregation, GradeRule, Reader, ThreadCombination, hookimpl


def weighted_summary(
    individual: list[Fraction], summary: Fraction | None, w_individual: Fraction, w_summary: Fraction
) -> Fraction | None:
    """OMI's rule (Appendix 4): ``w_i * mean(individual) + w_s * summary``.

    When one part has no judged case the other part alone is the score (its weight is
    renormalised to 1); with neither, the criterion has no score. (Assumption: Appendix 4 does
    not say; this never turns "nothing judged" into 0% or 100%.)
    """
    average = mean(individual)
    if average is not None and summary is not None:
        return w_individual * average + w_summary * summary
    return average if average is not None else summary


def mean_of_all(
    individual: list[Fraction], summary: Fraction | None, w_individual: Fraction, w_summary: Fraction
) -> Fraction | None:
    """Unweighted mean over every judged question, the summary counted like the others."""
    return mean(individual + ([summary] if summary is not None else []))


def minimum_of_all(
    individual: list[Fraction], summary: Fraction | None, w_individual: Fraction, w_summary: Fraction
) -> Fraction | None:
    """The weakest judged question decides: a strict reading of "every aspect must be sufficient"."""
    parts = individual + ([summary] if summary is not None else [])
    return min(parts) if parts else None


def weighted_mean(proportions: list[Fraction], weights: list[Fraction]) -> Fraction | None:
    """The mean of the judged questions' proportions, each counted by its declared weight
    (a framework that weighs its key questions differently). Exact, so the order of the
    questions cannot change the score."""
    total = sum(weights, Fraction(0))
    weighted = sum((p * w for p, w in zip(proportions, weights, strict=True)), Fraction(0))
    return weighted / total if total else None


def mean_of_questions(proportions: list[Fraction]) -> Fraction | None:
    """A thread's score: the mean of its questions' proportions (Appendix 4)."""
    return mean(proportions)


def minimum_of_questions(proportions: list[Fraction]) -> Fraction | None:
    return min(proportions) if proportions else None


def ranges(score: Fraction, band_set: BandSet) -> str | None:
    """Bands as ranges: ``min <= score < max``; the band whose max is 100 includes 100.

    The limits are read as written (62.7 is exactly 62.7): the float 62.7 is a little more,
    and a score of exactly 62.7 would fall below its own band."""
    for band in band_set.bands:
        low, high = exact(band.min), exact(band.max)
        if low <= score < high or score == high == 100:
            return band.id
    return None


def _read_csv(path: Path, name: str) -> RawTable:
    return readers.read_csv(path.read_bytes(), name)


@hookimpl
def omi_rules_aggregations() -> list[Aggregation]:
    return [
        Aggregation(
            "weighted_summary", "OMI: weighted mean of individual questions and the summary question", weighted_summary
        ),
        Aggregation(
            "mean", "unweighted mean of every judged question, summary included", mean_of_all, needs_summary=False
        ),
        Aggregation("minimum", "the lowest proportion of any judged question", minimum_of_all, needs_summary=False),
        Aggregation(
            "weighted_questions",
            "the mean of every judged question, each counted by its declared weight (default 1)",
            mean_of_all,
            needs_summary=False,
            weigh=weighted_mean,
        ),
    ]


@hookimpl
def omi_rules_thread_combinations() -> list[ThreadCombination]:
    return [
        ThreadCombination("mean_of_questions", "mean of the selected questions' proportions", mean_of_questions),
        ThreadCombination("minimum", "the lowest proportion of the selected questions", minimum_of_questions),
    ]


@hookimpl
def omi_rules_grade_rules() -> list[GradeRule]:
    return [GradeRule("ranges", "bands from min (inclusive) to max (exclusive)", ranges)]


@hookimpl
def omi_rules_readers() -> list[Reader]:
    return [
        Reader(".csv", "comma-separated UTF-8 text", _read_csv),
        Reader(".xlsx", "Excel workbook (first sheet, or the sheet named cases)", readers.read_xlsx),
        Reader(".json", "JSON document {cases: [...]}", readers.read_structured),
        Reader(".yaml", "YAML document {cases: [...]}", readers.read_structured),
        Reader(".yml", "YAML document {cases: [...]}", readers.read_structured),
    ]
