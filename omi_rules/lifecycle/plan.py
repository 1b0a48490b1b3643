"""``omi-rules plan``: how many cases a sample needs for each criterion's score to be within a
declared margin at a declared confidence, and what the ruleset's sample size achieves.

Why the past sample matters: a criterion's precision depends less on the sample size than on
how many cases its questions are judged on (a victims question relevant to one case in five
sees a fifth of the sample) and on how its proportions vary together. Given a past sample, each
case's influence on the score (``engine.analytic``) gives the per-case variance with the real
relevance rates and correlations; a score over n such cases has that variance over n, so the
cases needed for a margin m at z are z² σ² / m², less with a finite-population correction.
A rule that is not smooth (the lowest question) is sized from the bootstrap variance instead.

Without a past sample, every question is taken as judged on a declared share of cases
(``--relevance``, default all) with the worst-case proportion 50%, and the questions moving
together: an upper bound on the cases needed, said so in its output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from omi_rules.diagnostics import Position, Report
from omi_rules.diagnostics.codes import make
from omi_rules.engine.analytic import linear_coefficients, question_influence, z_value
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.pipeline import prepare
from omi_rules.engine.precision import DEFAULT_SEED, Options, caseload_problem, confidence_of, margin_of
from omi_rules.engine.resample import SampleMatrices, bootstrap_weights, replicate_scores, sample_matrices

PLAN_REPLICATES = 2000
NEARLY_ALL = 0.9
"""A plan that needs more than this share of the caseload is reported (U004): sampling then
saves little over reading every case."""
WORST_CASE = 50.0
"""The proportion (percent) with the largest variance, assumed when nothing is known."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionPlan(_Model):
    id: str
    title: str
    basis: str
    """`past sample` (its cases' influence), `bootstrap` (a rule that is not smooth) or `assumed`
    (no past judgements: worst case at the declared relevance)."""
    judged_share: float | None
    """Share of the past sample's cases judged on the criterion's least-judged question."""
    least_judged: str | None
    """That question."""
    per_case_sd: float
    """Standard deviation of the score per case (percentage points x sqrt(cases))."""
    needed: int | None
    """Cases the sample needs for the margin; null when even the whole caseload is not enough."""
    margins: dict[str, float]
    """The margin (percentage points) achieved at each sample size of the ruleset's requirement."""


class Plan(_Model):
    """The plan for one ruleset (`plan --format json`)."""

    ruleset: str
    margin: float
    confidence: float
    caseload: int | None
    past_sample: str | None
    past_cases: int | None
    relevance: float
    """The share of cases each question is assumed judged on when there is no past sample."""
    design: list[int]
    """The ruleset's sample sizes (its `sample.size` min and max)."""
    criteria: list[CriterionPlan]
    needed: int | None
    """The most any criterion needs (null: some criterion cannot reach the margin)."""
    driven_by: list[str]
    """The criteria that need the most cases."""


@dataclass
class Planned:
    report: Report
    plan: Plan | None = None
    files: dict[str, list[str]] | None = None


def cases_needed(sd: float, margin: float, z: float, caseload: int | None) -> int | None:
    """Cases for a half-width ``margin`` at ``z``: n0 = (z sd / margin)², with the finite-
    population correction n0 N / (n0 + N - 1); None when it would take more than the caseload."""
    n0 = (z * sd / margin) ** 2
    if caseload is None:
        return max(1, math.ceil(n0 - 1e-9))
    n = n0 * caseload / (n0 + caseload - 1)
    return min(caseload, max(1, math.ceil(n - 1e-9)))


def margin_at(sd: float, cases: int, z: float, caseload: int | None) -> float:
    """The half-width a score with per-case sd ``sd`` has over ``cases`` cases."""
    fpc = 1.0 if caseload is None else math.sqrt(max(0.0, 1 - cases / caseload))
    return z * sd / math.sqrt(cases) * fpc


def assumed_sd(relevance: float) -> float:
    """Per-case sd of a criterion when nothing is known: every question judged on ``relevance``
    of the cases with the worst-case proportion 50%. A score is a weighted mean of its
    proportions (weights summing to 1), so its sd is at most the weighted sum of theirs: this
    is an upper bound, reached when the questions move together."""
    return math.sqrt(WORST_CASE * (100 - WORST_CASE) / relevance)


def build_plan(
    compiled: CompiledRuleset,
    matrices: SampleMatrices | None,
    margin: float,
    confidence: float,
    caseload: int | None,
    relevance: float,
    past: Path | None,
    report: Report,
) -> Plan:
    z = z_value(confidence)
    size = compiled.model.sample.size
    design = [] if size is None else sorted({size.min, *([size.max] if size.max is not None else [])})
    plans: list[CriterionPlan] = []
    influence = proportions = None
    coefficients: dict[str, np.ndarray] = {}
    replicated = None
    if matrices is not None:
        influence, proportions = question_influence(matrices)
        coefficients = linear_coefficients(compiled, proportions, matrices.column)
    for section in compiled.case_sections:
        for criterion in section.criteria:
            basis, share, least = "assumed", None, None
            sd: float | None = None
            if matrices is not None and influence is not None:
                n = matrices.size
                columns = [matrices.column[q.id] for q in criterion.questions if q.scored or q.summary]
                shares = matrices.judged[:, columns].mean(axis=0)
                k = int(np.argmin(shares))
                share, least = round(float(shares[k]), 4), criterion.questions[0].id
                least = [q.id for q in criterion.questions if q.scored or q.summary][k]
                c = coefficients.get(criterion.id)
                if c is not None and n > 1:
                    u = influence @ c
                    sd = math.sqrt(n * n / (n - 1) * float(np.sum((u - u.mean()) ** 2)))
                    basis = "past sample"
                elif n > 1 and float(shares.max()) > 0:
                    if replicated is None:
                        weights = bootstrap_weights(n, PLAN_REPLICATES, DEFAULT_SEED)
                        replicated = replicate_scores(compiled, matrices, weights)
                    values = replicated.criteria[criterion.id]
                    values = values[~np.isnan(values)]
                    if values.size > 1:
                        sd = math.sqrt(n * float(np.var(values, ddof=1)))
                        basis = "bootstrap"
                if sd is None:
                    report.add(
                        make(
                            "U003",
                            f"criterion {criterion.id}: no case of the past sample was judged on it; "
                            f"planned from the worst case (50% at the declared relevance {relevance:g})",
                            Position(str(past)),
                            hint="give a past sample with judged cases of this kind, or read it as an upper bound",
                        )
                    )
            if sd is None:
                sd = assumed_sd(relevance)
            needed = cases_needed(sd, margin, z, caseload)
            if caseload is not None and needed is not None and needed > NEARLY_ALL * caseload:
                report.add(
                    make(
                        "U004",
                        f"criterion {criterion.id}: ±{margin:g} points at {confidence:g} needs {needed} of the "
                        f"{caseload} cases of the caseload",
                        Position("--margin", 1, len("--margin") + 2),
                        hint="read every case, or accept a wider margin for this criterion",
                    )
                )
            plans.append(
                CriterionPlan(
                    id=criterion.id,
                    title=criterion.title,
                    basis=basis,
                    judged_share=share,
                    least_judged=least,
                    per_case_sd=round(sd, 4),
                    needed=needed,
                    margins={str(m): round(margin_at(sd, m, z, caseload), 2) for m in design},
                )
            )
    worst = max((p.needed for p in plans if p.needed is not None), default=None)
    return Plan(
        ruleset=f"{compiled.model.id} {compiled.model.version}",
        margin=margin,
        confidence=confidence,
        caseload=caseload,
        past_sample=None if past is None else str(past),
        past_cases=None if matrices is None else matrices.size,
        relevance=relevance,
        design=design,
        criteria=plans,
        needed=worst,
        driven_by=[p.id for p in plans if p.needed == worst],
    )


DEFAULT_MARGIN = 5.0
"""Points either side, when neither the command nor the ruleset (``sample.precision``) says."""


def plan(
    ruleset: Path,
    past: Path | None,
    margin: float | None,
    confidence: float | None,
    caseload: int | None,
    relevance: float,
    unanswered: str | None = None,
) -> Planned:
    """Check the ruleset (and read the past sample), then plan; ``margin`` and ``confidence``
    None take the ruleset's (``sample.precision``), else 5 points and 95%."""
    prepared = prepare(ruleset, past, unanswered=unanswered)
    out = Planned(prepared.report, files=dict(prepared.files))
    compiled = prepared.compiled
    if compiled is None or prepared.report.errors or prepared.report.unreadable:
        return out
    matrices = None
    if past is not None:
        if prepared.sample is None or prepared.evaluation is None:
            return out
        mask = np.ones(prepared.evaluation.size, dtype=bool)
        matrices = sample_matrices(compiled, prepared.evaluation, mask)
        problem = caseload_problem(caseload, matrices.size, str(past))
        if problem is not None:
            prepared.report.add(problem)
            return out
    options = Options(confidence=confidence, margin=margin)
    level = confidence_of(compiled.model, options)
    points = margin_of(compiled.model, options) or DEFAULT_MARGIN
    out.plan = build_plan(compiled, matrices, points, level, caseload, relevance, past, prepared.report)
    return out


def plain(p: Plan) -> str:
    """The plan as a methodology officer reads it."""
    level = f"{100 * p.confidence:g}%"
    lines = [f"Sample plan for {p.ruleset}: each criterion's score within ±{p.margin:g} points at {level} confidence"]
    if p.past_sample is not None:
        lines.append(f"from the relevance and answers of {p.past_cases} past cases in {p.past_sample}")
    else:
        lines.append(
            f"assuming every question is judged on {100 * p.relevance:g}% of cases at the worst case, 50% "
            "sufficient: an upper bound (give --sample PAST_CASES for a plan from real rates)"
        )
    if p.caseload is not None:
        lines.append(f"drawn from a caseload of {p.caseload} cases (finite-population correction)")
    lines.append("")
    design = [str(m) for m in p.design]
    header = ["criterion", "judged on", "cases needed", *[f"±pts at {m}" for m in design]]
    rows = []
    for c in p.criteria:
        judged = "-" if c.judged_share is None else f"{100 * c.judged_share:.0f}% ({c.least_judged})"
        needed = "more than the caseload" if c.needed is None else str(c.needed)
        rows.append([f"{c.id} {c.title}", judged, needed, *[f"{c.margins[m]:.1f}" for m in design]])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip()
        )
    lines.append("")
    if p.needed is not None:
        drivers = ", ".join(p.driven_by)
        lines.append(f"To reach ±{p.margin:g} points for every criterion, read {p.needed} cases (needed by {drivers}).")
    for m in design:
        reached = [c.id for c in p.criteria if c.margins[m] <= p.margin]
        widest = max(p.criteria, key=lambda c: c.margins[m], default=None)
        lines.append(
            f"The ruleset's {m} cases reach ±{p.margin:g} for {len(reached)} of {len(p.criteria)} criteria"
            + (f" ({', '.join(reached)})" if reached else "")
            + (f"; the widest is {widest.id} at ±{widest.margins[m]:.1f}." if widest else ".")
        )
    lines.append(
        "'judged on' is the share of cases judged on the criterion's least-judged question; "
        "'±pts' is the half-width of the interval at that sample size."
    )
    return "\n".join(lines) + "\n"
