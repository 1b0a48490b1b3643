"""Malformed inputs: mutations of valid files, and junk from scratch.

A mutation is a ``(kind, seed)`` pair and a *recipe* is a short tuple of them, applied in order.
Applying a recipe is deterministic (each step draws from ``random.Random(seed)``), so a recipe
is its own reproducer: ``apply(seed_bytes, recipe, KINDS)`` rebuilds the input exactly. The
Hypothesis strategies in ``tests/fuzz/strategies.py`` draw recipes (and shrink them to the fewest,
simplest kinds); the campaign runner (``python -m tests.fuzz.campaign``) draws them at random.

Kinds come in families, each a mapping ``name -> mutator(data, rnd) -> bytes``:

* ``BYTES``: any file: truncation, flipped/inserted/deleted bytes, NUL bytes, very long lines,
  line shuffles, empty files, junk, wrong encodings (UTF-16/32, Latin-1, CP1252, BOMs, CR/CRLF),
  control characters, oversize files;
* ``YAML``: YAML text: hostile scalars (``1e309``, ``10**400``, 5,000 digits, wrong types, tags),
  renamed and duplicated keys, deep nesting, alias bombs, anchors and undefined aliases, tabs,
  several documents, directives, merge keys, complex keys, stray flow characters, and
  structural edits on the loaded data (a random node replaced by a random value of another type,
  deleted, or duplicated);
* ``CSV``: ragged rows, unbalanced quotes, other separators, formula-like cells, hostile cells,
  header damage, duplicated rows, many rows or columns, blank lines;
* ``JSON``: JSON-only damage (``NaN``, ``Infinity``, ``1e999``, trailing commas, comments).
"""

from __future__ import annotations

import io
import itertools
import json
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

from ruamel.yaml import YAML as Ruamel

from omi_rules.yamlio.reader import parse_yaml

Mutator = Callable[[bytes, random.Random], bytes]
Recipe = tuple[tuple[str, int], ...]

# Values that have broken, or could break, a reader: numbers beyond float, beyond Python's
# 4,300-digit int conversion, non-finite floats, wrong types, tags, aliases, odd text.
HOSTILE_SCALARS = [
    "1e309",
    "-1e309",
    "1.7976931348623157e308",
    "4.9e-324",
    str(10**400),
    "-" + str(10**400),
    "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
    ".inf",
    "-.inf",
    ".nan",
    "0x7fffffffffffffffffff",
    "0o777777777777777777777",
    "1_000_000",
    "-0",
    "0.0000000000000000000000000001",
    "[]",
    "{}",
    "[[[[]]]]",
    "null",
    "~",
    "true",
    "false",
    "yes",
    "no",
    '""',
    "''",
    '"\\0\\x01\\u0000\\U0010FFFF"',
    '"\\ud800"',
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/name:builtins.eval",
    "!custom value",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2008-13-45",
    "!!int 'x'",
    "!!float abc",
    "*undefined_alias",
    "&anchor value",
    "2008-02-30",
    "2008-13-45",
    "0000-00-00",
    "9999-12-31T23:59:59Z",
    "'" + "a" * 70_000 + "'",
    '"' + "\\u00e9" * 50 + '"',
    "|\n  block\n  text",
    ">\n  folded\n  text",
    '"unterminated',
    "'unterminated",
    "@reserved",
    "`reserved",
    "%percent",
    "? complex",
    "- a\n- b",
    "{a: 1, a: 2}",
    "[1, 2",
    "{a: 1",
    "'don''t'",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "Ω≈ç√∫˜µ≤≥÷",
    "😀" * 20,
]

# Cells that have broken, or could break, the case-data readers and validators.
HOSTILE_CELLS = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    str(10**400),
    "9" * 5000,
    "-0",
    "1_000",
    "0x10",
    "1e3",
    "4.0",
    "4.5",
    " 4 ",
    "TRUE",
    "Yes",
    "NULL",
    "None",
    "#N/A",
    "#DIV/0!",
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    '=HYPERLINK("http://example.invalid","x")',
    "\t=1",
    "x" * 10_001,
    "x" * 140_000,
    "é",
    "\u200b",
    "\ufeff",
    "\u2028",
    "😀",
    "2008-02-30",
    "2008-01-01T00:00:00",
    "'",
    '"',
    '"a""b"',
    "a\nb",
    "a\rb",
    "\\",
]

FORMULA_CELLS = [c for c in HOSTILE_CELLS if c[:1] in ("=", "+", "-", "@", "\t")]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _pick_line(data: bytes, rnd: random.Random) -> tuple[list[bytes], int]:
    lines = _lines(data)
    return lines, rnd.randrange(len(lines))


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- any file: bytes and text ---


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    if not data:
        return bytes([rnd.randrange(256)])
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def insert_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.randbytes(rnd.randint(1, 16)) + data[at:]


def delete_span(data: bytes, rnd: random.Random) -> bytes:
    if not data:
        return data
    start = rnd.randrange(len(data))
    return data[:start] + data[start + rnd.randint(1, 200) :]


def nul_byte(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rnd.randint(1, 3) + data[at:]


def long_line(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    unit = lines[i] or b"x"
    lines[i] = unit * max(1, rnd.randint(10_000, 300_000) // len(unit))
    return b"\n".join(lines)


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    lines.insert(rnd.randrange(len(lines) + 1), lines[i])
    return b"\n".join(lines)


def delete_line(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    del lines[i]
    return b"\n".join(lines)


def swap_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def shuffle_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    rnd.shuffle(lines)
    return b"\n".join(lines)


def empty(data: bytes, rnd: random.Random) -> bytes:
    return rnd.choice([b"", b" ", b"\n", b"\n\n\n", b"\t", b"\r\n", b"# only a comment\n", b"\xef\xbb\xbf"])


def junk(data: bytes, rnd: random.Random) -> bytes:
    return rnd.randbytes(rnd.randint(1, 4000))


def junk_text(data: bytes, rnd: random.Random) -> bytes:
    alphabet = "abc:-[]{}#&*!|>'\",?%@`\n\t \\0123456789éΩ😀\u2028\ufeff\x01"
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 3000))).encode("utf-8")


def reencode(data: bytes, rnd: random.Random) -> bytes:
    """The same text in another encoding, with an accented letter so Latin-1 differs too."""
    text = _text(data)
    at = rnd.randrange(len(text) + 1)
    text = text[:at] + "é" + text[at:]
    encoding = rnd.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"])
    return text.encode(encoding, errors="replace")


def bom(data: bytes, rnd: random.Random) -> bytes:
    marks = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]
    mark = rnd.choice(marks)
    if rnd.random() < 0.5:
        return mark + data
    at = rnd.randrange(len(data) + 1)
    return data[:at] + mark + data[at:]


def newlines(data: bytes, rnd: random.Random) -> bytes:
    style = rnd.choice([b"\r\n", b"\r", b"\n\r", b"\x0b", b"\x0c", "\u2028".encode(), "\x85".encode()])
    if rnd.random() < 0.5:
        return data.replace(b"\n", style)
    lines = _lines(data)
    return b"".join(line + (style if rnd.random() < 0.5 else b"\n") for line in lines)


def control_chars(data: bytes, rnd: random.Random) -> bytes:
    chars = [
        b"\x01",
        b"\x07",
        b"\x1b[31m",
        b"\x7f",
        "\x85".encode(),
        "\u2028".encode(),
        "\ufeff".encode(),
        "\ufffe".encode(),
        b"\xed\xa0\x80",  # a UTF-16 surrogate written as UTF-8: not valid UTF-8
        b"\xc0\x80",  # an overlong NUL
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    ]
    out = data
    for _ in range(rnd.randint(1, 4)):
        at = rnd.randrange(len(out) + 1)
        out = out[:at] + rnd.choice(chars) + out[at:]
    return out


def oversize(data: bytes, rnd: random.Random) -> bytes:
    """Just over the 5 MiB YAML limit, or just under it (valid text, read in full)."""
    size = 5 * 1024 * 1024 + rnd.choice([1, -1000])
    comment = b"# padding padding padding padding padding padding padding padding\n"
    body = data + b"\n" + comment * (max(0, size - len(data)) // len(comment) + 1)
    return body[:size]


BYTES: dict[str, Mutator] = {
    "truncate": truncate,
    "flip-bytes": flip_bytes,
    "insert-bytes": insert_bytes,
    "delete-span": delete_span,
    "nul-byte": nul_byte,
    "long-line": long_line,
    "duplicate-line": duplicate_line,
    "delete-line": delete_line,
    "swap-lines": swap_lines,
    "shuffle-lines": shuffle_lines,
    "empty": empty,
    "junk": junk,
    "junk-text": junk_text,
    "reencode": reencode,
    "bom": bom,
    "newlines": newlines,
    "control-chars": control_chars,
}
"""Mutations for any text input. ``oversize`` is kept apart: it is slow to write 5 MiB, so only
the YAML targets use it."""

# ------------------------------------------------------------------------------------ YAML ---

_SCALAR = re.compile(rb"(?<=: )[^\n#]+|(?<=- )[^\n#:]+(?=\n)")
_KEY = re.compile(rb"^( *(?:- )?)([A-Za-z_\"'][^:\n]*):", re.M)


def replace_match(data: bytes, pattern: re.Pattern[bytes], rnd: random.Random, repl: Callable[[bytes], bytes]) -> bytes:
    matches = list(pattern.finditer(data))
    if not matches:
        return data
    m = rnd.choice(matches)
    return data[: m.start()] + repl(m.group(0)) + data[m.end() :]


def scalar_swap(data: bytes, rnd: random.Random) -> bytes:
    return replace_match(data, _SCALAR, rnd, lambda _: rnd.choice(HOSTILE_SCALARS).encode("utf-8"))


def key_swap(data: bytes, rnd: random.Random) -> bytes:
    """Rename a key: to an unknown one, a near miss, a duplicate of a neighbour, or odd text."""
    matches = list(_KEY.finditer(data))
    if not matches:
        return data
    m = rnd.choice(matches)
    other = rnd.choice(matches).group(2)
    new = rnd.choice(
        [
            other,
            m.group(2) + b"x",
            m.group(2)[:-1],
            m.group(2).upper(),
            b"__class__",
            b"'" + m.group(2) + b"'",
            b"<<",
            b"? " + m.group(2),
            b"[a, b]",
            b"{a: 1}",
            b"1",
            b"null",
            b"\xc3\xa9t\xc3\xa9",
        ]
    )
    return data[: m.start(2)] + new + data[m.end(2) :]


def deep_nest(data: bytes, rnd: random.Random) -> bytes:
    depth = rnd.choice([2, 10, 63, 64, 65, 100, 1000, 20_000])
    style = rnd.randrange(3)
    if style == 0:
        wrap = lambda v: b"[" * depth + v + b"]" * depth  # noqa: E731
    elif style == 1:
        wrap = lambda v: b"{a: " * depth + v + b"}" * depth  # noqa: E731
    else:  # block style: indentation
        wrap = lambda v: b"\n" + b"".join(b"  " * (i + 1) + b"a:\n" for i in range(min(depth, 2000))) + v  # noqa: E731
    return replace_match(data, _SCALAR, rnd, wrap)


def alias_bomb(data: bytes, rnd: random.Random) -> bytes:
    width, levels = rnd.choice([(9, 9), (10, 8), (2, 40), (100, 3), (3, 12)])
    names = [f"l{i}" for i in range(levels)]
    lines = [f"{names[0]}: &{names[0]} [{', '.join(['x'] * width)}]"]
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * width)}]")
    bomb = ("\n".join(lines) + "\n").encode()
    if rnd.random() < 0.5:
        return data.rstrip(b"\n") + b"\n" + bomb
    return bomb + data


def anchors(data: bytes, rnd: random.Random) -> bytes:
    """Anchor one value and alias it elsewhere (valid YAML), or use an undefined alias."""
    matches = list(_SCALAR.finditer(data))
    if len(matches) < 2:
        return data
    first, second = sorted(rnd.sample(matches, 2), key=lambda m: m.start())
    alias = b"*a" if rnd.random() < 0.8 else b"*nowhere"
    return (
        data[: first.start()]
        + b"&a "
        + first.group(0)
        + data[first.end() : second.start()]
        + alias
        + data[second.end() :]
    )


def tab_indent(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    stripped = lines[i].lstrip(b" ")
    lines[i] = b"\t" * rnd.randint(1, 3) + stripped
    return b"\n".join(lines)


def indent_shift(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    if rnd.random() < 0.5:
        lines[i] = b" " * rnd.randint(1, 5) + lines[i]
    else:
        lines[i] = lines[i][rnd.randint(1, 4) :]
    return b"\n".join(lines)


def documents(data: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(4)
    if choice == 0:
        return data + b"\n---\n" + data
    if choice == 1:
        return data + b"\n...\nextra: 1\n"
    if choice == 2:
        return b"---\n" + data + b"\n---\n"
    lines, i = _pick_line(data, rnd)
    lines.insert(i, b"---")
    return b"\n".join(lines)


def directive(data: bytes, rnd: random.Random) -> bytes:
    head = rnd.choice(
        [
            b"%YAML 1.1\n---\n",
            b"%YAML 9.9\n---\n",
            b"%TAG ! tag:example.com,2000:\n---\n",
            b"%FOO bar\n---\n",
            b"%YAML 1.2\n",
        ]
    )
    return head + data


def merge_key(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip(b" -"))]
    lines.insert(i, indent + b"<<: {extra: 1}")
    return b"\n".join(lines)


def complex_key(data: bytes, rnd: random.Random) -> bytes:
    return data.rstrip(b"\n") + rnd.choice([b"\n? [a, b]\n: c\n", b"\n{a: 1}: x\n", b"\n? |\n  block\n: v\n"])


def flow_garbage(data: bytes, rnd: random.Random) -> bytes:
    tokens = [
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"- ",
        b"? ",
        b"|",
        b">",
        b"&",
        b"*",
        b"!",
        b"%",
        b"@",
        b"`",
        b"'",
        b'"',
        b"#",
        b"\\",
    ]
    out = data
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randrange(len(out) + 1)
        out = out[:at] + rnd.choice(tokens) + out[at:]
    return out


def random_value(rnd: random.Random, depth: int = 0) -> Any:
    """A random JSON-like value: wrong types for whatever it replaces."""
    kind = rnd.randrange(12 if depth < 4 else 9)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice([True, False])
    if kind == 2:
        return rnd.choice([0, -1, 1, 7, 2**31, 2**63, -(2**64), 10**20, 10**300])
    if kind == 3:
        return rnd.choice([0.5, -0.0, 1e-320, 1e300, 1.7976931348623157e308, 3.14])
    if kind == 4:
        return rnd.choice(["", "x", "1.1", "4.1.1", "é", "a" * 5000, "\x01\x02", "\u2028", "😀", "None", "-1"])
    if kind == 5:
        return rnd.choice(["2008-02-30", "2008-01-01", "not a date", "1.0.0", "99.99.99", "0.0.0-rc1"])
    if kind == 6:
        return []
    if kind == 7:
        return {}
    if kind == 8:
        return rnd.choice(["yes", "no", "met", "good", "community", "custody", "high"])
    if kind == 9:
        return [random_value(rnd, depth + 1) for _ in range(rnd.randint(1, 4))]
    if kind == 10:
        return {str(random_value(rnd, depth + 1))[:20]: random_value(rnd, depth + 1) for _ in range(rnd.randint(1, 4))}
    value: Any = "x"
    for _ in range(rnd.randint(1, 100)):
        value = [value] if rnd.random() < 0.5 else {"a": value}
    return value


def _load(data: bytes) -> Any:
    """The data of a YAML text, read with omi-rules' own bounded reader (an alias bomb from an
    earlier mutation must not be expanded here); None if it cannot be read."""
    try:
        return parse_yaml(data.decode("utf-8"), "mutated").data
    except Exception:
        return None


def _dump(value: Any, as_json: bool) -> bytes:
    if as_json:
        return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")
    stream = io.StringIO()
    yaml = Ruamel(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(value, stream)
    return stream.getvalue().encode("utf-8")


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in ``value``: a place a value can be replaced."""
    out: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key))
            out.extend(_containers(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index))
            out.extend(_containers(item, (*path, index)))
    return out


def _structural(edit: Callable[[Any, Any, random.Random], None], as_json: bool) -> Mutator:
    def mutate(data: bytes, rnd: random.Random) -> bytes:
        value = _load(data)
        places = _containers(value)
        if not places:
            return _dump(random_value(rnd), as_json)
        container, key = rnd.choice(places)
        edit(container, key, rnd)
        return _dump(value, as_json)

    return mutate


def _replace(container: Any, key: Any, rnd: random.Random) -> None:
    container[key] = random_value(rnd)


def _delete(container: Any, key: Any, rnd: random.Random) -> None:
    del container[key]


def _duplicate(container: Any, key: Any, rnd: random.Random) -> None:
    if isinstance(container, list):
        container.insert(key, container[key])
    else:
        container[str(key) + rnd.choice(["", "_", "x"])] = container[key]


YAML_KINDS: dict[str, Mutator] = {
    "scalar-swap": scalar_swap,
    "key-swap": key_swap,
    "deep-nest": deep_nest,
    "alias-bomb": alias_bomb,
    "anchors": anchors,
    "tab-indent": tab_indent,
    "indent-shift": indent_shift,
    "documents": documents,
    "directive": directive,
    "merge-key": merge_key,
    "complex-key": complex_key,
    "flow-garbage": flow_garbage,
    "data-replace": _structural(_replace, as_json=False),
    "data-delete": _structural(_delete, as_json=False),
    "data-duplicate": _structural(_duplicate, as_json=False),
}

YAML: dict[str, Mutator] = {**BYTES, **YAML_KINDS, "oversize": oversize}
"""Every mutation for YAML inputs (rulesets, judgements, ruleset tests, YAML case data)."""

# ------------------------------------------------------------------------------------- CSV ---


def _rows(data: bytes) -> list[list[str]]:
    return [line.split(",") for line in _text(data).split("\n")]


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode("utf-8")


def ragged(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    row = rnd.choice(rows)
    if rnd.random() < 0.5 or len(row) < 2:
        row.extend(["extra"] * rnd.randint(1, 3))
    else:
        del row[rnd.randrange(len(row))]
    return _csv(rows)


def quotes(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    row = rnd.choice(rows)
    i = rnd.randrange(len(row))
    row[i] = rnd.choice(
        ['"' + row[i], row[i] + '"', '"' + row[i] + "\n" + row[i] + '"', '"a"b"', '""', '"' + row[i] + '"']
    )
    return _csv(rows)


def separator(data: bytes, rnd: random.Random) -> bytes:
    sep = rnd.choice([b";", b"\t", b"|", b", ", b" ,"])
    if rnd.random() < 0.5:
        return data.replace(b",", sep)
    lines, i = _pick_line(data, rnd)
    lines[i] = lines[i].replace(b",", sep)
    return b"\n".join(lines)


def cell_swap(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    row = rnd.choice(rows)
    row[rnd.randrange(len(row))] = rnd.choice(HOSTILE_CELLS)
    return _csv(rows)


def formula(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    for _ in range(rnd.randint(1, 5)):
        row = rnd.choice(rows[1:] or rows)
        row[rnd.randrange(len(row))] = rnd.choice(FORMULA_CELLS)
    return _csv(rows)


def header(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    head = rows[0]
    choice = rnd.randrange(7)
    if choice == 0:
        head[rnd.randrange(len(head))] = rnd.choice(head)  # a repeated column
    elif choice == 1:
        head[rnd.randrange(len(head))] = rnd.choice(["", " ", "case_id", "CASE_ID", "\ufeffcase_id", "1.1.9", "é"])
    elif choice == 2:
        del rows[0]
    elif choice == 3:
        order = list(range(len(head)))
        rnd.shuffle(order)
        rows = [[row[i] if i < len(row) else "" for i in order] for row in rows]
    elif choice == 4:
        rows = [row + [""] for row in rows]
        rows[0][-1] = "unknown_column"
    elif choice == 5:
        rows = [[row[0]] for row in rows]
    else:
        rows.insert(0, list(head))
    return _csv(rows)


def duplicate_rows(data: bytes, rnd: random.Random) -> bytes:
    rows = _rows(data)
    body = rows[1:] or rows
    copies = rnd.choice([1, 2, 50, 2000])
    return _csv(rows + [list(rnd.choice(body)) for _ in range(copies)])


def many_columns(data: bytes, rnd: random.Random) -> bytes:
    extra = rnd.choice([10, 300, 3000])
    rows = _rows(data)
    rows[0] = rows[0] + [f"x{i}" for i in range(extra)]
    for row in rows[1:]:
        row.extend([""] * extra)
    return _csv(rows)


def blank_lines(data: bytes, rnd: random.Random) -> bytes:
    lines, i = _pick_line(data, rnd)
    lines.insert(i, rnd.choice([b"", b",,,,", b"   ", b'""']))
    return b"\n".join(lines)


CSV_KINDS: dict[str, Mutator] = {
    "ragged": ragged,
    "quotes": quotes,
    "separator": separator,
    "cell-swap": cell_swap,
    "formula": formula,
    "header": header,
    "duplicate-rows": duplicate_rows,
    "many-columns": many_columns,
    "blank-lines": blank_lines,
}

CSV: dict[str, Mutator] = {**BYTES, **CSV_KINDS}
"""Every mutation for CSV case data."""

# ------------------------------------------------------------------------------------ JSON ---


def json_tokens(data: bytes, rnd: random.Random) -> bytes:
    """JSON that Python's json module would accept but the standard does not, and worse."""
    token = rnd.choice([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999", b"1" * 5000, b"undefined", b"'x'"])
    return replace_match(data, re.compile(rb'(?<=: )("[^"\n]*"|null|true|false|-?\d[\d.eE+-]*)'), rnd, lambda _: token)


def json_syntax(data: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(4)
    if choice == 0:
        return data.replace(b"}", b",}", 1)
    if choice == 1:
        return b"// comment\n" + data
    if choice == 2:
        return data.replace(b'"', b"'")
    return data + b"{}"


JSON: dict[str, Mutator] = {
    **BYTES,
    **YAML_KINDS,
    "data-replace": _structural(_replace, as_json=True),
    "data-delete": _structural(_delete, as_json=True),
    "data-duplicate": _structural(_duplicate, as_json=True),
    "json-tokens": json_tokens,
    "json-syntax": json_syntax,
}
"""Every mutation for JSON case data (JSON is read as YAML, so YAML damage applies too)."""


MAX_INPUT = 6 * 1024 * 1024
"""Largest input made (beyond every limit of the readers): mutations compound (a long line,
then its row copied 2,000 times), so each step's result is cut to this size."""


def apply(data: bytes, recipe: Recipe, kinds: Mapping[str, Mutator]) -> bytes:
    """Apply each ``(kind, seed)`` of ``recipe`` in turn."""
    for kind, seed in recipe:
        data = kinds[kind](data, random.Random(seed))[:MAX_INPUT]
    return data


def random_recipe(rnd: random.Random, kinds: Mapping[str, Mutator], most: int = 3) -> Recipe:
    """A recipe as the campaign runner draws it (Hypothesis draws them in ``strategies``)."""
    names = sorted(kinds)
    return tuple((rnd.choice(names), rnd.randrange(2**32)) for _ in range(rnd.randint(1, most)))
