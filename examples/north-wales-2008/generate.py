#!/usr/bin/env python3
"""Generate the synthetic case sample of the North Wales 2008 example.

The North Wales report (HMI Probation, September 2008) publishes scores and findings, not case
data. This script makes a synthetic sample of 109 cases (``cases.csv``) and a set of section 4
judgements (``judgements.yaml``) that the omi-2008 ruleset scores to every published figure:

1. **Design.** Case fields with the published sample counts (109 cases; 40 licence, 61
   community, 8 custody; 12 PPOs; 64 court reports; ...). The counts behind the report's
   question-level figures (e.g. 62 written reports, so that "Forty-three reports (69%)" holds)
   are set here too, and every routing question's yes count is chosen by a small search so that
   the figures of the questions that depend on it are attainable.
2. **Calibration.** Each question with a figure in ``question-figures.yaml`` gets the judged and
   sufficient counts that reproduce it (na only where the question's guidance allows it). The
   remaining ("free") questions and the summary questions are then set by an exact weighted
   least-squares solve: as close as possible to a prior reading of the report's text, subject
   to every published criterion score and the Risk of Harm thread (71%) being hit. The solution
   is rounded to whole cases and touched up greedily.
3. **Assignment.** The counts are turned into answers on particular cases with a seeded random
   generator (a latent "quality of work" per case makes answers correlate, as in real case
   files); subgroup figures (Tier 4, PPO, ...) are honoured where the counts allow.
4. **Verification.** The written files are scored with the engine and compared with
   ``published.yaml`` and ``question-figures.yaml``; a calibration report is printed and the
   exit code is 1 if any published criterion score, conclusion, grade, the thread or the
   decision is missed (or a figure marked reproducible is not reproduced).

``--check`` regenerates into a temporary folder and verifies that the committed files are
byte-identical to what the script makes.

Only the standard library, numpy (through the engine) and omi_rules are used. Randomness comes
from ``random.Random(seed).random()``, whose sequence Python guarantees across versions, and the
calibration uses exact fractions, so the output does not depend on the platform.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import io
import json
import random
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from omi_rules.conditions.checker import Checked, compile_condition  # noqa: E402
from omi_rules.conditions.vector import VectorData, encode, evaluate  # noqa: E402
from omi_rules.engine import pipeline as score_pipeline  # noqa: E402
from omi_rules.engine.compiled import CompiledQuestion, CompiledRuleset, compile_ruleset  # noqa: E402
from omi_rules.engine.scoring import score_cases  # noqa: E402
from omi_rules.model.value_types import field_type  # noqa: E402
from omi_rules.ruleset.loader import load_ruleset  # noqa: E402
from omi_rules.yamlio.reader import load_yaml  # noqa: E402

DEFAULT_SEED = 2008
RULESET = ROOT / "rulesets" / "omi-2008"
PUBLISHED = HERE / "published.yaml"
FIGURES = HERE / "question-figures.yaml"
OUTPUTS = ("cases.csv", "judgements.yaml")

N_CASES = 109
THREAD_TARGET = 71

# =============================================================================================
# 1. Design: case fields
# =============================================================================================

SENTENCES = {"licence": 40, "community": 61, "custody": 8}
# Appendix 2's design is 40 licence, 60 community and 10 custody cases; only eight custodial
# cases were found ("the eight custodial cases"), so the 109-case sample is filled with 61
# community cases.

TIERS = {  # tier counts per sentence: 31 Tier 4 cases (28%), mostly licence and custody
    # 31 Tier 4 cases make the report's Tier 4 percentages attainable: 24/31 = 77% (1.2.21),
    # 27/31 = 87% (1.3.4), 23/31 = 74% (2.1.3), 26/31 = 84% (2.1.4), 25/31 = 81% (2.1.8).
    "custody": {4: 3, 3: 4, 2: 1},
    "licence": {4: 14, 3: 17, 2: 9},
    "community": {4: 14, 3: 15, 2: 18, 1: 14},
}

ROH = {  # RoH per (sentence, tier): high and very high RoH in Tier 4, low in Tiers 1-2
    ("custody", 4): {"very_high": 1, "high": 2},
    ("custody", 3): {"high": 1, "medium": 3},
    ("custody", 2): {"medium": 1},
    ("licence", 4): {"very_high": 2, "high": 12},
    ("licence", 3): {"high": 4, "medium": 13},
    ("licence", 2): {"medium": 6, "low": 3},
    # "We inspected five community cases where the RoH was assessed as very high."
    ("community", 4): {"very_high": 5, "high": 7, "medium": 2},
    ("community", 3): {"medium": 10, "low": 5},
    ("community", 2): {"medium": 9, "low": 9},
    ("community", 1): {"low": 14},
}

PPO = {  # 12 PPOs ("There were 12 PPOs in the case sample"), Tiers 3-4
    ("custody", 4): 1,
    ("licence", 4): 2,
    ("licence", 3): 3,
    ("community", 4): 3,
    ("community", 3): 3,
}


class Rng:
    """Seeded randomness from ``random.Random.random`` only (its sequence is stable)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def uniform(self) -> float:
        return self._random.random()

    def latent(self) -> float:
        """A roughly normal latent value (sum of three uniforms, centred; no libm)."""
        return self.uniform() + self.uniform() + self.uniform() - 1.5


class DesignError(Exception):
    """The design asks for something the sample cannot give (a bug in this script)."""


def pick(rng: Rng, pool: Iterable[int], k: int, pref: Callable[[int], float] | None = None) -> list[int]:
    """``k`` cases of ``pool``: the highest ``pref(case) + uniform``; pool order never matters."""
    cases = sorted(set(pool))
    if k > len(cases) or k < 0:
        raise DesignError(f"cannot pick {k} of {len(cases)} cases")
    keys = {c: (pref(c) if pref else 0.0) + rng.uniform() for c in cases}
    return sorted(sorted(cases, key=lambda c: (-keys[c], c))[:k])


def build_fields(rng: Rng) -> dict[str, list[Any]]:
    """The case fields of the 109 cases, with the published sample counts."""
    n = N_CASES
    idx = range(n)
    order = sorted(idx, key=lambda _: rng.uniform())
    sentence: list[str] = [""] * n
    start = 0
    for value, count in SENTENCES.items():
        for case in order[start : start + count]:
            sentence[case] = value
        start += count
    tier = [0] * n
    for s, plan in TIERS.items():
        pool = [c for c in idx if sentence[c] == s]
        for t, count in plan.items():
            chosen = pick(rng, [c for c in pool if tier[c] == 0], count)
            for c in chosen:
                tier[c] = t
    roh = [""] * n
    for (s, t), levels in ROH.items():
        for level, count in levels.items():
            pool = [c for c in idx if sentence[c] == s and tier[c] == t and not roh[c]]
            for c in pick(rng, pool, count):
                roh[c] = level
    rank = {"low": 0, "medium": 1, "high": 2, "very_high": 3}
    high = [c for c in idx if rank[roh[c]] >= 2]

    # OASys: required except in Tier 1 community cases and five low-RoH Tier 2 community cases
    # ("the remaining 19 cases which did not require an OASys score"): 90 cases.
    no_oasys = [c for c in idx if sentence[c] == "community" and tier[c] == 1]
    no_oasys += pick(rng, [c for c in idx if sentence[c] == "community" and tier[c] == 2 and roh[c] == "low"], 5)
    oasys = [c not in no_oasys for c in idx]
    # RMP: every case of medium RoH or above, and two low-RoH licence cases ("Eighty cases required a RMP").
    rmp = [rank[roh[c]] >= 1 for c in idx]
    for c in pick(rng, [c for c in idx if sentence[c] == "licence" and roh[c] == "low"], 2):
        rmp[c] = True

    # MAPPA: 22 at level 2 (all high or very high RoH, mostly released on licence), 9 at level 1.
    mappa = ["none"] * n
    for c in pick(rng, high, 22, lambda c: 1.0 if sentence[c] != "community" else 0.0):
        mappa[c] = "level_2"
    level1_pool = [c for c in idx if mappa[c] == "none" and rank[roh[c]] >= 1 and sentence[c] != "custody"]
    for c in pick(rng, level1_pool, 9, lambda c: 1.0 if rank[roh[c]] >= 2 else 0.0):
        mappa[c] = "level_1"

    ppo = [False] * n
    for (s, t), count in PPO.items():
        pool = [c for c in idx if sentence[c] == s and tier[c] == t and roh[c] in ("medium", "high")]
        for c in pick(rng, pool, count):
            ppo[c] = True

    # Court reports: 64 (53 community, 7 custody, 4 licence cases); six PPOs had one ("of
    # which six had had a court report written"); 16 Tier 4 cases had one ("Of those cases
    # managed within Tier 4 where a report was written for court, 14 out of 16 ...").
    report: set[int] = set()

    def cell(s: str, t4: bool, is_ppo: bool) -> list[int]:
        return [c for c in idx if sentence[c] == s and (tier[c] == 4) == t4 and ppo[c] == is_ppo]

    report |= set(cell("custody", True, True) + cell("custody", True, False))  # 3 Tier 4 custody
    report |= set(pick(rng, cell("custody", False, False), 4))  # 4 of the 5 other custody cases
    report |= set(pick(rng, cell("licence", True, False), 1))
    report |= set(pick(rng, cell("licence", False, False), 3))
    report |= set(pick(rng, cell("community", True, True), 2))
    report |= set(pick(rng, cell("community", True, False), 10))
    report |= set(cell("community", False, True))  # the 3 Tier 3 community PPOs
    # 16 of the 19 cases without OASys had a report (their answers make 1.2.22's relevant
    # count, OASys cases with an identifiable victim, 72: 40% of 72 is attainable, of 71 not).
    report |= set(pick(rng, [c for c in cell("community", False, False) if c in no_oasys], 16))
    report |= set(pick(rng, [c for c in cell("community", False, False) if c not in no_oasys], 22))
    # 62 written reports and 2 oral ones: "Forty-three reports (69%) were considered suitably
    # concise" is 43/62 (43/64 would be 67%), and 59/62 reports on the template prints as 95%.
    court = ["none"] * n
    oral = pick(rng, [c for c in report if sentence[c] == "community" and tier[c] <= 2 and roh[c] == "low"], 2)
    written = sorted(report - set(oral))
    sdr = {c for c in written if tier[c] == 4 or rank[roh[c]] >= 2}
    sdr |= set(pick(rng, [c for c in written if c not in sdr and roh[c] == "medium"], 34 - len(sdr)))
    for c in oral:
        court[c] = "oral"
    for c in written:
        court[c] = "sdr" if c in sdr else "fdr"

    def flags(
        plan: dict[str, int], pref: Callable[[int], float] | None = None, pool: Iterable[int] = idx
    ) -> list[bool]:
        out = [False] * n
        pool = list(pool)
        for s, count in plan.items():
            for c in pick(rng, [c for c in pool if sentence[c] == s], count, pref):
                out[c] = True
        return out

    unpaid = flags({"community": 25}, lambda c: 1.0 if tier[c] <= 2 else 0.0)
    programme = flags({"community": 27, "licence": 8}, lambda c: 1.0 if tier[c] >= 3 else 0.0)
    drr = flags({"community": 3}, pool=[c for c in idx if 2 <= tier[c] <= 3])
    curfew = flags({"licence": 10, "community": 8}, lambda c: 1.0 if rank[roh[c]] >= 2 else 0.0)
    # Approved premises: ten cases ("In all ten applicable cases"), high RoH, mostly on licence.
    premises = flags({"licence": 8, "community": 2}, pool=high)
    # Statutory victim contact: 27 cases ("In 27 cases there was a requirement that statutory
    # victim liaison was offered"): 15 licence, 6 custody and 6 community cases. Only 21 are
    # licence or custody cases, where 2.3.3 and 2.3.4 apply; "94%" and "93%" of them need three
    # and six na answers on custody cases whose release was not yet due.
    svc = flags({"custody": 6}, lambda c: 1.0 if rank[roh[c]] >= 2 else 0.0)
    for c in pick(rng, [c for c in idx if sentence[c] == "licence" and tier[c] == 4], 9, lambda c: float(rank[roh[c]])):
        svc[c] = True
    for c in pick(rng, [c for c in idx if sentence[c] == "licence" and tier[c] < 4], 6, lambda c: float(rank[roh[c]])):
        svc[c] = True
    for c in pick(
        rng, [c for c in report if sentence[c] == "community" and oasys[c]], 6, lambda c: float(rank[roh[c]])
    ):
        svc[c] = True
    # An identifiable victim in every court-report case ("In 40 reports appropriate victim
    # information was included": 40 of the 64), every custody case ("Of the eight custodial cases
    # inspected we found evidence of work in relation to victim safety in only half") and every
    # statutory victim contact case; 88 in all (60/88 = 68%: 2.3.5), 27 of them in Tier 4
    # (18/27 = 67%: 1.2.22's Tier 4 figure) and 72 with OASys (1.2.22: 40% of 72).
    victim = [c in report or sentence[c] == "custody" or svc[c] for c in idx]
    top_up = {True: 27, False: 88 - 27}
    for t4, total in top_up.items():
        have = sum(1 for c in idx if victim[c] and (tier[c] == 4) == t4)
        pool = [c for c in idx if not victim[c] and sentence[c] == "licence" and (tier[c] == 4) == t4]
        for c in pick(rng, pool, total - have):
            victim[c] = True
    # Child safeguarding: 28 cases, ten of them in Tier 4 ("Of those cases managed at Tier 4,
    # ten had child safeguarding issues").
    children = [False] * n
    for c in pick(rng, [c for c in idx if tier[c] == 4], 10):
        children[c] = True
    for c in pick(rng, [c for c in idx if tier[c] in (2, 3) and oasys[c]], 18, lambda c: float(rank[roh[c]])):
        children[c] = True
    recalled = flags({"licence": 2})
    custody_report = flags({"custody": 2}, lambda c: 1.0 if tier[c] >= 3 else 0.0)
    # Significant change: four custodial cases ("There were four custodial cases where there was
    # a significant change in circumstances") and 16 community and licence cases.
    change = flags({"custody": 4, "community": 8, "licence": 8})
    released = flags({"licence": 30})
    # Gender and ethnicity: 11 women (10%), two black and minority ethnic offenders. Eight of
    # them had a programme or unpaid work requirement: 2.7.6 ("five out of six relevant cases")
    # applies to them.
    group = [programme[c] or unpaid[c] for c in idx]
    gender = ["male"] * n
    ethnicity = ["white"] * n
    for c in pick(rng, [c for c in idx if sentence[c] == "community" and group[c] and not ppo[c]], 6):
        gender[c] = "female"
    for c in pick(rng, [c for c in idx if sentence[c] == "community" and not group[c] and not ppo[c]], 2):
        gender[c] = "female"
    for c in pick(rng, [c for c in idx if sentence[c] == "licence" and programme[c] and not ppo[c]], 1):
        gender[c] = "female"
    for c in pick(rng, [c for c in idx if sentence[c] == "licence" and not programme[c] and not ppo[c]], 2):
        gender[c] = "female"
    for c in pick(rng, [c for c in idx if sentence[c] == "community" and unpaid[c] and gender[c] == "male"], 1):
        ethnicity[c] = "black_and_minority_ethnic"
    pool = [c for c in idx if sentence[c] == "licence" and not programme[c] and gender[c] == "male"]
    for c in pick(rng, pool, 1):
        ethnicity[c] = "black_and_minority_ethnic"
    return {
        "sentence": sentence,
        "tier": tier,
        "roh": roh,
        "ppo": ppo,
        "mappa_level": mappa,
        "court_report": court,
        "gender": gender,
        "ethnicity": ethnicity,
        "child_safeguarding": children,
        "statutory_victim_contact": svc,
        "identifiable_victim": victim,
        "approved_premises": premises,
        "programme_requirement": programme,
        "drr": drr,
        "unpaid_work": unpaid,
        "exclusion_or_curfew": curfew,
        "recalled": recalled,
        "custody_report": custody_report,
        "oasys_required": oasys,
        "rmp_required": rmp,
        "significant_change": change,
        "released_in_period": released,
    }


# =============================================================================================
# 2. Design: routing questions
# =============================================================================================
# For each routing question: the prior number of yes answers (a reading of the report), the
# strata it must respect, a propensity (which cases are more likely to be yes) and the test
# that its yes count must pass so that the figures of the questions depending on it are
# attainable. The yes count is the one nearest the prior that passes.


@dataclass
class Routing:
    prior: float
    """Prior yes count."""
    propensity: Callable[[dict[str, Any]], float] = lambda case: 0.0
    ok: Callable[[int], bool] = lambda y: True
    strata: list[tuple[str, int | Callable[[int], int]]] = field(default_factory=list)
    """(condition, yes count or function of the total yes count) to honour exactly."""


def display(k: int, j: int) -> int:
    """The whole percent the report prints for k of j (half-up, exact)."""
    value = Fraction(100 * k, j) + Fraction(1, 2)
    return value.numerator // value.denominator


def attainable(figure: dict[str, Any], j: int) -> int | None:
    """The sufficient count that reproduces ``figure`` with ``j`` judged cases, or None."""
    if j <= 0 or ("of" in figure and figure["of"] != j):
        return None
    ideal = Fraction(j) / 2
    if "percent" in figure:
        ideal = Fraction(figure["percent"] * j, 100)
    elif "not_percent" in figure:
        ideal = j - Fraction(figure["not_percent"] * j, 100)
    found = []
    for k in range(j + 1):
        if "percent" in figure and display(k, j) != figure["percent"]:
            continue
        if "not_percent" in figure and display(j - k, j) != figure["not_percent"]:
            continue
        if "count" in figure and k != figure["count"]:
            continue
        if "not_count" in figure and j - k != figure["not_count"]:
            continue
        found.append(k)
    return min(found, key=lambda k: (abs(k - ideal), k)) if found else None


def nearest(figure: dict[str, Any], j: int) -> int:
    """Best effort for a figure that cannot be reproduced: a stated count wins over a percent."""
    if "count" in figure:
        return min(int(figure["count"]), j)
    if "not_count" in figure:
        return max(j - int(figure["not_count"]), 0)
    if "percent" in figure:
        target = Fraction(figure["percent"] * j, 100)
    else:
        target = j - Fraction(figure["not_percent"] * j, 100)
    return min(range(j + 1), key=lambda k: (abs(k - target), k))


def rank(roh: str) -> int:
    return {"low": 0, "medium": 1, "high": 2, "very_high": 3}[roh]


def routing_design(figures: dict[str, Any]) -> dict[str, Routing]:
    f = figures

    def ok_pct(*pairs: tuple[str, Callable[[int], int]]) -> Callable[[int], bool]:
        return lambda y: all(attainable(f[q], j(y)) is not None for q, j in pairs)

    def ok_1_2_5(y: int) -> bool:
        k6 = attainable(f["1.2.6"], y)
        if k6 is None or y - k6 < 3:
            return False
        # 1.2.7 and 1.2.9 are asked of the completed analyses; 1.2.8 allows na.
        return (
            attainable(f["1.2.7"], k6) is not None
            and attainable(f["1.2.9"], k6) is not None
            and any(attainable(f["1.2.8"], j) is not None for j in range(k6 - 4, k6 + 1))
        )

    def routing_2_2_12_high(y: int) -> int:
        # 38% of high or very high RoH cases needing a home visit had one (2.2.13, subgroup).
        return min(
            (m for m in range(5, y) if attainable({"percent": 38}, m) is not None), key=lambda m: abs(m - 0.4 * y)
        )

    def routing_2_6_5_victim(y: int) -> int:
        return min(
            (m for m in range(1, y + 1) if attainable(f["2.6.7"], m) is not None), key=lambda m: abs(m - 0.8 * y)
        )

    return {
        # "Overall 53 out of 64 reports had recommended a community proposal"; a report on a
        # case that went to custody mostly had not.
        "1.1.6": Routing(53, lambda c: -2.0 if c["sentence"] == "custody" else 0.0),
        # Self-harm issues: "five custodial cases where such a risk had been identified"; 83%
        # "clearly recorded" needs 6, 12, 18, 23, 24 ... cases.
        "1.1.11": Routing(20, ok=ok_pct(("1.1.12", lambda y: y)), strata=[("sentence == 'custody'", 5)]),
        # Full RoH analysis indicated: mostly high RoH and Tier 4 cases; 84% completed, then
        # 81% / 86% / 89% of the completed analyses must be attainable.
        "1.2.5": Routing(56, lambda c: rank(c["roh"]) + (2.0 if c["tier"] == 4 else 0.0), ok=ok_1_2_5),
        # Discriminatory issues or obstacles to engagement: 88%, 91%, 88% of them.
        "1.4.1": Routing(35, ok=ok_pct(("1.4.2", lambda y: y), ("1.4.3", lambda y: y), ("1.4.5", lambda y: y))),
        # A full skills for life assessment indicated: 57% completed.
        "1.4.8": Routing(30, ok=ok_pct(("1.4.9", lambda y: y))),
        # Home visit needed to monitor the RoH (community and licence cases), high RoH first.
        "2.2.12": Routing(
            40,
            lambda c: float(rank(c["roh"])),
            ok=lambda y: y % 2 == 0,
            strata=[("roh >= 'high'", routing_2_2_12_high)],
        ),
        # Failure to comply: 90% of absences judged consistently.
        "2.4.5": Routing(50, lambda c: 1.0 if c["tier"] <= 2 else 0.0, ok=ok_pct(("2.4.6", lambda y: y))),
        # Breach action required: 83% within the national timescale.
        "2.4.7": Routing(24, ok=ok_pct(("2.4.8", lambda y: y))),
        # A literacy, numeracy or life skills need: 37% got an intervention (2.5.7) and 65%
        # were managed insufficiently (2.7.9).
        "2.5.6": Routing(45, ok=ok_pct(("2.5.7", lambda y: y), ("2.7.9", lambda y: y))),
        # Restrictive interventions: curfews, exclusions, approved premises; 93% fully monitored.
        "2.6.1": Routing(
            45,
            lambda c: 3.0 * c["exclusion_or_curfew"] + 2.0 * c["approved_premises"] + (c["sentence"] == "licence"),
            ok=ok_pct(("2.6.2", lambda y: y)),
        ),
        # Additional licence requirements needed: 90% comprehensive (2.6.6); 86% proportionate
        # to the protection of victims (2.6.7, those with an identifiable victim).
        "2.6.5": Routing(
            25,
            lambda c: float(rank(c["roh"])),
            ok=ok_pct(("2.6.6", lambda y: y)),
            strata=[("identifiable_victim", routing_2_6_5_victim)],
        ),
        # A disability: 85% appropriately addressed.
        "2.7.2": Routing(18, ok=ok_pct(("2.7.3", lambda y: y))),
        # RoH changed during the period ("an increase in restrictive interventions in 11 cases
        # and in 14 cases the offender had been moved to a higher tier ... six ... decrease").
        "3.1.1": Routing(30, lambda c: 1.0 if c["tier"] >= 3 else 0.0),
        # Took part in an ETE intervention.
        "3.1.6": Routing(35, lambda c: 1.0 if c["sentence"] == "community" else 0.0),
        # "Where OASys had been re-scored (70 out of 106)": 70 of the 90 OASys cases.
        "3.1.10": Routing(70),
        # "in 21% of cases there were three or more changes"; ten of them Tier 4 (3.2.5).
        "3.2.4": Routing(23, strata=[("tier == 4", 10)]),
    }


# =============================================================================================
# 3. Calibration inputs: na policy and priors of the free questions
# =============================================================================================

NA_PRIOR = {
    # Questions whose guidance says when to answer na, with the share of relevant cases
    # expected to be na. For a question with a figure, the judged count is the one nearest
    # this share that reproduces the figure.
    "1.1.14": 0.5,  # RoH screening plainly did not call for a full analysis (most FDRs)
    "1.2.8": 0.05,  # no known adult at risk
    "1.2.19": 0.4,  # no child at risk
    "1.2.20": 0.25,  # contact with children's social care not needed
    "1.3.6": 0.4,  # no other key worker involved
    "1.5.3": 0.03,  # no sentence plan completed
    "1.5.4": 0.03,  # no sentence plan completed
    "1.5.16": 0.4,  # no victim-protection requirement needed
    "2.1.1": 0.05,  # no intervention planned
    "2.1.10": 0.2,  # no intervention had ended
    "2.1.15": 0.05,  # custody case whose release was not yet in prospect
    "2.2.2": 0.1,  # no further review yet due
    "2.2.3": 0.0,  # 12 months not yet passed (all eight were judged)
    "2.3.3": 0.1,  # custody case whose licence was not yet being prepared
    "2.3.4": 0.3,  # release not yet due
    "2.3.6": 0.6,  # no restrictive conditions to safeguard the victim
    "2.3.8": 0.1,  # victim awareness work not called for
    "2.4.18": 0.02,  # custody case whose release was not yet in prospect
    "2.5.4": 0.1,  # no offence-focused work needed
    "2.6.3": 0.55,  # the RoH called for no action ("eight cases where more could have been done")
    "2.7.5": 0.3,  # "all seven of the relevant approved premises cases": 3 of the 10 not relevant
    "2.7.6": 0.25,  # the group would not be all white or all male for this offender
    "2.7.7": 0.75,  # the offender did not join such a group
    "2.7.12": 0.7,  # no language need (most offenders chose English)
    "3.1.13": 0.4,  # no learning undertaken
    "3.1.15": 0.3,  # control not a purpose of the sentence
    "3.1.16": 0.2,  # help not a purpose
    "3.1.17": 0.15,  # change not a purpose
    "3.2.7": 0.4,  # the programme had not yet ended
}
# 2.7.5's guidance does not mention na; the report itself says only seven of the ten approved
# premises cases were relevant ("In all seven of the relevant approved premises cases").

NA_ONLY_WHERE = {  # na only on these cases, as the guidance says
    "2.1.15": "sentence == 'custody'",
    "2.4.18": "sentence == 'custody'",
    "2.3.3": "sentence == 'custody'",
    "2.3.4": "sentence == 'custody'",
}
NA_LIKE = {  # prefer na on the cases with these answers to another question
    "1.5.4": ("1.5.3", {"na"}),  # no sentence plan
    "2.3.4": ("2.3.3", {"na"}),  # release not yet due
    "2.7.7": ("2.7.6", {"na", "no"}),  # joined an all-white or all-male group only with consent
}

FREE_PRIORS = {
    # Questions with no figure: the prior proportion (percent) read from the report's text.
    "1.1.3": (75, "examples of well-written reports analysing the offence"),
    "1.1.8": (85, "14 of the 16 Tier 4 reports balanced and verified"),
    "1.1.9": (85, "all six PPO reports outlined the LoR"),
    "1.1.14": (50, "the rationale was not always fully evidenced and recorded"),
    "1.2.13": (75, "the majority of plans structured to the required format"),
    "1.2.16": (40, "an exemption was not always fully recorded"),
    "1.2.18": (60, "examples of analyses omitting previous RoH-related behaviour"),
    "1.2.20": (60, "examples where children's social care was not contacted"),
    "1.2.23": (42, "37% of community RMPs and 43% of Tier 4 community RMPs comprehensive"),
    "1.2.24": (50, "plans described activities rather than how the risk would be managed"),
    "1.2.25": (60, "two of the five very high RoH community RMPs on time"),
    "1.3.6": (65, "external key workers' views less integrated"),
    "1.3.7": (74, "as timely as the initial assessments (74%)"),
    "1.3.8": (70, "the quality of information was variable"),
    "1.4.10": (40, "limited evidence that literacy and numeracy needs were built into planning"),
    "1.5.1": (75, "planning tended to reflect the tier and sentencing purposes"),
    "1.5.11": (60, "not always a clear link between LoR factors and interventions"),
    "1.5.12": (75, "in some plans no detail of key requirements"),
    "1.5.13": (40, "the sequencing and timing of objectives were limited"),
    "1.5.16": (50, "victim-protection requirements not always included as RMP actions"),
    "2.2.4": (56, "3 of 4 custodial cases; 56% of community and licence cases"),
    "2.3.7": (60, "contact with VLOs was inconsistent"),
    "2.5.4": (50, "an absence of offence-focused and victim awareness work in other cases"),
    "2.5.5": (70, "targeting not always accurate, though not a significant problem"),
    "2.5.10": (40, "in the main not all interventions were delivered during residency"),
    "2.7.4": (80, "diversity given a higher priority in the actual supervision"),
    "2.7.10": (45, "not clear how intellectual ability was taken into account"),
    "2.7.12": (90, "services in Welsh agreed and implemented (4.1 strength (f))"),
    "3.1.2": (60, "responsive to changes in RoH in a small number of cases"),
    "3.1.5": (80, "in the majority of cases resources consistent with RoH and LoR"),
    "3.1.7": (75, "most learners achieved a qualification"),
    "3.2.7": (70, "little timely partnership working in a small number of cases"),
}

STIFFNESS = {"free": Fraction(1), "approximate": Fraction(10), "summary": Fraction(1)}

FOLLOWS = {
    # (parent question, bonus to the ordering key per parent answer): coherent case files.
    "1.2.2": ("1.2.1", {"no": -5.0}),  # no screening: not an accurate screening
    "1.2.3": ("1.2.1", {"no": -5.0}),
    "1.2.25": ("1.2.12", {"no": -5.0}),  # "Answer no where no RMP was prepared"
    "1.5.15": ("1.2.12", {"no": -5.0}),  # no RMP to cross-reference
    "1.5.14": ("1.5.3", {"na": -5.0}),  # "Answer no where no sentence plan was completed"
    "3.2.3": ("3.2.4", {"yes": -5.0}),  # three or more changes: no continuity
}

# =============================================================================================
# 4. Section 4 judgements
# =============================================================================================
# Guided by each specific criterion's source paragraph (section-4.yaml) and the strengths and
# areas for improvement of the report. The rule omi_section4 then gives Table 1: 4.1-4.3
# satisfactorily met (at least half met), 4.4-4.6 partly met.

JUDGEMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "4.1": {
        "4.1.1": (
            "met",
            "4.1 strength (a): combined business plan built by consultation, Board monitors it quarterly; AFI (a): "
            "the risk log was still in draft without mitigating actions.",
        ),
        "4.1.2": (
            "met",
            "4.1 strength (b): staff development, team plans and objectives follow from the plan; 80% of staff felt "
            "well informed.",
        ),
        "4.1.3": (
            "met",
            "4.1 strength (c): comprehensive protocol with sentencers since 1999, sentencer satisfaction rising over "
            "five years.",
        ),
        "4.1.4": (
            "partly_met",
            "4.1 strength (d): proactive, well-represented partner; AFI (b): no written reducing reoffending strategy.",
        ),
        "4.1.5": (
            "partly_met",
            "4.1 strength (e): partners confirm the area's lead on public protection; AFI (d): MAPPA level 1 cases "
            "not audited or monitored.",
        ),
        "4.1.6": (
            "met",
            "4.1 strength (f): diversity forums, Board diversity report, equality schemes and impact assessments, "
            "Welsh language scheme.",
        ),
        "4.1.7": (
            "partly_met",
            "4.1 strength (g): commended by NOMS for service user engagement; AFI (c): their views not yet used to "
            "inform business planning.",
        ),
        "4.1.8": (
            "met",
            "4.1 strength (h): receptive to NOMS feedback, internal audit, EEM, Wales Quality Centre awards and IiP.",
        ),
        "4.1.9": (
            "partly_met",
            "4.1 AFI (e): 67% of offender managers said managers were professional, 56% that they modelled positive "
            "leadership.",
        ),
    },
    "4.2": {
        "4.2.1": (
            "met",
            "4.2 strength (a): meeting or exceeding a number of targets; IPPF overall score 3 (good performance).",
        ),
        "4.2.2": (
            "met",
            "4.2 strength (b): monthly performance reports to team and individual level; Practice Development Group "
            "on DRR targets.",
        ),
        "4.2.3": (
            "met",
            "4.2 strength (c): pan-Wales OASys quality reports, contribution to speedy justice and community safety.",
        ),
        "4.2.4": (
            "partly_met",
            "4.2 AFI (a): resolving breaches within the LCJB's 25 days was an ongoing challenge; training planned.",
        ),
        "4.2.5": (
            "partly_met",
            "4.2 AFI (b): timeliness of initial OASys reviews needed improving (IPPF Tier 1-3 OASys 66%); improvement "
            "plan in place.",
        ),
        "4.2.6": (
            "partly_met",
            "4.2 AFI (c): attention to diversity underdeveloped; gaps in services harmed 21% of cases.",
        ),
    },
    "4.3": {
        "4.3.1": (
            "met",
            "4.3 strength (a): structures reviewed to deploy resources to offender management; Board led the "
            "restructure, staff and unions consulted.",
        ),
        "4.3.2": (
            "partly_met",
            "4.3 strength (b): high RoH cases allocated to POs; AFI (b): resources not always prioritised by RoH, "
            "caseloads not lower for high RoH work.",
        ),
        "4.3.3": ("met", "4.3 strength (c): national workload management tool, refined locally for tiering."),
        "4.3.4": (
            "partly_met",
            "4.3 strength (d): diversity initiatives, interpreters, travel review; the outcomes of many were unknown.",
        ),
        "4.3.5": (
            "met",
            "4.3 strength (e): court staffing appropriate; all but one sentencer found staff skilled and "
            "knowledgeable.",
        ),
        "4.3.6": (
            "met",
            "4.3 strength (f): NOMS third sector demonstrator project and GBP 1 million ESF funding for DAWN.",
        ),
        "4.3.7": (
            "partly_met",
            "4.3 AFI (a): lack of role clarity a significant risk; management oversight of staff needed strengthening.",
        ),
        "4.3.8": (
            "not_met",
            "4.3 AFI (c): considerable gaps in the enhanced service for PPOs; no aggregated PPO performance data.",
        ),
    },
    "4.4": {
        "4.4.1": ("not_met", "4.4 AFI (a): no workforce plan setting out the PSO and PO grades needed."),
        "4.4.2": (
            "partly_met",
            "4.4 strength (b): current training plan prioritising RoH; AFI (b): not updated from an analysis of the "
            "previous programme's outcomes.",
        ),
        "4.4.3": (
            "partly_met",
            "4.4 strength (c): 90% clear about their role; AFI (c): unclear when offender managers should deliver "
            "offence-focused work.",
        ),
        "4.4.4": ("met", "4.4 strength (d): mature relationship with the union, consulted on the new structure."),
        "4.4.5": (
            "met",
            "4.4 strength (e): 79% regular supervision, 88% satisfied with its quality, 89% appraised in the last 12 "
            "months.",
        ),
        "4.4.6": (
            "partly_met",
            "4.4 AFI (d): case administrators' role confused and stretched by reception duties; little role training.",
        ),
        "4.4.7": (
            "partly_met",
            "4.4 AFI (e): sickness absence above the NOMS target, though actively monitored and managed.",
        ),
        "4.4.8": (
            "partly_met",
            "4.4 AFI (f): equality schemes in place; full impact assessments and the single equalities scheme "
            "unfinished.",
        ),
    },
    "4.5": {
        "4.5.1": (
            "partly_met",
            "4.5 strength (a): service user initiatives commended by NOMS; but 4.1 AFI (c) and 4.6 AFI (a): their "
            "views not yet used systematically to improve services.",
        ),
        "4.5.2": (
            "partly_met",
            "4.5 strength (b): monitoring information promoted compliance with standards; its use for the quality of "
            "practice was relatively underdeveloped.",
        ),
        "4.5.3": (
            "met",
            "4.5 strength (c): aggregated OASys data led to the alcohol screening tool and the LIAP programme.",
        ),
        "4.5.4": (
            "met",
            "4.5 strength (d): annual SFO report to the Board; lessons fed back to individual staff in supervision.",
        ),
        "4.5.5": ("partly_met", "4.5 AFI (a): outcome data other than OASys not routinely used to develop services."),
        "4.5.6": (
            "not_met",
            "4.5 AFI (b): no evidence that concordance data were collated and evaluated; 44% of sentencers did not "
            "know.",
        ),
    },
    "4.6": {
        "4.6.1": (
            "met",
            "4.6 strength (a): mature, collaborative commissioning; 14% of the budget on commissioned provision, 30% "
            "of SMT time.",
        ),
        "4.6.2": (
            "met",
            "4.6 strength (b): partnership provision brought in-house; GBP 1.8 million pooled drug interventions "
            "budget.",
        ),
        "4.6.3": (
            "met",
            "4.6 strength (c): shared service arrangement with Cheshire under a Memorandum of Understanding.",
        ),
        "4.6.4": (
            "partly_met",
            "4.6 strength (d): employment services sufficient in 93% of cases; literacy and numeracy services "
            "insufficient in 24%.",
        ),
        "4.6.5": (
            "partly_met",
            "4.6 strength (e): high-quality relationship with HMP Altcourse; AFI (c): engagement with prisons "
            "insufficient in 31% of cases.",
        ),
        "4.6.6": (
            "partly_met",
            "4.6 AFI (a): collating and evaluating service user views for commissioning at an early stage.",
        ),
        "4.6.7": (
            "not_met",
            "4.6 AFI (b): no overarching strategy for partnership provision; SLAs without explicit quality measures.",
        ),
        "4.6.8": (
            "partly_met",
            "4.6 AFI (b): inconsistent delivery, e.g. limited basic skills provision in one part of the area.",
        ),
    },
}


# =============================================================================================
# Helpers: ruleset, relevance
# =============================================================================================


@dataclass
class Plan:
    """Counts for one question: relevant n, judged j, sufficient k."""

    qid: str
    n: int
    j: int
    k: int | None = None
    kind: str = "free"
    """figure | unreachable | approximate | free | summary | routing"""
    prior: Fraction | None = None
    lo: int = 0
    hi: int = 0


def known(plan: Plan) -> int:
    """The sufficient count of a question whose count is decided."""
    if plan.k is None:
        raise DesignError(f"{plan.qid}: count not decided yet")
    return plan.k


@dataclass
class Sample:
    compiled: CompiledRuleset
    fields: dict[str, list[Any]]
    columns: dict[str, Any]
    answers: dict[str, list[str | None]]
    codes: dict[str, Any] = field(default_factory=dict)
    masks: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.fields["sentence"])

    def condition(self, text: str) -> Any:
        checked = compile_condition(text, self.compiled.env)
        if not isinstance(checked, Checked):
            raise DesignError(f"bad condition {text!r}")
        calls = {key: self.codes[key[1]] for key in checked.calls if key[0] == "answer"}
        return evaluate(checked, VectorData(self.size, self.columns, calls))

    def relevance(self, cq: CompiledQuestion) -> Any:
        if cq.condition is None:
            return np.ones(self.size, dtype=bool)
        calls = {key: self.codes[key[1]] for key in cq.condition.calls if key[0] == "answer"}
        return evaluate(cq.condition, VectorData(self.size, self.columns, calls))

    def set_answers(self, cq: CompiledQuestion, values: list[str | None]) -> None:
        self.answers[cq.id] = values
        given = encode(cq.answer_type, values)
        self.codes[cq.id] = np.where(self.masks[cq.id], given, -1)

    def case(self, c: int) -> dict[str, Any]:
        return {name: values[c] for name, values in self.fields.items()}


def assign(
    rng: Rng,
    sample: Sample,
    cq: CompiledQuestion,
    j: int,
    k: int,
    latent: list[float],
    strata: list[tuple[Any, int]],
    bonus: Callable[[int], float] = lambda c: 0.0,
    na_allowed: Any = None,
    na_prefer: Callable[[int], float] = lambda c: 0.0,
    yes: str = "yes",
    no: str = "no",
) -> tuple[list[str | None], list[str]]:
    """Answer ``cq`` on its relevant cases: ``n - j`` na, then ``k`` yes, the rest no.

    ``strata`` are (mask, yes count) pairs honoured in order of size where they fit; returns
    the answers and a note for each stratum that could not be honoured.
    """
    mask = sample.masks[cq.id]
    relevant = [c for c in range(sample.size) if mask[c]]
    notes: list[str] = []
    na_pool = [c for c in relevant if na_allowed is None or na_allowed[c]]
    n_na = len(relevant) - j
    if n_na > len(na_pool):
        raise DesignError(f"{cq.id}: {n_na} na answers but only {len(na_pool)} cases may be na")
    na = set(pick(rng, na_pool, n_na, na_prefer)) if n_na else set()
    judged = [c for c in relevant if c not in na]
    key = {c: latent[c] + 0.8 * (rng.uniform() - 0.5) + bonus(c) for c in judged}
    chosen: set[int] = set()
    decided: set[int] = set()
    for stratum, target in sorted(strata, key=lambda s: int(s[0][judged].sum()) if judged else 0):
        members = [c for c in judged if stratum[c]]
        already = sum(1 for c in members if c in chosen)
        free = [c for c in members if c not in decided]
        need = target - already
        rest_free = len([c for c in judged if c not in decided and not stratum[c]])
        remaining = k - len(chosen) - need
        if need < 0 or need > len(free) or remaining < 0 or remaining > rest_free:
            notes.append(f"{cq.id}: a subgroup target of {target} yes could not be honoured")
            continue
        chosen |= set(sorted(free, key=lambda c: (-key[c], c))[:need])
        decided |= set(members)
    others = [c for c in judged if c not in decided]
    need = k - len(chosen)
    if need < 0 or need > len(others):
        raise DesignError(f"{cq.id}: cannot place {k} yes among {j} judged cases")
    chosen |= set(sorted(others, key=lambda c: (-key[c], c))[:need])
    values: list[str | None] = [None] * sample.size
    for c in relevant:
        values[c] = "na" if c in na else yes if c in chosen else no
    return values, notes


# =============================================================================================
# Calibration: exact weighted least squares with bounds
# =============================================================================================


def solve(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Solve a square linear system exactly (Gauss-Jordan with fractions)."""
    size = len(rhs)
    a = [row[:] + [rhs[i]] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        inv = 1 / a[col][col]
        a[col] = [v * inv for v in a[col]]
        for r in range(size):
            if r != col and a[r][col] != 0:
                factor = a[r][col]
                a[r] = [v - factor * w for v, w in zip(a[r], a[col], strict=True)]
    return [a[r][size] for r in range(size)]


@dataclass
class Constraint:
    name: str
    coeffs: dict[str, Fraction]
    """Variable -> coefficient (on the percent scale)."""
    constant: Fraction
    target: Fraction

    def value(self, p: dict[str, Fraction]) -> Fraction:
        return self.constant + sum((c * p[v] for v, c in self.coeffs.items()), Fraction(0))


def least_squares(
    variables: dict[str, tuple[Fraction, Fraction, Fraction, Fraction]], constraints: list[Constraint]
) -> dict[str, Fraction]:
    """min sum w (p - p0)^2 subject to the constraints and lo <= p <= hi (variables: p0, w, lo, hi)."""
    fixed: dict[str, Fraction] = {}
    while True:
        free = [v for v in variables if v not in fixed]
        rows = []
        rhs = []
        for con in constraints:
            const = con.constant + sum((c * fixed[v] for v, c in con.coeffs.items() if v in fixed), Fraction(0))
            rows.append({v: c for v, c in con.coeffs.items() if v not in fixed})
            rhs.append(con.target - const - sum((c * variables[v][0] for v, c in rows[-1].items()), Fraction(0)))
        size = len(constraints)
        m = [
            [
                sum((rows[a].get(v, 0) * rows[b].get(v, 0) / variables[v][1] for v in free), Fraction(0))
                for b in range(size)
            ]
            for a in range(size)
        ]
        lam = solve(m, rhs)
        p = dict(fixed)
        for v in free:
            p[v] = (
                variables[v][0] + sum((lam[a] * rows[a].get(v, 0) for a in range(size)), Fraction(0)) / variables[v][1]
            )
        out = [v for v in free if not variables[v][2] <= p[v] <= variables[v][3]]
        if not out:
            return p
        for v in out:
            fixed[v] = min(max(p[v], variables[v][2]), variables[v][3])


# =============================================================================================
# The generator
# =============================================================================================


@dataclass
class Generated:
    cases_csv: str
    judgements_yaml: str
    plans: dict[str, Plan]
    notes: list[str]
    targets: dict[str, int]


def load_data(path: Path) -> Any:
    doc = load_yaml(path)
    if doc.data is None:
        raise SystemExit(f"cannot read {path}")
    return doc.data


def generate(seed: int) -> Generated:
    rng = Rng(seed)
    loaded = load_ruleset(RULESET)
    if loaded.model is None:
        raise SystemExit("the omi-2008 ruleset does not load")
    compiled = compile_ruleset(loaded.model)
    model = compiled.model
    published = load_data(PUBLISHED)
    figure_doc = load_data(FIGURES)
    figures: dict[str, dict[str, Any]] = figure_doc["figures"]
    approximate: dict[str, dict[str, Any]] = figure_doc["approximate_figures"]
    subgroups: list[dict[str, Any]] = figure_doc["subgroup_figures"]

    fields = build_fields(rng)
    columns = {f.id: encode(field_type(f), fields[f.id]) for f in model.fields}
    sample = Sample(compiled, fields, columns, {q.id: [None] * N_CASES for q in compiled.questions})
    latent = [rng.latent() for _ in range(N_CASES)]
    notes: list[str] = []
    plans: dict[str, Plan] = {}
    routing = routing_design(figures)

    def strata_for(qid: str, j_mask: Any, k_total: int | None = None) -> list[tuple[Any, int]]:
        out = []
        for sub in subgroups:
            if sub["question"] != qid:
                continue
            mask = sample.condition(sub["where"])
            js = int((mask & j_mask).sum())
            target = attainable(sub, js)
            if target is None:
                notes.append(f"{qid} where {sub['where']}: the subgroup has {js} judged cases; figure not attainable")
                continue
            out.append((mask, target))
        return out

    def na_rules(qid: str) -> tuple[Any, Callable[[int], float]]:
        allowed = sample.condition(NA_ONLY_WHERE[qid]) if qid in NA_ONLY_WHERE else None
        if qid not in NA_LIKE:
            return allowed, lambda c: 0.0
        like, preferred = NA_LIKE[qid]
        parent = sample.answers[like]
        return allowed, lambda c: 3.0 if parent[c] in preferred else 0.0

    def bonus_for(qid: str) -> Callable[[int], float]:
        if qid not in FOLLOWS:
            return lambda c: 0.0
        parent, table = FOLLOWS[qid]
        values = sample.answers[parent]
        return lambda c: table.get(values[c] or "", 0.0)

    def judged_count(qid: str, n: int, figure: dict[str, Any] | None) -> int:
        """j: n, or (where na is allowed) the count nearest the na prior that fits the figure."""
        if qid not in NA_PRIOR:
            return n
        na_pool = n
        if qid in NA_ONLY_WHERE:
            na_pool = int((sample.masks[qid] & sample.condition(NA_ONLY_WHERE[qid])).sum())
        preferred = n * (1 - NA_PRIOR[qid])
        candidates = list(range(n - na_pool, n + 1))
        if figure is not None:
            fits = [j for j in candidates if attainable(figure, j) is not None]
            if fits:
                candidates = fits
        return min(candidates, key=lambda j: (abs(j - preferred), -j))

    # --- pass A: relevance of every question; routing and structural answers ----------------
    structural = {"1.2.6", "1.2.12", "2.5.8"}  # scored questions that later relevance reads
    # 1.2.23 (RMP comprehensive) is asked of the completed RMPs (1.2.12 yes). Its subgroup
    # figures, 37% of community orders and 43% of Tier 4 community cases, are attainable when
    # 27 community RMPs were completed (10/27), all 14 of Tier 4 (6/14).
    structural_strata = {
        "1.2.12": [("sentence == 'community' and tier == 4", 14), ("sentence == 'community'", 27)],
    }
    for cq in compiled.questions:
        qid = cq.id
        sample.masks[qid] = sample.relevance(cq)
        n = int(sample.masks[qid].sum())
        if not cq.question.scored:
            spec = routing[qid]
            figure = figures.get(qid)
            if figure is not None:
                y = attainable(figure, n)
                if y is None:
                    y = nearest(figure, n)
                    notes.append(f"{qid}: routing figure not attainable over {n} cases; {y} yes")
            else:
                options = [y for y in range(n + 1) if spec.ok(y)]
                if not options:
                    raise DesignError(f"{qid}: no yes count fits")
                y = min(options, key=lambda y: (abs(y - spec.prior), y))
            strata = []
            for condition, count in spec.strata:
                mask = sample.condition(condition)
                strata.append((mask, count(y) if callable(count) else count))
            cases = [sample.case(c) for c in range(N_CASES)]
            values, more = assign(rng, sample, cq, n, y, [spec.propensity(c) * 1.0 for c in cases], strata)
            notes.extend(more)
            sample.set_answers(cq, values)
            plans[qid] = Plan(qid, n, n, y, "routing")
        elif qid in structural:
            j = judged_count(qid, n, figures[qid])
            k = attainable(figures[qid], j)
            if k is None:
                raise DesignError(f"{qid}: figure not attainable")
            plans[qid] = Plan(qid, n, j, k, "figure")
            strata = strata_for(qid, sample.masks[qid])
            strata += [(sample.condition(cond), count) for cond, count in structural_strata.get(qid, [])]
            values, more = assign(rng, sample, cq, j, k, latent, strata, bonus_for(qid))
            notes.extend(more)
            sample.set_answers(cq, values)

    # --- pass B: counts for every scored question ---------------------------------------------
    for cq in compiled.questions:
        qid = cq.id
        if qid in plans:
            continue
        n = int(sample.masks[qid].sum())
        figure = figures.get(qid)
        j = judged_count(qid, n, figure)
        if cq.question.summary:
            plans[qid] = Plan(qid, n, j, None, "summary")
        elif figure is not None:
            k = attainable(figure, j)
            if k is None:
                plans[qid] = Plan(qid, n, j, nearest(figure, j), "unreachable")
            else:
                plans[qid] = Plan(qid, n, j, k, "figure")
        elif qid in approximate:
            plans[qid] = Plan(qid, n, j, None, "approximate", Fraction(approximate[qid]["percent"]))
        elif qid in FREE_PRIORS:
            plans[qid] = Plan(qid, n, j, None, "free", Fraction(FREE_PRIORS[qid][0]))
        else:
            raise DesignError(f"{qid}: no figure and no prior")
        plans[qid].hi = j

    # Subgroup figures bound a free question's count: the subgroups' yes answers must fit.
    for plan in plans.values():
        if plan.kind not in ("free", "approximate"):
            continue
        subs = [s for s in subgroups if s["question"] == plan.qid]
        if not subs:
            continue
        mask = sample.masks[plan.qid]
        covered = np.zeros(N_CASES, dtype=bool)
        fixed_yes = 0
        for sub in sorted(subs, key=lambda s: int((sample.condition(s["where"]) & mask).sum())):
            smask = sample.condition(sub["where"]) & mask
            if (smask & covered).any():
                continue  # nested subgroup: bounds come from the innermost one
            target = attainable(sub, int(smask.sum()))
            if target is not None:
                fixed_yes += target
                covered |= smask
        rest = int((mask & ~covered).sum())
        plan.lo, plan.hi = fixed_yes, fixed_yes + rest
        assert plan.prior is not None
        if plan.kind == "free":  # an approximate figure is a reading of the whole; keep it
            plan.prior = Fraction(100 * fixed_yes, plan.j) + plan.prior * rest / plan.j

    # --- pass C: calibration -----------------------------------------------------------------
    targets: dict[str, int] = {}
    for cid, score in published["criterion_scores"].items():
        if score is not None:
            targets[cid] = int(score)
    criteria = [c for s in compiled.case_sections for c in s.criteria]

    def proportion(plan: Plan, p: dict[str, Fraction]) -> Fraction:
        if plan.k is not None:
            return Fraction(100 * plan.k, plan.j)
        return p[plan.qid]

    # 2.7 has no published score: its free questions sit at their priors and its summary at
    # the mean of its individual questions; the target is that score rounded.
    for criterion in criteria:
        if criterion.id in targets:
            continue
        indiv = [plans[q.id] for q in criterion.questions if q.scored and not q.summary and plans[q.id].j > 0]
        mean = sum((proportion(pl, {pl.qid: pl.prior or Fraction(0)}) for pl in indiv), Fraction(0)) / len(indiv)
        targets[criterion.id] = int(mean + Fraction(1, 2))

    variables: dict[str, tuple[Fraction, Fraction, Fraction, Fraction]] = {}
    for plan in plans.values():
        if plan.k is not None or plan.kind == "routing":
            continue
        if plan.kind == "summary":
            cid = compiled.by_id[plan.qid].criterion
            plan.prior = Fraction(targets[cid])
            weight = STIFFNESS["summary"]
        else:
            weight = STIFFNESS["approximate" if plan.kind == "approximate" else "free"]
        assert plan.prior is not None
        variables[plan.qid] = (plan.prior, weight, Fraction(100 * plan.lo, plan.j), Fraction(100 * plan.hi, plan.j))

    constraints: list[Constraint] = []
    for criterion in criteria:
        indiv = [plans[q.id] for q in criterion.questions if q.scored and not q.summary and plans[q.id].j > 0]
        summary = next(plans[q.id] for q in criterion.questions if q.summary)
        w_i = Fraction(str(criterion.weights.individual))
        w_s = Fraction(str(criterion.weights.summary))
        coeffs = {pl.qid: w_i / len(indiv) for pl in indiv if pl.k is None}
        constant = sum((w_i / len(indiv) * Fraction(100 * pl.k, pl.j) for pl in indiv if pl.k is not None), Fraction(0))
        coeffs[summary.qid] = w_s
        constraints.append(Constraint(criterion.id, coeffs, constant, Fraction(targets[criterion.id])))
    thread_ids = [q for q in compiled.thread_questions["roh"] if plans[q].j > 0]
    q_count = len(thread_ids)
    thread = Constraint(
        "thread",
        {q: Fraction(1, q_count) for q in thread_ids if plans[q].k is None},
        sum(
            (Fraction(100 * known(plans[q]), plans[q].j * q_count) for q in thread_ids if plans[q].k is not None),
            Fraction(0),
        ),
        Fraction(THREAD_TARGET),
    )
    constraints.append(thread)
    continuous = least_squares(variables, constraints)

    # Round to whole cases, then touch up: the thread with its free questions, then each
    # criterion with its summary and its free questions outside the thread.
    for qid, value in continuous.items():
        plan = plans[qid]
        half = value * plan.j / 100 + Fraction(1, 2)
        plan.k = min(max(half.numerator // half.denominator, plan.lo), plan.hi)

    def current() -> dict[str, Fraction]:
        return {q: Fraction(100 * known(plans[q]), plans[q].j) for q in variables}

    def touch_up(con: Constraint, movable: list[str]) -> None:
        while True:
            p = current()
            best = (abs(con.value(p) - con.target), Fraction(0), "", 0)
            for q in movable:
                plan = plans[q]
                for step in (-1, 1):
                    k = known(plan) + step
                    if not plan.lo <= k <= plan.hi:
                        continue
                    trial = dict(p)
                    trial[q] = Fraction(100 * k, plan.j)
                    gap = abs(con.value(trial) - con.target)
                    cost = abs(trial[q] - continuous[q])
                    if (gap, cost) < best[:2]:
                        best = (gap, cost, q, step)
            if not best[2]:
                return
            plans[best[2]].k = known(plans[best[2]]) + best[3]

    touch_up(thread, [q for q in thread.coeffs])
    for con in constraints[:-1]:
        touch_up(con, [q for q in con.coeffs if q not in thread.coeffs])

    # --- pass D: answers -------------------------------------------------------------------
    for cq in compiled.questions:
        qid = cq.id
        plan = plans[qid]
        if plan.kind == "routing" or qid in structural:
            continue
        assert plan.k is not None
        allowed, prefer = na_rules(qid)
        values, more = assign(
            rng,
            sample,
            cq,
            plan.j,
            plan.k,
            latent,
            strata_for(qid, sample.masks[qid]),
            bonus_for(qid),
            allowed,
            prefer,
        )
        notes.extend(more)
        sample.set_answers(cq, values)

    return Generated(write_cases(sample), write_judgements(), plans, notes, targets)


def write_cases(sample: Sample) -> str:
    model = sample.compiled.model
    questions = [q.id for s in sample.compiled.case_sections for c in s.criteria for q in c.questions]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["case_id", *[f.id for f in model.fields], *questions])
    for c in range(sample.size):
        row: list[str] = [f"NW{c + 1:03d}"]
        for f in model.fields:
            value = sample.fields[f.id][c]
            row.append(("true" if value else "false") if isinstance(value, bool) else str(value))
        row.extend(sample.answers[q][c] or "" for q in questions)
        writer.writerow(row)
    return out.getvalue()


def write_judgements() -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/judgements.schema.json",
        "#",
        "# Section 4 judgements for the synthetic North Wales 2008 example, written by generate.py.",
        "# Each specific criterion is judged from the report's strengths and areas for improvement",
        "# (AFI) of its criterion; the omi_section4 rule turns them into Table 1's grades.",
        "ruleset: omi-2008",
        "judgements:",
    ]
    for cid, entries in JUDGEMENTS.items():
        lines.append(f"  {json.dumps(cid)}:")
        for sid, (value, evidence) in entries.items():
            lines.append(f"    {json.dumps(sid)}: {{judgement: {value}, evidence: {json.dumps(evidence)}}}")
    return "\n".join(lines) + "\n"


# =============================================================================================
# Verification and report
# =============================================================================================

BAND_IDS = {"good": "good", "priority": "priority", "urgent": "urgent"}
GRADE_IDS = {
    "well met": "well_met",
    "satisfactorily met": "satisfactorily_met",
    "partly met": "partly_met",
    "not met": "not_met",
}


def figure_holds(figure: dict[str, Any], judged: int, sufficient: int) -> bool:
    if judged == 0:
        return False
    if "of" in figure and figure["of"] != judged:
        return False
    if "count" in figure and figure["count"] != sufficient:
        return False
    if "not_count" in figure and figure["not_count"] != judged - sufficient:
        return False
    if "percent" in figure and display(sufficient, judged) != figure["percent"]:
        return False
    return not ("not_percent" in figure and display(judged - sufficient, judged) != figure["not_percent"])


def describe(figure: dict[str, Any]) -> str:
    parts = []
    if "percent" in figure:
        parts.append(f"{figure['percent']}%")
    if "not_percent" in figure:
        parts.append(f"{figure['not_percent']}% no")
    if "count" in figure:
        parts.append(f"{figure['count']}" + (f" of {figure['of']}" if "of" in figure else ""))
    elif "not_count" in figure:
        parts.append(f"{figure['not_count']} no" + (f" of {figure['of']}" if "of" in figure else ""))
    elif "of" in figure:
        parts.append(f"of {figure['of']}")
    return ", ".join(parts)


def verify(folder: Path, generated: Generated, quiet: bool = False) -> int:
    """Score the written files with the engine; print the calibration report; 0 if all published figures hold."""
    out: list[str] = []
    failures: list[str] = []
    scored = score_pipeline.score(RULESET, folder / "cases.csv", folder / "judgements.yaml")
    result = scored.result
    assert scored.compiled is not None and scored.evaluation is not None
    if result is None:
        for d in scored.report.sorted():
            print(f"{d.code}: {d.message}", file=sys.stderr)
        print("generate.py: the engine did not score the generated files", file=sys.stderr)
        return 1
    published = load_data(PUBLISHED)
    figure_doc = load_data(FIGURES)
    unexpected = [f for f in result.findings if f.code != "D013"]
    for finding in unexpected:
        failures.append(f"unexpected finding {finding.code}: {finding.message}")

    rows = list(csv.DictReader(io.StringIO((folder / "cases.csv").read_text(encoding="utf-8"))))
    sample = published["sample"]

    def count(name: str, value: str = "true") -> int:
        return sum(1 for r in rows if r[name] == value)

    found = {
        "cases_inspected": len(rows),
        "licence": count("sentence", "licence"),
        "community": count("sentence", "community"),
        "custodial_cases_found": count("sentence", "custody"),
        "ppo_cases": count("ppo"),
        "court_reports": sum(1 for r in rows if r["court_report"] != "none"),
        "mappa level_1": count("mappa_level", "level_1"),
        "mappa level_2": count("mappa_level", "level_2"),
        "child_safeguarding_cases": count("child_safeguarding"),
        "statutory_victim_contact_cases": count("statutory_victim_contact"),
        "programme_requirement_cases": count("programme_requirement"),
        "drr_cases": count("drr"),
        "approved_premises_cases": count("approved_premises"),
        "oasys_required (90 out of 109)": count("oasys_required"),
    }
    wanted = {
        "cases_inspected": sample["cases_inspected"],
        "licence": sample["design"]["licence"],
        "community": sample["cases_inspected"] - sample["design"]["licence"] - sample["custodial_cases_found"],
        "custodial_cases_found": sample["custodial_cases_found"],
        "ppo_cases": sample["ppo_cases"],
        "court_reports": sample["court_reports"],
        "mappa level_1": sample["mappa"]["level_1"],
        "mappa level_2": sample["mappa"]["level_2"],
        "child_safeguarding_cases": sample["child_safeguarding_cases"],
        "statutory_victim_contact_cases": sample["statutory_victim_contact_cases"],
        "programme_requirement_cases": sample["programme_requirement_cases"],
        "drr_cases": sample["drr_cases"],
        "approved_premises_cases": sample["approved_premises_cases"],
        "oasys_required (90 out of 109)": 90,
    }
    out.append("Sample counts (published -> cases.csv)")
    for name, value in wanted.items():
        ok = found[name] == value
        if not ok:
            failures.append(f"sample {name}: {found[name]}, published {value}")
        out.append(f"  {name:32} {value:4} -> {found[name]:4}  {'ok' if ok else 'MISSED'}")
    out.append("Criteria (target = published score; 2.7 = chosen, not published)")
    out.append(
        f"  {'criterion':9} {'target':>6} {'score':>8} {'shown':>6} {'band':9} {'individual':>10} {'summary':>8}"
    )
    for cid, criterion in result.criteria.items():
        target = published["criterion_scores"][cid]
        expected_band = BAND_IDS[published["conclusions"][cid]]
        band = criterion.band.id if criterion.band else None
        shown = criterion.display
        ok = band == expected_band and (target is None or shown == f"{target}%")
        if not ok:
            failures.append(f"criterion {cid}: {shown} {band}, published {target} {expected_band}")
        tgt = f"{target}%" if target is not None else f"({generated.targets[cid]}%)"
        out.append(
            f"  {cid:9} {tgt:>6} {criterion.score:8.2f} {shown:>6} {band:9} "
            f"{criterion.individual_mean:10.1f} {criterion.summary_proportion:8.1f}  {'ok' if ok else 'MISSED'}"
        )
    thread = result.threads["roh"]
    ok = thread.display == f"{published['roh_thread_score']}%"
    if not ok:
        failures.append(f"RoH thread {thread.display}, published {published['roh_thread_score']}%")
    out.append(
        f"RoH thread: target {published['roh_thread_score']}%, score {thread.score:.2f} -> {thread.display}"
        f"  {'ok' if ok else 'MISSED'}"
    )
    decision = result.decisions["further_focused_inspection"].outcome
    expected = "yes" if published["further_focused_inspection"] else "no"
    ok = decision == expected
    if not ok:
        failures.append(f"decision {decision}, published {expected}")
    out.append(f"Further focused inspection: {decision} (published: {expected})  {'ok' if ok else 'MISSED'}")
    grades = []
    for cid, grade in published["section_4_grades"].items():
        got = result.grades[cid].grade
        ok = got is not None and got.id == GRADE_IDS[grade]
        if not ok:
            failures.append(f"grade {cid}: {got.id if got else None}, published {grade}")
        grades.append(f"{cid} {got.id if got else None}{'' if ok else ' (MISSED)'}")
    out.append("Section 4 grades: " + ", ".join(grades))

    counts = {q.id: q.counts for c in result.criteria.values() for q in c.questions}
    reproduced = expected_misses = 0
    out.append("Question figures (target -> achieved, judged cases)")
    for qid, figure in figure_doc["figures"].items():
        c = counts[qid]
        holds = figure_holds(figure, c.judged, c.sufficient)
        marked = figure.get("reproducible", True)
        status = "ok" if holds else "not reproducible (expected)" if not marked else "MISSED"
        if holds:
            reproduced += 1
        elif not marked:
            expected_misses += 1
        else:
            failures.append(f"question {qid}: {describe(figure)} not reproduced")
        if holds and not marked:
            failures.append(f"question {qid} is marked not reproducible but is: update question-figures.yaml")
        achieved = f"{c.sufficient}/{c.judged} = {display(c.sufficient, c.judged)}%" if c.judged else "none judged"
        out.append(f"  {qid:7} {describe(figure):22} -> {achieved:18} {status}")
    total = len(figure_doc["figures"])
    out.append(
        f"  {reproduced} of {total} question figures reproduced;"
        f" {expected_misses} cannot be (see question-figures.yaml)"
    )
    out.append("Approximate figures (words; target reading -> achieved)")
    for qid, figure in figure_doc["approximate_figures"].items():
        c = counts[qid]
        out.append(
            f"  {qid:7} {figure['words']:26} ~{figure['percent']}% ->"
            f" {c.sufficient}/{c.judged} = {display(c.sufficient, c.judged)}%"
        )
    out.append("Subgroup figures (for information; engine scores of the subgroup)")
    for sub in figure_doc["subgroup_figures"]:
        mask = score_pipeline.where_mask(scored.compiled, scored.evaluation, sub["where"], scored.report)
        assert mask is not None
        subgroup = score_cases(scored.compiled, scored.evaluation, mask)
        c = next(q.counts for cr in subgroup.criteria.values() for q in cr.questions if q.id == sub["question"])
        holds = figure_holds(sub, c.judged, c.sufficient)
        achieved = f"{c.sufficient}/{c.judged} = {display(c.sufficient, c.judged)}%" if c.judged else "none judged"
        out.append(
            f"  {sub['question']:7} {sub['where']:46} {describe(sub):10} -> {achieved:16}"
            f" {'ok' if holds else 'differs'}"
        )
    out.append("Free questions and summaries (prior reading -> calibrated)")
    for qid, plan in generated.plans.items():
        if plan.kind in ("free", "approximate", "summary") and plan.prior is not None and plan.k is not None:
            reading = FREE_PRIORS[qid][1] if qid in FREE_PRIORS else plan.kind
            prior = f"{float(plan.prior):.0f}%"
            out.append(f"  {qid:7} {prior:>5} -> {plan.k:3}/{plan.j:<3} = {display(plan.k, plan.j):3}%  {reading}")
    for note in generated.notes:
        out.append(f"note: {note}")
    if not quiet:
        print("\n".join(out))
    if failures:
        print("\nMISSED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    if not quiet:
        print("\nAll published criterion scores, conclusions, grades, the RoH thread and the decision are reproduced.")
    return 0


def write(folder: Path, generated: Generated) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.csv").write_text(generated.cases_csv, encoding="utf-8", newline="")
    (folder / "judgements.yaml").write_text(generated.judgements_yaml, encoding="utf-8", newline="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write cases.csv and judgements.yaml to")
    parser.add_argument(
        "--check", action="store_true", help="regenerate into a temporary folder; fail unless the committed files match"
    )
    parser.add_argument("--quiet", action="store_true", help="print only failures")
    args = parser.parse_args(argv)
    generated = generate(args.seed)
    if args.check:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            write(folder, generated)
            differ = [
                name
                for name in OUTPUTS
                if not (HERE / name).is_file() or not filecmp.cmp(folder / name, HERE / name, shallow=False)
            ]
            if differ:
                print(f"generate.py --check: {', '.join(differ)} differ from what the script makes", file=sys.stderr)
                return 1
            print(f"generate.py --check: {', '.join(OUTPUTS)} are what the script makes (seed {args.seed})")
            return 0
    write(args.out, generated)
    return verify(args.out, generated, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
