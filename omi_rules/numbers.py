"""Exact numbers for scores: every score is a ``fractions.Fraction``, rounded only to be shown.

Why: a score is built from whole counts (sufficient / judged cases) and weights written as
decimals in YAML, so its true value is a rational number. Binary floating point cannot hold most
of them: OMI's 0.8 x 79/90 + 0.2 x 1/72 is exactly 70.5, but in floats 70.49999999999999, which
rounds half-up to 70 and lands in the band below the one the method gives. Computing with
fractions keeps every score exact, so a rounding tie is a tie and the ruleset's rounding rule
decides it; floats appear only in the JSON (and other displays) at the very end.

A float that arrives from YAML, JSON or a plugin stands for the decimal that was written
(``0.8`` means 4/5, not the binary number nearest to it), so it is read by its shortest
decimal form (``repr``), which is exactly what the writer typed.

This module imports nothing of omi-rules (it is the lowest layer), so conditions, the model and
the engine all use the same rules.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

Number = int | float | Fraction | Decimal
HALF = Fraction(1, 2)


def exact(value: Number) -> Fraction:
    """``value`` as an exact fraction; a float as the decimal it was written as (0.8 -> 4/5)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return _as_written(value)
    return Fraction(value)


@lru_cache(maxsize=4096)
def _as_written(value: float) -> Fraction:
    """A float as the decimal it was written as. Cached: the same weights and band limits are
    read for every criterion of every subgroup, and parsing the decimal is the slow part."""
    return Fraction(repr(value))  # ValueError for nan and inf, which no score may be


def mean(values: list[Fraction]) -> Fraction | None:
    """The exact mean, or None for no values (never 0 for "nothing to average")."""
    return sum(values, Fraction(0)) / len(values) if values else None


def round_exact(value: Fraction, decimals: int, method: Literal["half_up", "half_even"]) -> Decimal:
    """``value`` rounded to ``decimals`` places, a tie decided by ``method``.

    ``half_up`` rounds a tie away from zero (70.5 -> 71, as a report's "half up" means);
    ``half_even`` to the even neighbour (70.5 -> 70, 71.5 -> 72). Only an exact tie is a tie:
    70.4999... (from another count) rounds down under both.
    """
    magnitude = abs(value) * 10**decimals
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    remainder = Fraction(rest, magnitude.denominator)
    if remainder > HALF or (remainder == HALF and (method == "half_up" or whole % 2 == 1)):
        whole += 1
    return Decimal(-whole if value < 0 else whole).scaleb(-decimals)


def text(value: Number, places: int = 4) -> str:
    """``value`` for people: exactly when its decimal ends within ``places`` digits (70.5, 25,
    87.75), else rounded to ``places`` (33.3333). Explanations use it, so a score that is
    exactly a rounding tie is shown as the tie it is, never as 70.49999999999999."""
    number = exact(value)
    scaled = number * 10**places
    if scaled.denominator == 1:
        digits = Decimal(scaled.numerator).scaleb(-places)
        return f"{digits.normalize():f}" if digits else "0"
    return f"{round_exact(number, places, 'half_even'):f}"
