"""The input paths under test, each a way to lay out one malformed input and run a command.

A target starts from valid inputs (the minimal ruleset in tests/fixtures/minimal, the OMI 2008
ruleset and the North Wales sample, the minimal case data, judgements and ruleset test), replaces
one file by a mutated copy in a fresh folder, and names the command line to run on it. The
command is drawn too (``check``, ``score`` with every ``--format`` and ``--output``, ``explain``,
``docs``, ``resolve``, ``diff``, ``impact``, ``test``), so each input reaches every command that
reads that kind of file.

Paths are relative to the folder (the run's working directory), so diagnostics, reproducers
and any ``--output`` stay inside it.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import mutations as m
from . import xlsx

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
DATA = ROOT / "tests" / "fixtures" / "data"
OMI = ROOT / "rulesets" / "omi-2008"
OMI2 = ROOT / "rulesets" / "omi2-2009"
NORTH_WALES = ROOT / "examples" / "north-wales-2008"

CASES_CSV = (DATA / "minimal-cases.csv").read_bytes()
JUDGEMENTS = (DATA / "minimal-judgements.yaml").read_bytes()
RULESET = (MINIMAL / "ruleset.yaml").read_bytes()
PART = (MINIMAL / "section-4.yaml").read_bytes()
RULESET_TEST = (MINIMAL / "tests" / "minimal.test.yaml").read_bytes()


def _structured_cases(as_json: bool) -> bytes:
    header, *rows = list(csv.reader(io.StringIO(CASES_CSV.decode("utf-8"))))
    cases = [{k: (v if v else None) for k, v in zip(header, row, strict=True)} for row in rows]
    if as_json:
        return json.dumps({"ruleset": "mini", "cases": cases}, indent=1).encode("utf-8")
    lines = ["ruleset: mini", "cases:"]
    lines += ["  - {" + ", ".join(f"'{k}': {json.dumps(v)}" for k, v in case.items()) + "}" for case in cases]
    return ("\n".join(lines) + "\n").encode("utf-8")


CASES_JSON = _structured_cases(as_json=True)
CASES_YAML = _structured_cases(as_json=False)

HOSTILE_PATHS = [
    ".",
    "..",
    "/",
    "/dev/null",
    "/dev/zero",
    "nonexistent.yaml",
    "nonexistent.csv",
    "x" * 300,
    "x" * 300 + ".csv",
    "a\\0b.csv",
    "../r",
    "../r/ruleset.yaml",
    "../cases.csv",
    "../cases.xlsx",
    "../j.yaml",
    "../r/tests",
    "ruleset.yaml",
    "section-4.yaml",
    "sub/",
    "~/x.csv",
    "C:\\\\cases.csv",
    "file:///etc/passwd",
    "https://example.invalid/cases.csv",
    "é.csv",
    "",
]
"""Values for the keys that name other files (``include``, ``extends``, ``ruleset``,
``cases_file``, ``judgements_file``), as written inside a YAML double-quoted string."""


def _path_value(rnd: random.Random) -> bytes:
    return ('"' + rnd.choice(HOSTILE_PATHS) + '"').encode("utf-8")


def ruleset_paths(data: bytes, rnd: random.Random) -> bytes:
    """Point ``include`` or ``extends`` at a folder, a device, a missing or odd file."""
    value = _path_value(rnd)
    if rnd.random() < 0.5 and b"include:\n  - section-4.yaml" in data:
        extra = b"\n  - " + value if rnd.random() < 0.5 else b""
        return data.replace(b"include:\n  - section-4.yaml", b"include:\n  - " + value + extra, 1)
    return data.replace(b"\nid: mini\n", b"\nid: mini\nextends: " + value + b"\n", 1)


def test_paths(data: bytes, rnd: random.Random) -> bytes:
    """Point a ruleset test's ``ruleset``, ``cases_file`` or ``judgements_file`` elsewhere."""
    value = _path_value(rnd)
    choice = rnd.randrange(4)
    if choice == 0:
        return b"ruleset: " + value + b"\n" + data
    if choice == 1:  # a case file instead of the inline cases
        start = data.find(b"    cases:\n")
        end = data.find(b"    judgements:")
        if start < 0 or end < 0:
            return data
        return data[:start] + b"    cases_file: " + value + b"\n" + data[end:]
    if choice == 2:
        start = data.find(b"    judgements:\n")
        end = data.find(b"    expect:")
        if start < 0 or end < 0:
            return data
        return data[:start] + b"    judgements_file: " + value + b"\n" + data[end:]
    return data.replace(b"  - name:", b"  - where: " + value + b"\n    name:", 1)


@dataclass
class Prepared:
    """One input laid out in a folder, and the command line to run on it."""

    argv: list[str]
    cwd: Path
    output: Path | None = None
    before: bytes | None = None
    """The ``--output`` file's content before the run (None: it did not exist)."""


def workspace(folder: Path) -> None:
    """The valid inputs every target starts from: r/ (the minimal ruleset, to be mutated) and
    base/ (an untouched copy, for diff and impact), cases.csv, j.yaml and an empty sub/."""
    shutil.copytree(MINIMAL, folder / "r")
    shutil.copytree(MINIMAL, folder / "base")
    (folder / "cases.csv").write_bytes(CASES_CSV)
    (folder / "j.yaml").write_bytes(JUDGEMENTS)
    (folder / "sub").mkdir()


def _output(folder: Path, rnd: random.Random, name: str) -> tuple[Path, bytes | None]:
    """The ``--output`` file; sometimes it exists already, and must survive a failed run."""
    path = folder / name
    if rnd.random() < 0.3:
        path.write_bytes(b"previous report\n")
        return path, b"previous report\n"
    return path, None


def _score_argv(ruleset: str, cases: str, rnd: random.Random, folder: Path) -> Prepared:
    """``score`` with a random format, sometimes --output, sometimes --where/--by, or ``explain``
    or ``impact`` on the same inputs."""
    choice = rnd.randrange(10)
    if choice == 0:
        return Prepared(
            ["explain", ruleset, cases, rnd.choice(["1.1", "1.1.2", "roh", "reinspect", "1"]), "--cases"], folder
        )
    if choice == 1:
        return Prepared(["explain", ruleset, cases, "4.1", "--judgements", "j.yaml", "--case", "c01"], folder)
    if choice == 2:
        return Prepared(["impact", "r", ruleset, "--cases", cases, "--format", rnd.choice(["text", "json"])], folder)
    fmt = rnd.choice(["table", "json", "markdown", "html"])
    argv = ["score", ruleset, cases, "--judgements", "j.yaml", "--format", fmt]
    if rnd.random() < 0.2:
        argv += ["--where", rnd.choice(["tier >= 2", "roh >= 'high' and not ppo", "sentence == 'custody'"])]
    if rnd.random() < 0.2:
        argv += ["--by", rnd.choice(["sentence", "ppo"])]
    if rnd.random() < 0.2:
        argv += ["--unanswered", "warning"]
    if rnd.random() < 0.6:
        output, before = _output(folder, rnd, f"report.{fmt}")
        return Prepared([*argv, "--output", output.name], folder, output, before)
    return Prepared(argv, folder)


def _ruleset_argv(ruleset: str, rnd: random.Random, folder: Path) -> Prepared:
    """Any command that reads a ruleset."""
    choice = rnd.randrange(9)
    if choice == 0:
        return Prepared(["check", ruleset], folder)
    if choice == 1:
        return Prepared(["check", ruleset, "--format", rnd.choice(["json", "github"]), "--strict"], folder)
    if choice in (2, 3):
        return _score_argv(ruleset, "cases.csv", rnd, folder)
    if choice == 4:
        output, before = _output(folder, rnd, "handbook.html")
        return Prepared(
            ["docs", ruleset, "--format", rnd.choice(["html", "markdown"]), "--output", output.name],
            folder,
            output,
            before,
        )
    if choice == 5:
        output, before = _output(folder, rnd, "resolved.yaml")
        return Prepared(
            ["resolve", ruleset, "--format", rnd.choice(["yaml", "json"]), "--output", output.name],
            folder,
            output,
            before,
        )
    if choice == 6:
        old, new = ("base", ruleset) if rnd.random() < 0.5 else (ruleset, "base")
        return Prepared(["diff", old, new, "--format", rnd.choice(["text", "markdown", "json", "html"])], folder)
    if choice == 7:
        return Prepared(["impact", "base", ruleset, "--cases", "cases.csv"], folder)
    return Prepared(["test", "r/tests"], folder)


Layout = Callable[[Path, m.Recipe, random.Random], Prepared]


@dataclass(frozen=True)
class Target:
    """An input path: the mutation kinds that apply to it, and how an input is laid out (which
    file the recipe mutates, what else is in the folder, which command runs)."""

    name: str
    kinds: list[str]
    layout: Layout
    cost: int = 3
    """The profile's ``max_examples`` is divided by this: the fuzz tests have under 90 s of CI
    on two cores, so even the quick paths get a third (100 under "ci"), and the slow ones (Excel,
    the OMI ruleset, the North Wales sample) fewer. ``campaign`` runs as many as asked."""

    def prepare(self, folder: Path, recipe: m.Recipe, layout_seed: int) -> Prepared:
        return self.layout(folder, recipe, random.Random(layout_seed))


RULESET_KINDS: dict[str, m.Mutator] = {**m.YAML, "hostile-paths": ruleset_paths}
TEST_KINDS: dict[str, m.Mutator] = {**m.YAML, "hostile-paths": test_paths}


def _ruleset_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    """The minimal ruleset with its main file (or its part file) mutated; ``base`` is a valid
    copy for diff and impact."""
    workspace(folder)
    name = "ruleset.yaml" if rnd.random() < 0.75 else "section-4.yaml"
    original = RULESET if name == "ruleset.yaml" else PART
    (folder / "r" / name).write_bytes(m.apply(original, recipe, RULESET_KINDS))
    return _ruleset_argv("r", rnd, folder)


OMI_FILES = ["omi-2008/ruleset.yaml", *(f"omi-2008/section-{i}.yaml" for i in range(1, 5)), "omi2-2009/ruleset.yaml"]


def _omi_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    """The OMI 2008 ruleset (five files) and OMI2, which extends it: one file is mutated."""
    rulesets = folder / "rulesets"
    shutil.copytree(OMI, rulesets / "omi-2008", ignore=shutil.ignore_patterns("tests"))
    shutil.copytree(OMI2, rulesets / "omi2-2009", ignore=shutil.ignore_patterns("tests"))
    name = rnd.choice(OMI_FILES)
    path = rulesets / name
    path.write_bytes(m.apply(path.read_bytes(), recipe, RULESET_KINDS))
    ruleset = "rulesets/" + name.split("/")[0]
    if rnd.random() < 0.7:
        return Prepared(["check", ruleset], folder)
    return Prepared(["resolve", ruleset, "--format", "json"], folder)


def _cases_layout(suffix: str, seed: bytes, kinds: Mapping[str, m.Mutator]) -> Layout:
    def layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
        workspace(folder)
        (folder / f"cases{suffix}").write_bytes(m.apply(seed, recipe, kinds))
        return _score_argv("r", f"cases{suffix}", rnd, folder)

    return layout


def _xlsx_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    workspace(folder)
    (folder / "cases.xlsx").write_bytes(xlsx.build(CASES_CSV.decode("utf-8"), recipe))
    return _score_argv("r", "cases.xlsx", rnd, folder)


NORTH_WALES_CASES = (NORTH_WALES / "cases.csv").read_bytes()
NORTH_WALES_KINDS = sorted(set(m.CSV) - {"duplicate-rows", "many-columns"})
"""The CSV mutations but those that multiply the size (the minimal case data has them): this
path is about a real-size sample, and 2,000 rows of 300 columns would take seconds each."""


def _north_wales_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    """The North Wales sample (109 cases) with OMI 2008, the real-size path: the case file is
    mutated, or (one time in four) the judgements."""
    shutil.copytree(OMI, folder / "omi", ignore=shutil.ignore_patterns("tests"))
    judgements = (NORTH_WALES / "judgements.yaml").read_bytes()
    cases = NORTH_WALES_CASES
    if rnd.random() < 0.25:
        judgements = m.apply(judgements, tuple((k, s) for k, s in recipe if k in m.YAML), m.YAML)
    else:
        cases = m.apply(cases, recipe, m.CSV)
    (folder / "cases.csv").write_bytes(cases)
    (folder / "j.yaml").write_bytes(judgements)
    argv = ["score", "omi", "cases.csv", "--judgements", "j.yaml", "--format", rnd.choice(["json", "table", "html"])]
    output, before = _output(folder, rnd, "report.out")
    return Prepared([*argv, "--output", output.name], folder, output, before)


def _judgements_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    workspace(folder)
    (folder / "j.yaml").write_bytes(m.apply(JUDGEMENTS, recipe, m.YAML))
    if rnd.random() < 0.2:
        return Prepared(["explain", "r", "cases.csv", "4.1", "--judgements", "j.yaml"], folder)
    prepared = _score_argv("r", "cases.csv", rnd, folder)
    if "--judgements" not in prepared.argv:
        prepared.argv += ["--judgements", "j.yaml"]
    return prepared


def _tests_layout(folder: Path, recipe: m.Recipe, rnd: random.Random) -> Prepared:
    workspace(folder)
    (folder / "cases.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "r" / "tests" / "minimal.test.yaml").write_bytes(m.apply(RULESET_TEST, recipe, TEST_KINDS))
    where = rnd.choice(["r/tests", "r/tests/minimal.test.yaml", "r"])
    extra = rnd.choice([[], ["--coverage"], ["--fail-under", "50"]])
    return Prepared(["test", where, *extra], folder)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("ruleset", sorted(RULESET_KINDS), _ruleset_layout, cost=3),
        Target("ruleset-omi", sorted(RULESET_KINDS), _omi_layout, cost=15),
        Target("cases-csv", sorted(m.CSV), _cases_layout(".csv", CASES_CSV, m.CSV), cost=3),
        Target("cases-json", sorted(m.JSON), _cases_layout(".json", CASES_JSON, m.JSON), cost=3),
        Target("cases-yaml", sorted(m.YAML), _cases_layout(".yaml", CASES_YAML, m.YAML), cost=3),
        Target("cases-xlsx", xlsx.KINDS, _xlsx_layout, cost=5),
        Target("cases-north-wales", NORTH_WALES_KINDS, _north_wales_layout, cost=25),
        Target("judgements", sorted(m.YAML), _judgements_layout, cost=3),
        Target("ruleset-tests", sorted(TEST_KINDS), _tests_layout, cost=3),
    ]
}
"""Every file input path, by name."""
