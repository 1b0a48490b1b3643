"""The IPPF grading rules, as pure functions (no omi-rules types): metric bands and roll-ups.

Grades are 1-4: 1 poor, 2 passable, 3 good, 4 outstanding performance.

Metric bands
------------
A band rule compares a metric's ``actual`` with a *basis* value of the same metric (its
``target``, the ``national`` figure, the ``previous_year`` figure or, for Reduce Re-offending,
the ``predicted`` rate) and turns the comparison into a *margin*, positive when the actual is
better than the basis whichever way the metric runs:

* ``points``: ``sign * (actual - basis)``, e.g. 92% against a 90% target is +2 (higher is
  better); 12.4 sickness days against 9.0 is -3.4 (lower is better);
* ``percent``: the same difference as a percentage of the basis, ``sign * (actual - basis) /
  |basis| * 100``. A basis of 0 gives +inf (better), 0 (equal) or -inf (worse).

The grade is 4 when the margin is at least ``outstanding``, else 3 when at least ``good``, else 2
when at least ``passable``, else 1. A threshold of None means that grade cannot be reached by
this rule (e.g. a target that is only a floor: meeting it is good, never outstanding).

``significance`` compares the actual with the basis and a yes/no *significant* flag (Reduce
Re-offending: actual against predicted re-offending): worse and significant 1, worse and not
significant 2, as good or better and not significant 3, better and significant 4.

Roll-ups
--------
A domain grade is computed from the grades of its graded metrics, the area score from the four
domain grades, both by ``mean``: the mean grade, rounded by ``rounding`` (``floor``,
``half_up``, ``half_down``, ``ceil``), optionally capped at ``cap.max_grade`` when the share of
poor (grade 1) inputs is at least ``cap.poor_share``. No graded input: no grade (None).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GRADE_LABELS: dict[int, str] = {
    1: "Poor performance",
    2: "Passable performance",
    3: "Good performance",
    4: "Outstanding performance",
}
DIRECTIONS = ("higher", "lower")
BASES = ("target", "national", "previous_year", "predicted")
MEASURES = ("points", "percent", "significance")
ROUNDINGS = ("floor", "half_up", "half_down", "ceil")


@dataclass(frozen=True)
class BandRule:
    """How a metric's actual becomes a grade 1-4 against a basis (see the module docstring)."""

    basis: str
    measure: str
    outstanding: float | None = None
    good: float | None = None
    passable: float | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BandRule:
        return cls(
            basis=str(config["basis"]),
            measure=str(config["measure"]),
            outstanding=_opt_float(config.get("outstanding")),
            good=_opt_float(config.get("good")),
            passable=_opt_float(config.get("passable")),
        )


@dataclass(frozen=True)
class Rollup:
    """How grades combine into one grade (see the module docstring)."""

    rounding: str = "half_up"
    cap_poor_share: float | None = None
    cap_max_grade: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rollup:
        cap = config.get("cap") or {}
        return cls(
            rounding=str(config.get("rounding", "half_up")),
            cap_poor_share=_opt_float(cap.get("poor_share")),
            cap_max_grade=int(cap["max_grade"]) if cap.get("max_grade") is not None else None,
        )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def margin(actual: float, basis: float, direction: str, measure: str) -> float:
    """How much better than ``basis`` the ``actual`` is: positive is better (``points`` or ``percent``)."""
    sign = 1.0 if direction == "higher" else -1.0
    diff = sign * (actual - basis)
    if measure == "points":
        return diff
    if measure == "percent":
        if basis == 0:
            return math.inf if diff > 0 else (-math.inf if diff < 0 else 0.0)
        return diff / abs(basis) * 100.0
    raise ValueError(f"measure '{measure}' has no margin")


def band_grade(
    rule: BandRule,
    direction: str,
    actual: float | None,
    basis: float | None,
    significant: bool | None = None,
) -> int | None:
    """The grade 1-4 of one metric, or None when the actual or the basis is not available."""
    if actual is None or basis is None:
        return None
    if rule.measure == "significance":
        better = (actual >= basis) if direction == "higher" else (actual <= basis)
        if significant is None:
            return None
        if better:
            return 4 if significant and actual != basis else 3
        return 1 if significant else 2
    m = margin(actual, basis, direction, rule.measure)
    for grade, threshold in ((4, rule.outstanding), (3, rule.good), (2, rule.passable)):
        if threshold is not None and m >= threshold - 1e-9:  # tolerate float noise (9.9 v 9.0 is -10%)
            return grade
    return 1


def round_grade(value: float, rounding: str) -> int:
    """A mean grade as a whole grade."""
    if rounding == "floor":
        return math.floor(value + 1e-9)
    if rounding == "ceil":
        return math.ceil(value - 1e-9)
    if rounding == "half_up":
        return math.floor(value + 0.5 + 1e-9)
    if rounding == "half_down":
        return math.ceil(value - 0.5 - 1e-9)
    raise ValueError(f"unknown rounding '{rounding}'")


def rollup_grade(rule: Rollup, grades: Sequence[int | None]) -> int | None:
    """The mean of the grades that exist, rounded and capped; None when there is none."""
    present = [g for g in grades if g is not None]
    if not present:
        return None
    grade = round_grade(sum(present) / len(present), rule.rounding)
    if rule.cap_poor_share is not None and rule.cap_max_grade is not None:
        poor = sum(1 for g in present if g == 1) / len(present)
        if poor >= rule.cap_poor_share - 1e-9:
            grade = min(grade, rule.cap_max_grade)
    return max(1, min(4, grade))
