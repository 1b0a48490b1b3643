"""Shared state of the semantic checks: the model, where each part of it was written, and
the diagnostics found so far.

Checks walk the typed model but report at YAML positions. Because the model's lists mirror the
(pruned) document's lists one to one, a check can name any part of the ruleset by its document
path, e.g. ``("sections", 0, "criteria", 2, "questions", 5, "relevant_if")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from omi_rules.codes import make
from omi_rules.diagnostics import Diagnostic, Position, Severity
from omi_rules.model import (
    CaseCriterion,
    CaseSampleSection,
    JudgementCriterion,
    JudgementSection,
    Question,
    Ruleset,
)
from omi_rules.yamlio import PathKey, SourceMap


@dataclass
class CheckContext:
    """Input and output of the semantic checks."""

    model: Ruleset
    source_map: SourceMap
    files: dict[str, list[str]]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at(self, path: PathKey) -> Position:
        return self.source_map.value(path)

    def at_key(self, path: PathKey) -> Position:
        return self.source_map.key(path)

    def report(
        self,
        code: str,
        message: str,
        path: PathKey,
        hint: str | None = None,
        *,
        key: bool = False,
        severity: Severity | None = None,
    ) -> None:
        position = self.at_key(path) if key else self.at(path)
        self.diagnostics.append(make(code, message, position, hint, severity=severity))

    def report_at(self, code: str, message: str, position: Position, hint: str | None = None, span: int = 1) -> None:
        self.diagnostics.append(make(code, message, position, hint, span=span))

    # ----------------------------------------------------------------- walking the model

    def case_sections(self) -> Iterator[tuple[PathKey, CaseSampleSection]]:
        for i, section in enumerate(self.model.sections):
            if isinstance(section, CaseSampleSection):
                yield ("sections", i), section

    def judgement_sections(self) -> Iterator[tuple[PathKey, JudgementSection]]:
        for i, section in enumerate(self.model.sections):
            if isinstance(section, JudgementSection):
                yield ("sections", i), section

    def case_criteria(self) -> Iterator[tuple[PathKey, CaseSampleSection, CaseCriterion]]:
        for path, section in self.case_sections():
            for j, criterion in enumerate(section.criteria):
                yield path + ("criteria", j), section, criterion

    def judgement_criteria(self) -> Iterator[tuple[PathKey, JudgementSection, JudgementCriterion]]:
        for path, section in self.judgement_sections():
            for j, criterion in enumerate(section.criteria):
                yield path + ("criteria", j), section, criterion

    def questions(self) -> Iterator[tuple[PathKey, CaseSampleSection, CaseCriterion, Question]]:
        for path, section, criterion in self.case_criteria():
            for k, question in enumerate(criterion.questions):
                yield path + ("questions", k), section, criterion, question

    def condition_position(self, path: PathKey, offset: int) -> Position:
        """The position of character ``offset`` of the condition text written at ``path``.

        Handles plain, quoted and block (``|``/``>``) scalars when the offset lies on the
        condition's first line; otherwise falls back to where the value starts.
        """
        start = self.at(path)
        lines = self.files.get(start.file, [])
        if not 0 < start.line <= len(lines):
            return start
        text = lines[start.line - 1]
        first = text[start.col - 1 : start.col] if start.col >= 1 else ""
        if first in ("'", '"'):
            col = start.col + 1 + offset
            return Position(start.file, start.line, col) if col <= len(text) + 1 else start
        if first in ("|", ">"):
            if start.line >= len(lines):
                return start
            body = lines[start.line]
            indent = len(body) - len(body.lstrip(" "))
            if indent + offset < len(body):
                return Position(start.file, start.line + 1, indent + 1 + offset)
            return Position(start.file, start.line + 1, indent + 1)
        col = start.col + offset
        return Position(start.file, start.line, col) if col <= len(text) + 1 else start
