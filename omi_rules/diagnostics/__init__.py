"""Diagnostics: every problem a user can cause, as data with a position.

One small value type (``Diagnostic``) flows from every stage (loader, schema validation,
semantic checks, conditions) to the CLI, which renders it. Stages never print and never raise
for user errors; they return diagnostics, so ``check`` can report *all* problems at once.

The catalogue of codes lives in ``omi_rules.diagnostics.codes``; this module only holds the value types.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How bad a finding is. Errors fail ``check``; warnings do not unless ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: 1-based line and column, as editors count them."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding. ``code`` is stable and documented in docs/diagnostics.md."""

    code: str
    message: str
    position: Position
    severity: Severity = Severity.ERROR
    hint: str | None = None
    span: int = 1
    """How many characters the caret underlines (at least one)."""
    name: str | None = None
    """The code's short name, for codes from plugins (omi-rules' own are in ``codes.CODES``)."""
    count: int = 1
    """How many findings this one stands for: an ``L001`` stands for the findings it sums up,
    which the summary counts ("10,000 errors") though only the first few are listed."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.position.file, self.position.line, self.position.col, self.code, self.message)


class InputUnreadable(Exception):
    """Raised by readers when an input cannot be read at all (missing, binary, wrong encoding).

    Carries its diagnostic; the CLI turns it into exit code 2. Only used where continuing is
    impossible; anything that can be reported alongside other findings is returned instead.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class Report:
    """All diagnostics of one run, plus whether any input was unreadable (exit code 2)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    unreadable: bool = False

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def unique(self) -> list[Diagnostic]:
        """The diagnostics in the order found, each finding once. One can be reached twice (an
        overlay's unknown key is wrong against the overlay's schema and again in the resolved
        ruleset); printed once, it must be counted once too, or the summary says '2 errors,
        -1 warnings'."""
        seen: set[tuple[str, int, int, str, str]] = set()
        out: list[Diagnostic] = []
        for d in self.diagnostics:
            key = d.sort_key()
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.unique() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.unique() if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in file/line/column order, duplicates removed."""
        return sorted(self.unique(), key=Diagnostic.sort_key)

    def tally(self) -> tuple[int, int]:
        """(errors, warnings): every finding, those an ``L001`` sums up included."""
        return tally(self.unique())

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 findings, 2 unreadable input (BRIEF section 6)."""
        if self.unreadable:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def tally(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings) among ``diagnostics``, each counted as the findings it stands for."""
    errors = warnings = 0
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            errors += d.count
        else:
            warnings += d.count
    return errors, warnings


def counted(errors: int, warnings: int) -> str:
    """'1 error, 2,000 warnings'."""
    return f"{errors:,} error{'s' * (errors != 1)}, {warnings:,} warning{'s' * (warnings != 1)}"
