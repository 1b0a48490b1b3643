"""The Summary of Scores page's chart: one bar per criterion, its band zones and limit lines,
and the legend, as typed geometry that the HTML template only writes out.

Arithmetic in a template cannot be type-checked or unit-tested; computed here in dataclasses,
every number is formatted by :func:`fmt`, so the same inputs give the same bytes. The chart is
described in words (``_describe``) for readers who cannot see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from omi_rules.model import BandSet, CaseSampleSection, Ruleset
from omi_rules.model.results import Result
from omi_rules.report.tables import NOT_SCORED, case_sections_named, plural, words

# --------------------------------------------------------------------------- colours

BAND_PALETTE = ("#1e7b4f", "#5f7d1a", "#a35f00", "#b8560b", "#b42318")
"""Band colours, best band first. Each has at least 4.5:1 contrast against white, so a bar
stands out from the page (WCAG 1.4.11 asks 3:1) and the colours also work as text."""

SECTION_FILL = "#334155"
"""Section bars are dark slate: sections have a score but no conclusion band, and must not
look like one."""

NO_BAND_FILL = "#4b5563"
"""A criterion with a score but no band (no band set in its ruleset): neutral grey, with its
own legend entry, so no bar looks like a band it does not have."""


def band_colours(band_set: BandSet) -> dict[str, str]:
    """Colour of each band of a set, by rank: the highest band gets the first palette colour,
    the lowest the last, whatever the number of bands, so 'good' is green and the worst band
    red in any ruleset."""
    ranked = sorted(band_set.bands, key=lambda b: b.min, reverse=True)
    last = len(BAND_PALETTE) - 1
    if len(ranked) == 1:
        return {ranked[0].id: BAND_PALETTE[0]}
    return {band.id: BAND_PALETTE[round(i * last / (len(ranked) - 1))] for i, band in enumerate(ranked)}


# --------------------------------------------------------------------------- formatting


def fmt(value: float) -> str:
    """A coordinate or limit as short, stable text: at most two decimals, no trailing zeros
    (``62.0`` -> ``62``), so the output is byte-identical across runs and platforms."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A deliberately generous estimate of rendered text width: the page uses the reader's own
    sans-serif font, whose metrics are unknown here, so labels are laid out for a wide one."""
    return len(text) * size * (0.6 if bold else 0.56)


def _fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` (the full text stays in the bar's
    tooltip and in the table that follows the chart)."""
    if _text_width(text, size, bold) <= width:
        return text
    keep = max(1, int(width / (size * (0.6 if bold else 0.56))) - 1)
    return text[:keep].rstrip() + "…"


# --------------------------------------------------------------------------- chart geometry

CHART_WIDTH = 720.0
PLOT_X = 8.0
SCORE_RESERVE = 48.0
"""Room right of the plot for the score printed at the end of a 100% bar."""
PLOT_WIDTH = CHART_WIDTH - PLOT_X - SCORE_RESERVE
AXIS_HEIGHT = 30.0
ROW_HEIGHT = 40.0
SECTION_GAP = 14.0
LABEL_SIZE = 13.0
SCORE_SIZE = 12.0
AXIS_SIZE = 11.0


@dataclass(frozen=True)
class LimitLine:
    """A band limit drawn as a vertical line across the plot, its value written at both ends."""

    value: float
    x: float
    label: str
    label_dy: float
    """Vertical offset of the label, staggered when two limits are too close to share a row."""


@dataclass(frozen=True)
class BandZone:
    """A band's span of the score axis, lightly tinted behind a run of criterion rows (never
    behind a section's row: a section has no band)."""

    band_id: str
    label: str
    x: float
    width: float
    fill: str
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    """One row of Chart 1: a criterion's or a section's score."""

    kind: Literal["criterion", "section"]
    item_id: str
    label: str
    """The row's label, shortened if needed to leave room for the conclusion."""
    full_label: str
    score: float | None
    score_text: str
    """The displayed score (``70%``), or 'no judged cases'."""
    band_label: str | None
    """The conclusion written right of the label, so colour is never the only cue."""
    fill: str
    label_y: float
    bar_y: float
    bar_height: float
    width: float
    """Bar length: score / 100 of the plot width (0 when there is no score)."""
    text_x: float
    text_y: float
    row_limits: tuple[LimitLine, ...] = ()
    """Limits of this criterion's own band set, drawn on its row only when it differs from the
    band set the chart's full-height lines show."""
    whisker: tuple[float, float] | None = None
    """x of the ends of the score's interval (``score --uncertainty``), drawn under the bar."""
    interval_text: str | None = None
    """The interval in words, for the tooltip (``95% interval 63.5-75.8``)."""
    flag: str | None = None
    """When the interval crosses a band limit: "Good, but not distinguishable from ..."."""

    @property
    def tooltip(self) -> str:
        """What a mouse user sees on hovering the row."""
        conclusion = f", {self.band_label}" if self.band_label else ""
        sure = f"; {self.interval_text}" if self.interval_text else ""
        flag = f"; {self.flag}" if self.flag else ""
        return f"{self.full_label}: {self.score_text}{conclusion}{sure}{flag}"


@dataclass(frozen=True)
class Chart:
    """Chart 1: bars for the criteria and sections of the case-sample sections."""

    width: float
    height: float
    plot_x: float
    plot_width: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    lines: tuple[LimitLine, ...]
    zones: tuple[BandZone, ...]
    axis: tuple[LimitLine, ...]
    """The 0% and 100% ends of the axis."""
    title: str
    desc: str


@dataclass(frozen=True)
class LegendEntry:
    label: str
    range_text: str
    fill: str


def _x(score: float) -> float:
    """The x coordinate of a score on the plot (clamped to 0-100, so a bar never overflows)."""
    return PLOT_X + PLOT_WIDTH * max(0.0, min(100.0, score)) / 100.0


def _limits(band_set: BandSet) -> list[float]:
    """The inner limits of a band set (0 and 100 are the axis ends, not limits)."""
    edges = {b.min for b in band_set.bands} | {b.max for b in band_set.bands}
    return sorted(e for e in edges if 0 < e < 100)


def _limit_lines(limits: list[float]) -> tuple[LimitLine, ...]:
    """Lines for the limits, with labels staggered onto a second row when they would touch."""
    lines: list[LimitLine] = []
    previous_x: float | None = None
    previous_dy = 0.0
    for value in limits:
        x = _x(value)
        dy = 0.0
        if previous_x is not None and x - previous_x < _text_width("100%", AXIS_SIZE) + 4 and previous_dy == 0.0:
            dy = AXIS_SIZE + 1
        lines.append(LimitLine(value, x, f"{fmt(value)}%", dy))
        previous_x, previous_dy = x, dy
    return tuple(lines)


def _range_text(band_set: BandSet, low: float, high: float) -> str:
    """A band's range in words, on the score the band is decided on."""
    basis = "rounded score" if band_set.basis == "rounded" else "score"
    if high >= 100 and low <= 0:
        return f"any {basis}"
    if high >= 100:
        return f"{basis} {fmt(low)}% or more"
    if low <= 0:
        return f"{basis} below {fmt(high)}%"
    return f"{basis} {fmt(low)}% to below {fmt(high)}%"


def criterion_band_sets(model: Ruleset) -> dict[str, BandSet | None]:
    """Each case-sample criterion's band set (its own, else its section's)."""
    sets = {b.id: b for b in model.band_sets}
    out: dict[str, BandSet | None] = {}
    for section in model.sections:
        if isinstance(section, CaseSampleSection):
            for criterion in section.criteria:
                name = criterion.bands or section.bands
                out[criterion.id] = sets.get(name) if name else None
    return out


def chart_band_set(model: Ruleset, result: Result) -> BandSet | None:
    """The band set whose limits the chart draws full height: the one most criteria use
    (the first in report order on a tie). OMI has a single one."""
    used = criterion_band_sets(model)
    counts: dict[str, int] = {}
    first: dict[str, BandSet] = {}
    for cid in result.criteria:
        band_set = used.get(cid)
        if band_set is not None:
            counts[band_set.id] = counts.get(band_set.id, 0) + 1
            first.setdefault(band_set.id, band_set)
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return first[best]


def build_chart(result: Result, model: Ruleset) -> tuple[Chart, list[LegendEntry]]:
    """Chart 1's geometry and its legend.

    Bar lengths are the exact (unrounded) scores; the printed score is the displayed one, as
    in every other rendering. Sections follow their criteria, as in the report's tables.
    """
    main_set = chart_band_set(model, result)
    sets = criterion_band_sets(model)
    lines = _limit_lines(_limits(main_set)) if main_set else ()
    stagger = any(line.label_dy for line in lines)
    plot_top = AXIS_HEIGHT + (AXIS_SIZE + 1 if stagger else 0)
    bars: list[Bar] = []
    w = words(result)
    y = plot_top + 4
    runs: list[tuple[float, float]] = []
    """The vertical spans of consecutive criterion rows, between section rows."""
    run_top = plot_top
    for section in result.sections.values():
        for cid in section.criteria:
            c = result.criteria[cid]
            band_set = sets.get(cid)
            colours = band_colours(band_set) if band_set else {}
            fill = colours.get(c.band.id, NO_BAND_FILL) if c.band else NO_BAND_FILL
            own: tuple[LimitLine, ...] = ()
            if band_set is not None and main_set is not None and band_set.id != main_set.id:
                own = _limit_lines(_limits(band_set))
            band_label = c.band.label if c.band else None
            bars.append(_bar("criterion", cid, f"{c.id} {c.title}", c.score, c.display, band_label, fill, y, own))
            y += ROW_HEIGHT
        if section.published:
            runs.append((run_top, y))
            title = f"{w.section} {section.id}: {section.title}"
            bars.append(_bar("section", section.id, title, section.score, section.display, None, SECTION_FILL, y))
            y += ROW_HEIGHT
            run_top = y + SECTION_GAP
        y += SECTION_GAP
    plot_bottom = y - SECTION_GAP
    runs.append((run_top, plot_bottom))
    zones: list[BandZone] = []
    legend: list[LegendEntry] = []
    if main_set is not None:
        colours = band_colours(main_set)
        for band in sorted(main_set.bands, key=lambda b: b.min, reverse=True):
            x, width = _x(band.min), _x(band.max) - _x(band.min)
            zones += [BandZone(band.id, band.label, x, width, colours[band.id], t, b - t) for t, b in runs if b > t]
            legend.append(LegendEntry(band.label, _range_text(main_set, band.min, band.max), colours[band.id]))
    legend += _neutral_entries(result, bars)
    axis = (LimitLine(0.0, _x(0.0), "0%", 0.0), LimitLine(100.0, _x(100.0), "100%", 0.0))
    height = plot_bottom + AXIS_HEIGHT - 6 + (AXIS_SIZE + 1 if stagger else 0)
    chart = Chart(
        width=CHART_WIDTH,
        height=height,
        plot_x=PLOT_X,
        plot_width=PLOT_WIDTH,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        lines=lines,
        zones=tuple(zones),
        axis=axis,
        title=f"{w.chart_label}: scores of the criteria and {plural(w).lower()} of {case_sections_named(result)}",
        desc=_describe(result, main_set, bars),
    )
    return chart, legend


def _neutral_entries(result: Result, bars: list[Bar]) -> list[LegendEntry]:
    """Legend entries for the bars not coloured by a band: a section's (a section has a score
    but never a conclusion band) and a scored criterion's that has no band."""
    w = words(result)
    entries: list[LegendEntry] = []
    if any(b.kind == "criterion" and b.score is not None and b.fill == NO_BAND_FILL for b in bars):
        entries.append(
            LegendEntry("No conclusion", f"a {w.criterion.lower()} score with no conclusion band", NO_BAND_FILL)
        )
    if any(b.kind == "section" for b in bars):
        noun = plural(w).lower()
        text = f"{noun} have a score but no conclusion band, so their bars are not coloured by band"
        entries.append(LegendEntry(f"{w.section} score", text, SECTION_FILL))
    return entries


def _bar(
    kind: Literal["criterion", "section"],
    item_id: str,
    label: str,
    score: Fraction | float | None,
    display: str | None,
    band_label: str | None,
    fill: str,
    y: float,
    row_limits: tuple[LimitLine, ...] = (),
) -> Bar:
    score = None if score is None else float(score)  # a chart is drawn in floats; the text is `display`
    bold = kind == "section"
    room = PLOT_WIDTH - (_text_width(band_label, LABEL_SIZE) + 16 if band_label else 0)
    bar_height = 18.0 if bold else 15.0
    bar_y = y + 18
    width = PLOT_WIDTH * max(0.0, min(100.0, score)) / 100.0 if score is not None else 0.0
    return Bar(
        kind=kind,
        item_id=item_id,
        label=_fit(label, room, LABEL_SIZE, bold),
        full_label=label,
        score=score,
        score_text=display if display is not None and score is not None else NOT_SCORED,
        band_label=band_label,
        fill=fill,
        label_y=y + 13,
        bar_y=bar_y,
        bar_height=bar_height,
        width=width,
        text_x=PLOT_X + width + 6 if score is not None else PLOT_X + 4,
        text_y=bar_y + bar_height / 2 + SCORE_SIZE * 0.36,
        row_limits=row_limits,
    )


def _describe(result: Result, band_set: BandSet | None, bars: list[Bar]) -> str:
    """The chart's long description: what it shows and where to find the figures in text."""
    scored = [b for b in bars if b.kind == "criterion" and b.score is not None]
    parts = [
        f"Horizontal bar chart of {len(scored)} criterion scores and {len(result.sections)} section scores "
        f"from {result.cases} cases, on a scale of 0 to 100%."
    ]
    if band_set is not None:
        limits = ", ".join(f"{fmt(v)}%" for v in _limits(band_set))
        bands = "; ".join(
            f"{b.label} ({_range_text(band_set, b.min, b.max)})"
            for b in sorted(band_set.bands, key=lambda b: b.min, reverse=True)
        )
        parts.append(f"Vertical lines mark the band limits at {limits}. Bands: {bands}.")
    sections = (
        ""
        if not any(b.kind == "section" for b in bars)
        else ("; each section bar with its score only, in one neutral colour (a section has no conclusion band)")
    )
    parts.append(
        f"Each criterion bar is labelled with its score and conclusion{sections}. "
        "The table after the chart gives the same figures."
    )
    return " ".join(parts)
