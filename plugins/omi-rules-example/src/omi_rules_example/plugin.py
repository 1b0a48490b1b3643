"""The ``floor_weighted`` aggregation: the OMI weighted rule, capped by a weak summary question.

Why a methodology might want it
-------------------------------
Under the OMI rule (``weighted_summary``) a criterion scores
``0.8 * mean(individual questions) + 0.2 * summary question``. The summary question is the
inspector's overall judgement of each case against the criterion, yet it carries only a fifth
of the weight: a criterion whose individual questions were mostly answered "yes" can land in a
good band even when inspectors judged most cases insufficient *overall*.

``floor_weighted`` keeps the OMI rule but adds one safeguard: when fewer than ``FLOOR`` percent
(50%) of the judged cases were sufficient on the summary question, the criterion score is capped
at the summary proportion. At or above the floor, and when the summary question has no judged
case, the score is exactly the OMI score.

Example: individual questions at 90% and 80%, summary at 40%. OMI: 0.8 * 85 + 0.2 * 40 = 76%.
``floor_weighted``: 40% is below the floor, so the score is min(76, 40) = 40%.

The floor is fixed: an aggregation receives only the question proportions and the criterion's
two weights, so a methodology that wanted another floor would register another name.
"""

from __future__ import annotations

from fractions import Fraction

from omi_rules.numbers import mean
from omi_rules.plugins import Aggregation, hookimpl

FLOOR = 50
"""Summary proportion (percent) below which the criterion is capped at the summary proportion."""


def floor_weighted(
    individual: list[Fraction], summary: Fraction | None, w_individual: Fraction, w_summary: Fraction
) -> Fraction | None:
    """The OMI weighted score, capped at the summary proportion when that is below ``FLOOR``.

    ``individual``: proportions (percent) of the scored individual questions that have a judged
    case; ``summary``: the summary question's proportion, or None when it has no judged case.
    Returns None when nothing was judged (never 0 or 100 for "nothing judged").
    """
    average = mean(individual)  # exact: fractions in, a fraction out
    score: Fraction | None
    if average is not None and summary is not None:
        score = w_individual * average + w_summary * summary
    else:
        # One part has no judged case: the other part alone is the score, as in the OMI rule.
        score = average if average is not None else summary
    if score is not None and summary is not None and summary < FLOOR:
        return min(score, summary)
    return score


@hookimpl
def omi_rules_aggregations() -> list[Aggregation]:
    """The criterion aggregations this plugin adds (used as ``aggregation: floor_weighted``)."""
    return [
        Aggregation(
            name="floor_weighted",
            description=f"OMI weighted rule, capped at the summary proportion when that is below {FLOOR:g}%",
            combine=floor_weighted,
        )
    ]
