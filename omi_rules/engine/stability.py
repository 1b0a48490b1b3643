"""Conclusions on resamples: the band of each resampled figure, the share of resamples in each
band or outcome, and whether a conclusion is firm (its figure's interval stays in its band).

Bands are worked out on the band set's basis (the published, rounded figure or the exact one)
by its own grade rule: the built-in ``ranges`` on every resample at once, a plugin's rule once
per distinct value. ``uncertainty.assess`` puts these beside each figure's interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from omi_rules.engine.grading import band_for
from omi_rules.engine.resample import Floats
from omi_rules.model import BandSet, Rounding
from omi_rules.model.results import Share, Stability
from omi_rules.plugins import builtin
from omi_rules.plugins.manager import Registry

PLACES = 4
"""Shares and interval limits are rounded to 4 decimals in the result, so the JSON does not
depend on the last bits of floating-point arithmetic."""


def on_basis(values: Floats, basis: str, rounding: Rounding) -> Floats:
    """What a band compares, for floats: rounded as published (a tie, or a float a hair
    below one, rounds as the ruleset's method says) or the value itself."""
    if basis != "rounded":
        return values
    scale = 10.0**rounding.decimals
    scaled = values * scale
    # A sum of float proportions lands a hair either side of an exact tie (70.49999999999999);
    # 1e-9 of a displayed unit is far below any real difference between two scores.
    out = np.floor(scaled + 0.5 + 1e-9) if rounding.method == "half_up" else np.round(np.round(scaled, 9))
    return np.asarray(out / scale, dtype=np.float64)


def band_codes(
    values: Floats, band_set: BandSet, rounding: Rounding, registry: Registry
) -> tuple[NDArray[np.int64], list[str | None]]:
    """The band of each value as a code into the returned names (-1: no figure), by the band
    set's own grade rule on its basis: the built-in ``ranges`` on all values at once, another
    rule (a plugin's) called once per distinct value."""
    compared = on_basis(values, band_set.basis, rounding)
    if registry.grade_rules[band_set.rule].grade is builtin.ranges:
        return _range_codes(compared, band_set)
    codes = np.full(len(values), -1, dtype=np.int64)
    present = ~np.isnan(compared)
    if not present.any():
        return codes, []
    distinct, inverse = np.unique(compared[present], return_inverse=True)
    plain = band_set.model_copy(update={"basis": "exact"})  # the values are on its basis already
    names: list[str | None] = []
    for value in distinct:
        band = band_for(Fraction(repr(float(value))), plain, rounding, registry)
        names.append(band.id if band else None)
    codes[present] = inverse
    none = [i for i, n in enumerate(names) if n is None]
    if none:
        codes[np.isin(codes, none)] = -1
    return codes, names


def _range_codes(compared: Floats, band_set: BandSet) -> tuple[NDArray[np.int64], list[str | None]]:
    """The built-in rule ``ranges`` on every value at once (a band's code is its place in the
    band set). Comparing the floats with the limits as floats orders them exactly as ``ranges``
    orders a value's decimal with the limits as written: a float's shortest decimal keeps its
    order among floats. Calling the rule once per distinct value made a fraction and a band
    result each time, most of the bands' share of the intervals."""
    codes = np.full(len(compared), -1, dtype=np.int64)
    undecided = ~np.isnan(compared)
    for code, band in enumerate(band_set.bands):
        low, high = float(band.min), float(band.max)
        below = (compared < high) | ((compared == high) & (high == 100))
        hit = undecided & (compared >= low) & below
        codes[hit] = code
        undecided &= ~hit
    return codes, [band.id for band in band_set.bands]


def band_of_each(values: Floats, band_set: BandSet, rounding: Rounding, registry: Registry) -> list[str | None]:
    """The band id of each value (None for no figure)."""
    codes, names = band_codes(values, band_set, rounding, registry)
    return [None if c < 0 else names[c] for c in codes.tolist()]


def _shares_of_codes(labels: Mapping[str, str], codes: NDArray[np.int64], names: list[str | None]) -> list[Share]:
    counts: dict[str, int] = {}
    found = np.bincount(codes + 1, minlength=len(names) + 1)
    for code, n in enumerate(found.tolist()):
        if n:
            key = "none" if code == 0 or names[code - 1] is None else str(names[code - 1])
            counts[key] = counts.get(key, 0) + n
    return _ordered_shares(labels, counts, len(codes))


def _shares(labels: Mapping[str, str], names: list[str | None]) -> list[Share]:
    counts: dict[str, int] = {}
    for name in names:
        key = "none" if name is None else name
        counts[key] = counts.get(key, 0) + 1
    return _ordered_shares(labels, counts, len(names))


def _ordered_shares(labels: Mapping[str, str], counts: dict[str, int], total: int) -> list[Share]:
    order = [*labels, "none"]
    return [
        Share(
            id=key,
            label=labels.get(key, "no figure"),
            share=round(counts[key] / total, PLACES),
            replicates=counts[key],
        )
        for key in order
        if key in counts
    ]


def flag_text(published: str | None, labels: Mapping[str, str], others: list[str]) -> str | None:
    """ "Good, but not distinguishable from Priority for improvement at this sample size"."""
    if not others:
        return None
    named = " or ".join(labels.get(o, o) for o in others)
    if published is None:
        return f"No figure, but one of {named} on other samples of this size"
    return f"{labels.get(published, published)}, but not distinguishable from {named} at this sample size"


def band_stability(
    values: Floats,
    interval: tuple[float | None, float | None],
    published: str | None,
    band_set: BandSet,
    rounding: Rounding,
    registry: Registry,
) -> Stability:
    """The share of resamples in each band, and whether the interval crosses a band limit."""
    labels = {b.id: b.label for b in band_set.bands}
    codes, names = band_codes(values, band_set, rounding, registry)
    crossed: list[str] = []
    low, high = interval
    if low is not None and high is not None:
        ends = band_of_each(np.array([low, high]), band_set, rounding, registry)
        inside = [b.id for b in band_set.bands if _between(b.id, ends, band_set)]
        crossed = [b for b in inside if b != published]
    return Stability(
        published=published,
        shares=_shares_of_codes(labels, codes, names),
        firm=not crossed,
        reaches=crossed,
        flag=flag_text(published, labels, crossed),
    )


def _between(band_id: str, ends: list[str | None], band_set: BandSet) -> bool:
    """Whether ``band_id`` lies between the bands of the interval's two ends (inclusive), in
    the band set's order of limits."""
    ranked = sorted(band_set.bands, key=lambda b: b.min)
    order = [b.id for b in ranked]
    known = [order.index(e) for e in ends if e is not None and e in order]
    if not known or band_id not in order:
        return False
    return min(known) <= order.index(band_id) <= max(known)


def outcome_stability(published: str | None, labels: Mapping[str, str], names: list[str | None]) -> Stability:
    """For a rating, overall rating or decision (which have no interval): the share of
    resamples giving each outcome; firm when every resample agrees with the published one."""
    others = sorted({n for n in names if n != published and n is not None}, key=list(labels).index)
    return Stability(
        published=published,
        shares=_shares(labels, names),
        firm=not others and all(n == published for n in names),
        reaches=others,
        flag=flag_text(published, labels, others),
    )
