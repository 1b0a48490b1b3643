"""Round-trip YAML text for ``omi_rules.edit``: read a file so that writing it back changes
nothing but what was edited.

Rulesets are written by people: comments explain why a rule is as it is, key order follows the
report, quotes and folded paragraphs are chosen for reading. An edit made by a script must not
disturb any of that. ruamel.yaml's round-trip mode keeps comments, key order and quoting, and
with the file's own indentation (``detect_indent``) it writes every bundled ruleset back byte for
byte. Two things it cannot keep are handled here:

- an explicit ``null`` (or ``~``) would be written back as an empty value: ``KeptNull`` keeps the
  text that was written;
- layout ruamel normalises (two spaces after a colon, ``[ a, b ]``, a wrapped plain scalar,
  CRLF line ends, a byte-order mark). ``omi_rules.yamlio.splice`` therefore never writes ruamel's whole
  output: it applies only the lines that the edit changed in ruamel's output to the original
  text, so every other line stays exactly as it was, whatever ruamel would have done to it.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

WIDTH = 1_000_000
"""Line width given to ruamel: never re-wrap a line (people wrap their own text)."""
_NULL_TAG = "tag:yaml.org,2002:null"


class KeptNull:
    """An explicit null as written (``null``, ``~``, ``Null``); ruamel would write it back as an
    empty value. It stands for None: ``plain`` turns it into None."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, KeptNull)

    def __hash__(self) -> int:
        return hash(None)

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"KeptNull({self.text!r})"


class _Constructor(RoundTripConstructor):
    def construct_kept_null(self, node: Any) -> Any:
        text = str(node.value)
        return KeptNull(text) if text else None


class _Representer(RoundTripRepresenter):
    def represent_kept_null(self, data: KeptNull) -> Any:
        return self.represent_scalar(_NULL_TAG, data.text)

    def represent_scalar_float(self, data: Any) -> Any:
        """A number as written; but ruamel rebuilds the digits of one written with an exponent
        (``3.785668093450133e+16``) and can lose the last one: then write the exact number."""
        node = super().represent_scalar_float(data)
        try:
            exact = float(str(node.value).replace("_", "")) == float(data)
        except ValueError:  # .inf, .nan: the loader refuses them anyway
            exact = True
        return node if exact else self.represent_float(float(data))


_Constructor.add_constructor(_NULL_TAG, _Constructor.construct_kept_null)
_Representer.add_representer(KeptNull, _Representer.represent_kept_null)
_Representer.add_representer(ScalarFloat, _Representer.represent_scalar_float)


@dataclass(frozen=True)
class Indent:
    """ruamel's indentation settings: ``mapping`` spaces per nested mapping; a list's dash is
    ``offset`` spaces in from its key and the item's content ``sequence`` spaces in."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


_CACHE_LIMIT = 100_000


class _Emitter(Emitter):
    """ruamel's emitter, remembering its analysis of each text: every dump of a ruleset analyses
    the same few thousand texts again, which is a third of the time an edit takes."""

    _analyses: ClassVar[dict[tuple[Any, ...], Any]] = {}

    def analyze_scalar(self, scalar: Any) -> Any:
        key = (scalar, self.allow_unicode, self.allow_space_break, self.serializer.use_version)
        analysis = self._analyses.get(key)
        if analysis is None:
            if len(self._analyses) > _CACHE_LIMIT:
                self._analyses.clear()
            analysis = self._analyses[key] = super().analyze_scalar(scalar)
        return analysis


class _DumpResolver(VersionedResolver):
    """The resolver of a YAML instance that only dumps (YAML 1.2 throughout), remembering which
    texts would read as numbers, dates or booleans (and so must be quoted)."""

    _tags: ClassVar[dict[tuple[Any, ...], Any]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (value, *(implicit or ()))
        tag = self._tags.get(key)
        if tag is None:
            if len(self._tags) > _CACHE_LIMIT:
                self._tags.clear()
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


def make_yaml(indent: Indent = Indent(), dumper: bool = False) -> YAML:
    """A round-trip YAML instance that keeps quotes, explicit nulls and long lines. A ``dumper``
    instance is faster but must only write (its resolver assumes YAML 1.2)."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    if dumper:
        yaml.Emitter = _Emitter
        yaml.Resolver = _DumpResolver
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    return yaml


def keep_anchors(data: Any) -> None:
    """Mark every anchor (``&name``) to be written even when nothing refers to it any more, so
    replacing the one alias of an anchor does not also remove the anchor from its line."""
    stack = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        anchor = getattr(node, "anchor", None)
        if anchor is not None and anchor.value is not None:
            anchor.always_dump = True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def has_anchor(data: Any) -> bool:
    """Whether ``data`` or anything in it carries an anchor (``&name``)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if getattr(getattr(node, "anchor", None), "value", None) is not None:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def dump(yaml: YAML, data: Any) -> str:
    buffer = StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


_KEY_ONLY = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?P<key>[^\s#][^#]*?):\s*(?:#.*)?$")


def detect_indent(text: str) -> Indent:
    """The indentation a file uses, read from its first nested mapping and nested list.

    A guess: ``best_indent`` confirms it by writing the file back, and tries the usual
    alternatives when the guess does not reproduce the file.
    """
    mapping: int | None = None
    offset: int | None = None
    previous: tuple[int, bool] | None = None  # (column of the key, line ends with 'key:')
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        column = len(line) - len(line.lstrip(" "))
        if previous is not None and previous[1]:
            key_column = previous[0]
            if stripped.startswith("- ") or stripped == "-":
                if offset is None and column >= key_column:
                    offset = column - key_column
            elif mapping is None and column > key_column:
                mapping = column - key_column
        match = _KEY_ONLY.match(line)
        previous = (len(match.group("lead")), True) if match else (column, False)
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return Indent(mapping, offset + 2, offset)


_CANDIDATES = (Indent(2, 4, 2), Indent(2, 2, 0), Indent(4, 4, 2), Indent(4, 6, 4), Indent(4, 4, 0), Indent(3, 5, 3))


def best_indent(text: str, data: Any) -> tuple[Indent, str]:
    """The indentation whose output is closest to ``text``, and that output.

    The detected indentation is tried first; it reproduces a regular file exactly, so the
    alternatives are only written out when some line differs from the file in its indentation
    alone (other differences, such as flow style or spacing, no indentation can change).
    """
    guess = detect_indent(text)
    output = dump(make_yaml(guess, dumper=True), data)
    if output == text:
        return guess, output
    original = text.splitlines()
    if not _indentation_differs(original, output.splitlines()):
        return guess, output
    best = (_changed_lines(original, output.splitlines()), guess, output)
    for candidate in _CANDIDATES:
        if candidate == guess:
            continue
        output = dump(make_yaml(candidate, dumper=True), data)
        if output == text:
            return candidate, output
        changed = _changed_lines(original, output.splitlines())
        if changed < best[0]:
            best = (changed, candidate, output)
    return best[1], best[2]


def _indentation_differs(a: list[str], b: list[str]) -> bool:
    """Whether some line of ``a`` is in ``b`` with other leading spaces."""
    stripped = difflib.SequenceMatcher(None, [x.strip() for x in a], [y.strip() for y in b], autojunk=False)
    return any(a[i + k] != b[j + k] for i, j, size in stripped.get_matching_blocks() for k in range(size))


def _changed_lines(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return max(len(a), len(b)) - sum(block.size for block in matcher.get_matching_blocks())


def plain(value: Any) -> Any:
    """ruamel's round-trip objects as plain JSON-like data, as ``omi_rules.yamlio.reader`` reads them
    (dates stay text)."""
    if value is None or isinstance(value, KeptNull):
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


@dataclass(frozen=True)
class TextForm:
    """What ruamel does not keep about a file's bytes: a byte-order mark and the line ends."""

    bom: bool = False
    newline: str = "\n"

    @staticmethod
    def read(raw: bytes) -> tuple[str, TextForm]:
        """Decode ``raw`` (UTF-8, already checked by ``yamlio.read_text``) to text with ``\\n``
        line ends, and how to turn it back into the file's bytes."""
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        crlf = text.count("\r\n")
        newline = "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"
        return text.replace("\r\n", "\n"), TextForm(bom, newline)

    def encode(self, text: str) -> bytes:
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` via a temporary file in the same folder and a rename, so a
    reader never sees half a file; keep the file's permissions and follow a symbolic link.

    With ``expected``, refuse (``FileChangedError``) if the file no longer holds those bytes:
    someone saved it since it was read, and their change would be lost.
    """
    target = path.resolve()
    if expected is not None and target.read_bytes() != expected:
        raise FileChangedError(str(path))
    mode = target.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class FileChangedError(OSError):
    """The file was changed on disk after it was read."""


def same(a: Any, b: Any) -> bool:
    """Equal data, key order included, and the same kind of scalar (1 is not 1.0 or true)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


_YAML_11_WORDS = {"yes", "no", "on", "off", "y", "n"}
"""Text that YAML 1.2 (omi-rules) reads as text but YAML 1.1 tools read as true/false."""


def styled(value: Any, old: Any) -> Any:
    """A new text value in the old value's style; text that only double quotes can hold safely
    (line breaks, control characters, leading or trailing spaces) gets them, and ``yes``/``no``
    get quotes as the ruleset reference advises (other tools read them as true/false)."""
    if type(value) is not str:
        return value  # not text, or text the user quoted: keep as given
    simple = value != "" and value.isprintable() and value == value.strip()
    style = type(old) if isinstance(old, str) else str
    if style is DoubleQuotedScalarString or (style is SingleQuotedScalarString and not simple):
        return DoubleQuotedScalarString(value)
    if style is SingleQuotedScalarString:
        return SingleQuotedScalarString(value)
    if style is FoldedScalarString and simple:
        return _folded(value, old)
    if (
        style is LiteralScalarString
        and value.strip()
        and all(line.isprintable() and line == line.rstrip() for line in value.split("\n"))
    ):
        return LiteralScalarString(value)
    if value.lower() in _YAML_11_WORDS:
        return SingleQuotedScalarString(value)
    return value if simple else DoubleQuotedScalarString(value)


def _folded(value: str, old: Any) -> Any:
    """Folded text wrapped at the old paragraph's width, at single spaces between words."""
    folds = list(getattr(old, "fold_pos", []) or [])
    starts = [0, *(p + 1 for p in folds)]
    ends = [*folds, len(old)]
    width = max(40, *(end - start for start, end in zip(starts, ends, strict=True)))
    spaces = [
        i
        for i, c in enumerate(value)
        if c == " " and 0 < i < len(value) - 1 and " " not in (value[i - 1], value[i + 1])
    ]
    positions: list[int] = []
    start = 0
    while len(value) - start > width:
        fitting = [p for p in spaces if start < p <= start + width]
        later = [p for p in spaces if p > start]
        if not fitting and not later:
            break
        cut = fitting[-1] if fitting else later[0]
        positions.append(cut)
        start = cut + 1
    result = FoldedScalarString(value)
    result.fold_pos = positions
    return result


def move_trailing_comment(mapping: CommentedMap, last: Any, new: Any) -> tuple[Any, str] | None:
    """A key added after ``last`` goes before the comment lines that followed ``last`` (they
    introduce what comes next, so they stay just above it). Returns the shortened comment and
    its old text, for ``undo``."""
    entry = mapping.ca.items.get(last)
    if not entry or len(entry) < 3 or entry[2] is None:
        return None
    token = entry[2]
    text = str(token.value)
    head, newline, rest = text.partition("\n")
    if not rest.strip():
        return None
    token.value = head + newline
    mapping.ca.items[new] = [None, None, token_like(token, "\n" + rest), None]
    return token, text


def token_like(like: Any, value: str) -> Any:
    """A comment like ``like`` holding ``value`` and sharing nothing with it: ruamel's emitter
    moves a comment by changing its start mark, which a shallow copy would share."""
    token = copy.copy(like)
    token.value = value
    token.start_mark = copy.copy(like.start_mark)
    token.end_mark = copy.copy(like.end_mark)
    token.reset()
    return token


def assign(container: Any, key: Any, value: Any) -> None:
    """``container[key] = value``, exactly. ruamel's containers give a plain text value the old
    value's quotes; ``styled`` has already chosen the style, and ``undo`` must put back the very
    object that was there."""
    if isinstance(container, CommentedMap):
        ordereddict.__setitem__(container, key, value)
        container._ok.add(key)
    elif isinstance(container, CommentedSeq):
        list.__setitem__(container, key, value)
    else:
        container[key] = value


def requote(parent: Any, key: Any) -> bool:
    """Double-quote the text in ``parent[key]`` (recursively) that is not double-quoted yet."""
    present = key in parent if isinstance(parent, dict) else key < len(parent)
    if not present:
        return False
    value = parent[key]
    if isinstance(value, str) and not isinstance(value, DoubleQuotedScalarString):
        assign(parent, key, DoubleQuotedScalarString(str(value)))
        return True
    if isinstance(value, dict | list):
        keys = list(value) if isinstance(value, dict) else range(len(value))
        return any([requote(value, k) for k in keys])
    return False


def references(root: Any, wanted: Any) -> int:
    """How many places of ``root`` hold the very object ``wanted`` (an anchor and its aliases)."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in children:
            if child is wanted:
                count += 1
            elif isinstance(child, dict | list):
                stack.append(child)
    return count


def eol_slot(container: Any) -> int:
    """Where ruamel keeps the comment after a value: slot 2 for a mapping entry, 0 for a list item."""
    return 2 if isinstance(container, dict) else 0


def keep_following_comments(container: Any, key: Any) -> Callable[[], None] | None:
    """Before ``container[key]`` is deleted: ruamel keeps the comment lines that follow a value
    with that value, so they would go with it. Move them to the end of the value before it
    (its last scalar), where they are written at the same place. Returns how to undo that."""
    entry = container.ca.items.get(key)
    slot = eol_slot(container)
    if not entry or entry[slot] is None:
        return None
    rest = str(entry[slot].value).partition("\n")[2]
    keys = list(container) if isinstance(container, dict) else list(range(len(container)))
    if not rest.strip() or keys.index(key) == 0:
        return None
    owner, last = container, keys[keys.index(key) - 1]
    while isinstance(owner[last], CommentedMap | CommentedSeq) and owner[last]:
        owner = owner[last]
        last = next(reversed(owner)) if isinstance(owner, dict) else len(owner) - 1
    if isinstance(owner[last], dict | list):
        return None
    slot = eol_slot(owner)
    items = owner.ca.items
    previous = items.get(last)
    if previous is not None and previous[slot] is not None:
        token, text = previous[slot], previous[slot].value
        token.value = text + rest
        return lambda: setattr(token, "value", text)
    moved = token_like(entry[eol_slot(container)], "\n" + rest)
    if previous is None:
        items[last] = [None, None, None, None]
        items[last][slot] = moved
        return lambda: items.pop(last, None)
    previous[slot] = moved
    return lambda: previous.__setitem__(slot, None)


def keep_comments_after(container: Any, key: Any, old: Any) -> Callable[[], None] | None:
    """Before ``container[key]`` (a mapping or list ``old``) is replaced: ruamel keeps the
    comment lines that follow a block with its last value, so they would go with it. Give them
    to the entry itself, after its new value. Returns how to undo that."""
    owner, last = None, None
    node = old
    while isinstance(node, CommentedMap | CommentedSeq) and node:
        owner, last = node, (next(reversed(node)) if isinstance(node, dict) else len(node) - 1)
        node = node[last]
    entry = owner.ca.items.get(last) if owner is not None else None
    if owner is None or not entry or entry[eol_slot(owner)] is None:
        return None
    rest = str(entry[eol_slot(owner)].value).partition("\n")[2]
    if not rest.strip():
        return None
    slot, items = eol_slot(container), container.ca.items
    mine = items.get(key)
    if mine is not None and mine[slot] is not None:
        token, text = mine[slot], mine[slot].value
        token.value = text + ("" if text.endswith("\n") else "\n") + rest
        return lambda: setattr(token, "value", text)
    moved = token_like(entry[eol_slot(owner)], "\n" + rest)
    if mine is None:
        items[key] = [None, None, None, None]
        items[key][slot] = moved
        return lambda: items.pop(key, None)
    mine[slot] = moved
    return lambda: mine.__setitem__(slot, None)
