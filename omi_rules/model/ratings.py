"""Ratings as values: ordered scales with points, and overall ratings rolled up from criteria.

HM Inspectorate of Probation's frameworks since 2018 publish a rating for each standard
(Outstanding, Good, Requires improvement, Inadequate), points for each rating (3 to 0) and an
overall rating banded from their total. OMI 2008 did neither. A ruleset declares its scales
here; a band set, a judgement rule or a criterion rated directly by inspectors names the
scale its results are levels of, so any criterion can have a rating, and an overall rating
adds the points of a selection of them.

Field docstrings become the JSON Schema's descriptions, which editors show on hover.
"""

from typing import Literal

from pydantic import Field

from omi_rules.model.common import Condition, Identifier, ItemId, Source, Text, _Model


class RatingLevel(_Model):
    """One level of a rating scale, e.g. Good (2 points)."""

    id: Identifier
    """Short name used in conditions and judgements files, e.g. `requires_improvement`."""
    label: Text
    """As reports print it, e.g. `Requires improvement`."""
    points: int | None = None
    """Points this rating counts for in a total (HMI Probation: Outstanding 3 ... Inadequate 0)."""
    sentence: Text | None = None
    """Optional wording for reports."""


class RatingScale(_Model):
    """An ordered scale of ratings, best first (as reports list them)."""

    id: Identifier
    """Short name, e.g. `hmip`."""
    title: Text
    """What the scale is, in words."""
    levels: list[RatingLevel] = Field(min_length=2)
    """The levels, best first: in a condition `rating('2.1') >= 'good'` means Good or better."""
    source: Source
    """Where the scale and its points are published, or the assumption behind them."""


class Members(_Model):
    """The criteria an overall rating is made of: whole sections and single criteria, less
    the excluded ones (rated and shown, not counted)."""

    sections: list[ItemId] = Field(default_factory=list)
    """Every criterion of these sections (domains)."""
    criteria: list[ItemId] = Field(default_factory=list)
    """These criteria (standards), in addition."""
    exclude: list[ItemId] = Field(default_factory=list)
    """Criteria left out of the total, e.g. `4.1` (youth resettlement: rated separately)."""


class OverallBand(_Model):
    """The overall rating given to totals from `min` upwards (up to the next band's `min`)."""

    rating: Identifier
    """A level of the overall rating's scale."""
    min: float
    """The lowest total with this rating (inclusive)."""
    source: Source
    """Where the limit is published, or the assumption behind it."""


class RatedAs(_Model):
    """A member without a rating counts as this level."""

    rating: Identifier
    """A level of the overall rating's scale."""


class Limit(_Model):
    """A limiting rule: when its condition holds, the overall rating is at most `at_most`.

    Applied after banding; the result records each limit that lowered the rating."""

    id: Identifier
    """Short name, e.g. `inadequate_case_supervision`."""
    title: Text
    """The rule in words."""
    when: Condition
    """When the limit applies, e.g. `rating('2.2') == 'inadequate'`."""
    at_most: Identifier
    """The best overall rating allowed when it applies: a level of the scale."""
    source: Source
    """Where the rule is published, or the assumption behind it."""


class OverallRating(_Model):
    """A rating rolled up from criteria's ratings: their points summed over the members, the
    total banded into a rating of the scale, then any limiting rules applied."""

    id: Identifier
    """Short name, e.g. `overall`."""
    title: Text
    """As reports print it, e.g. `Overall rating`."""
    scale: Identifier
    """The rating scale (under `rating_scales`) of the members and of the result."""
    members: Members
    """Which criteria count."""
    combine: Literal["sum_of_points"] = "sum_of_points"
    """How the members' ratings make a total: the sum of their points."""
    unrated: Literal["error", "rescale"] | RatedAs = "error"
    """A member with no rating (no relevant case, no judgement): `error` (nothing is rated),
    `rescale` (left out; the total is scaled up to the full maximum) or `{rating: LEVEL}`
    (counts as that level). Never a silent zero."""
    bands: list[OverallBand] = Field(min_length=1)
    """Bands of the total, highest first; the lowest starts at 0."""
    limits: list[Limit] = Field(default_factory=list)
    """Limiting rules, applied after banding."""
    source: Source
    """Where the roll-up is published, or the assumption behind it."""


def band_totals(overall: OverallRating, scale: RatingScale, maximum: int) -> list[str]:
    """Each band's totals as people write them, highest band first: ``31-36``, ``19-30``, ...

    With whole points and whole limits a band ends one below the next band's start; otherwise
    it is said as "from 6.5 to under 9". Shared by the handbook and ``explain``, so the two
    can never state a band differently."""
    whole = all(float(b.min).is_integer() for b in overall.bands) and all(
        level.points is not None for level in scale.levels
    )
    out = []
    upper: float | None = None
    for band in overall.bands:
        if upper is None:
            out.append(f"{band.min:g}-{maximum}" if whole else f"{band.min:g} or more")
        elif whole:
            out.append(f"{band.min:g}-{upper - 1:g}")
        else:
            out.append(f"from {band.min:g} to under {upper:g}")
        upper = band.min
    return out
