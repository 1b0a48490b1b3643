"""Analytic intervals: Wilson for one proportion, and a linearised (delta-method) normal interval
for the smooth scores (weighted means of proportions), from each case's influence on them.

Why both this and the bootstrap: the analytic interval needs no resampling and shows what the
bootstrap should agree with for the linear rules (a test compares them); it is also what
``plan`` uses to say how many cases a margin needs, since the variance of a score over n cases
is its per-case variance over n. The lowest-question rule is not smooth and has no analytic
interval here.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.resample import Floats, SampleMatrices
from omi_rules.plugins import builtin


def z_value(confidence: float) -> float:
    """The two-sided normal quantile for ``confidence`` (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: float, trials: float, confidence: float, correction: float = 1.0) -> tuple[float, float] | None:
    """Wilson score interval of successes/trials, in percent; None when trials is 0.

    With a finite-population correction the trials count as trials / correction² (the variance
    shrinks by correction², as if more had been observed)."""
    if trials <= 0:
        return None
    if correction <= 0:
        p = successes / trials
        return 100 * p, 100 * p
    n = trials / correction**2
    p = successes / trials
    z = z_value(confidence)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def question_influence(matrices: SampleMatrices) -> tuple[Floats, Floats]:
    """Each case's influence on each question's proportion (n x Q, percent) and the
    proportions: u[i, q] = 100 (s_iq - p_q j_iq) / J_q; zero for a question nobody was judged on.
    The sum of u over cases is 0, and the linearised variance of p_q is n/(n-1) sum u²."""
    judged = matrices.judged.sum(axis=0)
    sufficient = matrices.sufficient.sum(axis=0)
    safe = np.where(judged > 0, judged, 1.0)
    p = np.where(judged > 0, sufficient / safe, np.nan)
    u = 100 * (matrices.sufficient - np.nan_to_num(p) * matrices.judged) / safe
    return u, 100 * p


def linear_coefficients(compiled: CompiledRuleset, proportions: Floats, column: dict[str, int]) -> dict[str, Floats]:
    """For each criterion whose rule is linear in its proportions (given which are defined),
    the coefficient of each question's proportion in its score; criteria of other rules are
    left out. Section and thread coefficients are added by ``roll_up_coefficients``."""
    registry = compiled.registry
    out: dict[str, Floats] = {}
    defined = ~np.isnan(proportions)
    for section in compiled.case_sections:
        for criterion in section.criteria:
            rule = registry.aggregations[criterion.aggregation]
            c = np.zeros(len(column))
            ind = [column[q.id] for q in criterion.questions if q.scored and not q.summary and defined[column[q.id]]]
            summ = [column[q.id] for q in criterion.questions if q.summary and defined[column[q.id]]]
            if rule.weigh is builtin.weighted_mean:
                pairs = [(column[q.id], q.weight or 1.0) for q in criterion.questions if q.scored]
                pairs = [(j, w) for j, w in pairs if defined[j]]
                total = sum(w for _, w in pairs)
                for j, w in pairs:
                    c[j] = w / total
            elif rule.weigh is None and rule.combine is builtin.weighted_summary:
                w_i, w_s = (criterion.weights.individual, criterion.weights.summary) if ind and summ else (1.0, 1.0)
                for j in ind:
                    c[j] = w_i / len(ind)
                for j in summ:
                    c[j] = w_s
            elif rule.weigh is None and rule.combine is builtin.mean_of_all:
                for j in ind + summ:
                    c[j] = 1 / len(ind + summ)
            else:
                continue
            if c.any():
                out[criterion.id] = c
    return out


def linearised_half_width(influence: Floats, coefficients: Floats, confidence: float, correction: float) -> float:
    """z x the linearised standard error of sum_q c_q p_q, from the cases' influences."""
    n = influence.shape[0]
    if n < 2:
        return math.inf
    u = influence @ coefficients
    variance = n / (n - 1) * float(np.sum((u - u.mean()) ** 2))
    return z_value(confidence) * correction * math.sqrt(variance)
