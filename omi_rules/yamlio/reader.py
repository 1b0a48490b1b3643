"""Read one YAML file safely into plain data plus the position of every node.

Why compose-then-walk instead of ``YAML().load``: the node graph from ruamel's composer keeps
every node's line and column, lets us report *every* duplicate key (not just the first), and
shares aliased nodes instead of copying them, so we can count the expanded size while we walk
and refuse a "billion laughs" document long before it is expanded.

The result is JSON-compatible data (dicts, lists, str, int, float, bool, None). Timestamps stay
as the text written (``2008-09-01``), since the ruleset format treats dates as ISO strings.
"""

from __future__ import annotations

import math
import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

try:  # libyaml's event parser, shipped as ruamel.yaml.clib
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - depends on the platform
    CParser = None

from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position
from omi_rules.diagnostics.codes import make

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest YAML file read (5 MiB): the complete OMI ruleset is well under 200 KiB."""
MAX_NODES = 500_000
"""Most nodes a document may expand to, aliases counted every time they are used."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists."""

PathKey = tuple[str | int, ...]
_T = TypeVar("_T")


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a loaded document was written.

    Paths are tuples of mapping keys and list indices, as in jsonschema's ``absolute_path``.
    """

    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    texts: dict[PathKey, str] = field(default_factory=dict)
    """How each value that YAML read as a number or true/false was written (``2018``, ``1e3``,
    ``True``): the data holds ``1000.0`` for ``1e3``, and a hint that says how to quote a value
    must show it as the author wrote it."""
    default: Position = field(default_factory=lambda: Position("<unknown>"))

    def value(self, path: PathKey) -> Position:
        """Position of the value at ``path``, or of its nearest ancestor that has one."""
        return self._lookup(self.values, path)

    def key(self, path: PathKey) -> Position:
        """Position of the key naming ``path`` (falls back to the value's position)."""
        if path in self.keys:
            return self.keys[path]
        return self.value(path)

    def _lookup(self, table: dict[PathKey, Position], path: PathKey) -> Position:
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            p = p[:-1]
        return table.get((), self.default)

    def rebase(self, prefix: PathKey, other: SourceMap, other_prefix: PathKey = ()) -> None:
        """Copy ``other``'s entries under ``other_prefix`` into this map, under ``prefix``.

        Costs the size of what is copied, not of ``other``: resolving an overlay copies each
        of the parent's thousands of items this way, and a scan of the whole parent map per
        item made a ruleset of 8,000 items take minutes (issue 18)."""
        self.values.update(_moved(other.values, other_prefix, prefix))
        self.keys.update(_moved(other.keys, other_prefix, prefix))
        self.texts.update(_moved(other.texts, other_prefix, prefix))

    def append_items(self, key: str, offset: int, other: SourceMap) -> None:
        """Copy the positions of every item of ``other``'s list ``key`` into this map's list
        ``key``, item ``i`` becoming item ``offset + i``: a part's list appended to the main
        file's. One pass over ``other`` whatever the list's length (a rebase per item made a
        part of 10,000 items cost 10,000 passes)."""
        for src, dst in ((other.values, self.values), (other.keys, self.keys), (other.texts, self.texts)):
            moved: dict[PathKey, Any] = {}
            for path, entry in src.items():
                if len(path) > 1 and path[0] == key and isinstance(path[1], int):
                    moved[(key, offset + path[1], *path[2:])] = entry
            dst.update(moved)


def _moved(table: Mapping[PathKey, _T], old_prefix: PathKey, prefix: PathKey) -> dict[PathKey, _T]:
    """The entries of ``table`` under ``old_prefix``, moved under ``prefix``."""
    n = len(old_prefix)
    return {prefix + path[n:]: table[path] for path in _under(table, old_prefix)}


_SUBTREES: dict[int, tuple[Mapping[PathKey, Any], int, dict[PathKey, list[PathKey]]]] = {}
"""For each table ``rebase`` reads: the paths under each prefix, and the table's size when that
was computed (a table that grew is indexed again). Keyed by the table's id, holding the table
itself so the id cannot be reused while the entry lives; the few most recent are kept."""
_SUBTREES_KEPT = 8


def _under(table: Mapping[PathKey, Any], prefix: PathKey) -> list[PathKey]:
    """The paths of ``table`` that start with ``prefix`` (``prefix`` itself included)."""
    cached = _SUBTREES.get(id(table))
    if cached is None or cached[0] is not table or cached[1] != len(table):
        index: dict[PathKey, list[PathKey]] = {}
        for path in table:
            for i in range(len(path) + 1):
                index.setdefault(path[:i], []).append(path)
        while len(_SUBTREES) >= _SUBTREES_KEPT:
            del _SUBTREES[next(iter(_SUBTREES))]
        cached = (table, len(table), index)
        _SUBTREES[id(table)] = cached
    return list(cached[2].get(tuple(prefix), ()))


@dataclass
class YamlDocument:
    """A loaded file: data, positions and the problems found while reading it."""

    path: Path
    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic]
    lines: list[str]


class _ExpansionLimit(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("expansion limit")
        self.mark = mark


class _CountingComposer(Composer):
    """ruamel's composer, counting how many values the document expands to.

    Each node counts once; each alias counts as the whole of what its anchor holds. The count
    is kept while composing (aliases are never copied), so a "billion laughs" document is
    refused at the alias that crosses the limit, after a few hundred nodes of work.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        sizes: dict[int, int] = self.__dict__.setdefault("_sizes", {})
        if self.parser.check_event(AliasEvent):
            mark = self.parser.peek_event().start_mark
            node = super().compose_node(parent, index)
            self._add(sizes.get(id(node), 1), mark)
            return node
        node = super().compose_node(parent, index)
        if isinstance(node, SequenceNode):
            size = 1 + sum(sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, MappingNode):
            size = 1 + sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.value)
        else:
            size = 1
        sizes[id(node)] = size
        self._add(1, node.start_mark)
        return node

    def _add(self, amount: int, mark: Any) -> None:
        total = self.__dict__.get("_total", 0) + amount
        self.__dict__["_total"] = total
        if total > MAX_NODES:
            raise _ExpansionLimit(mark)


class _EventLoader:
    """The minimum a ruamel ``Composer`` needs: a parser giving events, and a resolver.

    Events come from libyaml (``ruamel.yaml.clib``) when it is installed: scanning and parsing
    in C is about 30 times faster than in Python, and dominates loading a ruleset. Composing
    stays in Python (``_CountingComposer``), so every limit and position works the same way.
    """

    def __init__(self, text: str) -> None:
        self._parser = CParser(text)
        self._resolver = VersionedResolver(loader=self)
        self._composer = None
        self.max_depth = MAX_DEPTH


def _compose_all(text: str) -> list[Node]:
    """Compose every document of ``text`` into node graphs (no values constructed yet).

    An anchor defined twice is valid YAML (the later one counts); ruamel warns about it with a
    Python warning, which the command line would print with a path inside omi-rules (found by
    tests/fuzz), so that warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReusedAnchorWarning)
        if CParser is None:  # pure-Python fallback, e.g. on interpreters without the C extension
            yaml = YAML(typ="rt")
            yaml.Composer = _CountingComposer
            yaml.max_depth = MAX_DEPTH
            return list(yaml.compose_all(text))
        composer = _CountingComposer(loader=_EventLoader(text))
        nodes = []
        while composer.check_node():
            nodes.append(composer.get_node())
        return nodes


class _Walker:
    """Turns a composed node graph into plain data, recording positions and problems."""

    def __init__(self, file: str, constructor: Any) -> None:
        self.file = file
        self.constructor = constructor
        self.map = SourceMap(default=Position(file, 1, 1))
        self.diagnostics: list[Diagnostic] = []
        self.nodes = 0
        self.aborted = False

    def pos(self, node: Node) -> Position:
        mark = node.start_mark
        return Position(self.file, mark.line + 1, mark.column + 1)

    def walk(self, node: Node, path: PathKey, depth: int) -> Any:
        if self.aborted:
            return None
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.aborted = True
            self.diagnostics.append(
                make(
                    "Y007",
                    f"document expands to more than {MAX_NODES:,} values; refused",
                    self.pos(node),
                    hint="aliases (*name) repeat what an anchor (&name) holds; a ruleset never needs this many",
                )
            )
            return None
        if depth > MAX_DEPTH:
            self.aborted = True
            self.diagnostics.append(make("Y008", f"nesting deeper than {MAX_DEPTH} levels; refused", self.pos(node)))
            return None
        self.map.values[path] = self.pos(node)
        if isinstance(node, MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        value = self.scalar(node)
        if isinstance(value, bool | int | float):
            self.map.texts[path] = str(node.value)
        return value

    def mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            tag = _tag(key_node)
            if tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(
                    make(
                        "Y011",
                        "merge keys ('<<') are not supported in rulesets",
                        self.pos(key_node),
                        hint="write the keys out; rulesets share definitions by id instead",
                    )
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.diagnostics.append(make("Y011", "a mapping key must be plain text", self.pos(key_node)))
                continue
            key = str(key_node.value)
            key_pos = self.pos(key_node)
            if key in first_seen:
                self.diagnostics.append(
                    make(
                        "Y006",
                        f"duplicate key '{key}' (first defined at line {first_seen[key].line})",
                        key_pos,
                        hint="each key may appear once in a mapping; remove or rename one",
                        span=len(key),
                    )
                )
                continue
            first_seen[key] = key_pos
            self.map.keys[path + (key,)] = key_pos
            out[key] = self.walk(value_node, path + (key,), depth + 1)
            if isinstance(value_node, ScalarNode) and value_node.value == "" and value_node.style is None:
                # An empty value ("title:") has no token; ruamel marks the next line. Point just
                # after the colon instead, where the missing value belongs.
                self.map.values[path + (key,)] = Position(self.file, key_pos.line, key_pos.col + len(key) + 1)
        return out

    def scalar(self, node: ScalarNode) -> Any:
        tag = _tag(node)
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            # ruamel marks the folds of a '>' scalar with BEL characters; drop them.
            return str(node.value).replace("\a", "") if node.style == ">" else str(node.value)
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            try:
                value = self.constructor.construct_object(node, deep=True)
            except ValueError:  # an int of more than 4,300 digits: Python refuses to convert it
                return self.too_large(node)
            if tag == "tag:yaml.org,2002:bool":
                return bool(value)
            if tag == "tag:yaml.org,2002:int":
                whole = int(value)
                # Every number of a ruleset, case file, judgements or test file ends up as a
                # float somewhere (band limits, weights, "{:g}" in messages, numpy columns);
                # a whole number beyond float's range would raise OverflowError there.
                return self.too_large(node) if abs(whole) > sys.float_info.max else whole
            number = float(value)
            if not math.isfinite(number):
                self.diagnostics.append(make("Y011", f"'{node.value}' is not a finite number", self.pos(node)))
                return None
            return number
        self.diagnostics.append(
            make(
                "Y011",
                f"unsupported YAML tag {tag!s}",
                self.pos(node),
                hint="remove the '!tag'; rulesets use plain YAML values",
            )
        )
        return None

    def too_large(self, node: ScalarNode) -> None:
        """Report a whole number too large to be used (found by fuzzing, tests/fuzz): like
        ``.inf``, it is not a finite number, and its value is dropped."""
        text = str(node.value)
        shown = text if len(text) <= 24 else f"{text[:20]}... ({len(text):,} characters)"
        self.diagnostics.append(
            make(
                "Y011",
                f"'{shown}' is too large a number",
                self.pos(node),
                hint="numbers must lie within about ±1.8e308",
            )
        )
        return None


def decode_error_position(raw: bytes, start: int) -> tuple[int, int]:
    """1-based line and *character* column of the byte at ``start`` in undecodable ``raw``."""
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    col = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
    return line, col


def _tag(node: Node) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


_OVERRIDES: ContextVar[Mapping[Path, str] | None] = ContextVar("omi_rules_text_overrides", default=None)


@contextmanager
def text_overrides(texts: Mapping[Path, str]) -> Iterator[None]:
    """While the block runs, read these files from memory instead of from disk.

    ``omi-rules set`` checks an edited ruleset before it writes anything: the edited text stands
    in for the file, so part files, ``extends`` and every position work exactly as they will
    once the file is saved, and nothing is written to a temporary copy.
    """
    token = _OVERRIDES.set({path.resolve(): text for path, text in texts.items()})
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text, refusing what cannot be a YAML document.

    Raises ``InputUnreadable`` (exit code 2) for missing, oversized, binary or non-UTF-8 files.
    Inside ``text_overrides``, a file given there is read from memory.
    """
    overrides = _OVERRIDES.get()
    if overrides:
        try:
            text = overrides.get(path.resolve())
        except (OSError, ValueError):  # a name the system refuses: read (and report) as usual
            text = None
        if text is not None:
            return text
    file = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputUnreadable(make("Y001", "file not found", Position(file))) from None
    except OSError as exc:
        raise InputUnreadable(make("Y001", f"cannot read file: {exc.strerror}", Position(file))) from None
    except ValueError:  # os.stat refuses a name with a NUL character (found by tests/fuzz)
        raise InputUnreadable(
            make("Y001", "not a usable file name (it holds a NUL character)", Position(file))
        ) from None
    if path.is_dir():
        raise InputUnreadable(make("Y001", "is a folder, not a file", Position(file)))
    if size > MAX_FILE_BYTES:
        raise InputUnreadable(
            make(
                "Y003",
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                Position(file),
                hint="split the ruleset into part files listed under 'include'",
            )
        )
    try:
        raw = read_at_most(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise InputUnreadable(make("Y001", f"cannot read file: {exc.strerror}", Position(file))) from None
    if len(raw) > MAX_FILE_BYTES:  # a device or a file that grew after stat(), e.g. /dev/zero
        raise InputUnreadable(make("Y003", f"file is larger than {MAX_FILE_BYTES:,} bytes", Position(file)))
    return decode_utf8(raw, file, "Y002", "save the file as UTF-8 in your editor")


def read_at_most(path: Path, limit: int) -> bytes:
    """The first ``limit + 1`` bytes of ``path`` at most: the size ``stat`` reports is 0 for
    devices and pipes, and reading /dev/zero whole would never end (found by tests/fuzz)."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def decode_utf8(raw: bytes, file: str, code: str, hint: str) -> str:
    """Decode a text input (a UTF-8 BOM is allowed), or raise ``InputUnreadable`` with ``code``
    for binary content or a byte that is not UTF-8, located by line and character column."""
    if b"\x00" in raw:
        raise InputUnreadable(make(code, "file is binary (contains NUL bytes), not text", Position(file)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = decode_error_position(raw, exc.start)
        raise InputUnreadable(
            make(code, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", Position(file, line, col), hint=hint)
        ) from None


def load_yaml(path: Path, display_name: str | None = None) -> YamlDocument:
    """Load one YAML file. Unreadable files raise ``InputUnreadable``; everything else that is
    wrong with the file is returned as diagnostics, with ``data`` None if nothing usable."""
    text = read_text(path)
    doc = parse_yaml(text, display_name or str(path), path)
    if doc.data is None and not doc.diagnostics:
        # A file that is only 'null' or '~' holds nothing, like an empty one; without a
        # diagnostic, check passed such a ruleset and score failed silently (found by tests/fuzz).
        # (Not in parse_yaml: there 'null' may be a value, e.g. in `omi-rules set`.)
        line = next((i for i, s in enumerate(doc.lines) if s.strip() and not s.lstrip().startswith("#")), 0)
        position = Position(display_name or str(path), line + 1, 1)
        doc.diagnostics.append(make("Y009", "the file holds no content (only null)", position))
    return doc


def parse_yaml(text: str, file: str, path: Path | None = None) -> YamlDocument:
    """Parse YAML text (see ``load_yaml``)."""
    lines = text.splitlines()
    doc = YamlDocument(path or Path(file), None, SourceMap(default=Position(file, 1, 1)), [], lines)
    yaml = YAML(typ="rt")
    try:
        nodes = _compose_all(text)
    except _ExpansionLimit as exc:
        doc.diagnostics.append(
            make(
                "Y007",
                f"document expands to more than {MAX_NODES:,} values here; refused",
                Position(file, exc.mark.line + 1, exc.mark.column + 1),
                hint="aliases (*name) repeat what an anchor (&name) holds; a ruleset never needs this many",
            )
        )
        return doc
    except MarkedYAMLError as exc:
        if "maximum depth" in str(exc.problem or ""):
            mark = exc.problem_mark
            doc.diagnostics.append(
                make(
                    "Y008",
                    f"nesting deeper than {MAX_DEPTH} levels; refused",
                    Position(file, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1),
                )
            )
            return doc
        doc.diagnostics.append(_syntax_diagnostic(exc, file, lines))
        return doc
    except YAMLError as exc:
        doc.diagnostics.append(make("Y004", f"invalid YAML: {exc}", Position(file, 1, 1)))
        return doc
    except RecursionError:
        doc.diagnostics.append(make("Y008", f"nesting deeper than {MAX_DEPTH} levels; refused", Position(file, 1, 1)))
        return doc
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        doc.diagnostics.append(make("Y009", "the file is empty (no YAML document)", Position(file, 1, 1)))
        return doc
    if len(nodes) > 1:
        second = nodes[1].start_mark.line
        marker = next((i for i in range(second, -1, -1) if i < len(lines) and lines[i].startswith("---")), second)
        doc.diagnostics.append(
            make(
                "Y010",
                "the file holds more than one YAML document ('---'); only one is allowed",
                Position(file, marker + 1, 1),
                hint="use one file per ruleset or part, listed under 'include'",
            )
        )
        return doc
    walker = _Walker(file, yaml.constructor)
    data = walker.walk(nodes[0], (), 0)
    doc.diagnostics.extend(walker.diagnostics)
    doc.source_map = walker.map
    doc.data = None if walker.aborted else data
    return doc


_VALUE_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^#]*?:\s+)?(["'])""")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """The last line before ``upto`` (1-based) whose value opens a quote it does not close.

    YAML lets a quoted value run over several lines, so an unclosed quote makes the parser
    fail much later, where the next quote happens to be; rulesets rarely wrap quoted values,
    so the unclosed quote is the likelier culprit.
    """
    found = None
    for index in range(min(upto, len(lines))):
        text = lines[index]
        match = _VALUE_QUOTE.match(text)
        if not match:
            continue
        quote, start = match.group(1), match.start(1)
        rest = text[start + 1 :]
        closed = re.search(r'(?<!\\)"', rest) is not None if quote == '"' else "'" in rest.replace("''", "")
        if not closed:
            found = (index + 1, start + 1)
    return found


_OPENERS = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a block scalar")


def _syntax_diagnostic(exc: MarkedYAMLError, file: str, lines: list[str]) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    # An unclosed quote or bracket is reported where the file ends; the useful place is where
    # the quote or bracket was opened, which ruamel gives as the context.
    if exc.context_mark is not None and str(exc.context or "").startswith(_OPENERS):
        mark = exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    hint = None
    if "expected <document start>" in problem:
        return make(
            "Y010",
            "more YAML after the end of the document ('...'); only one document is allowed",
            Position(file, line, col),
            hint="remove the '...' line, or move what follows it into the document",
        )
    if any(s in problem for s in ("expected <block end>", "expected ',' or", "did not find expected key")):
        quote = _unclosed_quote(lines, line)
        if quote is not None and quote[0] < line:
            return make(
                "Y004",
                f"a quote opened here is not closed on its line (YAML reads on and fails at line {line}: {problem})",
                Position(file, *quote),
                hint="close the quote at the end of the value",
            )
    if "mapping values are not allowed" in problem and 0 < line <= len(lines):
        text = lines[line - 1]
        if text.find(":") == col - 1:
            col = len(text) - len(text.lstrip(" ")) + 1  # a misplaced key: point at it, not its colon
            hint = "check the indentation of this key against the lines above"
        else:
            hint = "text containing ': ' must be put in quotes"
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "tab character" in problem or ("\t" in source_line[: max(col, 1)] and "token" in problem):
        return make(
            "Y005",
            "a tab character is used for indentation; YAML allows only spaces",
            Position(file, line, col),
            hint="replace the tab with spaces (set your editor to insert spaces)",
        )
    if "stream end" in problem or "end of stream" in problem:
        hint = "the file ends in the middle of a value: is it truncated, or is a bracket or quote not closed?"
    context = f" {exc.context}" if exc.context else ""
    return make("Y004", f"invalid YAML:{context} {problem}".replace("  ", " "), Position(file, line, col), hint)
