"""The round-trip editing API (omi_rules.edit) and ``omi-rules get`` / ``omi-rules set``.

An edit must change the addressed value and nothing else: every comment, the key order, the
quoting and the layout of every other line stay as the methodology staff wrote them. The
property tests check that on every scalar of the bundled rulesets with generated values; the
unit and CLI tests check paths, styles, the check before saving, and every diagnostic.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from omi_rules.cli import main
from omi_rules.edit import EditError, RulesetEditor, YamlFile, new_problems, parse_path, parse_value
from omi_rules.yamlio import roundtrip
from omi_rules.yamlio.reader import parse_yaml
from omi_rules.yamlio.splice import lines

from .conftest import MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"
BUNDLED = sorted(
    p for folder in (ROOT / "rulesets", MINIMAL) for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")
)
EDITED = sorted([*OMI.glob("*.yaml"), *MINIMAL.glob("*.yaml")])
"""The ruleset files (main and part files) the edit property runs on."""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def copy_ruleset(source: Path, tmp_path: Path, name: str = "mini") -> Path:
    folder = tmp_path / name
    shutil.copytree(source, folder)
    return folder


def same(a: Any, b: Any) -> bool:
    """Equal data with the same key order and the same kind of scalar (1 is not 1.0 or true)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def read(text: str) -> Any:
    """The data of YAML text as the loader reads it; the text must have no error."""
    doc = parse_yaml(text, "edited.yaml")
    assert not [d for d in doc.diagnostics if d.severity.value == "error"], doc.diagnostics
    return doc.data


# -- round trip without an edit ------------------------------------------------------------


@cache
def _opened(path: Path) -> YamlFile:
    """A bundled file opened once for all tests (the property test undoes each of its edits)."""
    return YamlFile(path)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_without_edit_is_byte_identical(path: Path) -> None:
    """Invariant: ruamel.yaml alone, with the detected indentation, writes every bundled YAML
    file back byte for byte; and the API's text of an unedited file is the file."""
    file = _opened(path)
    assert file.exact, f"ruamel.yaml does not reproduce {path} (indent {file.indent})"
    assert roundtrip.dump(file.yaml, file.data) == path.read_text(encoding="utf-8")
    assert file.text().encode("utf-8") == path.read_bytes()
    assert file.diff() == "" and not file.changed


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_load_dump_load_gives_equal_data_for_bundled_files(path: Path) -> None:
    """Invariant: load -> dump -> load gives the same data (key order included)."""
    file = _opened(path)
    text = path.read_text(encoding="utf-8")
    assert same(read(roundtrip.dump(file.yaml, file.data)), read(text))
    assert same(roundtrip.plain(file.data), read(text))


# -- the edit property on the bundled rulesets ----------------------------------------------


def _spans(text: str) -> dict[tuple[str | int, ...], tuple[int, int, int, bool]]:
    """Each scalar's first line, last line (0-based) and end column, from the parser's nodes,
    and whether an anchor shares it with other places (an alias gives the same node)."""
    found: list[tuple[tuple[str | int, ...], ScalarNode]] = []

    def walk(node: Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, ScalarNode):
            found.append((path, node))

    walk(YAML(typ="safe").compose(text), ())
    uses = Counter(id(node) for _, node in found)
    out = {}
    for path, node in found:
        end = node.end_mark
        last = end.line if end.column > 0 else end.line - 1
        column = end.column if end.column > 0 else len(text.splitlines()[last])
        out[path] = (node.start_mark.line, last, column, uses[id(node)] > 1)
    return out


def _steps(data: Any, concrete: tuple[str | int, ...]) -> tuple[str, ...]:
    """The readable path of a concrete path: list items by id where they have one."""
    steps: list[str] = []
    node = data
    for key in concrete:
        if isinstance(node, list):
            item = node[key]
            has_ids = all(isinstance(i, dict) and "id" in i for i in node)
            steps.append(str(item["id"]) if has_ids else str(key))
        else:
            steps.append(str(key))
        node = node[key]
    return tuple(steps)


Concrete = tuple[str | int, ...]


@cache
def _prepared(
    path: Path,
) -> tuple[YamlFile, str, Any, list[tuple[Concrete, tuple[str, ...], Any]], dict[Concrete, Any]]:
    """An opened file (reused: each example undoes its edit), its text, data, scalars (concrete
    path, readable path, value) and where each scalar is written."""
    text = path.read_text(encoding="utf-8")
    data = read(text)
    spans = _spans(text)
    scalars = []
    for concrete in spans:
        node = data
        for key in concrete:
            node = node[key]
        scalars.append((concrete, _steps(data, concrete), node))
    return _opened(path), text, data, scalars, spans


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["yes", "no", "null", "~", "1.5", "72", "2008-09-01", "- a", "a: b", "#x", " x", "x ", "'", '"', "", "a\nb", "é"]
)


def _new_value(old: Any) -> st.SearchStrategy[Any]:
    """A new value of the old value's type."""
    if isinstance(old, bool):
        return st.booleans()
    if isinstance(old, int):
        return st.integers(min_value=-(10**15), max_value=10**15) | st.integers(-(10**300), 10**300)
    if isinstance(old, float):
        return st.floats(allow_nan=False, allow_infinity=False)
    if old is None:
        return st.none()
    return TEXT


def _comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]


@cache
def _original_comments(path: Path) -> list[str]:
    return _comment_lines(path.read_text(encoding="utf-8"))


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    items = iter(big)
    return all(any(x == y for y in items) for x in small)


@given(st.data())
def test_an_edit_keeps_comments_and_key_order(data: st.DataObject) -> None:
    """Invariant: setting any scalar of a bundled ruleset file (omi-2008, the minimal fixture) to
    a new value of its type changes only the lines of that value: every comment line is still
    there in order, the value's own end-of-line comment too, every mapping keeps its key order,
    and reading the file back gives the old data with only that value changed."""
    path = data.draw(st.sampled_from(EDITED), label="file")
    file, text, original, scalars, spans = _prepared(path)
    concrete, steps, old = data.draw(st.sampled_from(scalars), label="scalar")
    new = data.draw(_new_value(old), label="new value")
    file.set(steps, new)
    try:
        edited = file.text()
    finally:
        file.undo()
    assert not file.changed

    # only the value's own lines changed
    first, last, end_col, anchored = spans[concrete]
    old_lines, new_lines = lines(text), lines(edited)
    prefix = 0
    while prefix < min(len(old_lines), len(new_lines)) and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old_lines), len(new_lines)) - prefix and old_lines[-1 - suffix] == new_lines[-1 - suffix]:
        suffix += 1
    changed = range(prefix, len(old_lines) - suffix)
    # (A value with an anchor, &name, also changes where its aliases are: the anchor moves to
    # the next alias, which keeps the old value. Only its data is checked below.)
    assert anchored or all(first <= i <= last for i in changed), (steps, list(changed), (first, last))

    # comments: every comment line, in order, and the value's end-of-line comment
    assert _is_subsequence(_original_comments(path), _comment_lines(edited))
    eol = old_lines[last].rstrip("\n")[end_col:].strip()
    if eol.startswith("#") and last in changed:
        assert new_lines[len(new_lines) - suffix - 1].rstrip("\n").endswith(eol)

    # the data: the old data with the new value, key order included
    assert same(read(edited), _with(original, concrete, new)), (steps, new)


def _with(data: Any, path: Concrete, value: Any) -> Any:
    """``data`` with ``value`` at ``path`` (copied along the path; the rest is shared)."""
    if not path:
        return value
    copied = list(data) if isinstance(data, list) else dict(data)
    copied[path[0]] = _with(data[path[0]], path[1:], value)  # type: ignore[index]
    return copied


# -- generated documents: load -> dump -> load, and an edit on text ruamel does not reproduce --

KEYS = st.text(st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), min_size=1, max_size=8).filter(
    lambda k: k.strip() == k and k not in ("<<", "id")  # (list items with ids are addressed by id: tested below)
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    # (JSON writes a character beyond U+FFFF as two surrogate escapes, which YAML does not read)
    | st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=20)
)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
        max_leaves=8,
    ),
    min_size=1,
    max_size=4,
)


def _leaves(data: Any, path: Concrete = ()) -> list[Concrete]:
    """Paths of the scalars, and of the empty lists and mappings, of ``data``."""
    if isinstance(data, dict | list) and not data:
        return [path]
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [leaf for i, v in enumerate(data) for leaf in _leaves(v, (*path, i))]
    return [path]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the generated documents (one for all examples: Hypothesis runs a test
    function many times within one function-scoped fixture)."""
    return tmp_path_factory.mktemp("documents")


@given(document=DOCUMENTS, indent=st.sampled_from([None, 1, 2, 4]), data=st.data())
def test_load_dump_load_gives_equal_data(
    scratch: Path, document: dict[str, Any], indent: int | None, data: st.DataObject
) -> None:
    """Invariant: for any document (written as JSON, which is YAML, in flow or block layout),
    load -> dump -> load gives the same data, key order included; and setting any of its
    values reads back as the old data with that value changed, although ruamel does not
    reproduce such text line for line (the edit is applied to the original lines)."""
    text = json.dumps(document, indent=indent) + "\n"
    path = scratch / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    file = YamlFile(path)
    assert same(read(text), document)
    assert same(read(roundtrip.dump(file.yaml, file.data)), document)
    concrete = data.draw(st.sampled_from(_leaves(document)), label="value")
    if not concrete:
        return
    new = data.draw(SCALARS, label="new value")
    file.set([str(step) for step in concrete], new)
    assert same(read(file.text()), _with(document, concrete, new))


# -- paths -------------------------------------------------------------------------------------


def test_paths_name_keys_ids_and_indices() -> None:
    """Invariant: list items are addressed by id where they have one, by index otherwise."""
    file = YamlFile(MINIMAL / "ruleset.yaml")
    assert file.get("band_sets/conclusion/bands/good/min") == 71
    assert file.get("/band_sets/conclusion/bands/good/min/") == 71
    assert file.get("sections/1/criteria/1.1/questions/1.1.2/tags") == ["roh"]
    assert file.get("fields/roh/values/3") == "very_high"
    assert file.get(["decisions", "reinspect", "outcomes", "no", "label"]) == "No"
    assert file.where("band_sets/conclusion/bands/good/min").line == 47
    assert parse_path("a~1b/c~0d") == ("a/b", "c~d")


@pytest.mark.parametrize(
    ("path", "code", "message", "hint"),
    [
        ("band_sets/conclusion/bands/goood/min", "E001", "has no item with id 'goood'", "did you mean 'good'?"),
        ("fields/roh/valuez", "E001", "'fields/roh' has no key 'valuez'", "did you mean 'values'?"),
        ("fields/roh/values/9", "E001", "has no item 9", "give an index from 0 to 3"),
        ("sections/9", "E001", "has no item with id '9'", "the ids here are: 1"),
        ("band_sets/conclusion/bands/good/min/x", "E002", "is a number (71)", "the path ends at"),
        ("title/x", "E002", "is text ('Minimal inspection')", "the path ends at title"),
        ("a//b", "E001", "empty step", "give a path such as"),
        ("", "E001", "the path is empty", "give a path such as"),
    ],
)
def test_a_wrong_path_is_a_located_diagnostic(path: str, code: str, message: str, hint: str) -> None:
    """Invariant: every wrong path is one located diagnostic with a hint, never a traceback."""
    file = YamlFile(MINIMAL / "ruleset.yaml")
    with pytest.raises(EditError) as caught:
        file.get(path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, message in diagnostic.message, hint in (diagnostic.hint or "")) == (code, True, True)
    if "empty" not in message:  # a wrong step is located in the file; a malformed path is not
        assert diagnostic.position.line > 0, diagnostic


def test_values_given_as_yaml_text() -> None:
    """Invariant: VALUE is read as YAML; anything that is not is E003 located in the value."""
    assert parse_value("72") == 72
    assert roundtrip.plain(parse_value("[a, b]")) == ["a", "b"]
    assert roundtrip.plain(parse_value("{min: 0, max: 62}")) == {"min": 0, "max": 62}
    assert roundtrip.plain(parse_value("null")) is None
    for text, problem in [("[a, b", "not valid YAML"), ("", "empty"), ("# note", "empty"), ("!!python/x 1", "tag")]:
        with pytest.raises(EditError) as caught:
            parse_value(text)
        [diagnostic] = caught.value.diagnostics
        assert diagnostic.code == "E003" and problem in diagnostic.message, diagnostic
        assert diagnostic.position.file == "VALUE"
    file = YamlFile(MINIMAL / "ruleset.yaml")
    for bad in (float("inf"), 10**400, object()):
        with pytest.raises(EditError, match="cannot be written"):
            file.set("band_sets/conclusion/bands/good/min", bad)
    assert not file.changed


# -- how values are written --------------------------------------------------------------------


def _file(tmp_path: Path, text: str, name: str = "doc.yaml", raw: bytes | None = None) -> YamlFile:
    path = tmp_path / name
    if raw is None:
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(raw)
    return YamlFile(path)


def test_text_keeps_its_quoting_and_folded_text_is_wrapped(tmp_path: Path) -> None:
    """Invariant: a new text takes the old one's style; folded text is re-wrapped at the old
    paragraph's width; text only double quotes can hold gets them."""
    file = _file(
        tmp_path,
        "a: \"double\"\nb: 'single'\nc: plain\n"
        "d: >-\n  one two three four five six seven eight nine ten eleven twelve\n  thirteen.\n"
        "e: |\n  line one\n  line two\n",
    )
    file.set("a", "new")
    file.set("b", "it's")
    file.set("c", "yes")
    file.set("d", " ".join(["word"] * 40))
    file.set("e", "first\nsecond\n")
    text = file.text()
    assert 'a: "new"\n' in text and "b: 'it''s'\n" in text and "c: 'yes'\n" in text  # 'yes': see styled
    folded = text.split("d: >-\n")[1].split("e:")[0].splitlines()
    assert len(folded) > 2 and all(len(line) <= 75 for line in folded)
    assert "e: |\n  first\n  second\n" in text
    assert same(read(text), {"a": "new", "b": "it's", "c": "yes", "d": " ".join(["word"] * 40), "e": "first\nsecond\n"})
    file.set("c", "two\nlines and a trailing space ")
    assert read(file.text())["c"] == "two\nlines and a trailing space "
    assert 'c: "two\\nlines' in file.text()


def test_explicit_null_anchor_and_comments_survive(tmp_path: Path) -> None:
    """Invariant: an explicit null keeps its spelling; replacing one alias keeps the anchor;
    the comment lines after a replaced mapping and before a following key stay in place."""
    text = (
        "# head\nnothing: null   # stays null\ntilde: ~\nshared: &s {x: 1}\nuse: *s\nweights:   # about\n"
        "  a: 0.8\n  b: 0.2\n  # comment about next\nnext: 1\nlast:\n  k: v\n  # about the end\nend: 2\n"
    )
    file = _file(tmp_path, text)
    file.set("next", 5)
    file.set("use", "own")
    file.set("weights", 1)
    file.set("last/new", "added")
    out = file.text()
    assert "nothing: null   # stays null\ntilde: ~\nshared: &s {x: 1}\nuse: own\n" in out
    assert "weights: 1 # about\n  # comment about next\nnext: 5\n" in out
    assert "  k: v\n  new: added\n  # about the end\nend: 2\n" in out
    with pytest.raises(EditError) as caught:
        _file(tmp_path, "a: &x {p: 1}\nb: *x\n", "shared.yaml").set("b/p", 2)
    assert caught.value.diagnostics[0].code == "E004" and "&x" in caught.value.diagnostics[0].message


def test_delete_and_undo(tmp_path: Path) -> None:
    """Invariant: delete keeps the comment lines that followed the deleted key; undo takes any
    edit back exactly."""
    text = "a: 1\nb: 2  # about b\n# about c\nc: [x, y]\nd:\n  - id: p\n    v: 1\n  - id: q\n    v: 2\n"
    file = _file(tmp_path, text)
    file.delete("b")
    file.delete("d/p")
    file.delete("c/0")
    assert file.text() == "a: 1\n# about c\nc: [y]\nd:\n  - id: q\n    v: 2\n"
    while file.undo():
        pass
    assert file.text() == text and roundtrip.dump(file.yaml, file.data) == text
    file.set("d/q/w", 3)
    file.set("a", "x")
    assert file.undo() and file.undo() and not file.undo()
    assert roundtrip.dump(file.yaml, file.data) == text


BLOCK_LISTS = (
    "a:   # the values\n"
    "  - low    # lowest\n"
    "  - medium\n"
    "  # the top one\n"
    "  - high\n"
    "# about b\n"
    "b:\n"
    "  - id: p\n"
    "    v: 1   # one\n"
    "  # before q\n"
    "  - id: q\n"
    "    v: 2\n"
    "  # after the items\n"
    "c: [x, y]\n"
)


def test_a_block_list_set_as_a_whole_keeps_its_layout_and_comments(tmp_path: Path) -> None:
    """Invariant (issue 14): a list given in flow style replaces a block list as a block list,
    nested mappings included; the items it keeps keep their comments, the comment introducing
    an item still introduces it, the comments after the list stay after it; a flow list stays
    flow; undo restores the file exactly."""
    file = _file(tmp_path, BLOCK_LISTS)
    file.set("a", parse_value("[low, medium, high, very_high]"))
    file.set("b", parse_value("[{id: p, v: 1}, {id: s, v: 5}, {id: q, v: 3}]"))
    file.set("c", parse_value("[x, y, z]"))
    assert file.text() == (
        "a:   # the values\n"
        "  - low    # lowest\n"
        "  - medium\n"
        "  # the top one\n"
        "  - high\n"
        "  - very_high\n"
        "# about b\n"
        "b:\n"
        "  - id: p\n"
        "    v: 1   # one\n"
        "  - id: s\n"
        "    v: 5\n"
        "  # before q\n"
        "  - id: q\n"
        "    v: 3\n"
        "  # after the items\n"
        "c: [x, y, z]\n"
    )
    assert file.reformatted() == []
    file.set("a", parse_value("[low, high]"))  # medium goes; the comment introducing high stays
    assert file.text().startswith("a:   # the values\n  - low    # lowest\n  # the top one\n  - high\n# about b\nb:\n")
    while file.undo():
        pass
    assert file.text() == BLOCK_LISTS and roundtrip.dump(file.yaml, file.data) == BLOCK_LISTS


def test_a_last_step_dash_appends_an_item_laid_out_like_the_others(tmp_path: Path) -> None:
    """Invariant (issue 14): ``LIST/-`` appends an item after the last one, in the layout of the
    items before it (a block mapping in a list of block mappings), before the comment lines
    that followed the list; the change names the new item by its id or number; undo takes it
    back exactly; '-' anywhere else is E001."""
    file = _file(tmp_path, BLOCK_LISTS)
    assert str(file.set("a/-", "very_high")).endswith('a/3: added "very_high"')
    assert str(file.set("b/-", parse_value("{id: r, v: 7}"))).endswith('b/r: added {"id": "r", "v": 7}')
    file.set("c/-", "z")
    assert file.text() == BLOCK_LISTS.replace("  - high\n", "  - high\n  - very_high\n").replace(
        "    v: 2\n", "    v: 2\n  - id: r\n    v: 7\n"
    ).replace("[x, y]", "[x, y, z]")
    assert read(file.text())["b"][2] == {"id": "r", "v": 7}
    while file.undo():
        pass
    assert file.text() == BLOCK_LISTS
    for path in ("a/-/x", "b/-/v"):
        with pytest.raises(EditError) as caught:
            file.set(path, 1)
        assert caught.value.diagnostics[0].code == "E001" and "'-'" in caught.value.diagnostics[0].message
    with pytest.raises(EditError) as caught:
        file.get("a/-")
    assert caught.value.diagnostics[0].code == "E001"


def test_cli_set_keeps_a_block_list_and_appends_to_it(tmp_path: Path) -> None:
    """Invariant (issue 14): on the command line too, a list set as a whole stays a block list
    with its comments, ``PATH/-`` appends, and the saved ruleset loads and checks clean."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    main = folder / "ruleset.yaml"
    block = (
        "    values:   # as recorded in the case file\n"
        "      - community\n"
        "      - licence   # on licence after custody\n"
        "      # still in prison\n"
        "      - custody\n"
    )
    original = main.read_text(encoding="utf-8").replace("    values: [community, licence, custody]\n", block)
    main.write_text(original, encoding="utf-8")
    code, out, err = run("set", str(folder), "fields/sentence/values", "[community, licence, custody, remand]")
    assert code == 0 and out.endswith(f"saved {main}\n"), err
    code, out, err = run("set", str(folder), "fields/sentence/values/-", "suspended")
    assert code == 0 and f'{main}:23:7: fields/sentence/values/4: added "suspended"\n' in out, err
    code, out, err = run("set", str(folder), "sections/-", "{id: '5', title: More, kind: judgement, rule: simple}")
    assert code == 1 and "sections/5: added" in out and "not saved" in err  # a section needs criteria
    assert main.read_text(encoding="utf-8") == original.replace(
        "      - custody\n", "      - custody\n      - remand\n      - suspended\n"
    )
    assert run("check", str(folder))[0] == 0


def test_lines_ruamel_does_not_reproduce_stay_as_written(tmp_path: Path) -> None:
    """Invariant: an edit changes only its own lines even where ruamel.yaml would lay out the
    rest of the file differently (spacing, flow style, CRLF line ends, byte-order mark); lines
    next to the edit that ruamel must rewrite are reported (E005)."""
    text = "a:   1\nb: [ x,  y ]\nc:    {p: 1,q: 2}\nd: 4\n"
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    file = _file(tmp_path, "", raw=raw)
    assert not file.exact
    file.set("d", 5)
    assert file.render().text == text.replace("d: 4", "d: 5").replace("\n", "\r\n")
    assert file.reformatted() == []
    file.save()
    assert (tmp_path / "doc.yaml").read_bytes() == raw.replace(b"d: 4", b"d: 5")
    file.set("b/1", "z")
    assert file.render().text.startswith("a:   1\r\nb: [x, z]\r\nc:    {p: 1,q: 2}\r\n")
    [warning] = file.reformatted()
    assert (warning.code, warning.position.line, warning.severity.value) == ("E005", 2, "warning")


def test_a_file_without_final_newline(tmp_path: Path) -> None:
    """Invariant: a file that does not end with a line break still does not after an edit."""
    file = _file(tmp_path, "a: 1\nb: 2")
    file.set("b", 3)
    assert file.text() == "a: 1\nb: 3"
    file.set("a", 0)
    assert file.text() == "a: 0\nb: 3"


# -- saving ------------------------------------------------------------------------------------


def test_save_is_atomic_keeps_the_mode_and_follows_links(tmp_path: Path) -> None:
    """Invariant: save replaces the file in one step, keeps its permissions, writes through a
    symbolic link, and refuses (E006) when the file changed since it was read."""
    target = tmp_path / "real.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    file = YamlFile(link)
    file.set("a", 2)
    assert file.save() and not file.save()
    assert target.read_text(encoding="utf-8") == "a: 2\n" and link.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    file.set("a", 3)
    target.write_text("a: 9\n", encoding="utf-8")
    with pytest.raises(EditError) as caught:
        file.save()
    assert caught.value.diagnostics[0].code == "E006" and caught.value.unreadable
    assert target.read_text(encoding="utf-8") == "a: 9\n"


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Invariant: a write that fails is E006 (exit 2); the file is as it was and no temporary
    file is left behind."""
    path = tmp_path / "doc.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    file = YamlFile(path)
    file.set("a", 2)

    def refuse(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(EditError) as caught:
        file.save()
    assert caught.value.diagnostics[0].code == "E006" and "Permission denied" in caught.value.diagnostics[0].message
    assert path.read_text(encoding="utf-8") == "a: 1\n" and sorted(p.name for p in tmp_path.iterdir()) == ["doc.yaml"]


def test_unreadable_files(tmp_path: Path) -> None:
    """Invariant: a file that cannot be read is the loader's own diagnostic (exit code 2)."""
    (tmp_path / "bad.yaml").write_bytes(b"a: caf\xe9\n")
    (tmp_path / "dup.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    for name, code, unreadable in [
        ("missing.yaml", "Y001", True),
        ("bad.yaml", "Y002", True),
        ("dup.yaml", "Y006", False),
    ]:
        with pytest.raises(EditError) as caught:
            YamlFile(tmp_path / name)
        assert (caught.value.diagnostics[0].code, caught.value.unreadable) == (code, unreadable)


# -- a whole ruleset ---------------------------------------------------------------------------


def test_an_edit_goes_to_the_file_that_holds_the_value(tmp_path: Path) -> None:
    """Invariant: a path into a part file edits that part file; the edited ruleset is checked in
    memory, and nothing is written before save."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    editor = RulesetEditor(folder)
    change = editor.set("sections/4/criteria/4.1/specific_criteria/4.1.2/text", "Risks are logged with owners.")
    assert Path(change.file).name == "section-4.yaml" and change.old == "Risks are logged."
    assert editor.get("sections/4/criteria/4.1/specific_criteria/4.1.2/text") == "Risks are logged with owners."
    editor.set("band_sets/conclusion/bands/good/min", 72)
    report, files = editor.check()
    [error] = report.errors
    assert error.code == "R004" and files[error.position.file][error.position.line - 1].strip() == "min: 72"
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before
    editor.set("band_sets/conclusion/bands/priority/max", 72)
    original, _ = editor.check(edited=False)
    edited, _ = editor.check()
    assert new_problems(original, edited) == []
    assert sorted(Path(name).name for name in editor.save()) == ["ruleset.yaml", "section-4.yaml"]
    changed = sorted(name for name, text in before.items() if (folder / name).read_bytes() != text)
    assert changed == ["ruleset.yaml", "section-4.yaml"]


def test_values_of_a_parent_ruleset_and_lists_over_several_files_are_refused(tmp_path: Path) -> None:
    """Invariant: E004 for a value inherited through extends, and for a whole list whose items
    are spread over several files."""
    shutil.copytree(ROOT / "rulesets" / "omi-2008", tmp_path / "omi-2008")
    shutil.copytree(ROOT / "rulesets" / "omi2-2009", tmp_path / "omi2-2009")
    editor = RulesetEditor(tmp_path / "omi2-2009")
    assert editor.get("band_sets/conclusion/bands/good/min") == 71
    for path in ("band_sets/conclusion/bands/good/min", "sections"):
        with pytest.raises(EditError) as caught:
            editor.set(path, 1)
        assert caught.value.diagnostics[0].code == "E004", caught.value.diagnostics
    assert Path(editor.set("headlines/control/title", "Control").file).name == "ruleset.yaml"


# -- the command line --------------------------------------------------------------------------


def test_cli_get(chdir_root: Path) -> None:
    """Invariant: get prints the value (text as it is, JSON on request, YAML for a mapping) and
    where it is written, in a part file when it is there."""
    code, out, err = run("get", "rulesets/omi-2008", "sections/1/criteria/1.1/questions/1.1.2/relevant_if")
    assert (code, out) == (0, "court_report != 'none'\n") and err.startswith("from rulesets/omi-2008/section-1.yaml:")
    code, out, _ = run("get", str(MINIMAL), "fields/roh/values", "--format", "json")
    assert json.loads(out) == ["low", "medium", "high", "very_high"]
    assert run("get", str(MINIMAL), "fields/roh")[1].startswith("id: roh\ntype: enum\n")


def test_cli_set_saves_a_change_that_checks_clean(tmp_path: Path) -> None:
    """Invariant: set saves a change that introduces no error, exactly the changed lines, and
    says so; setting a value it already has changes nothing."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    good, priority = "band_sets/conclusion/bands/good/min", "band_sets/conclusion/bands/priority/max"
    code, out, err = run("set", str(folder), good, "72", priority, "72")
    assert code == 0, err
    assert out.endswith(
        "good/min: 71 -> 72\n" + f"{folder}/ruleset.yaml:54:14: {priority}: 71 -> 72\nsaved {folder}/ruleset.yaml\n"
    )
    original = (MINIMAL / "ruleset.yaml").read_text(encoding="utf-8")
    assert (folder / "ruleset.yaml").read_text(encoding="utf-8") == original.replace("min: 71\n", "min: 72\n").replace(
        "max: 71\n", "max: 72\n"
    )
    assert run("set", str(folder), good, "72")[1] == "nothing to change: the ruleset already has this value\n"


def test_cli_set_refuses_a_change_that_introduces_an_error(tmp_path: Path) -> None:
    """Invariant: a change that introduces an error is printed and not saved (exit 1); --dry-run
    prints the diff and saves nothing; --force saves it (still exit 1)."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    original = (folder / "ruleset.yaml").read_bytes()
    code, out, err = run("set", str(folder), "band_sets/conclusion/bands/good/min", "72")
    assert code == 1 and "error[R004]" in err and "not saved: the change introduces 1 error" in err
    assert (folder / "ruleset.yaml").read_bytes() == original
    code, out, err = run("set", str(folder), "band_sets/conclusion/bands/good/min", "72", "--dry-run")
    assert (
        code == 1
        and out.startswith(f"--- {folder}/ruleset.yaml\n+++ ")
        and "-        min: 71\n+        min: 72\n" in out
    )
    assert "dry run: nothing saved; it would be refused" in err and (folder / "ruleset.yaml").read_bytes() == original
    code, out, err = run("set", str(folder), "band_sets/conclusion/bands/good/min", "72", "--force")
    assert code == 1 and "saved" in out and (folder / "ruleset.yaml").read_bytes() != original


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["band_sets/conclusion/bands/goood/min", "72"], 1, "error[E001]"),
        (["band_sets/conclusion/bands/good/min/x", "72"], 1, "error[E002]"),
        (["band_sets/conclusion/bands/good/min", "[72"], 1, "VALUE:1:1: error[E003]"),
        (["sections", "[]"], 1, "error[E004]"),
        (["band_sets/conclusion/bands/good/min"], 2, "give a VALUE after each PATH"),
        (["band_sets/conclusion/bands/good/mni", "1"], 1, "error[S001]"),
    ],
)
def test_cli_set_mistakes(tmp_path: Path, args: list[str], code: int, expected: str) -> None:
    """Invariant: each mistake is a located diagnostic and the documented exit code; no file is
    written, and there is never a traceback."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.glob("*.yaml")}
    result = run("set", str(folder), *args)
    assert result[0] == code and expected in result[1] + result[2], result
    assert "Traceback" not in result[1] + result[2]
    assert {p.name: p.read_bytes() for p in folder.glob("*.yaml")} == before


def test_cli_unreadable_ruleset_exits_2(tmp_path: Path) -> None:
    """Invariant: a ruleset that cannot be read is the loader's Y001, exit code 2."""
    code, _, err = run("set", str(tmp_path / "nothing"), "a", "1")
    assert code == 2 and "error[Y001]" in err
    code, _, err = run("get", str(tmp_path / "nothing"), "a")
    assert code == 2 and "error[Y001]" in err


def test_cli_set_as_a_subprocess(tmp_path: Path) -> None:
    """The installed entry point: text with --string, saved, only its line changed."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "omi_rules",
            "set",
            str(folder),
            "sections/4/criteria/4.1/title",
            "Plan: yes",
            "--string",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    original = (MINIMAL / "section-4.yaml").read_text(encoding="utf-8")
    assert (folder / "section-4.yaml").read_text(encoding="utf-8") == original.replace(
        "title: Planning\n", "title: 'Plan: yes'\n"
    )


def test_a_new_literal_text_line_starting_with_a_hash_stays_text(tmp_path: Path) -> None:
    """Invariant: a line of new block text that looks like a comment is written as text (the
    item-only fast path must not take it for a comment line)."""
    file = _file(tmp_path, "items:\n  - id: a\n    text: |\n      one\n    n: 1\n  - id: b\n    n: 2\n")
    file.set("items/a/text", "first\n# not a comment\nlast\n")
    assert read(file.text())["items"][0]["text"] == "first\n# not a comment\nlast\n"
    assert "      # not a comment\n" in file.text()


def test_ruleset_undo_and_all_or_nothing_save(tmp_path: Path) -> None:
    """Invariant: undo takes a ruleset change back; save writes nothing when any edited file was
    changed on disk since it was read."""
    folder = copy_ruleset(MINIMAL, tmp_path)
    editor = RulesetEditor(folder)
    editor.set("title", "Other")
    assert editor.undo() and not editor.undo() and editor.get("title") == "Minimal inspection"
    editor.set("title", "Other")
    editor.set("sections/4/title", "Leadership and management")
    before = (folder / "ruleset.yaml").read_bytes()
    (folder / "section-4.yaml").write_text((MINIMAL / "section-4.yaml").read_text() + "# edited\n")
    with pytest.raises(EditError) as caught:
        editor.save()
    assert caught.value.diagnostics[0].code == "E006"
    assert (folder / "ruleset.yaml").read_bytes() == before
