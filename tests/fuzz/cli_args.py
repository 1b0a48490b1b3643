"""Malformed command lines: valid ones for every command, then mutated.

A command line is one of ``BASES`` (valid, on the inputs ``targets._workspace`` lays out) with a
recipe of ``(kind, seed)`` mutations applied: unknown options, bad ``--format``/``--by``/
``--unanswered``/``--fail-on`` values, impossible ``--as-of`` dates, hostile ``--where``
conditions, missing and odd paths (folders, devices, long names, NUL characters), dropped,
duplicated and swapped arguments, random tokens.

Paths stay inside the run's folder: nothing here may write outside it (no ``--output`` into a
system folder) or read the whole file system (no ``impact --cases /``).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import mutations as m

Argv = list[str]
ArgMutator = Callable[[Argv, random.Random], Argv]

BASES: list[Argv] = [
    ["check", "r"],
    ["check", "r", "base", "--format", "json"],
    ["check", "r/ruleset.yaml", "--format", "github", "--strict"],
    ["score", "r", "cases.csv", "--judgements", "j.yaml"],
    ["score", "r", "cases.csv", "--format", "json", "--output", "out.json"],
    ["score", "r", "cases.csv", "--where", "tier >= 2", "--by", "sentence", "--format", "markdown"],
    ["score", "r", "cases.csv", "--unanswered", "warning", "--format", "html", "--output", "out.html"],
    ["score", ".", "cases.csv", "--as-of", "2008-06-01"],
    ["explain", "r", "cases.csv", "1.1", "--cases"],
    ["explain", "r", "cases.csv", "1.1.3", "--case", "c01"],
    ["explain", "r", "cases.csv", "4.1", "--judgements", "j.yaml"],
    ["docs", "r", "--format", "markdown", "--output", "handbook.md"],
    ["resolve", "r", "--format", "json"],
    ["diff", "base", "r", "--format", "markdown", "--exit-code"],
    ["impact", "base", "r", "--cases", "cases.csv", "--fail-on", "grade-change"],
    ["test", "r/tests", "--coverage", "--fail-under", "50"],
    ["plugins", "--format", "json"],
    ["schema", "--part"],
    ["--version"],
    ["--help"],
]
"""Valid command lines (each exits 0, or 1 where a gate fails by design)."""

OPTIONS = [
    "--format",
    "--output",
    "--where",
    "--by",
    "--judgements",
    "--unanswered",
    "--as-of",
    "--cases",
    "--case",
    "--fail-on",
    "--fail-under",
    "--coverage",
    "--strict",
    "--exit-code",
    "--part",
    "--debug",
    "--help",
    "-h",
    "--version",
]
ODD_PATHS = [
    "missing.yaml",
    "missing.csv",
    "missing/",
    "sub",
    ".",
    "..",
    "",
    " ",
    "-",
    "/dev/null",
    "/dev/zero",
    "cases.csv",
    "j.yaml",
    "r/ruleset.yaml",
    "r/section-4.yaml",
    "r/tests/minimal.test.yaml",
    "x" * 300,
    "x" * 5000,
    "sub/" * 50 + "x.csv",
    "a\x00b",
    "é.csv",
    "cases.CSV",
    "cases.txt",
    "r//",
    "./r",
]
ODD_VALUES = [
    "",
    " ",
    "xml",
    "JSON",
    "json ",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "101",
    "100.0000001",
    "None",
    "true",
    "--",
    "-",
    "é",
    "😀",
    "x" * 5000,
    "\x00",
    "\n",
    "a=b",
]
DATES = [
    "2008-02-30",
    "2008-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2008-1-1",
    "2008/01/01",
    "01-01-2008",
    "yesterday",
    "",
    "２００８-01-01",
    "2008-01-01T00:00",
    "-2008-01-01",
]
WHERES = [
    "",
    " ",
    "tier ==",
    "tier = 4",
    "__import__('os').system('echo hacked')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd')",
    "tier ** 99999999",
    "tier == " + "9" * 5000,
    "not " * 500 + "ppo",
    "(" * 300 + "ppo" + ")" * 300,
    "ppo or " * 400 + "ppo",
    "x" * 2001,
    "answer('9.9.9') == 'yes'",
    "answer('1.1.1') == 'maybe'",
    "roh >= 'hihg'",
    "tier > 1e309",
    "tier > 99999999999999999999",
    "sentence",
    "f'{sentence}'",
    "[x for x in sentence]",
    "lambda: 1",
    "tier == 4\x00",
    "é == 1",
]


def _pick(argv: Argv, rnd: random.Random) -> int:
    return rnd.randrange(len(argv)) if argv else 0


def unknown_option(argv: Argv, rnd: random.Random) -> Argv:
    name = rnd.choice(["--nope", "--formats", "--out", "-x", "--where=", "--output=", "---", "--judgement"])
    at = rnd.randrange(len(argv) + 1)
    return argv[:at] + [name] + argv[at:]


def option_value(argv: Argv, rnd: random.Random) -> Argv:
    """Give a known option an odd value (or none: the option last, its value missing)."""
    option = rnd.choice(OPTIONS)
    if rnd.random() < 0.2:
        return [*argv, option]
    value = rnd.choice(DATES if option == "--as-of" else WHERES if option == "--where" else ODD_VALUES + ODD_PATHS)
    if option in argv and rnd.random() < 0.7:
        i = argv.index(option)
        return argv[: i + 1] + [value] + argv[i + 2 :]
    return [*argv, option, value]


def bad_where(argv: Argv, rnd: random.Random) -> Argv:
    if argv and argv[0] in ("score", "explain"):
        return [*argv, "--where", rnd.choice(WHERES)]
    return ["score", "r", "cases.csv", "--where", rnd.choice(WHERES)]


def bad_date(argv: Argv, rnd: random.Random) -> Argv:
    folder = rnd.choice([".", "r", "sub", "missing", "cases.csv"])
    return ["score", folder, "cases.csv", "--as-of", rnd.choice(DATES)]


def odd_path(argv: Argv, rnd: random.Random) -> Argv:
    """Replace an argument that is not an option with an odd path."""
    places = [i for i, a in enumerate(argv) if i > 0 and not a.startswith("-")]
    if not places:
        return argv
    i = rnd.choice(places)
    return argv[:i] + [rnd.choice(ODD_PATHS)] + argv[i + 1 :]


def drop_argument(argv: Argv, rnd: random.Random) -> Argv:
    if not argv:
        return argv
    i = _pick(argv, rnd)
    return argv[:i] + argv[i + 1 :]


def duplicate_argument(argv: Argv, rnd: random.Random) -> Argv:
    if not argv:
        return argv
    i = _pick(argv, rnd)
    return argv[: i + 1] + argv[i:]


def swap_arguments(argv: Argv, rnd: random.Random) -> Argv:
    if len(argv) < 2:
        return argv
    out = list(argv)
    i, j = rnd.randrange(len(out)), rnd.randrange(len(out))
    out[i], out[j] = out[j], out[i]
    return out


def random_token(argv: Argv, rnd: random.Random) -> Argv:
    alphabet = "abc-=./\\ é😀\t\n'\"*?[]{}$;|&"
    token = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
    at = rnd.randrange(len(argv) + 1)
    return argv[:at] + [token] + argv[at:]


def command_name(argv: Argv, rnd: random.Random) -> Argv:
    name = rnd.choice(["chek", "Check", "", "-", "score2", "help", "SCORE", "explain\x00", "\u0441heck"])
    return [name, *argv[1:]]


def explain_target(argv: Argv, rnd: random.Random) -> Argv:
    target = rnd.choice(["", "1.1.9", "9", "4.1.1", "c01", "roh ", "'1.1'", "1.1.s", "sentence", "x" * 5000, "*"])
    extra = rnd.choice([[], ["--cases"], ["--case", rnd.choice(["", "c99", "c01", "x" * 300])]])
    return ["explain", "r", "cases.csv", target, *extra]


def output_target(argv: Argv, rnd: random.Random) -> Argv:
    """--output into a folder, a missing folder, a long name, the input itself."""
    place = rnd.choice(["sub", ".", "", "missing/out.txt", "x" * 300, "sub/" * 3, "r", "cases.csv", "out.json"])
    command = rnd.choice(
        [
            ["score", "r", "cases.csv", "--format", "json"],
            ["docs", "r"],
            ["resolve", "r"],
            ["diff", "base", "r"],
            ["impact", "base", "r", "--cases", "cases.csv"],
        ]
    )
    return [*command, "--output", place]


KINDS: dict[str, ArgMutator] = {
    "unknown-option": unknown_option,
    "option-value": option_value,
    "bad-where": bad_where,
    "bad-date": bad_date,
    "odd-path": odd_path,
    "drop-argument": drop_argument,
    "duplicate-argument": duplicate_argument,
    "swap-arguments": swap_arguments,
    "random-token": random_token,
    "command-name": command_name,
    "explain-target": explain_target,
    "output-target": output_target,
}


def build(base: int, recipe: m.Recipe) -> Argv:
    """The command line of ``BASES[base]`` with ``recipe`` applied."""
    argv = list(BASES[base % len(BASES)])
    for kind, seed in recipe:
        argv = KINDS[kind](argv, random.Random(seed))
    return confined(argv)


def _outside(path: str) -> bool:
    return path.startswith(("/", "~", "\\")) or ".." in path


def confined(argv: Argv) -> Argv:
    """Keep every ``--output`` inside the run's folder: written as root, ``--output /dev/null``
    would replace the device by a file."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg.startswith("--output=") and _outside(arg.removeprefix("--output=")):
            out[i] = "--output=out.txt"
        if arg == "--output" and i + 1 < len(out) and _outside(out[i + 1]):
            out[i + 1] = "out.txt"
    return out


def without_nul(argv: Argv) -> Argv:
    """A real command line cannot hold NUL characters (subprocess refuses them)."""
    return [a.replace("\x00", "") for a in argv]
