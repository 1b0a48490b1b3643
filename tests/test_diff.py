"""omi-rules diff: differences in methodology terms; edits that change nothing show as none."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from omi_rules.cli import main
from omi_rules.lifecycle.diff import diff_rulesets
from omi_rules.model import Ruleset
from omi_rules.ruleset.loader import load_ruleset

from .conftest import MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"


def copy(source: Path, tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(source, folder)
    for name, replacements in edits.items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return folder


def model(path: Path) -> Ruleset:
    loaded = load_ruleset(path)
    assert loaded.model is not None, loaded.diagnostics
    return loaded.model


def test_moving_one_band_limit_reports_exactly_that(tmp_path: Path) -> None:
    new = copy(
        OMI,
        tmp_path,
        {
            "ruleset.yaml": [
                ("        min: 71\n        max: 100", "        min: 72\n        max: 100"),
                ("        min: 62\n        max: 71", "        min: 62\n        max: 72"),
            ]
        },
    )
    changes = diff_rulesets(model(OMI), model(new))
    assert [(c.kind, c.where, c.old, c.new) for c in changes] == [
        ("changed", ("band set conclusion", "band good", "min"), 71.0, 72.0),
        ("changed", ("band set conclusion", "band priority", "max"), 71.0, 72.0),
    ]


def test_comments_key_order_formatting_and_equivalent_conditions_are_no_change(tmp_path: Path) -> None:
    new = copy(
        MINIMAL,
        tmp_path,
        {
            "ruleset.yaml": [
                ("# A small but complete ruleset", "# An edited comment. A small but complete ruleset"),
                (
                    "  - id: tier\n    type: int\n    min: 1\n    max: 4\n",
                    "  - type: int\n    max: 4\n    id: tier\n    min: 1\n",
                ),
                (
                    "relevant_if: sentence in ['custody', 'licence'] and not ppo",
                    'relevant_if: >\n              not ppo and\n              sentence in ["licence", "custody"]',
                ),
                ("title: Minimal inspection", 'title: "Minimal inspection"'),
            ]
        },
    )
    assert diff_rulesets(model(MINIMAL), model(new)) == []


def test_added_removed_and_changed_questions(tmp_path: Path) -> None:
    new = copy(
        MINIMAL,
        tmp_path,
        {
            "ruleset.yaml": [
                (
                    "          - id: 1.1.3\n            text: Was the custody plan made?",
                    "          - id: 1.1.4\n            text: Was the custody plan made?",
                ),
                (
                    "relevant_if: \"answer('1.1.1') == 'yes' and roh >= 'high'\"",
                    "relevant_if: \"answer('1.1.1') == 'yes' and roh >= 'medium'\"",
                ),
            ]
        },
    )
    changes = diff_rulesets(model(MINIMAL), model(new))
    summary = [(c.kind, " > ".join(c.where)) for c in changes]
    assert summary == [
        ("changed", "section 1 > criterion 1.1 > question 1.1.2 > relevant_if"),
        ("removed", "section 1 > criterion 1.1 > question 1.1.3"),
        ("added", "section 1 > criterion 1.1 > question 1.1.4"),
    ]


def test_cli_formats_and_exit_code(tmp_path: Path) -> None:
    new = copy(MINIMAL, tmp_path, {"ruleset.yaml": [("    min: 1\n    max: 4\n", "    min: 1\n    max: 5\n")]})
    result = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "json"])
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["changes"] == [{"kind": "changed", "where": ["field tier", "max"], "old": 4, "new": 5}]
    assert CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--exit-code"]).exit_code == 1
    same = CliRunner().invoke(main, ["diff", str(MINIMAL), str(MINIMAL), "--exit-code"])
    assert same.exit_code == 0 and "no methodology change" in same.stdout
    markdown = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "markdown"]).stdout
    assert "| changed | field tier > max | 4 | 5 |" in markdown
    broken = copy(MINIMAL, tmp_path / "b", {"ruleset.yaml": [("roh >= 'high'\"", "roh >= 'hihg'\"")]})
    failed = CliRunner().invoke(main, ["diff", str(MINIMAL), str(broken)])
    assert failed.exit_code == 1 and "error[C004]" in failed.stderr


def test_html_page_escapes_and_lists_changes(tmp_path: Path) -> None:
    new = copy(MINIMAL, tmp_path, {"ruleset.yaml": [("title: Minimal inspection", "title: Minimal <b>inspection</b>")]})
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "html", "--output", str(out)])
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "Minimal &lt;b&gt;inspection&lt;/b&gt;" in page and "<b>inspection</b>" not in page
    assert '<td class="kind changed">changed</td>' in page


def test_numbers_are_shown_as_the_yaml_writes_them(tmp_path: Path) -> None:
    """Invariant (issue 14): a band limit written 71 is shown 71, not as the model's float 71.0;
    a weight 0.8 (the default) changed to 0.75 is shown 0.8 -> 0.75; a number written with a
    decimal point keeps it (text, Markdown and JSON alike)."""
    new = copy(
        MINIMAL,
        tmp_path,
        {
            "ruleset.yaml": [
                ("        min: 71\n        max: 100", "        min: 72\n        max: 100.0"),
                ("        min: 62\n        max: 71", "        min: 62\n        max: 72.0"),
                (
                    "        statement: Risk of Harm is assessed.\n",
                    "        statement: Risk of Harm is assessed.\n"
                    "        weights: {individual: 0.75, summary: 0.25}\n",
                ),
            ]
        },
    )
    text = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new)]).stdout
    assert "  changed band set conclusion > band good > min: 71 -> 72\n" in text
    assert "  changed band set conclusion > band priority > max: 71 -> 72.0\n" in text
    assert "  changed section 1 > criterion 1.1 > weights > individual: 0.8 -> 0.75\n" in text
    assert "band good > max" not in text  # 100 -> 100.0: the same number
    markdown = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "markdown"]).stdout
    assert "| changed | band set conclusion > band good > min | 71 | 72 |" in markdown
    body = json.loads(CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "json"]).stdout)
    limits = [(c["old"], c["new"]) for c in body["changes"] if c["where"][-1] in ("min", "max")]
    assert limits == [(71, 72), (71, 72)]
    assert [(type(old), type(new)) for old, new in limits] == [(int, int), (int, float)]


LONG_CHANGE = (
    "Raised the lower limit of the good band from 71 to 72 because the methodology panel decided that a "
    "criterion on the boundary should not count as good without a second look at the cases."
)


def test_a_long_changelog_entry_is_shown_whole_and_wrapped(tmp_path: Path) -> None:
    """Invariant (issue 14): an added changelog entry is shown whole, its date and each change
    on its own line: the text wraps long lines at spaces (no line over 100 characters) and cuts
    nothing; Markdown and JSON hold every word too."""
    new = copy(
        MINIMAL,
        tmp_path,
        {
            "ruleset.yaml": [
                ("version: 1.0.0\ntitle", "version: 1.1.0\ntitle"),
                (
                    "changelog:\n",
                    f"changelog:\n  - version: 1.1.0\n    date: 2026-12-01\n    changes:\n"
                    f"      - {LONG_CHANGE}\n      - Renamed a question.\n",
                ),
            ]
        },
    )
    text = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new)]).stdout
    entry = text.split("  added   changelog entry 1.1.0: ")[1].splitlines()
    assert entry[0] == "2026-12-01" and entry[1].startswith("      - Raised the lower limit")
    assert entry[-1] == "      - Renamed a question."
    assert all(len(line) <= 100 for line in text.splitlines())
    assert " ".join(line.strip() for line in entry[1:-1]) == f"- {LONG_CHANGE}"
    markdown = CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "markdown"]).stdout
    assert f"2026-12-01<br>- {LONG_CHANGE}<br>- Renamed a question. |" in markdown
    body = json.loads(CliRunner().invoke(main, ["diff", str(MINIMAL), str(new), "--format", "json"]).stdout)
    assert body["changes"][-1]["new"] == f"2026-12-01\n- {LONG_CHANGE}\n- Renamed a question."
