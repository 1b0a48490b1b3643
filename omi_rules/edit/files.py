"""One YAML file opened for editing (``YamlFile``), for ``omi_rules.edit``.

ruamel.yaml's round-trip mode keeps comments, key order and quoting; ``omi_rules.yamlio.roundtrip``
configures it and ``omi_rules.yamlio.splice`` writes back only the lines an edit changed. This module
ties them together and proves each result: the edited text is read back with the loader's own
reader and must give the old data with the new values, key order included, or it is not used.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.edit.paths import (
    EditError,
    Steps,
    Target,
    check_value,
    format_path,
    locator,
    parse_path,
    resolve,
)
from omi_rules.yamlio.layout import appended, relaid
from omi_rules.yamlio.reader import PathKey, SourceMap, parse_yaml, read_text
from omi_rules.yamlio.roundtrip import (
    FileChangedError,
    TextForm,
    assign,
    best_indent,
    dump,
    has_anchor,
    keep_anchors,
    keep_comments_after,
    keep_following_comments,
    make_yaml,
    move_trailing_comment,
    plain,
    references,
    requote,
    same,
    styled,
    write_atomic,
)
from omi_rules.yamlio.splice import Spliced, kept_tail, lines, place_item, splice


@dataclass(frozen=True)
class Change:
    """One edit: which file and where, the path, and the value before and after (plain data)."""

    file: str
    position: Position
    path: str
    old: Any
    new: Any
    added: bool = False
    deleted: bool = False

    def __str__(self) -> str:
        if self.added:
            return f"{self.position}: {self.path}: added {_show(self.new)}"
        if self.deleted:
            return f"{self.position}: {self.path}: deleted (was {_show(self.old)})"
        return f"{self.position}: {self.path}: {_show(self.old)} -> {_show(self.new)}"


def _hashed(text_lines: list[str]) -> Counter[str]:
    """The lines that start with ``#`` (``place_item`` leaves them where ruamel put them)."""
    return Counter(line for line in text_lines if line.lstrip().startswith("#"))


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 70 else text[:67] + "..."


_DELETED = object()


@dataclass(frozen=True)
class _Item:
    """A list item that ruamel writes on its own exactly as it stands in the file."""

    path: PathKey
    start: int
    """Its first line (from 0)."""
    count: int
    prefix: str
    """What comes before its first key on that line, e.g. ``"      - "``."""
    column: int
    node: Any


class YamlFile:
    """One YAML file opened for editing: read once, changed in memory, written back atomically
    with every line outside the edited values exactly as it was."""

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.path = path
        self.display = display or str(path)
        try:
            read_text(path)  # the loader's checks: the file exists, is not too large, is UTF-8 text
            raw = path.read_bytes()
        except InputUnreadable as exc:
            raise EditError([exc.diagnostic], unreadable=True) from None
        except OSError as exc:
            problem = make("Y001", f"cannot read file: {exc.strerror}", Position(self.display))
            raise EditError([problem], unreadable=True) from None
        text, self.form = TextForm.read(raw)
        parsed = parse_yaml(text, self.display, path)
        errors = [d for d in parsed.diagnostics if d.severity is Severity.ERROR]
        if errors or parsed.data is None:
            raise EditError(errors, {self.display: parsed.lines})
        try:
            data = make_yaml().load(text)
        except YAMLError as exc:  # parse_yaml accepted it, so this is unexpected; still a finding
            problem = make("Y004", f"ruamel.yaml cannot edit this file: {exc}", Position(self.display, 1, 1))
            raise EditError([problem], {self.display: parsed.lines}) from None
        keep_anchors(data)
        self.indent, pristine = best_indent(text, data)
        self.exact = pristine == text
        """Whether ruamel.yaml alone writes the unedited file back byte for byte."""
        self.yaml = make_yaml(self.indent, dumper=True)
        self.data: Any = data
        self._start(raw, pristine, parsed.data, parsed.source_map)

    def _start(self, raw: bytes, pristine: str, data: Any, source_map: SourceMap) -> None:
        """Take ``raw`` as the file's saved state (on opening, and again after saving)."""
        self._raw = raw
        self._original = raw.decode("utf-8-sig")
        self._pristine = pristine
        self._plain = data
        self.source_map = source_map
        self._edits: list[tuple[PathKey, Any, Callable[[], None], _Item | None]] = []
        """Each edit: concrete path, the new plain value (or ``_DELETED``), how to undo it, and
        the list item around it if that item can be written on its own (see ``_item``)."""
        self._quoted: list[tuple[Any, Any]] = []
        """(container, key) of each value set, for ``_render`` to quote if it must."""
        self._rendered: Spliced | None = None

    @property
    def changed(self) -> bool:
        return bool(self._edits)

    def _resolve(self, path: str | Sequence[str], new_key: bool = False) -> Target:
        return resolve(self.data, parse_path(path), locator(self.source_map), new_key)

    def get(self, path: str | Sequence[str]) -> Any:
        """The value at ``path`` as plain data (dicts, lists, text, numbers, true/false, None)."""
        return plain(self._resolve(path).value)

    def where(self, path: str | Sequence[str]) -> Position:
        """Where the value at ``path`` is written in the file as it was read."""
        return self.source_map.value(self._resolve(path).concrete)

    def _node(self, concrete: PathKey) -> Any:
        node = self.data
        for key in concrete:
            node = node[key]
        return node

    def _not_shared(self, target: Target) -> None:
        """``E004`` if the edit would go inside a mapping or list that an anchor (``&name``)
        shares with other places: changing it there would change them all. (A shared value
        itself can be replaced: the other places keep it.)"""
        node = self.data
        for depth, key in enumerate(target.concrete[:-1]):
            node = node[key]
            anchor = getattr(getattr(node, "anchor", None), "value", None)
            if anchor is None or references(self.data, node) < 2:
                continue
            inside = format_path(target.steps[: depth + 1])
            message = f"'{inside}' is shared with other places through the anchor &{anchor}"
            hint = f"set the whole of {inside} instead, or write its copies out in full first"
            raise EditError([make("E004", message, self.source_map.value(target.concrete[: depth + 1]), hint=hint)])

    def set(self, path: str | Sequence[str], value: Any) -> Change:
        """Set the value at ``path`` (a missing last key is added to its mapping; a last step
        ``-`` appends to a list). The new value takes the old one's layout (``relaid``): quoted
        text stays quoted, a folded paragraph folded, a block list block with its comments."""
        target = self._resolve(path, new_key=True)
        self._not_shared(target)
        parent, key = self._node(target.concrete[:-1]), target.concrete[-1]
        anchor = target.concrete if target.exists else target.concrete[:-1]
        check_value(value, self.source_map.value(anchor), format_path(target.steps))
        old = parent[key] if target.exists else None
        item = self._item(target.concrete)
        if target.exists:
            new, undo = self._replace(parent, key, value)
        elif isinstance(parent, CommentedSeq):
            undo = appended(parent, value)
            new = parent[key]
        else:
            new, undo = self._add(parent, key, value)
        change = Change(
            self.display,
            self.source_map.value(anchor),
            format_path(self._shown(target, new)),
            plain(old),
            plain(new),
            added=not target.exists,
        )
        self._quoted.append((parent, key))
        return self._did(target.concrete, plain(new), undo, change, item)

    @staticmethod
    def _shown(target: Target, new: Any) -> Steps:
        """The path of the value set as the user would write it next time: an appended item by
        its id, or by its number when the list's items have none."""
        if target.exists or not isinstance(target.concrete[-1], int):
            return target.steps
        name = new.get("id") if isinstance(new, dict) else None
        return (*target.steps[:-1], str(name if name is not None else target.concrete[-1]))

    @staticmethod
    def _replace(parent: Any, key: Any, value: Any) -> tuple[Any, Callable[[], None]]:
        """Put ``value`` in place of ``parent[key]``, laid out like it; how to undo that."""
        old = parent[key]
        new = relaid(value, old)
        replaced_block = isinstance(old, dict | list) and old and not (isinstance(new, dict | list) and new)
        kept = keep_comments_after(parent, key, old) if replaced_block else None
        assign(parent, key, new)

        def undo() -> None:
            if kept is not None:
                kept()
            assign(parent, key, old)

        return new, undo

    @staticmethod
    def _add(parent: CommentedMap, key: Any, value: Any) -> tuple[Any, Callable[[], None]]:
        """Add the key ``key`` at the end of ``parent`` (before the comment lines that followed
        its last key, which introduce what comes next); how to undo that."""
        last = next(reversed(parent), None)
        new = styled(value, None)
        assign(parent, key, new)
        moved = (
            move_trailing_comment(parent, last, key) if last is not None and not isinstance(new, dict | list) else None
        )

        def undo() -> None:
            del parent[key]
            parent.ca.items.pop(key, None)
            if moved is not None:
                moved[0].value = moved[1]

        return new, undo

    def delete(self, path: str | Sequence[str]) -> Change:
        """Remove the key or list item at ``path``. Comment lines just above it, which introduce
        it, go with it; comment lines after it stay (they introduce what follows)."""
        target = self._resolve(path)
        self._not_shared(target)
        parent, key = self._node(target.concrete[:-1]), target.concrete[-1]
        old, comments = parent[key], parent.ca.items.get(key)
        index = list(parent).index(key) if isinstance(parent, dict) else key
        item = self._item(target.concrete)
        comments_moved = keep_following_comments(parent, key)
        del parent[key]

        def undo() -> None:
            if comments_moved is not None:
                comments_moved()
            if isinstance(parent, CommentedMap):
                parent.insert(index, key, old)
            else:
                parent.insert(index, old)
            if comments is not None:
                parent.ca.items[key] = comments

        position = self.source_map.value(target.concrete)
        change = Change(self.display, position, format_path(target.steps), plain(old), None, deleted=True)
        return self._did(target.concrete, _DELETED, undo, change, item)

    def _did(
        self, concrete: PathKey, value: Any, undo: Callable[[], None], change: Change, item: _Item | None
    ) -> Change:
        self._edits.append((concrete, value, undo, item))
        self._rendered = None
        return change

    def _item(self, concrete: PathKey) -> _Item | None:
        """The innermost list item (a mapping in a block list) around ``concrete``, if ruamel
        writes it on its own exactly as it stands in the file and it holds no anchor: then an
        edit inside it needs only that item written and read back, not the whole file (a
        question rather than a whole section)."""
        node, found = self.data, None
        for depth, key in enumerate(concrete[:-1]):
            child = node[key]
            if isinstance(node, CommentedSeq) and isinstance(child, CommentedMap):
                found = (concrete[: depth + 1], child)
            node = child
        if found is None or found[0] not in self.source_map.values or has_anchor(found[1]):
            return None
        position = self.source_map.values[found[0]]
        start, column = position.line - 1, position.col - 1
        original = [line.rstrip("\r\n") for line in lines(self._original)]
        if not 0 <= start < len(original) or original[start][:column].strip() != "-":
            return None
        prefix = original[start][:column]
        placed = place_item(dump(self.yaml, found[1]), prefix, column)
        if placed != original[start : start + len(placed)]:
            return None
        return _Item(found[0], start, len(placed), prefix, column, found[1])

    def _render_item(self, item: _Item, expected: Any) -> Spliced | None:
        """The file with only ``item``'s lines written again, or None if that cannot be shown
        right. Every other line is the original's, and a list item re-indented as a whole reads
        as it does on its own, so reading the item back on its own proves the whole file; an
        anchor (which could move out of the item) was ruled out by ``_item``."""
        text = dump(self.yaml, item.node)
        placed = place_item(text, item.prefix, item.column)
        raw = lines(self._original)
        before = raw[item.start : item.start + item.count]
        if has_anchor(item.node) or kept_tail(before, placed):
            return None  # a comment line that followed the item would be lost: the general way keeps it
        if _hashed(placed) - _hashed([line.rstrip("\r\n") for line in before]):
            return None  # a new line starting with '#' is text of the new value: place_item kept it as a comment
        parsed = parse_yaml(text, self.display)
        wanted = expected
        for key in item.path:
            wanted = wanted[key]
        if any(d.severity is Severity.ERROR for d in parsed.diagnostics) or not same(parsed.data, wanted):
            return None
        end = item.start + item.count
        new = "".join([*raw[: item.start], *(line + self.form.newline for line in placed), *raw[end:]])
        if end >= len(raw) and not self._original.endswith("\n"):
            new = new.removesuffix(self.form.newline)
        return Spliced(new)

    def undo(self) -> bool:
        """Take back the last edit not yet saved, exactly (comments included); False if none.

        For trying a change and its alternatives in a script without reading the file again
        (ruamel's deep copies are not faithful: they can lose a comment)."""
        if not self._edits:
            return False
        if self._edits[-1][1] is not _DELETED:
            self._quoted.pop()
        self._edits.pop()[2]()
        self._rendered = None
        return True

    def render(self) -> Spliced:
        """The edited file's text, proven to read back as the old data with the edits applied
        (key order included). A bug that breaks this raises RuntimeError (exit code 3)."""
        if self._rendered is None:
            self._rendered = self._render()
        return self._rendered

    def _render(self) -> Spliced:
        if not self._edits:
            return Spliced(self._original)
        expected = self._expected()
        item = self._edits[0][3] if len(self._edits) == 1 else None
        local = self._render_item(item, expected) if item is not None else None
        if local is not None:
            return local
        edited = dump(self.yaml, self.data)
        spliced = splice(self._original, self._pristine, edited, self.form.newline)
        if self._reads_back(spliced.text, expected):
            return spliced
        # ruamel writes some text unquoted that the loader's parser (libyaml) reads otherwise or
        # refuses, such as '0?' in a flow list: quote the new text values and try again.
        if any([requote(parent, key) for parent, key in self._quoted]):
            edited = dump(self.yaml, self.data)
            spliced = splice(self._original, self._pristine, edited, self.form.newline)
            if self._reads_back(spliced.text, expected):
                return spliced
        whole = edited.replace("\n", self.form.newline)
        if self._reads_back(whole, expected):  # the whole file in ruamel's layout: reported as E005
            return Spliced(whole, [(1, len(lines(whole)))])
        raise RuntimeError(f"{self.display}: the edited file does not read back as edited (a bug in omi-rules)")

    def _expected(self) -> Any:
        """The data as read, with the edits applied (containers along their paths copied)."""
        expected = copy.copy(self._plain)
        for path, value, _, _ in self._edits:
            parent = expected
            for key in path[:-1]:
                parent[key] = copy.copy(parent[key])
                parent = parent[key]
            if value is _DELETED:
                del parent[path[-1]]
            elif isinstance(parent, list) and path[-1] == len(parent):
                parent.append(value)  # an appended item
            else:
                parent[path[-1]] = value
        return expected

    def _reads_back(self, text: str, expected: Any) -> bool:
        parsed = parse_yaml(text, self.display)
        ok = not any(d.severity is Severity.ERROR for d in parsed.diagnostics)
        return ok and same(parsed.data, expected)

    def text(self) -> str:
        """The file's text after the edits (without a byte-order mark)."""
        return self.render().text

    def reformatted(self) -> list[Diagnostic]:
        """``E005`` warnings for lines of the edited text that ruamel.yaml had to rewrite."""
        out = []
        text = lines(self.text())
        for first, last in self.render().reformatted:
            where = f"line {first} is" if first == last else f"lines {first}-{last} are"
            column = len(text[first - 1]) - len(text[first - 1].lstrip(" ")) + 1 if first <= len(text) else 1
            message = (
                f"{where} rewritten in a standard layout: the edit touches text ruamel.yaml cannot keep as written"
            )
            hint = "the diff (--dry-run) shows the change: spacing, quotes or indentation, not values"
            out.append(make("E005", message, Position(self.display, first, column), hint=hint))
        return out

    def diff(self) -> str:
        """The change as a unified diff (empty when nothing changed)."""
        return "".join(
            difflib.unified_diff(lines(self._original), lines(self.text()), self.display, self.display)
        ).replace("\r", "")

    def save(self) -> bool:
        """Write the edited file atomically, keeping its permissions, byte-order mark and line
        ends. Refused (``E006``) if the file changed on disk since it was read. True if written."""
        if not self._edits:
            return False
        rendered = self.render()
        data = self.form.encode(rendered.text)
        try:
            write_atomic(self.path, data, expected=self._raw)
        except FileChangedError:
            raise self._changed_on_disk() from None
        except OSError as exc:
            message = f"cannot save the file: {exc.strerror or exc}"
            hint = "check that you may write to the file and its folder"
            raise EditError([make("E006", message, Position(self.display), hint=hint)], unreadable=True) from None
        parsed = parse_yaml(rendered.text.replace("\r\n", "\n"), self.display, self.path)
        self._start(data, dump(self.yaml, self.data), parsed.data, parsed.source_map)
        return True

    def _changed_on_disk(self) -> EditError:
        message = "the file was changed by someone else since it was read; nothing was saved"
        hint = "run the command again on the new version"
        return EditError([make("E006", message, Position(self.display), hint=hint)], unreadable=True)

    def check_unchanged(self) -> None:
        """``E006`` if the file on disk is no longer what was read."""
        try:
            unchanged = self.path.read_bytes() == self._raw
        except OSError:
            unchanged = False
        if not unchanged:
            raise self._changed_on_disk()
