"""The plugin system: discovery, isolation of broken plugins, every hook at work, the ruleset's
plugin requirements, and provenance in results."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from omi_rules.checks import check_ruleset
from omi_rules.cli import common as cli
from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.engine.pipeline import score
from omi_rules.plugins.manager import BUILTIN, load_plugins

from .conftest import FIXTURES, MINIMAL
from .plugin_fixtures import broken, good

CASES = FIXTURES / "data" / "minimal-cases.csv"


def entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="omi_rules")


def test_builtins_are_registered_through_the_hooks() -> None:
    registry = load_plugins(entry_points=())
    assert [p.name for p in registry.plugins] == [BUILTIN]
    assert {"weighted_summary", "mean", "minimum"} <= set(registry.aggregations)
    assert "mean_of_questions" in registry.thread_combinations
    assert "ranges" in registry.grade_rules
    assert {".csv", ".xlsx", ".json", ".yaml"} <= set(registry.readers)
    assert registry.versions() == {}


def test_each_plugin_loads_on_its_own_and_broken_ones_are_reported() -> None:
    points = [
        entry_point("good", "tests.plugin_fixtures.good:plugin"),
        entry_point("missing-module", "tests.plugin_fixtures.no_such_module:plugin"),
        entry_point("wrong-type", "tests.plugin_fixtures.broken:wrong_type"),
        entry_point("raises", "tests.plugin_fixtures.broken:raises"),
        entry_point("duplicate", "tests.plugin_fixtures.broken:duplicate"),
        entry_point("bad-signature", "tests.plugin_fixtures.broken:bad_signature"),
    ]
    registry = load_plugins(entry_points=points)
    status = {p.name: p.status for p in registry.plugins}
    assert status["good"] == "ok"
    assert status["missing-module"].startswith("failed to load: ModuleNotFoundError")
    assert status["wrong-type"] == "broken: TypeError: omi_rules_aggregations must return a list of Aggregation"
    assert status["raises"] == "broken: RuntimeError: boom"
    assert "already provided by another plugin" in status["duplicate"]
    assert status["bad-signature"].startswith("broken:")
    # the good plugin and the built-ins keep working, untouched by the broken ones
    assert "summary_only" in registry.aggregations
    assert registry.aggregations["weighted_summary"].description.startswith("OMI")
    assert ".tsv" in registry.readers
    result = score(MINIMAL, CASES, registry=registry).result
    assert result is not None and result.criteria["1.1"].display == "67%"


def test_registries_are_independent() -> None:
    """No global state: a registry with a plugin does not leak into the next one."""
    with_plugin = load_plugins(entry_points=(), extra=[("good", good.plugin, "1.2.3")])
    without = load_plugins(entry_points=())
    assert "summary_only" in with_plugin.aggregations
    assert "summary_only" not in without.aggregations


CONDITION = "relevant_if: sentence in ['custody', 'licence'] and not ppo"
CRITERION_SOURCE = '        source: {document: rep, ref: "1.1"}\n        questions:'
THREAD_SELECT = '    select: {tags: [roh], sections: ["1"]}'


def copy_minimal(tmp_path: Path, replacements: dict[str, str]) -> Path:
    folder = tmp_path / "r"
    folder.mkdir()
    for source in MINIMAL.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "ruleset.yaml":
            for old, new in replacements.items():
                assert old in text, old
                text = text.replace(old, new, 1)
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


GOOD = [("good", good.plugin, "1.2.3")]


def test_plugin_rules_are_used_by_the_engine(tmp_path: Path) -> None:
    folder = copy_minimal(
        tmp_path,
        {
            CRITERION_SOURCE: CRITERION_SOURCE.replace("\n", "\n        aggregation: summary_only\n"),
            THREAD_SELECT: THREAD_SELECT + "\n    combine: maximum",
            "    title: Criterion conclusion\n": "    title: Criterion conclusion\n    rule: halves\n",
            CONDITION: "relevant_if: tier_at_least('4') and not ppo",
            "include:\n": 'plugins:\n  good: ">=1.0,<2"\ninclude:\n',
        },
    )
    registry = load_plugins(entry_points=(), extra=GOOD)
    report = Report()
    check_ruleset(folder, report, registry)
    assert not report.errors, report.diagnostics
    scored = score(folder, CASES, registry=registry)
    result = scored.result
    assert result is not None, scored.report.diagnostics
    assert result.criteria["1.1"].score == pytest.approx(70.0)  # the summary alone
    assert result.criteria["1.1"].band is not None and result.criteria["1.1"].band.id == "good"  # halves: >= 50
    q3 = result.criteria["1.1"].questions[2]
    assert q3.counts.relevant == 2  # tier 4 and not a PPO: c01 and c02 in the CSV
    assert result.plugins == {"good": "1.2.3"}


def test_plugin_condition_functions_are_type_checked(tmp_path: Path) -> None:
    folder = copy_minimal(
        tmp_path,
        {CONDITION: "relevant_if: tier_at_least('5') and double('tier')"},
    )
    report = Report()
    check_ruleset(folder, report, load_plugins(entry_points=(), extra=GOOD))
    codes = sorted(d.code for d in report.errors)
    assert codes == ["C005", "C006"]  # '5' is not a valid argument; a number is not a condition


def test_without_the_plugin_its_names_are_unknown(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path, {"include:\n": 'plugins:\n  good: ">=1.0"\ninclude:\n'})
    report = Report()
    check_ruleset(folder, report, load_plugins(entry_points=()))
    assert [d.code for d in report.errors] == ["R021"]


def test_plugin_check_rules_report_and_a_raising_rule_is_r023() -> None:
    report = Report()
    registry = load_plugins(entry_points=(), extra=[*GOOD, ("rule-raises", broken.rule_raises, "0.1")])
    check_ruleset(MINIMAL, report, registry)
    found = sorted((d.code, d.severity.value, d.position.line) for d in report.diagnostics)
    assert ("TP001", "warning", 6) in found
    assert any(code == "R023" for code, _, _ in found)
    assert not report.errors


def test_plugin_reader_reads_a_new_file_type(tmp_path: Path) -> None:
    tsv = tmp_path / "cases.tsv"
    tsv.write_text(CASES.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    result = score(MINIMAL, tsv, registry=load_plugins(entry_points=(), extra=GOOD)).result
    assert result is not None and result.criteria["1.1"].display == "67%"
    scored = score(MINIMAL, tsv, registry=load_plugins(entry_points=()))
    assert [d.code for d in scored.report.diagnostics] == ["D009"]


def test_report_sections_and_the_plugins_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    registry = load_plugins(entry_points=(), extra=[*GOOD, ("raises", broken.raises, "0.1")])
    monkeypatch.setattr(cli, "load_plugins", lambda: registry)
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES), "--format", "markdown"])
    assert result.exit_code == 0
    assert "## Plugin notes" in result.stdout and "Scored by the test plugin." in result.stdout
    out = tmp_path / "r.html"
    CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES), "--format", "html", "--output", str(out)])
    assert "Plugin notes" in out.read_text(encoding="utf-8")
    listing = CliRunner().invoke(main, ["plugins", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(listing.stdout)}
    assert rows["good"]["status"] == "ok" and rows["good"]["version"] == "1.2.3"
    assert "aggregation summary_only" in rows["good"]["provides"]
    assert rows["raises"]["status"] == "broken: RuntimeError: boom"
    assert listing.exit_code == 1
    body = json.loads(CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES), "--format", "json"]).stdout)
    assert body["plugins"] == {"good": "1.2.3"}


def test_contributions_that_no_ruleset_could_use_or_that_shadow_builtins_are_refused() -> None:
    registry = load_plugins(
        entry_points=(),
        extra=[
            ("shadows", broken.shadows_answer, "1"),
            ("steals", broken.steals_code, "1"),
            ("severity", broken.bad_severity, "1"),
        ],
    )
    status = {p.name: p.status for p in registry.plugins}
    assert "would hide omi-rules' own" in status["shadows"]
    assert "not one of omi-rules' own" in status["steals"]
    assert "must be 'error' or 'warning'" in status["severity"]
    assert registry.functions == {} and registry.check_rules == {}


def test_a_report_section_hook_may_take_only_some_arguments() -> None:
    registry = load_plugins(entry_points=(), extra=[("sections", broken.result_only_section, "1")])
    result = score(MINIMAL, CASES, registry=registry).result
    assert result is not None
    assert [s.title for s in registry.report_sections(result, load_minimal())] == ["Result only"]


def load_minimal():  # type: ignore[no-untyped-def]
    from omi_rules.ruleset.loader import load_ruleset

    return load_ruleset(MINIMAL).model


def test_a_plugin_returning_an_impossible_score_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_minimal(
        tmp_path, {CRITERION_SOURCE: CRITERION_SOURCE.replace("\n", "\n        aggregation: too_high\n")}
    )
    registry = load_plugins(entry_points=(), extra=[("out-of-range", broken.out_of_range, "1")])
    monkeypatch.setattr(cli, "load_plugins", lambda: registry)
    result = CliRunner().invoke(main, ["score", str(folder), str(CASES)])
    assert result.exit_code == 3
    assert "plugin 'out-of-range', aggregation 'too_high', returned 150.0" in result.stderr
    assert "bug in omi-rules" not in result.stderr


PLUGIN_SECTION = """  - id: tally
    title: Records by tier
    kind: plugin
    section_kind: tally
    config: {CONFIG}
    source: {assumption: A section kind from a test plugin.}
"""


def test_plugin_section_kinds_are_checked_and_scored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_plugins(entry_points=(), extra=[("tally", good.tally, "1.0")])

    def with_config(config: str) -> Path:
        folder = tmp_path / f"r{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for source in MINIMAL.glob("*.yaml"):
            text = source.read_text(encoding="utf-8")
            if source.name == "ruleset.yaml":
                text = text.replace(
                    "judgement_rules:\n", PLUGIN_SECTION.replace("{CONFIG}", config) + "judgement_rules:\n"
                )
            (folder / source.name).write_text(text, encoding="utf-8")
        return folder

    report = Report()
    check_ruleset(with_config("{field: tier}"), report, registry)
    assert not report.diagnostics, report.diagnostics
    # "    config: {" puts the mapping at column 13 and a value after "field: " at column 21
    expected = {
        "{field: 4}": [("R024", 99, 21)],  # not a string (the kind's JSON Schema)
        "{feld: tier}": [("R024", 99, 13), ("R024", 99, 13)],  # unknown key, and "field" missing
        "{field: tear}": [("R024", 99, 21)],  # the kind's own check: not a declared field
    }
    for config, wanted in expected.items():
        report = Report()
        check_ruleset(with_config(config), report, registry)
        assert sorted((d.code, d.position.line, d.position.col) for d in report.diagnostics) == wanted, config
    report = Report()
    check_ruleset(with_config("{field: tier}"), report, load_plugins(entry_points=()))
    assert [d.code for d in report.diagnostics] == ["R002"]
    scored = score(with_config("{field: tier}"), CASES, registry=registry)
    assert scored.result is not None
    section = scored.result.plugin_sections["tally"]
    assert section.summary == {"records": 10, "distinct": 4}
    assert section.rows[0] == ["1", "2"]
    monkeypatch.setattr(cli, "load_plugins", lambda: registry)
    out = CliRunner().invoke(main, ["score", str(with_config("{field: tier}")), str(CASES), "--format", "markdown"])
    assert "## Records by tier" in out.stdout and "records: 10" in out.stdout


def test_a_ruleset_of_plugin_sections_only_renders_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "only"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text(
        "format_version: 1\nid: only\nversion: 1.0.0\ntitle: Only a plugin section\ndescription: Test.\n"
        "effective_from: 2008-01-01\nchangelog: [{version: 1.0.0, date: 2026-11-26, changes: [First.]}]\n"
        "fields: [{id: tier, type: int, description: Tier.}]\n"
        + "sections:\n"
        + PLUGIN_SECTION.replace("{CONFIG}", "{field: tier}"),
        encoding="utf-8",
    )
    data = tmp_path / "records.csv"
    data.write_text("case_id,tier\na,1\nb,2\nc,2\n", encoding="utf-8")
    registry = load_plugins(entry_points=(), extra=[("tally", good.tally, "1.0")])
    monkeypatch.setattr(cli, "load_plugins", lambda: registry)
    for fmt in ("table", "markdown", "html", "json"):
        result = CliRunner().invoke(main, ["score", str(folder), str(data), "--format", fmt])
        assert result.exit_code == 0, (fmt, result.output, result.stderr)
        assert "Records by tier" in result.stdout
        assert "Scores of sections 1-3" not in result.stdout
