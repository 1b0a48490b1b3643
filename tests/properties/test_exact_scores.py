"""Exact rounding ties: a score that is exactly halfway between two displayed figures is rounded
by the ruleset's rule, never by binary floating point.

The ties are made on purpose: for drawn weights (decimals as a methodology writes them), judged
counts and rounding (0-2 decimals, half-up or half-even), every pair of sufficient counts that
makes the criterion score an exact tie is enumerated with integer arithmetic, and one is drawn.
The sample built from it is scored by the engine, and the display, the band (on both bases) and
the decision are compared with an oracle in ``fractions.Fraction`` and ``decimal`` that shares no
code with the engine. Floats lose many of these ties (0.8 x 79/90 + 0.2 x 1/72 is 70.5 exactly,
70.49999999999999 in floats); the issue's two published examples are pinned as plain tests.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.pipeline import Outcome
from tests.properties.strategies import ASSUMPTION, SOURCE, Inspection, model_of

ROUNDINGS = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def document(weight: Fraction, decimals: int, method: str, limit: Decimal, basis: str) -> dict[str, Any]:
    """One criterion: an individual question and the summary, OMI's weighted rule; a band set
    whose upper band starts at ``limit``; a decision on the same limit, on the same basis."""
    questions = [
        {"id": "1.1.1", "text": "Was it done?", "scale": "yn", "source": SOURCE},
        {"id": "1.1.s", "text": "Overall?", "scale": "yn", "summary": True, "source": SOURCE},
    ]
    return {
        "format_version": 1,
        "id": "ties",
        "version": "1.0.0",
        "title": "Rounding ties",
        "description": "Drawn by a property test.",
        "effective_from": "2008-01-01",
        "changelog": [{"version": "1.0.0", "date": "2008-01-01", "changes": ["Generated."]}],
        "documents": {"rep": {"title": "A report"}},
        "rounding": {"decimals": decimals, "method": method},
        "fields": [],
        "scales": [{"id": "yn", "sufficient": ["yes"], "insufficient": ["no"], "not_applicable": ["na"]}],
        "band_sets": [
            {
                "id": "bands",
                "title": "Bands",
                "basis": basis,
                "bands": [
                    {"id": "high", "label": "High", "min": float(limit), "max": 100.0, "source": ASSUMPTION},
                    {"id": "low", "label": "Low", "min": 0.0, "max": float(limit), "source": ASSUMPTION},
                ],
            }
        ],
        "sections": [
            {
                "id": "1",
                "title": "Section 1",
                "kind": "case_sample",
                "bands": "bands",
                "source": SOURCE,
                "criteria": [
                    {
                        "id": "1.1",
                        "title": "Criterion 1.1",
                        "statement": "Criterion 1.1 is met.",
                        "questions": questions,
                        "weights": {"individual": float(weight), "summary": float(1 - weight)},
                        "source": SOURCE,
                    }
                ],
            }
        ],
        "decisions": [
            {
                "id": "decide",
                "title": "Below the limit?",
                "basis": basis,
                "source": ASSUMPTION,
                "outcomes": [
                    {"id": "below", "label": "Below", "when": f"criterion('1.1') < {limit}"},
                    {"id": "not_below", "label": "Not below"},
                ],
            }
        ],
    }


def rows(judged: tuple[int, int], sufficient: tuple[int, int]) -> list[list[Any]]:
    """Cases giving the individual and the summary question those judged and sufficient counts
    (a case beyond a question's judged count answers it 'na')."""
    size = max(judged)
    out = []
    for i in range(size):
        cells = ["na" if i >= judged[k] else ("yes" if i < sufficient[k] else "no") for k in range(2)]
        out.append([f"c{i:03d}", *cells])
    return out


def score(weight: Fraction, judged: tuple[int, int], sufficient: tuple[int, int], **ruling: Any) -> Outcome:
    doc = document(weight, **ruling)
    compiled = compile_ruleset(model_of(doc))
    return Inspection(doc, compiled, ["case_id", "1.1.1", "1.1.s"], rows(judged, sufficient)).run()


def oracle_display(value: Fraction, decimals: int, method: str) -> Decimal:
    """The tie rounded by ``decimal`` (a terminating decimal is held exactly at 60 digits)."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDINGS[method])


WEIGHTS = [Fraction(k, 10) for k in range(1, 10)] + [Fraction(k, 100) for k in range(1, 100) if k % 10]
"""Every individual weight a methodology writes with one or two decimals (the summary's is 1 - w)."""

FRIENDLY = (8, 10, 16, 20, 24, 25, 40, 48, 50, 60, 72, 80, 90, 100, 110, 120)
"""Judged counts whose factors of 2 and 5 make ties common; drawn half the time, so that most
draws have a tie to find (a draw without one is discarded)."""
JUDGED = st.one_of(st.integers(1, 120), st.sampled_from(FRIENDLY))


def ties(judged: tuple[int, int], decimals: int) -> list[tuple[Fraction, int, int]]:
    """Every (individual weight, sufficient individual, sufficient summary) whose score is
    exactly halfway between two figures at ``decimals`` places: 2 x 10^d x score is an odd whole
    number. Integer arithmetic over every pair of counts at once (numpy), no fractions."""
    j1, j2 = judged
    s1 = np.arange(j1 + 1, dtype=np.int64)[:, None]
    s2 = np.arange(j2 + 1, dtype=np.int64)[None, :]
    found = []
    for weight in WEIGHTS:
        p, q = weight.numerator, weight.denominator
        # 2 x 10^d x 100 x (w s1/j1 + (1-w) s2/j2), over the one denominator q j1 j2
        top = 200 * 10**decimals * (p * s1 * j2 + (q - p) * s2 * j1)
        bottom = q * j1 * j2
        hit = (top % bottom == 0) & ((top // bottom) % 2 == 1)
        found += [(weight, int(a), int(b)) for a, b in zip(*np.nonzero(hit), strict=True)]
    return found


@given(
    judged=st.tuples(JUDGED, JUDGED),
    decimals=st.integers(0, 2),
    method=st.sampled_from(sorted(ROUNDINGS)),
    basis=st.sampled_from(("rounded", "unrounded")),
    data=st.data(),
)
def test_a_rounding_tie_is_decided_by_the_rulesets_rule(
    judged: tuple[int, int], decimals: int, method: str, basis: str, data: st.DataObject
) -> None:
    found = ties(judged, decimals)
    assume(found)
    weight, *sufficient = data.draw(st.sampled_from(found), label="weight, sufficient")
    exact = 100 * (weight * Fraction(sufficient[0], judged[0]) + (1 - weight) * Fraction(sufficient[1], judged[1]))
    shown = oracle_display(exact, decimals, method)
    upper = (Decimal(exact.numerator) / exact.denominator + Decimal(5).scaleb(-decimals - 1)).quantize(
        Decimal(1).scaleb(-decimals)
    )  # the figure above the tie: the band limit where rounding decides the band
    outcome = score(
        weight, judged, (sufficient[0], sufficient[1]), decimals=decimals, method=method, limit=upper, basis=basis
    )
    criterion = outcome.scores.criteria["1.1"]
    assert criterion.score == exact  # exactly, not approximately
    assert criterion.display == f"{shown}%"
    compared = Fraction(shown) if basis == "rounded" else exact
    assert criterion.band is not None
    assert criterion.band.id == ("high" if compared >= Fraction(upper) else "low")
    assert outcome.decisions["decide"].outcome == ("below" if compared < Fraction(upper) else "not_below")


def test_the_two_ties_the_independent_scorer_found() -> None:
    """Issue 14's cases: 0.8 x 79/90 + 0.2 x 1/72 = 70.5 and 0.8 x 65/72 + 0.2 x 1/72 = 72.5."""
    cases = [((90, 72), (79, 1), Decimal(71), "71%", "70%"), ((72, 72), (65, 1), Decimal(73), "73%", "72%")]
    for judged, sufficient, limit, up, even in cases:
        for method, expected in (("half_up", up), ("half_even", even)):
            outcome = score(Fraction(4, 5), judged, sufficient, decimals=0, method=method, limit=limit, basis="rounded")
            criterion = outcome.scores.criteria["1.1"]
            assert criterion.display == expected, (judged, sufficient, method)
            assert criterion.band is not None
            assert criterion.band.id == ("high" if method == "half_up" else "low")
