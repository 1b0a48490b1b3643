"""End-to-end tests of the command line: exit codes, formats, malformed input, the bundled
ruleset, and the issue's acceptance scenario (five mistakes, five located diagnostics)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.cli.commands import check as check_command
from omi_rules.model.schemas import render_schema

from .conftest import MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_bundled_omi_ruleset_is_clean(chdir_root: Path) -> None:
    code, out, err = run("check", "rulesets/omi-2008", "--strict")
    assert code == 0, out + err
    assert out == "1 ruleset checked: no problems found\n"


def test_minimal_fixture_is_clean() -> None:
    code, out, err = run("check", str(MINIMAL), "--strict")
    assert (code, out) == (0, "1 ruleset checked: no problems found\n"), out + err


def _position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` (plus ``offset`` characters) in ``text``."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def test_five_mistakes_in_a_copy_of_omi_2008_give_five_located_diagnostics(tmp_path: Path) -> None:
    """The issue's acceptance scenario on a copy of the bundled ruleset."""
    folder = tmp_path / "omi"
    shutil.copytree(OMI, folder)
    main_file = folder / "ruleset.yaml"
    expected: set[tuple[str, str, int, int]] = set()

    # 1. a typo in an enum value inside a condition
    section_files = sorted(folder.glob("section-*.yaml"))
    for path in section_files:
        text = path.read_text(encoding="utf-8")
        match = re.search(r"roh >= 'high'", text)
        if match:
            text = text[: match.start()] + "roh >= 'hihg'" + text[match.end() :]
            path.write_text(text, encoding="utf-8")
            expected.add(("C004", path.name, *_position(text, "'hihg'")))
            break
    else:
        pytest.fail("no condition \"roh >= 'high'\" found to corrupt")

    # 2. a misspelled key
    text = main_file.read_text(encoding="utf-8")
    text = text.replace("\neffective_from:", "\neffective_form:", 1)
    main_file.write_text(text, encoding="utf-8")
    expected.add(("S001", "ruleset.yaml", *_position(text, "effective_form")))

    # 3. a duplicate question id: the second question of 1.1 takes the first one's id
    path = folder / "section-1.yaml"
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"- id: ['\"]?(1\.1\.\d+)['\"]?\n", text)
    assert len(ids) >= 2
    second = re.search(r"- id: ['\"]?" + re.escape(ids[1]) + r"['\"]?\n", text)
    assert second is not None
    replacement = second.group(0).replace(ids[1], ids[0])
    text = text[: second.start()] + replacement + text[second.end() :]
    path.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, second.start()) + 1
    col = second.start() - (text.rfind("\n", 0, second.start()) + 1) + 1 + len("- id: ")
    expected.add(("R001", "section-1.yaml", line, col))

    # 4. a gap between two bands: the 'priority' band starts one point higher
    text = main_file.read_text(encoding="utf-8")
    match = re.search(r"(- id: priority\n(?:\s+\w+:.*\n)*?\s+min: )(\d+)", text)
    assert match is not None, "band 'priority' with a 'min' not found"
    text = text[: match.start(2)] + str(int(match.group(2)) + 1) + text[match.end(2) :]
    main_file.write_text(text, encoding="utf-8")
    index = match.start(2)
    expected.add(("R004", "ruleset.yaml", text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1))

    # 5. a condition on an undeclared field
    path = folder / "section-2.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"relevant_if: (['\"]?)", text)
    assert match is not None
    text = text[: match.end()] + "postcode == 'LL57' and " + text[match.end() :]
    path.write_text(text, encoding="utf-8")
    expected.add(("C003", "section-2.yaml", *_position(text, "postcode == 'LL57'")))

    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    body = json.loads(result.stdout)
    actual = {(d["code"], Path(d["file"]).name, d["line"], d["column"]) for d in body["diagnostics"]}
    assert actual == expected, json.dumps(body["diagnostics"], indent=1)
    assert result.exit_code == 1


MALFORMED = {
    "truncated": ("format_version: 1\nid: x\nsections:\n  - id: '1'\n    title: [unclosed", "Y004", 1),
    "tabs": "format_version: 1\nfields:\n\t- id: x\n",
    "binary": bytes(range(256)) * 4,
    "empty": "",
    "only-comments": "# nothing here\n",
    "alias-bomb": "a: &a [x,x,x,x,x,x,x,x,x]\n"
    + "".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
    "not-utf8": "id: caf\xe9\n".encode("latin-1"),
    "list": "- 1\n- 2\n",
    "deep": "a: " + "[" * 200 + "]" * 200 + "\n",
    "duplicate-keys": "id: a\nid: b\n",
}
EXPECTED_CODES = {
    "truncated": ("Y004", 1),
    "tabs": ("Y005", 1),
    "binary": ("Y002", 2),
    "empty": ("Y009", 1),
    "only-comments": ("Y009", 1),
    "alias-bomb": ("Y007", 1),
    "not-utf8": ("Y002", 2),
    "list": ("S003", 1),
    "deep": ("Y008", 1),
    "duplicate-keys": ("Y006", 1),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_yaml_gets_a_diagnostic_not_a_traceback(name: str, tmp_path: Path) -> None:
    content = MALFORMED[name]
    if isinstance(content, tuple):
        content = content[0]
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code, out, err = run("check", str(path), "--format", "json")
    expected_code, expected_exit = EXPECTED_CODES[name]
    body = json.loads(out)
    assert expected_code in {d["code"] for d in body["diagnostics"]}, body
    assert code == expected_exit
    assert "Traceback" not in out + err


def test_malformed_yaml_as_subprocess(tmp_path: Path) -> None:
    """The installed entry point behaves the same outside the test runner."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(str(MALFORMED["alias-bomb"]), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "omi_rules", "check", str(bomb)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    assert "error[Y007]" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_missing_path_exits_2() -> None:
    code, out, _ = run("check", "no/such/ruleset")
    assert code == 2
    assert "error[Y001]" in out


def test_usage_error_exits_2() -> None:
    code, _, err = run("check", "--format", "xml", str(MINIMAL))
    assert code == 2
    assert "Invalid value" in err


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    text = (folder / "ruleset.yaml").read_text(encoding="utf-8")
    (folder / "ruleset.yaml").write_text(
        text.replace("version: 1.0.0\ntitle", "version: 1.1.0\ntitle"), encoding="utf-8"
    )
    assert run("check", str(folder))[0] == 0
    code, out, _ = run("check", str(folder), "--strict")
    assert code == 1
    assert "warning[R012]" in out


def test_human_format_shows_source_line_caret_and_hint(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    path = folder / "ruleset.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("roh >= 'high'\"", "roh >= 'hihg'\""), encoding="utf-8")
    code, out, _ = run("check", str(folder))
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "error[C004]" in line)
    assert re.match(r".*ruleset\.yaml:\d+:\d+: error\[C004\]: 'hihg' is not a value of roh$", lines[head])
    assert "roh >= 'hihg'" in lines[head + 1]
    caret = lines[head + 2]
    assert (
        caret.strip().endswith("| " + " " * (caret.index("^") - caret.index("|") - 2) + "^^^^^^") or "^^^^^^" in caret
    )
    assert lines[head + 1].index("'hihg'") == caret.index("^")
    assert lines[head + 3].strip() == "= hint: did you mean 'high'?"


QUOTING = [
    # (file, text replaced, replacement, the hint S003 must give)
    (
        "ruleset.yaml",
        "    title: An inspection report\n",
        "    title: A report\n    published: 2018\n",
        'published: "2018"',
    ),
    ("ruleset.yaml", "title: Minimal inspection", "title: 1e3", 'title: "1e3"'),
    ("ruleset.yaml", "description: A two-criterion methodology for tests.", "description: True", 'description: "True"'),
    ("ruleset.yaml", "changes: [First version.]", "changes: [1.0]", '"1.0"'),
    ("section-4.yaml", '  - id: "4"\n', "  - id: 4\n", 'id: "4"'),
]


@pytest.mark.parametrize(("file", "old", "new", "hint"), QUOTING, ids=[q[3] for q in QUOTING])
def test_a_number_or_true_where_text_is_expected_hints_the_quoted_value(
    file: str, old: str, new: str, hint: str, tmp_path: Path
) -> None:
    """YAML reads 2018, 1e3 and True as a number or true/false; the hint says how to keep the
    characters written as text, with the key and the value as the author wrote them."""
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = run("check", str(folder), "--format", "json")
    assert code == 1
    wrong_type = [d for d in json.loads(out)["diagnostics"] if d["code"] == "S003"]
    assert [d["hint"] for d in wrong_type] == [f"write it in quotes: {hint}"], wrong_type
    assert wrong_type[0]["file"].endswith(file)


MISPLACED = [
    # (text replaced, replacement, the S001 hint)
    (
        "        statement: Risk of Harm is assessed.\n",
        "        statement: Risk of Harm is assessed.\n        relevant_if: ppo\n",
        "'relevant_if' belongs under sections[].criteria[].questions[] (next to 'id' and 'text') or under headlines[] "
        "(next to 'id' and 'title'); the keys here are aggregation, bands, id, questions, source, statement, tags, "
        "title, weights",
    ),
    (
        "    max: 4\n",
        "    max: 4\n    values: [1, 2]\n",
        "'values' belongs under fields[] with type: enum (next to 'id' and 'description'); the keys here are "
        "description, id, label, max, min, required, source, type",
    ),
    ("            scored: false\n", "            scoerd: false\n", "did you mean 'scored'?"),
]


@pytest.mark.parametrize(("old", "new", "hint"), MISPLACED, ids=["relevant_if", "values", "scoerd"])
def test_an_unknown_key_says_where_it_belongs_or_what_it_may_be_a_misspelling_of(
    old: str, new: str, hint: str, tmp_path: Path
) -> None:
    """A key the schema declares elsewhere in the document is misplaced, not misspelt: the hint
    names the places that take it (computed from the schema), as the reference writes paths."""
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    path = folder / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = run("check", str(folder), "--format", "json")
    assert code == 1
    assert [(d["code"], d["hint"]) for d in json.loads(out)["diagnostics"]] == [("S001", hint)]


def test_github_format_escapes_and_locates(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    shutil.copytree(MINIMAL, folder)
    path = folder / "ruleset.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    description: Tier.", "    descripton: Tier."), encoding="utf-8"
    )
    code, out, _ = run("check", str(folder), "--format", "github")
    assert code == 1
    assert re.fullmatch(
        r"::error file=[^,]*ruleset\.yaml,line=32,col=5,title=S001 unknown-key::unknown key 'descripton' "
        r"\(hint%3A did you mean 'description'\?\)|::error file=[^,]*ruleset\.yaml,line=32,col=5,"
        r"title=S001 unknown-key::unknown key 'descripton' \(hint: did you mean 'description'\?\)",
        out.strip(),
    )


def test_schema_command_prints_the_committed_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert out == (ROOT / "schemas" / "ruleset.schema.json").read_text(encoding="utf-8")
    assert out == render_schema("ruleset.schema.json")
    code, out, _ = run("schema", "--part")
    assert json.loads(out)["$id"].endswith("ruleset-part.schema.json")


@pytest.mark.parametrize("file", sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json")))
def test_schema_command_prints_every_published_schema(file: str) -> None:
    """Every file in schemas/ can be printed by its name (the file name without .schema.json),
    byte for byte, and `--list` names it: an editor modeline may need any of them."""
    code, out, _ = run("schema", file.removesuffix(".schema.json"))
    assert code == 0
    assert out == (ROOT / "schemas" / file).read_text(encoding="utf-8")
    code, listing, _ = run("schema", "--list")
    assert code == 0
    assert f" {file}: " in listing


def test_schema_command_short_names() -> None:
    for short, file in (("tests", "ruleset-tests"), ("overlay", "ruleset-overlay"), ("part", "ruleset-part")):
        assert run("schema", short)[1] == run("schema", file)[1]


def test_schema_command_refuses_an_unknown_name_and_lists_the_names() -> None:
    code, out, err = run("schema", "overlai")
    assert (code, out) == (2, "")
    assert (
        "Error: Invalid value for 'NAME': unknown schema 'overlai' (did you mean 'overlay'?); the schemas are: " in err
    )
    for file in (ROOT / "schemas").glob("*.schema.json"):
        assert file.name.removesuffix(".schema.json") in err


def test_internal_error_exits_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(check_command, "check_ruleset", boom)
    code, out, err = run("check", str(MINIMAL))
    assert code == 3
    assert "internal error: RuntimeError: simulated bug" in err
    assert "Traceback" not in out + err
    code, _, err = run("--debug", "check", str(MINIMAL))
    assert code == 3
    assert "Traceback" in err


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "omi_rules", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.startswith("omi-rules, version ")


@pytest.mark.parametrize("form", ["relative", "absolute"])
def test_a_broken_derived_ruleset_is_reported_once_at_its_path_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """Invariant (issue 14): a mistake in a ruleset that extends another (the new version in
    a change) is one diagnostic, printed once, at the file's path as given (once, not joined
    to itself), and counted once ('1 error, 0 warnings', not '2 errors, -1 warnings'), by
    check, score, diff, impact and test alike."""
    work = tmp_path / "x" / "y"
    shutil.copytree(OMI, work / "omi-2008")
    shutil.copytree(ROOT / "rulesets" / "omi2-2009", work / "new")
    main_file = work / "new" / "ruleset.yaml"
    text = main_file.read_text(encoding="utf-8")
    main_file.write_text(text.replace("\ntitle: ", "\ntitel: ", 1), encoding="utf-8")
    line, _ = _position(text, "\ntitle: ", 1)
    monkeypatch.chdir(tmp_path)
    new = "x/y/new" if form == "relative" else str(work / "new")
    shown = f"{new if form == 'relative' else 'x/y/new'}/ruleset.yaml:{line}:1: error[S001]: unknown key 'titel'"
    north_wales = str(ROOT / "examples" / "north-wales-2008")
    commands = {
        "check": ["check", new],
        "score": ["score", new, f"{north_wales}/cases.csv"],
        "diff": ["diff", str(work / "omi-2008"), new],
        "impact": ["impact", str(work / "omi-2008"), new, "--cases", north_wales],
        "test": ["test", new],
    }
    for name, args in commands.items():
        code, out, err = run(*args)
        lines = (out + err).splitlines()
        assert code == 1, (name, out, err)
        assert [x.strip() for x in lines if "error[S001]" in x] == [shown], (name, out + err)
        assert not any("x/y/x/y" in x or x.count("new/ruleset.yaml") > 1 for x in lines), name
        if name in ("score", "diff", "impact"):
            assert lines[-1] == "1 error, 0 warnings", (name, err)


def test_each_command_is_listed_with_the_start_of_its_own_help() -> None:
    """``omi-rules --help`` lists the commands from ``app.COMMANDS`` without importing them
    (issue 15): each entry must name the real command and begin its help."""
    import click

    from omi_rules.cli.app import COMMANDS

    ctx = click.Context(main)
    for name, (_, _, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert " ".join((command.help or "").split()).startswith(summary), name
    assert main.get_command(ctx, "no-such-command") is None
    listed = CliRunner().invoke(main, ["--help"]).stdout
    assert all(f"  {name} " in listed for name in COMMANDS)


def test_help_starts_without_the_heavy_imports() -> None:
    """The group's help and a usage error load neither numpy, pydantic, jsonschema nor rich:
    they took half a second before anything was printed."""
    code = (
        "import sys\n"
        "from omi_rules.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "names = ('numpy', 'pydantic', 'jsonschema', 'rich', 'jinja2', 'openpyxl')\n"
        "heavy = sorted(m for m in names if m in sys.modules)\n"
        "print(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
