"""A new list or mapping written like the one it replaces or joins, for ``omi_rules.edit``.

On the command line a list is naturally given in flow style (``'[low, medium, high]'``) and an
item as a flow mapping (``'{value: x, description: X}'``). Written as given, a block list of the
ruleset would turn into one long line and the comments on its items would be lost, so a
methodology reviewer would see the whole list change in the diff for one new value. Here the
new value takes the layout of what it replaces: block stays block and flow stays flow, down
to nested lists and mappings; the items and keys it keeps keep their comments and their text
its quoting; an appended item is laid out like the items before it.

ruamel.yaml stores comment lines with the value *before* them: the comment after an item's
value (its first line) belongs to that item, the following lines introduce the next item, and
those after the last item introduce whatever follows the whole list. A replaced value is
rebuilt (never changed in place, so ``undo`` can put the old one back), and each of those
comment blocks is put back where it belongs: after the same item, before the same next item,
after the whole value.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from omi_rules.yamlio.roundtrip import eol_slot, has_anchor, plain, same, styled, token_like

Tail = tuple[str, Any]
"""Comment lines that follow a value (text, e.g. ``"  # about next\\n"``), and the comment token
they came from (a new token is made like it)."""

_Container = CommentedMap | CommentedSeq


def relaid(new: Any, old: Any) -> Any:
    """``new`` laid out like ``old``, the value it replaces (see the module). Text keeps the old
    text's quoting (``styled``). An empty list or mapping is written ``[]`` or ``{}`` (a block
    one cannot be empty), and a list or mapping replacing text or a number is written as given."""
    if not isinstance(new, dict | list):
        return styled(new, old)
    if not new or not isinstance(old, _Container):
        return new
    if isinstance(new, dict) == isinstance(old, dict) and not has_anchor(old):
        return _rebuilt(new, old)
    out = _like(new, old, _flow(old))
    _set_tail(out, next(reversed(out)) if isinstance(out, dict) else len(out) - 1, _tail_of(old))
    return out


def appended(items: CommentedSeq, value: Any) -> Callable[[], None]:
    """Append ``value`` to ``items``, laid out like the items before it; the comment lines that
    followed the list (they introduce what comes after it) now follow the new item. Returns
    how to take the append back exactly."""
    tail = _tail_of(items)
    new = _like(value, _model(items, value), _flow(items))
    items.append(new)
    index = len(items) - 1
    if tail is None:
        return lambda: _pop(items, index)
    owner, key = _last_entry(items, index - 1)
    token = owner.ca.items[key][eol_slot(owner)]
    text = token.value
    token.value = _head(text) + "\n"
    _set_tail(items, index, tail)

    def undo() -> None:
        token.value = text
        _pop(items, index)

    return undo


def _pop(items: CommentedSeq, index: int) -> None:
    del items[index]
    items.ca.items.pop(index, None)


def _flow(container: Any) -> bool | None:
    """Whether a ruamel container is written in flow style (None: not a ruamel container)."""
    return bool(container.fa.flow_style()) if isinstance(container, _Container) else None


def _model(container: Any, value: Any) -> Any:
    """What a new child ``value`` of ``container`` is laid out like: an item of the same kind
    (the last one: the nearest to where an appended item goes)."""
    children = list(container.values()) if isinstance(container, dict) else list(container)
    for child in reversed(children):
        if isinstance(child, dict) == isinstance(value, dict) and isinstance(child, list) == isinstance(value, list):
            return child
    return None


def _like(value: Any, model: Any, flow: bool | None) -> Any:
    """``value`` in the style of ``model`` (the old value, or a sibling), or in the parent's
    style ``flow`` when the model is of another kind; as given when there is neither. Text
    takes the model's quoting (``styled``)."""
    if not isinstance(value, dict | list):
        return styled(value, model)
    kind: type[_Container] = CommentedMap if isinstance(value, dict) else CommentedSeq
    style = _flow(model) if isinstance(model, kind) else flow
    if style is None:
        style = _flow(value)
    out = kind()
    for key, child in value.items() if isinstance(value, dict) else enumerate(value):
        if isinstance(value, dict):
            like = model.get(key) if isinstance(model, dict) else None
        else:
            like = _model(model, child) if isinstance(model, list) else None
        _put(out, key, _like(child, like, style))
    if style:
        out.fa.set_flow_style()
    elif style is not None:
        out.fa.set_block_style()
    return out


def _identity(value: Any) -> str:
    """What an item is matched by: its id if it has one (a changed question is still that
    question), else its whole value."""
    if isinstance(value, dict) and isinstance(value.get("id"), str | int) and not isinstance(value.get("id"), bool):
        return "id:" + str(value["id"])
    return json.dumps(plain(value), sort_keys=True, default=str)


def _counterparts(new: Any, old: Any) -> list[tuple[Any, Any]]:
    """Each child of ``new`` (key or index) with the child of ``old`` it takes the place of, or
    None: a mapping's keys by name; a list's items by identity, and the items that replace
    others one for one by position (a changed value keeps its comment)."""
    if isinstance(new, dict):
        return [(key, next((k for k in old if k == key), None)) for key in new]  # the old key: its quotes
    matcher = difflib.SequenceMatcher(None, [_identity(x) for x in old], [_identity(x) for x in new], autojunk=False)
    out: list[tuple[Any, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            out.append((j1 + k, i1 + k if tag in ("equal", "replace") and i1 + k < i2 else None))
    return out


def _rebuilt(new: Any, old: _Container) -> _Container:
    """A new container holding ``new``'s data laid out like ``old`` (of the same kind), with
    copies of the comments of what it keeps, each where it belongs (see the module)."""
    out: _Container = CommentedMap() if isinstance(old, CommentedMap) else CommentedSeq()
    if old.fa.flow_style():
        out.fa.set_flow_style()
    else:
        out.fa.set_block_style()
    if old.ca.comment is not None:
        out.ca.comment = _copied(old.ca.comment)
    pairs = _counterparts(new, old)
    for position, (key, was) in enumerate(pairs):
        child = new[key]
        if was is None:  # a new item is laid out like the others; a new key's text as given
            value = _like(child, _model(old, child) if isinstance(old, CommentedSeq) else None, _flow(old))
        elif isinstance(child, dict | list):
            value = relaid(child, old[was])
        else:
            value = old[was] if same(plain(child), plain(old[was])) else styled(child, old[was])
        slot = position if isinstance(out, CommentedSeq) else key if was is None else was
        _put(out, slot, value)
        if was is not None and was in old.ca.items:
            out.ca.items[slot] = _copied(old.ca.items[was])
    _place_tails(out, old, [was for _, was in pairs])
    return out


def _put(container: _Container, key: Any, value: Any) -> None:
    if isinstance(container, CommentedMap):
        container[key] = value
    else:
        container.append(value)


def _copied(entry: Sequence[Any]) -> list[Any]:
    """A comment entry of ruamel (tokens, lists of tokens or None) with every token copied, so
    changing the copy leaves the old value's comments as they were (for ``undo``)."""
    return [
        None
        if part is None
        else [token_like(t, t.value) for t in part]
        if isinstance(part, list)
        else token_like(part, part.value)
        for part in entry
    ]


def _place_tails(out: _Container, old: _Container, was: list[Any]) -> None:
    """Give each child of ``out`` the comment lines that introduce the child after it in the
    old value (none if that child is new), and the last child those that followed ``old``."""
    keys = list(out) if isinstance(out, dict) else list(range(len(out)))
    old_keys = list(old) if isinstance(old, dict) else list(range(len(old)))
    for position, key in enumerate(keys):
        if position + 1 < len(keys):
            following = was[position + 1]
            index = old_keys.index(following) if following is not None else 0
            tail = _tail_at(old, old_keys[index - 1]) if index > 0 else None
        else:
            tail = _tail_of(old)
        _set_tail(out, key, tail)


def _last_entry(container: Any, key: Any) -> tuple[Any, Any]:
    """The container and key whose comment entry holds the lines after ``container[key]``: its
    deepest last value's, where ruamel keeps them."""
    owner, last = container, key
    while isinstance(owner[last], _Container) and owner[last]:
        owner = owner[last]
        last = next(reversed(owner)) if isinstance(owner, dict) else len(owner) - 1
    return owner, last


def _tail_at(container: Any, key: Any) -> Tail | None:
    """The comment lines after ``container[key]`` (not its own end-of-line comment)."""
    owner, last = _last_entry(container, key)
    entry = owner.ca.items.get(last)
    token = entry[eol_slot(owner)] if entry else None
    if token is None:
        return None
    rest = str(token.value).partition("\n")[2]
    return (rest, token) if rest else None


def _tail_of(container: Any) -> Tail | None:
    """The comment lines after a whole container (after its last child)."""
    if not container:
        return None
    return _tail_at(container, next(reversed(container)) if isinstance(container, dict) else len(container) - 1)


def _head(text: str) -> str:
    """A comment entry's end-of-line comment (``# lowest``), without the lines that follow."""
    return text.partition("\n")[0]


def _set_tail(container: Any, key: Any, tail: Tail | None) -> None:
    """Make ``tail`` the comment lines after ``container[key]``, keeping its end-of-line
    comment. The entry changed is a copy made for the new value (or made here)."""
    owner, last = _last_entry(container, key)
    slot = eol_slot(owner)
    entry = owner.ca.items.get(last)
    token = entry[slot] if entry else None
    rest = tail[0] if tail else ""
    if token is not None:
        head = _head(str(token.value))
        entry[slot] = None if not head and not rest else token
        token.value = head + "\n" + rest
    elif tail is not None:
        if entry is None:
            entry = owner.ca.items[last] = [None, None, None, None]
        entry[slot] = token_like(tail[1], "\n" + rest)
