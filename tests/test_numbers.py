"""omi_rules.numbers: exact values, exact rounding and how exact values are shown."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omi_rules.numbers import exact, mean, round_exact, text

MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def test_a_float_is_the_decimal_it_was_written_as() -> None:
    assert exact(0.8) == Fraction(4, 5)  # not 3602879701896397/4503599627370496
    assert exact(62.7) == Fraction(627, 10)
    assert exact(3) == 3 and exact(Decimal("70.5")) == Fraction(141, 2)
    with pytest.raises(ValueError):
        exact(float("nan"))


def test_the_mean_is_exact_and_none_for_nothing() -> None:
    assert mean([Fraction(1, 3), Fraction(2, 3)]) == Fraction(1, 2)
    assert mean([]) is None


@pytest.mark.parametrize(
    ("value", "decimals", "method", "expected"),
    [
        (Fraction(141, 2), 0, "half_up", "71"),
        (Fraction(141, 2), 0, "half_even", "70"),
        (Fraction(143, 2), 0, "half_even", "72"),
        (Fraction(-141, 2), 0, "half_up", "-71"),
        (Fraction(7050, 100), 1, "half_up", "70.5"),
        (Fraction(1, 3), 2, "half_up", "0.33"),
        (Fraction(70499999, 1000000), 0, "half_up", "70"),
    ],
)
def test_round_exact(value: Fraction, decimals: int, method: str, expected: str) -> None:
    assert str(round_exact(value, decimals, method)) == expected


@given(
    st.integers(-(10**9), 10**9),
    st.integers(1, 10**6),
    st.integers(0, 3),
    st.sampled_from(sorted(MODES)),
)
def test_round_exact_agrees_with_decimal_on_any_fraction(top: int, bottom: int, decimals: int, method: str) -> None:
    """Against ``decimal`` at 80 digits, which holds every tie exactly (a tie is a terminating
    decimal) and rounds a non-tie the same way as the exact value."""
    value = Fraction(top, bottom)
    with localcontext() as ctx:
        ctx.prec = 80
        expected = (Decimal(top) / Decimal(bottom)).quantize(Decimal(1).scaleb(-decimals), rounding=MODES[method])
    assert round_exact(value, decimals, method) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Fraction(141, 2), "70.5"), (Fraction(100, 3), "33.3333"), (25, "25"), (Fraction(0), "0"), (0.1, "0.1")],
)
def test_text_is_exact_where_the_decimal_ends(value: Fraction | int | float, shown: str) -> None:
    assert text(value) == shown
