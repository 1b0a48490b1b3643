"""Shared state of the semantic checks: the model, where each part of it was written, and
the diagnostics found so far.

Checks walk the typed model but report at YAML positions. Because the model's lists mirror the
(pruned) document's lists one to one, a check can name any part of the ruleset by its document
path, e.g. ``("sections", 0, "criteria", 2, "questions", 5, "relevant_if")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from omi_rules.diagnostics import Diagnostic, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.model import (
    CaseCriterion,
    CaseSampleSection,
    JudgementCriterion,
    JudgementSection,
    Question,
    Ruleset,
)
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.yamlio.reader import PathKey, SourceMap


@dataclass
class CheckContext:
    """Input and output of the semantic checks."""

    model: Ruleset
    source_map: SourceMap
    files: dict[str, list[str]]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    degraded: set[PathKey] = field(default_factory=set)
    """Containers that lost an item to a schema error (see ``loader.Pruned``)."""
    pruned_ids: set[str] = field(default_factory=set)
    """Ids of items dropped for schema errors: references to them are not reported again."""
    complete: bool = True
    """False when loading found errors: checks that need the whole ruleset stay quiet."""
    registry: Registry = field(default_factory=builtin_registry)
    """The rules plugins provide (aggregations, grade rules, condition functions, ...)."""

    def degraded_under(self, path: PathKey) -> bool:
        """Whether anything at or below ``path`` (or a container of it) was dropped."""
        return any(d[: len(path)] == path or path[: len(d)] == d for d in self.degraded)

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

        Follows YAML's scalar styles so a caret lands on the right character even when the
        condition is quoted (with ``''`` or ``\\"`` escapes), folded over several lines, or a
        block scalar (``|``/``>``); falls back to where the value starts.
        """
        start = self.at(path)
        lines = self.files.get(start.file, [])
        if not 0 < start.line <= len(lines) or start.col < 1:
            return start
        found = scalar_char_position(lines, start.line - 1, start.col - 1, offset)
        return Position(start.file, found[0], found[1]) if found else start


def scalar_char_position(lines: list[str], line: int, col: int, offset: int) -> tuple[int, int] | None:
    """1-based (line, column) of value character ``offset`` of the scalar starting at 0-based
    (``line``, ``col``); None when the offset cannot be followed in the source."""
    first = lines[line][col : col + 1]
    style = first if first in ("'", '"', "|", ">") else ""
    if style in ("|", ">"):
        line += 1
        if line >= len(lines):
            return None
        col = len(lines[line]) - len(lines[line].lstrip(" "))
    elif style:
        col += 1
    index = 0
    while line < len(lines):
        text = lines[line]
        end = len(text) if style in ("'", '"') else len(text.rstrip())
        while col < end:
            char = text[col]
            width = 1
            if style and char == style and style in ("'", '"'):
                if style == "'" and text[col + 1 : col + 2] == "'":
                    width = 2
                else:
                    return None  # the closing quote: the offset lies beyond the value
            elif style == '"' and char == "\\":
                width = 2
            if index == offset:
                return line + 1, col + 1
            index += 1
            col += width
        if index == offset:
            return line + 1, col + 1
        index += 1  # a line break folds to one character
        line += 1
        if line < len(lines):
            col = len(lines[line]) - len(lines[line].lstrip(" "))
    return None
