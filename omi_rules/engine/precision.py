"""The precision options of ``score --uncertainty``, ``explain --uncertainty`` and ``plan``,
checked, and resolved against what the ruleset declares (``sample.precision``).

Why a module of its own: the same four numbers (confidence, replicates, caseload, margin) come
from the command line, the ruleset or the defaults, and every command must refuse the same bad
values with the same diagnostic (U001, U002) rather than a traceback or a silent clamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.diagnostics.codes import make
from omi_rules.model import Ruleset

if TYPE_CHECKING:  # imported when used: checking the options must not load the resampling engine
    from omi_rules.engine.uncertainty import Settings

# The defaults live here, with the options they stand in for (``engine.uncertainty`` takes
# them from here): every ``score`` checks its options, and importing the resampling engine for
# that cost a run without ``--uncertainty`` about 10 ms.
DEFAULT_CONFIDENCE = 0.95
DEFAULT_REPLICATES = 2000
DEFAULT_SEED = 20080901
"""Any fixed seed would do; this one is the North Wales report's month, so it is easy to quote."""

MIN_REPLICATES = 100
MAX_REPLICATES = 100_000
"""Fewer than 100 resamples cannot place a 95% interval's ends; more than 100,000 only costs time."""


@dataclass(frozen=True)
class Options:
    """The precision options as given on the command line (None: not given)."""

    confidence: float | None = None
    replicates: int | None = None
    seed: int | None = None
    caseload: int | None = None
    margin: float | None = None


def _bad(option: str, value: object, why: str, hint: str) -> Diagnostic:
    return make("U001", f"{option} {value}: {why}", Position(option, 1, len(option) + 2), hint=hint)


def check_options(options: Options) -> list[Diagnostic]:
    """Every option value that cannot mean anything (exit 2, like any other usage error)."""
    out: list[Diagnostic] = []
    c = options.confidence
    if c is not None and not 0 < c < 1:
        hint = f"did you mean {c / 100:g}?" if 1 < c < 100 else "e.g. --confidence 0.95"
        out.append(_bad("--confidence", c, "a confidence is a number between 0 and 1", hint))
    r = options.replicates
    if r is not None and not MIN_REPLICATES <= r <= MAX_REPLICATES:
        out.append(
            _bad(
                "--replicates",
                r,
                f"give between {MIN_REPLICATES} and {MAX_REPLICATES:,} resamples",
                f"the default, {DEFAULT_REPLICATES}, places a 95% interval's ends to about 0.5 points",
            )
        )
    if options.seed is not None and options.seed < 0:
        out.append(_bad("--seed", options.seed, "a seed is a whole number, 0 or more", f"e.g. --seed {DEFAULT_SEED}"))
    if options.caseload is not None and options.caseload < 1:
        out.append(
            _bad("--caseload", options.caseload, "a caseload is a number of cases, 1 or more", "omit it if not known")
        )
    m = options.margin
    if m is not None and not 0 < m <= 50:
        hint = f"did you mean {m * 100:g}?" if 0 < m < 1 else "e.g. --margin 5"
        out.append(_bad("--margin", m, "a margin is in percentage points, more than 0 and at most 50", hint))
    return out


def caseload_problem(caseload: int | None, cases: int, where: str) -> Diagnostic | None:
    """A sample cannot have more cases than the caseload it was drawn from (U002)."""
    if caseload is None or caseload >= cases:
        return None
    return make(
        "U002",
        f"--caseload {caseload} is smaller than the {cases} cases of {where}",
        Position("--caseload", 1, len("--caseload") + 2),
        hint="give the number of cases the sample was drawn from (the area's caseload), or omit it",
    )


def confidence_of(model: Ruleset, options: Options) -> float:
    """The confidence: the option, else the ruleset's ``sample.precision``, else 95%."""
    if options.confidence is not None:
        return options.confidence
    precision = model.sample.precision
    return precision.confidence if precision is not None else DEFAULT_CONFIDENCE


def margin_of(model: Ruleset, options: Options) -> float | None:
    """The margin ``plan`` sizes for: the option, else the ruleset's, else none."""
    if options.margin is not None:
        return options.margin
    precision = model.sample.precision
    return precision.margin if precision is not None else None


def settings_for(model: Ruleset, options: Options) -> Settings:
    """The uncertainty settings of one run (options checked first with ``check_options``)."""
    from omi_rules.engine.uncertainty import Settings

    return Settings(
        confidence=confidence_of(model, options),
        replicates=options.replicates if options.replicates is not None else DEFAULT_REPLICATES,
        seed=options.seed if options.seed is not None else DEFAULT_SEED,
        caseload=options.caseload,
    )
