"""Chart 1 with each score's interval drawn as a whisker under its bar, and a conclusion the
interval does not settle marked "(not firm)" beside its band, in text, so neither print (no
colour, no hover) nor a screen reader (the row's title and the table after the chart) loses it.

Kept apart from ``html`` so the published-figures chart is built exactly as before and only a
result with an uncertainty (``score --uncertainty``) is changed, after the fact.
"""

from __future__ import annotations

from dataclasses import replace

from omi_rules.model.results import FigureUncertainty, Result
from omi_rules.report.chart import LABEL_SIZE, PLOT_WIDTH, Bar, Chart, _fit, _text_width, _x
from omi_rules.report.uncertainty import interval_text, percent

NOT_FIRM = "(not firm)"


def _with(bar: Bar, figure: FigureUncertainty | None, level: str) -> Bar:
    if figure is None or figure.bootstrap.low is None or figure.bootstrap.high is None:
        return bar
    stability = figure.stability
    flag = stability.flag if stability is not None and not stability.firm else None
    band_label = bar.band_label
    label = bar.label
    if flag is not None and band_label:
        band_label = f"{band_label} {NOT_FIRM}"
        label = _fit(bar.full_label, PLOT_WIDTH - (_text_width(band_label, LABEL_SIZE) + 16), LABEL_SIZE)
    return replace(
        bar,
        label=label,
        band_label=band_label,
        whisker=(_x(figure.bootstrap.low), _x(figure.bootstrap.high)),
        interval_text=f"{level} interval {interval_text(figure)}",
        flag=flag,
    )


def with_intervals(chart: Chart, result: Result) -> Chart:
    """``chart`` with the intervals and flags of ``result.uncertainty`` (unchanged without)."""
    u = result.uncertainty
    if u is None:
        return chart
    level = percent(u.confidence)
    bars = tuple(
        _with(bar, (u.criteria if bar.kind == "criterion" else u.sections).get(bar.item_id), level)
        for bar in chart.bars
    )
    flagged = sum(1 for b in bars if b.flag)
    desc = (
        f"{chart.desc} A line under each bar shows the score's {level} interval from resampling the cases; "
        f"{flagged} conclusions are marked {NOT_FIRM}: their interval crosses a band limit. The table "
        "'How sure are these figures' gives every interval and band share."
    )
    return replace(chart, bars=bars, desc=desc)
