"""Inheritance (extends), resolve, and --as-of: a child ruleset is its parent with the child's
additions, overrides and removals; every resolved value keeps the file it came from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.checks import check_ruleset
from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.ruleset.versions import in_force

from .conftest import MINIMAL

CHILD = """format_version: 1
id: mini-child
version: 1.1.0
extends: {parent}
effective_from: 2009-04-01
changelog: [{{version: 1.1.0, date: 2026-11-26, changes: [Child.]}}]
band_sets:
  - id: conclusion
    bands:
      - {{id: good, min: 75}}
      - {{id: priority, max: 75}}
sections:
  - id: "1"
    criteria:
      - id: "1.1"
        questions:
          - {{id: 1.1.3, remove: true}}
          - {{id: 1.1.2, text: "Was the full analysis completed on time?"}}
          - id: 1.1.4
            text: Was the plan reviewed?
            scale: yes_no
            relevant_if: roh >= 'medium'
            source: {{assumption: A question the child adds for the tests.}}
"""


@pytest.fixture
def family(tmp_path: Path) -> Path:
    """rulesets/mini (the minimal fixture, in force 2008) and rulesets/child (from 2009-04)."""
    root = tmp_path / "rulesets"
    shutil.copytree(MINIMAL, root / "mini")
    parent = root / "mini" / "ruleset.yaml"
    parent.write_text(
        parent.read_text(encoding="utf-8").replace(
            "effective_from: 2008-01-01\n", "effective_from: 2008-01-01\neffective_to: 2009-03-31\n"
        ),
        encoding="utf-8",
    )
    (root / "child").mkdir()
    (root / "child" / "ruleset.yaml").write_text(CHILD.format(parent="mini@1.0.0"), encoding="utf-8")
    return root


def test_child_is_parent_with_overrides_additions_and_removals(family: Path) -> None:
    report = Report()
    loaded = check_ruleset(family / "child", report)
    assert not report.diagnostics, report.diagnostics
    model = loaded.model
    assert model is not None
    assert (model.id, model.version, model.title) == ("mini-child", "1.1.0", "Minimal inspection")
    criterion = model.sections[0].criteria[0]  # type: ignore[union-attr]
    questions = {q.id: q for q in criterion.questions}
    assert list(questions) == ["1.1.1", "1.1.2", "1.1.s", "1.1.4"]
    assert questions["1.1.2"].text == "Was the full analysis completed on time?"
    assert questions["1.1.2"].relevant_if == "answer('1.1.1') == 'yes' and roh >= 'high'"  # kept from the parent
    bands = {b.id: (b.min, b.max) for b in model.band_sets[0].bands}
    assert bands == {"good": (75, 100), "priority": (62, 75), "urgent": (0, 62)}
    assert [s.id for s in model.sections] == ["1", "4"]  # the part file of the parent is included


def test_positions_point_at_the_file_each_value_came_from(family: Path) -> None:
    loaded = check_ruleset(family / "child", Report())
    where = loaded.source_map.value(("sections", 0, "criteria", 0, "questions", 1, "text"))
    assert where.file.endswith("child/ruleset.yaml") and where.line == 18
    where = loaded.source_map.value(("sections", 0, "criteria", 0, "questions", 1, "relevant_if"))
    assert where.file.endswith("mini/ruleset.yaml") and where.line == 82  # the fixture adds effective_to
    where = loaded.source_map.value(("sections", 1, "criteria", 0, "id"))
    assert where.file.endswith("mini/section-4.yaml")


def test_path_references_and_missing_parents(family: Path) -> None:
    child = family / "child" / "ruleset.yaml"
    child.write_text(CHILD.format(parent="../mini"), encoding="utf-8")
    assert not check_ruleset(family / "child", Report()).diagnostics
    child.write_text(CHILD.format(parent="mini@9.9.9"), encoding="utf-8")
    report = Report()
    check_ruleset(family / "child", report)
    assert [(d.code, d.position.line) for d in report.diagnostics] == [("R025", 4)]


def test_resolve_shows_origins(family: Path) -> None:
    result = CliRunner().invoke(main, ["resolve", str(family / "child")])
    assert result.exit_code == 0, result.output
    line = next(text for text in result.stdout.splitlines() if "id: 1.1.2" in text)
    assert "mini/ruleset.yaml:79; changed in" in line and "child/ruleset.yaml:18" in line
    body = json.loads(CliRunner().invoke(main, ["resolve", str(family / "child"), "--format", "json"]).stdout)
    assert body["ruleset"]["id"] == "mini-child"
    assert body["origins"]["/sections/0/criteria/0/questions/3"].endswith("child/ruleset.yaml:19")


def test_diff_of_child_against_parent(family: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(family / "mini"), str(family / "child"), "--format", "json"])
    kinds = {(c["kind"], " > ".join(c["where"])) for c in json.loads(result.stdout)["changes"]}
    assert ("removed", "section 1 > criterion 1.1 > question 1.1.3") in kinds
    assert ("added", "section 1 > criterion 1.1 > question 1.1.4") in kinds
    assert ("changed", "band set conclusion > band good > min") in kinds


def test_as_of_picks_the_version_in_force(family: Path) -> None:
    import datetime as dt

    old = in_force(family, dt.date(2008, 6, 1))
    new = in_force(family, dt.date(2010, 6, 1))
    assert old is not None and old.id == "mini"
    assert new is not None and new.id == "mini-child" and new.root == "mini"
    assert in_force(family, dt.date(2001, 1, 1)) is None


def test_an_override_equal_to_its_parent_is_no_change(family: Path) -> None:
    (family / "child" / "ruleset.yaml").write_text(
        "format_version: 1\nid: mini\nversion: 1.0.0\nextends: ../mini\neffective_from: 2008-01-01\n"
        "effective_to: 2009-03-31\nchangelog: [{version: 1.0.0, date: 2026-11-26, changes: [First version.]}]\n"
        'sections:\n  - id: "1"\n    criteria:\n      - id: "1.1"\n        questions:\n'
        '          - {id: 1.1.2, text: "Was the full analysis completed?"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["diff", str(family / "mini"), str(family / "child"), "--format", "json"])
    changes = json.loads(result.stdout)["changes"]
    assert changes == [{"kind": "changed", "where": ["extends"], "old": None, "new": "../mini"}]
