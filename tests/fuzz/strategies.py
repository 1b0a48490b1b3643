"""Hypothesis strategies: mutation recipes for files and command lines, and hostile conditions.

Recipes are drawn as lists of ``(kind, seed)`` pairs (see ``mutations``): Hypothesis chooses the
kinds and shrinks a failure to the fewest and simplest of them; the seed fills in the details
(which byte, which line, which hostile value), so a recipe printed in a failure rebuilds the
input exactly (``python -m tests.fuzz.campaign --replay ...``).

Conditions are generated natively: token soups of Python-like syntax, and structured hostile
expressions (attributes, dunders, subscripts, calls to builtins, lambdas, comprehensions,
f-strings, walrus, starred, deep nesting, long chains) built by ``st.recursive``.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from .mutations import Recipe

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def recipes(kinds: Sequence[str], most: int = 3) -> st.SearchStrategy[Recipe]:
    """One to ``most`` mutations of the given kinds."""
    step = st.tuples(st.sampled_from(sorted(kinds)), SEEDS)
    return st.lists(step, min_size=1, max_size=most).map(tuple)


# ------------------------------------------------------------------------- conditions ---

FIELDS = ["sentence", "roh", "tier", "ppo", "start", "note"]
"""The names declared in ``test_expressions.ENV``."""
UNDECLARED = ["x", "foo", "os", "sys", "self", "case", "answer_", "Sentence", "true_", "nan", "inf", "None"]
DUNDERS = [
    "__import__",
    "__class__",
    "__bases__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__dict__",
    "__mro__",
    "__getattribute__",
    "__reduce__",
    "__code__",
    "__loader__",
    "__name__",
    "__",
    "_",
]
BUILTINS = [
    "open",
    "eval",
    "exec",
    "compile",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "dir",
    "type",
    "input",
    "breakpoint",
    "print",
    "help",
    "exit",
    "quit",
    "memoryview",
    "bytearray",
    "range",
    "len",
    "sum",
    "max",
    "pow",
    "format",
    "repr",
    "chr",
    "ord",
    "classmethod",
    "object",
    "super",
    "id",
    "hash",
    "iter",
    "next",
]
KEYWORDS = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "for",
    "lambda",
    "yield",
    "await",
    "import",
    "from",
    "as",
    "with",
    "None",
    "True",
    "False",
    "true",
    "false",
    "del",
    "global",
    "pass",
    "return",
    "async",
    "match",
    "case",
]
OPERATORS = [
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "@",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    ":=",
    "=",
    ".",
    ",",
    ":",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "->",
    "...",
    "!",
    "$",
    "?",
    "`",
    "\\",
    "#",
    "&&",
    "||",
]
LITERALS = [
    "0",
    "4",
    "-1",
    "1.5",
    "10**400",
    "9" * 20,
    "9" * 5000,
    "1e309",
    "1e-400",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "1j",
    "'custody'",
    "'high'",
    "'1.1.1'",
    "'2008-01-01'",
    '"yes"',
    "'\\x00'",
    "'\\N{BULLET}'",
    "'\\u0041'",
    "b'bytes'",
    "r'raw\\'",
    "u'text'",
    "f'{sentence}'",
    "f'{__import__(\"os\")}'",
    "'''triple'''",
    "'unterminated",
    '"""',
    "'a' * 10**9",
    "[]",
    "()",
    "{}",
    "...",
]
WHITESPACE = [" ", "  ", "\n", "\t", "\r", "\x0c", "\u00a0", "\u2028", "\u3000", ""]
UNICODE_NAMES = ["ｏｐｅｎ", "ｅｖａｌ", "ℯval", "ſentence", "tıer", "ｒｏｈ", "раssword", "é"]

FUNCTIONS = ["answer"]
"""The functions registered in ``test_expressions.ENV``."""


def token_soups() -> st.SearchStrategy[str]:
    """Random sequences of Python-like tokens: mostly not valid Python at all."""
    token = st.one_of(
        st.sampled_from(FIELDS + UNDECLARED + DUNDERS + BUILTINS + KEYWORDS + UNICODE_NAMES + FUNCTIONS),
        st.sampled_from(OPERATORS),
        st.sampled_from(LITERALS),
        st.text(max_size=4),
    )
    return st.tuples(st.lists(token, max_size=40), st.lists(st.sampled_from(WHITESPACE), min_size=1, max_size=40)).map(
        lambda pair: "".join(t + pair[1][i % len(pair[1])] for i, t in enumerate(pair[0]))
    )


def _atoms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(FIELDS + UNDECLARED + DUNDERS + BUILTINS + UNICODE_NAMES),
        st.sampled_from(LITERALS),
        st.sampled_from(["answer('1.2.3')", "answer('9.9.9')", "true", "false"]),
    )


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    name = st.sampled_from(DUNDERS + ["upper", "real", "system", "read", "mro", "format"])
    return st.one_of(
        st.builds(lambda a, n: f"{a}.{n}", inner, name),
        st.builds(lambda a, b: f"{a}[{b}]", inner, inner),
        st.builds(
            lambda f, args: f"{f}({', '.join(args)})",
            st.sampled_from(BUILTINS + DUNDERS + FUNCTIONS),
            st.lists(inner, max_size=3),
        ),
        st.builds(lambda a, b: f"answer({a}, x={b})", inner, inner),
        st.builds(lambda a: f"(lambda: {a})()", inner),
        st.builds(lambda a, b: f"[{a} for x in {b}]", inner, inner),
        st.builds(lambda a, b: f"{{{a}: {b}}}", inner, inner),
        st.builds(lambda a: f"{{{a}}}", inner),
        st.builds(lambda a: f"f'{{{a}}}'", inner),
        st.builds(lambda a: f"(x := {a})", inner),
        st.builds(lambda a: f"[*{a}]", inner),
        st.builds(lambda a, b, c: f"{a} if {b} else {c}", inner, inner, inner),
        st.builds(
            lambda a, op, b: f"{a} {op} {b}",
            inner,
            st.sampled_from(OPERATORS[:22] + ["and", "or", "in", "not in", "is", "is not"]),
            inner,
        ),
        st.builds(lambda a: f"not {a}", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"-{a}", inner),
        st.builds(lambda a: f"~{a}", inner),
        st.builds(lambda a, b: f"{a} ** {b}", inner, inner),
    )


def structured() -> st.SearchStrategy[str]:
    """Expressions that Python parses but that use constructs outside the whitelist (mostly)."""
    return st.recursive(_atoms(), _extend, max_leaves=12)


def bulk() -> st.SearchStrategy[str]:
    """Size attacks: deep nesting, long chains, long literals, long text, huge repetition."""
    n = st.integers(min_value=1, max_value=3000)
    return st.one_of(
        st.builds(lambda k: "(" * k + "ppo" + ")" * k, n),
        st.builds(lambda k: "not " * k + "ppo", n),
        st.builds(lambda k: " or ".join(["ppo"] * k), n),
        st.builds(lambda k: " and ".join(["tier == 4"] * k), n),
        st.builds(lambda k: "tier == " + "9" * k, n),
        st.builds(lambda k: "tier" + " + tier" * k + " > 1", n),
        st.builds(lambda k: "-" * k + "tier > 1", n),
        st.builds(lambda k: "sentence in [" + ", ".join(["'custody'"] * k) + "]", n),
        st.builds(lambda k: "tier == " + "[" * k + "]" * k, n),
        st.builds(lambda k: "x" * k, n),
        st.builds(lambda k: "'" + "a" * k + "' == note", n),
        st.builds(lambda k: "tier > 1e" + str(k), n),
        st.builds(lambda k: "tier * " * k + "tier > 0", n),
        st.builds(lambda k: "9" + "**9" * k, n),
    )


FORBIDDEN = [
    "sentence.__class__",
    "roh.upper()",
    "note[0] == 'a'",
    "open('/etc/passwd')",
    "eval('1')",
    "__import__('os')",
    "getattr(ppo, 'real')",
    "globals()",
    "(lambda: ppo)()",
    "[x for x in note]",
    "{'a': 1}",
    "{1, 2}",
    "f'{note}' == 'a'",
    "(x := ppo)",
    "[*note]",
    "ppo if ppo else ppo",
    "tier is 4",
    "tier ** 2 > 1",
    "tier // 2 == 1",
    "tier % 2 == 1",
    "tier & 1 == 1",
    "~tier > 1",
    "__builtins__",
    "tier == None",
    "note == b'x'",
    "tier == 1j",
    "tier == ...",
    "answer(x='1.2.3') == 'yes'",
    "answer(1) == 'yes'",
    "answer('1.2.3', '1.2.3') == 'yes'",
    "answer(answer('1.2.3')) == 'yes'",
    "tier > 1e309",
    "tier > 99999999999999999999",
    "undeclared_field == 1",
    "system('ls')",
    "tier = 4",
    "ppo && ppo",
]
"""Fragments each of which makes any condition that contains it an error."""

VALID = [
    "sentence in ['licence', 'custody']",
    "roh >= 'high'",
    "not ppo",
    "tier == 4",
    "1 <= tier <= 3",
    "answer('1.2.3') == 'yes'",
    "start >= '2008-01-01'",
    "note != 'x'",
    "(tier * 2 + 1) / 3 > 2",
]


def hostile() -> st.SearchStrategy[str]:
    """Conditions that must be refused: a forbidden fragment somewhere among valid ones, or a
    size attack beyond the limits (nesting over 30 levels, over 200 parentheses, over 300
    parts, over 2,000 characters, a number over 10^15)."""
    mixed = st.builds(
        lambda before, bad, after, ops: _join([*before, bad, *after], ops),
        st.lists(st.sampled_from(VALID), max_size=3),
        st.sampled_from(FORBIDDEN),
        st.lists(st.sampled_from(VALID), max_size=3),
        st.lists(st.sampled_from(["and", "or", "and not"]), min_size=7, max_size=7),
    )
    too_big = st.one_of(
        # Parentheses make no syntax node; Python's parser refuses more than 200 of them.
        st.integers(201, 600).map(lambda k: "(" * k + "ppo" + ")" * k),
        st.integers(31, 500).map(lambda k: "not " * k + "ppo"),
        st.integers(301, 1500).map(lambda k: " or ".join(["ppo"] * k)),
        st.integers(2001, 6000).map(lambda k: "x" * k),
        st.integers(16, 5000).map(lambda k: "tier == " + "9" * k),
    )
    return st.one_of(mixed, too_big)


def _join(parts: list[str], ops: list[str]) -> str:
    out = parts[0]
    for op, part in zip(ops, parts[1:], strict=False):
        out = f"{out} {op} {part}"
    return out
