"""Capping a flood of findings: the first few of each code in each file, then one line.

A careless export or a hostile file can hold 100,000 wrong items; printing every finding
(three lines each) buries the few a person needs and costs more than finding them. So each
output shows the first ``SHOWN_PER_CODE`` findings of each code in each file, in file order,
and then one ``L001`` finding that says how many more there are. The exit code and the
summary counts are computed from every finding, capped or not; ``--all`` shows them all.

A second limit bounds the work itself: schema validation of one file stops after
``SCHEMA_BUDGET`` findings (``L002``), since by then the ruleset cannot be checked for meaning
anyway and validating the rest would only cost time. ``--all`` lifts it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar

from omi_rules.diagnostics import Diagnostic, Position

SHOWN_PER_CODE = 50
"""How many findings of one code in one file are shown before the rest are summed up."""

SCHEMA_BUDGET = 10_000
"""Schema findings in one file after which validation of that file stops (``L002``)."""


def capped(diagnostics: Sequence[Diagnostic], limit: int | None = SHOWN_PER_CODE) -> list[Diagnostic]:
    """``diagnostics`` (in file order) with at most ``limit`` of each code per file, each
    group cut short followed by its ``L001`` summary. ``limit=None`` keeps every one."""
    if limit is None or len(diagnostics) <= limit:
        return list(diagnostics)
    out: list[Diagnostic] = []
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], Diagnostic] = {}
    last: dict[tuple[str, str], int] = {}  # where, in ``out``, each group's last shown one is
    for d in diagnostics:
        key = (d.position.file, d.code)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            first.setdefault(key, d)
            last[key] = len(out)
            out.append(d)
    after: dict[int, list[Diagnostic]] = {}
    for key, count in counts.items():
        if count > limit:
            after.setdefault(last[key], []).append(more(first[key], count - limit, limit))
    return [x for index, d in enumerate(out) for x in (d, *after.get(index, ()))]


def more(example: Diagnostic, hidden: int, shown: int = SHOWN_PER_CODE) -> Diagnostic:
    """The ``L001`` finding standing for ``hidden`` more findings like ``example``. It has the
    severity of the findings it stands for, so a workflow annotation or an editor shows it as
    prominently. It stands for ``hidden`` findings (``count``); a summary counted from the
    uncapped list does not see it, one counted from a list that holds it counts them."""
    return Diagnostic(
        code="L001",
        message=f"and {hidden:,} more {example.code} in this file (only the first {shown:,} are shown)",
        position=Position(example.position.file),
        severity=example.severity,
        hint="fix these first; run again with --all to see every one",
        count=hidden,
    )


_UNLIMITED: ContextVar[bool] = ContextVar("omi_rules_unlimited", default=False)
"""Whether this run lifts the caps (``--all``). A context variable, not an argument through
every loader: the budget is consulted deep in schema validation, which every command reaches
by its own road (check, score, impact's two rulesets, test's many)."""


def lift(unlimited: bool = True) -> None:
    """Show every finding and validate without a budget, for the rest of this context."""
    _UNLIMITED.set(unlimited)


def shown_per_code() -> int | None:
    """The cap on findings shown per code and file (None: ``--all``)."""
    return None if _UNLIMITED.get() else SHOWN_PER_CODE


def schema_budget() -> int | None:
    """Schema findings in one file after which its validation stops (None: ``--all``)."""
    return None if _UNLIMITED.get() else SCHEMA_BUDGET  # read when called: a test may lower it
