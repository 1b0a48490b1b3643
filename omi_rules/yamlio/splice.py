"""Apply an edit to a file's text line by line: ``splice`` writes back only the lines that an
edit changed in ruamel.yaml's output, so every other line stays exactly as the person wrote it,
whatever ruamel would have made of it (``omi_rules.yamlio.roundtrip`` explains why).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

Opcode = tuple[str, int, int, int, int]
"""A ``difflib.SequenceMatcher`` opcode: tag, a-start, a-end, b-start, b-end."""


@dataclass
class Spliced:
    """The edited file, and where lines beside the edit had to be rewritten in ruamel's layout."""

    text: str
    reformatted: list[tuple[int, int]] = field(default_factory=list)
    """Lines of the edited text (1-based, inclusive ranges) written in ruamel's layout because
    the edit touched lines that ruamel does not reproduce as they were."""


def _line_ends(raw_lines: list[str]) -> list[str]:
    return [line.removesuffix("\n").removesuffix("\r") for line in raw_lines]


def lines(text: str) -> list[str]:
    """Lines split at ``\n`` only, ends kept (``str.splitlines`` also splits at characters such
    as U+2028 that YAML reads as text)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def splice(original: str, pristine: str, edited: str, newline: str = "\n") -> Spliced:
    """``original`` with the changes between ``pristine`` (ruamel's output for the unedited
    document) and ``edited`` (its output after the edit) applied, and nothing else.

    Lines of the original that ruamel writes differently are kept unless a change overlaps
    them; then they are taken from ruamel's output and reported in ``reformatted``. Comment
    lines that followed a replaced value (ruamel attaches them to the value's last line) are
    kept after the new value.
    """
    raw = lines(original)
    o_lines, p_lines, q_lines = _line_ends(raw), _line_ends(lines(pristine)), _line_ends(lines(edited))
    align = [piece for op in opcodes(o_lines, p_lines) for piece in _line_by_line(op)]
    changes = opcodes(p_lines, q_lines)
    hunks = _hunks(changes, [op for op in align if op[0] != "equal" and op[3] < op[4]])
    out: list[str] = []
    done = 0
    result = Spliced("")
    for start, end, q_start, q_end, absorbed in hunks:
        o_start, o_end = _o_start(align, start, len(o_lines)), _o_end(align, start, end)
        out.extend(raw[done:o_start])
        new = [line + newline for line in q_lines[q_start:q_end]]
        if absorbed and new:
            result.reformatted.append((len(out) + 1, len(out) + len(new)))
        out.extend(new + kept_tail(raw[o_start:o_end], new))
        done = max(done, o_end)
    out.extend(raw[done:])
    text = "".join(out)
    if raw and not raw[-1].endswith("\n") and done == len(raw) and text.endswith(newline):
        text = text[: -len(newline)]
    result.text = text
    return result


def opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """``difflib.SequenceMatcher(None, a, b).get_opcodes()``, matching the common first and last
    lines directly: an edit changes a few lines of a long file, and this keeps it fast."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    out: list[Opcode] = [("equal", 0, head, 0, head)] if head else []
    middle = difflib.SequenceMatcher(None, a[head : len(a) - tail], b[head : len(b) - tail], autojunk=False)
    out.extend((tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle.get_opcodes())
    if tail:
        out.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return out


def _line_by_line(op: Opcode) -> list[Opcode]:
    """A block of as many original as pristine lines that differ, line by line: an edit then
    takes in only the one line ruamel lays out differently, not its neighbours too."""
    tag, i1, i2, j1, j2 = op
    if tag != "replace" or i2 - i1 != j2 - j1:
        return [op]
    return [("replace", i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1)]


Hunk = tuple[int, int, int, int, list[tuple[int, int]]]
"""Pristine start and end, edited start and end, and the original lines taken in."""


def _touches(start: int, end: int, c: int, d: int) -> bool:
    """Whether pristine lines ``start:end`` (a point when empty) overlap lines ``c:d``."""
    return (start < d and c < end) if start < end else c < start < d


def _hunks(changes: Sequence[Opcode], bad: Sequence[Opcode]) -> list[Hunk]:
    """Spans of pristine lines to replace, each with its edited lines and the original lines
    (``bad`` blocks: ruamel writes them differently) it had to take in."""
    spans = [(j1, j2, frozenset([n])) for n, (tag, j1, j2, _, _) in enumerate(changes) if tag != "equal"]
    while True:
        grown = []
        for start, end, ops in spans:
            for _, _, _, c, d in bad:
                if _touches(start, end, c, d):
                    start, end = min(start, c), max(end, d)
            grown.append((start, end, ops))
        merged: list[tuple[int, int, frozenset[int]]] = []
        for start, end, ops in sorted(grown, key=lambda s: (s[0], s[1])):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end), merged[-1][2] | ops)
            else:
                merged.append((start, end, ops))
        if merged == spans:
            break
        spans = merged
    out: list[Hunk] = []
    for start, end, ops in spans:
        q1, q2 = _q_range(changes, start, end, ops)
        absorbed = [(i1, i2) for _, i1, i2, c, d in bad if _touches(start, end, c, d)]
        out.append((start, end, q1, q2, absorbed))
    return out


def _q_range(changes: Sequence[Opcode], start: int, end: int, ops: frozenset[int]) -> tuple[int, int]:
    """Edited lines standing for pristine lines ``start:end``: those of the span's own changes
    and of the unchanged lines it took in."""
    bounds: list[int] = []
    for n, (tag, j1, j2, k1, k2) in enumerate(changes):
        if n in ops:
            bounds += [k1, k2]
        elif tag == "equal" and max(start, j1) < min(end, j2):
            bounds += [k1 + max(start, j1) - j1, k1 + min(end, j2) - j1]
    return min(bounds), max(bounds)


def _o_start(align: Sequence[Opcode], p: int, o_count: int) -> int:
    """Original line where pristine line ``p`` begins (after original-only lines before it)."""
    for tag, i1, _, j1, j2 in align:
        if j1 <= p < j2:
            return i1 + (p - j1) if tag == "equal" else i1
    return o_count


def _o_end(align: Sequence[Opcode], start: int, end: int) -> int:
    """Original line just after pristine line ``end - 1`` (``start`` when the span is empty)."""
    if end <= start:
        return _o_start(align, start, max((op[2] for op in align), default=0))
    for tag, i1, i2, j1, j2 in align:
        if j1 <= end - 1 < j2:
            return i1 + (end - j1) if tag == "equal" else i2
    return max((op[2] for op in align), default=0)


_BLOCK_SCALAR = re.compile(r"""(?:^|[:\-]\s)\s*[|>][-+0-9]*\s*(?:#.*)?$""")
"""A line that starts a literal or folded block (``key: >-``, ``- |``): deeper lines are text."""


def kept_tail(removed: list[str], new: list[str]) -> list[str]:
    """Comment and blank lines at the end of a replaced block that the new text lacks.

    A line starting with ``#`` inside a literal or folded block is text, not a comment: below a
    line that starts such a block, only lines indented no deeper than that line count.
    """
    if not removed:
        return []
    plain = _line_ends(removed)
    tail: list[str] = []
    for index in range(len(plain) - 1, 0, -1):
        if plain[index].strip() and not plain[index].lstrip().startswith("#"):
            break
        tail.insert(0, removed[index])
    body = plain[: len(plain) - len(tail)]
    starts = [line for line in body if _BLOCK_SCALAR.search(line)]
    if starts:
        limit = len(starts[-1]) - len(starts[-1].lstrip(" "))
        deep = [i for i, line in enumerate(_line_ends(tail)) if line.strip() and len(line) - len(line.lstrip()) > limit]
        tail = tail[deep[-1] + 1 :] if deep else tail  # the block's own text, and blank lines in it
    kept = _line_ends(tail)
    if not kept or _line_ends(new)[-len(kept) :] == kept:
        return []
    return tail


def place_item(text: str, prefix: str, column: int) -> list[str]:
    """The lines of a list item dumped on its own, as they stand in the file: the first after
    the item's dash (``prefix``, e.g. ``"      - "``), the others indented by ``column``. Blank
    lines and comment lines stay as they are: ruamel writes a comment at its own column."""
    out = []
    for number, line in enumerate(_line_ends(lines(text))):
        if number == 0:
            out.append(prefix + line)
        elif not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
        else:
            out.append(" " * column + line)
    return out
