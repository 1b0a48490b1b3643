"""How sure the figures are, for people: one report section (a table with an interval column and
the band shares, then a closing note naming each conclusion a resample could change).

Why a report section rather than new columns in the Summary of Scores: the published figures
stay exactly as the report printed them, and the same section serves the terminal, Markdown
and HTML renderings (``ReportSection``), which already know how to print one.
"""

from __future__ import annotations

from omi_rules.model.results import FigureUncertainty, Result, Stability, Uncertainty
from omi_rules.plugins.hookspecs import ReportSection

TITLE = "How sure are these figures"


def percent(value: float) -> str:
    """A confidence or a share as a percent, without a needless decimal (95%, 97.5%)."""
    text = f"{100 * value:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def interval_text(figure: FigureUncertainty) -> str:
    """``63.5-75.8`` (the bootstrap interval), or a dash when there is none."""
    low, high = figure.bootstrap.low, figure.bootstrap.high
    if low is None or high is None:
        return "-"
    return f"{low:.1f}-{high:.1f}"


def shares_text(stability: Stability | None, by: str = "label") -> str:
    """``Good 42.9%, Priority for improvement 56.4%`` (``by="id"``: ``good 42.9%, ...``, for a
    table column)."""
    if stability is None:
        return ""
    return ", ".join(f"{getattr(s, by)} {percent(s.share)}" for s in stability.shares)


def firm_text(stability: Stability | None) -> str:
    """``firm``, or the other bands the interval reaches (``could be priority``)."""
    if stability is None:
        return ""
    if stability.firm:
        return "firm"
    return "could be " + " or ".join(stability.reaches) if stability.reaches else "not firm"


def _row(label: str, display: str | None, figure: FigureUncertainty) -> list[str]:
    analytic = figure.linearised or figure.wilson
    other = (
        "-"
        if analytic is None or analytic.low is None or analytic.high is None
        else f"{analytic.low:.1f}-{analytic.high:.1f}"
    )
    return [
        label,
        display or "-",
        interval_text(figure),
        other,
        shares_text(figure.stability, "id"),
        firm_text(figure.stability),
    ]


def uncertainty_sections(result: Result) -> list[ReportSection]:
    """The table of intervals, then the closing note; none when the result has no
    uncertainty (not asked for, or no cases)."""
    u = result.uncertainty
    if u is None:
        return []
    level = percent(u.confidence)
    header = [
        "Figure",
        "Score",
        f"{level} interval",
        f"{level} analytic",
        "Resamples in each band",
        "Band",
    ]
    rows: list[list[str]] = []
    for cid, figure in u.criteria.items():
        c = result.criteria[cid]
        rows.append(_row(f"{cid} {c.title}", c.display, figure))
    for sid, figure in u.sections.items():
        s = result.sections[sid]
        if s.published:
            rows.append(_row(f"Section {sid} {s.title}", s.display, figure))
    for tid, figure in u.threads.items():
        t = result.threads[tid]
        rows.append(_row(t.title, t.display, figure))
    for hid, figure in u.headlines.items():
        h = result.headlines[hid]
        rows.append(_row(h.title, h.display, figure))
    return [
        ReportSection(title=TITLE, paragraphs=[_method(u)], header=header, rows=rows),
        ReportSection(title="Conclusions a resample could change", paragraphs=closing_note(u)),
    ]


def _method(u: Uncertainty) -> str:
    fpc = (
        f" The sample was drawn from a caseload of {u.caseload} cases (finite-population correction"
        f" {u.correction:.3f})."
        if u.caseload
        else ""
    )
    return (
        f"{percent(u.confidence)} intervals from {u.replicates} bootstrap resamples of the cases "
        f"(seed {u.seed}); the analytic interval is Wilson's for a proportion and the linearised "
        f"normal interval for a score. 'Band' says whether the interval stays in the sample's band "
        f"(firm) or reaches another.{fpc} {u.note}"
    )


def closing_note(u: Uncertainty) -> list[str]:
    """Each conclusion a resample could change, with its band shares; then decisions and
    overall ratings recomputed on the resamples."""
    out: list[str] = []
    if u.unstable:
        out.append(f"{len(u.unstable)} conclusions could have gone another way on another sample of this size:")
        out.extend(f"- {line}" for line in u.unstable)
    else:
        out.append("Every conclusion is firm: no interval crosses a band limit at this sample size.")
    outcomes = [(f"Decision {did}", o.stability) for did, o in u.decisions.items()] + [
        (f"Overall rating {oid}", o.stability) for oid, o in u.overall_ratings.items()
    ]
    for name, stability in outcomes:
        out.append(f"{name}: '{stability.published}' on the sample; on the resamples: {shares_text(stability)}.")
    return out


def explain_text(result: Result, target: str) -> str:
    """How sure the figure ``target`` (a question, criterion, section, thread, headline,
    rating, overall rating or decision id) is, for ``explain --uncertainty``; empty when the
    result has no uncertainty or the target has no sampled figure."""
    u = result.uncertainty
    if u is None:
        return ""
    level = percent(u.confidence)
    for figures in (u.criteria, u.questions, u.sections, u.threads, u.headlines):
        figure = figures.get(target)
        if figure is None:
            continue
        lines = [f"How sure ({level}, {u.replicates} resamples of the {result.cases} cases, seed {u.seed}):"]
        lines.append(f"  bootstrap interval: {interval_text(figure)}")
        for analytic in (figure.linearised, figure.wilson):
            if analytic is not None and analytic.low is not None and analytic.high is not None:
                lines.append(f"  {analytic.method} interval: {analytic.low:.1f}-{analytic.high:.1f}")
        if figure.defined < 1:
            lines.append(f"  resamples with a figure: {percent(figure.defined)} (the others judged no relevant case)")
        if figure.stability is not None:
            lines.append(f"  resamples in each band: {shares_text(figure.stability)}")
            lines.append(f"  {figure.stability.flag or 'firm: the interval stays in one band'}")
        return "\n".join(lines) + "\n"
    for kind, outcomes in (("rating", u.ratings), ("overall rating", u.overall_ratings), ("decision", u.decisions)):
        outcome = outcomes.get(target)
        if outcome is not None:
            s = outcome.stability
            return (
                f"How sure ({u.replicates} resamples of the cases): this {kind} on the resamples: "
                f"{shares_text(s)}\n  {s.flag or 'firm: every resample gives the same'}\n"
            )
    return ""
