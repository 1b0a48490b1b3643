"""Tests of the omi-rules-ippf plugin: band and roll-up rules, the North Wales example, checks.

Run from the omi-rules repository root: ``.venv/bin/python -m pytest plugins/omi-rules-ippf/tests``.
"""

from __future__ import annotations

import importlib.metadata as metadata
import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from omi_rules.checks import check_ruleset
from omi_rules.diagnostics import Report
from omi_rules.engine.pipeline import score
from omi_rules.plugins import SectionKind, hookimpl
from omi_rules.plugins.manager import Registry, load_plugins

from omi_rules_ippf import __version__, plugin
from omi_rules_ippf.rules import BandRule, Rollup, band_grade, margin, rollup_grade, round_grade

REPO = Path(__file__).resolve().parents[3]
RULESET = REPO / "rulesets" / "ippf-2007"
METRICS = REPO / "examples" / "ippf-north-wales-2007" / "metrics.csv"
NAME = "omi-rules-ippf"


def registry(*extra: tuple[str, object, str]) -> Registry:
    return load_plugins(entry_points=(), extra=[(NAME, plugin, __version__), *extra])


# --------------------------------------------------------------------------- band rules

POINTS = BandRule(basis="target", measure="points", outstanding=0, good=-5, passable=-10)
PERCENT = BandRule(basis="target", measure="percent", outstanding=0, good=-0.5, passable=-10)


@pytest.mark.parametrize(
    ("actual", "grade"), [(92, 4), (90, 4), (86, 3), (85, 3), (83.5, 2), (80, 2), (79.9, 1), (66, 1)]
)
def test_points_higher_is_better(actual: float, grade: int) -> None:
    assert band_grade(POINTS, "higher", actual, 90) == grade


@pytest.mark.parametrize(("actual", "grade"), [(8.0, 4), (9.0, 4), (9.04, 3), (9.5, 2), (9.9, 2), (12.4, 1)])
def test_percent_lower_is_better(actual: float, grade: int) -> None:
    # Sickness Absence style: target 9.0 days, lower is better; 10% over (9.9) is still passable.
    assert band_grade(PERCENT, "lower", actual, 9.0) == grade


def test_margin_sign_follows_direction() -> None:
    assert margin(92, 90, "higher", "points") == 2
    assert margin(92, 90, "lower", "points") == -2
    assert margin(110, 100, "higher", "percent") == pytest.approx(10)
    assert margin(8861, 8789, "lower", "percent") == pytest.approx(-0.819, abs=1e-3)
    assert margin(2, 0, "higher", "percent") == math.inf  # SOTP: target 0
    assert margin(0, 0, "higher", "percent") == 0


@pytest.mark.parametrize("basis", ["target", "national", "previous_year"])
def test_each_basis_is_read_from_its_own_column(basis: str) -> None:
    config = {
        "band_rules": [{"id": "r", "basis": basis, "measure": "points", "outstanding": 5, "good": 0, "passable": -5}],
        "domains": [{"id": "d", "name": "D", "rollup": {"method": "mean", "rounding": "floor"}}],
        "area": {"rollup": {"method": "mean", "rounding": "half_up"}},
        "metrics": [{"id": "m", "name": "M", "domain": "d", "direction": "higher", "bands": "r"}],
    }
    columns: dict[str, list[float | None]] = {
        "actual": [80.0],
        "target": [None],
        "national": [None],
        "previous_year": [None],
    }
    columns[basis] = [74.0]  # 6 points better than this basis only
    scored = plugin.score_section(config, ["m"], columns)
    assert scored.rows[0][6] == "4"
    assert scored.summary["d"] == 4
    columns[basis] = [None]  # basis not available: not graded, no domain grade
    scored = plugin.score_section(config, ["m"], columns)
    assert scored.rows[0][6] == "n/a"
    assert scored.summary["d"] is None and scored.summary["area_score"] is None


def test_a_rule_without_outstanding_tops_at_good() -> None:
    floor = BandRule(basis="target", measure="points", outstanding=None, good=0, passable=-5)
    assert band_grade(floor, "higher", 98, 95) == 3  # Ethnic Monitoring
    assert band_grade(floor, "higher", 88, 75) == 3  # DRR Retention
    assert band_grade(floor, "higher", 92, 95) == 2
    assert band_grade(floor, "higher", 80, 95) == 1


def test_significance() -> None:
    rule = BandRule(basis="predicted", measure="significance")
    assert band_grade(rule, "lower", 9.8, 8.5, significant=False) == 2  # Reduce Re-offending
    assert band_grade(rule, "lower", 9.8, 8.5, significant=True) == 1
    assert band_grade(rule, "lower", 7.0, 8.5, significant=False) == 3
    assert band_grade(rule, "lower", 7.0, 8.5, significant=True) == 4
    assert band_grade(rule, "lower", 7.0, 8.5, significant=None) is None


def test_missing_actual_or_basis_is_no_grade() -> None:
    assert band_grade(POINTS, "higher", None, 90) is None
    assert band_grade(POINTS, "higher", 90, None) is None


# --------------------------------------------------------------------------- roll-ups


def test_rounding() -> None:
    assert [round_grade(v, "floor") for v in (3.17, 3.0, 2.56, 2.0)] == [3, 3, 2, 2]
    assert [round_grade(v, "half_up") for v in (2.5, 2.49, 2.56)] == [3, 2, 3]
    assert round_grade(2.5, "half_down") == 2
    assert round_grade(2.01, "ceil") == 3


def test_rollup_ignores_ungraded_and_caps() -> None:
    assert rollup_grade(Rollup("floor"), [4, 4, 4, 1, 4, 2]) == 3  # Public Protection
    assert rollup_grade(Rollup("floor"), [2, None, 4, 3]) == 3  # n/a metrics do not count
    assert rollup_grade(Rollup("floor"), [None, None]) is None
    assert rollup_grade(Rollup("half_up"), [3, 3, 2, 2]) == 3  # the area score
    capped = Rollup("half_up", cap_poor_share=1 / 3, cap_max_grade=2)
    assert rollup_grade(capped, [1, 4, 4, 4, 4, 1]) == 2  # the alternative Interventions rule
    assert rollup_grade(capped, [4, 4, 4, 1, 4, 2]) == 3


def test_ungraded_metrics_are_shown_but_not_graded() -> None:
    config = {
        "band_rules": [{"id": "r", "basis": "target", "measure": "points", "outstanding": 0}],
        "domains": [{"id": "d", "name": "D", "rollup": {"method": "mean", "rounding": "floor"}}],
        "area": {"rollup": {"method": "mean", "rounding": "half_up"}},
        "metrics": [
            {"id": "g", "name": "Graded", "domain": "d", "direction": "higher", "bands": "r"},
            {"id": "mi", "name": "Info", "domain": "d", "graded": False},
        ],
    }
    scored = plugin.score_section(config, ["g", "mi"], {"actual": [50.0, 1.0], "target": [60.0, 99.0]})
    assert [r[6] for r in scored.rows] == ["1", "n/a"]
    assert scored.rows[1][2] == "1"
    assert scored.summary["d"] == 1


# --------------------------------------------------------------------------- the North Wales example

# nw2008 = "Offender Management Inspection: North Wales" (HMI Probation, September 2008),
# Appendix 1 "IPPF: April-December 2007": the published grade of every graded metric.
PUBLISHED_METRIC_GRADES = {
    "NS Public Protection": "4",
    "Tier 4 OASys Assess": "4",
    "PPO OASys Assess": "4",  # actual printed '###'
    "Tier 1, 2 & 3 OASys Assess": "1",
    "Victim Contact": "4",
    "Approved Premises": "2",
    "NS Interventions": "1",
    "Unpaid Work Completions": "4",
    "Accredited Programme Completions": "4",
    "Sex Offender Treatment Programme Completions": "4",
    "Domestic Violence Programme Completions": "4",
    "DTTO/DRR Starts": "1",
    "Reduce Re-offending": "2",
    "% Completions Of Unpaid Work": "4",
    "OBP Attrition": "3",
    "Employment Gained": "n/a",
    "DTTO/DRR Completions": "n/a",
    "Alcohol Treatment Requirement Starts": "n/a",
    "Alcohol Treatment Requirement Completions": "n/a",
    "Sickness Absence": "1",
    "Ethnic Monitoring": "3",
    "Budget Variance": "2",
    "Employment Sustained For 4 Weeks": "1",
    "% UPW Days Lost Due To Stand-Downs": "1",
    "DRR Retention": "3",
    "OM Phase II OASys Assess": "n/a",  # 'Data Availability Under Review'
    "Sub-Contracting": "n/a",  # 'Data Availability Under Review'
}
# nw2008 section 4 summary table and strength (a): the domain grades and "an overall score of 3".
PUBLISHED_DOMAINS = {
    "public_protection": 3,  # Good performance
    "offender_management": 3,  # Good performance
    "interventions": 2,  # Passable performance
    "operational_capability": 2,  # Passable performance
}


def test_the_ruleset_checks_clean() -> None:
    report = Report()
    check_ruleset(RULESET, report, registry())
    assert report.diagnostics == []


def test_scoring_north_wales_reproduces_every_published_grade() -> None:
    scored = score(RULESET, METRICS, registry=registry())
    assert scored.report.errors == []
    assert scored.result is not None
    section = scored.result.plugin_sections["ippf"]
    assert section.section_kind == "ippf_metrics"
    grades = {row[1]: row[6] for row in section.rows}
    assert grades == PUBLISHED_METRIC_GRADES
    assert {k: section.summary[k] for k in PUBLISHED_DOMAINS} == PUBLISHED_DOMAINS
    assert section.summary["area_score"] == 3
    assert section.summary["area_label"] == "Good performance"
    assert scored.result.plugins == {NAME: __version__}


# --------------------------------------------------------------------------- check errors (R024)


def _broken_copy(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of the ruleset with each ``(old, new)`` text replaced once (the old text must exist)."""
    text = (RULESET / "ruleset.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / "ippf"
    out.mkdir()
    (out / "ruleset.yaml").write_text(text, encoding="utf-8")
    return out


def _r024(path: Path) -> list[str]:
    report = Report()
    check_ruleset(path, report, registry())
    assert {d.code for d in report.errors} == {"R024"}, [(d.code, d.message) for d in report.errors]
    return [d.message for d in report.errors]


def test_a_rule_without_source_is_r024(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        ("      source: &domain_rollup", "      _unused: &domain_rollup"),
        ("          rounding: half_up\n          source:", "          rounding: half_up\n          _unused:"),
    )
    report = Report()
    check_ruleset(path, report, registry())
    # The renamed keys are schema errors (R024) at their own positions; no other code.
    assert {d.code for d in report.errors} == {"R024"}


def test_a_missing_source_is_reported_by_validate() -> None:
    ruleset = SimpleNamespace(documents={"nw2008": None}, fields=[])
    config = {
        "band_rules": [{"id": "r", "basis": "target", "measure": "points", "outstanding": 0}],
        "domains": [{"id": "d", "name": "D", "rollup": {"method": "mean", "rounding": "floor"}}],
        "area": {"rollup": {"method": "mean", "rounding": "half_up", "source": {"document": "nope", "ref": "x"}}},
        "metrics": [{"id": "m", "name": "M", "domain": "d", "direction": "higher", "bands": "r"}],
    }
    messages = [f.message for f in plugin.validate_config(config, ruleset)]  # type: ignore[arg-type]
    assert "band rule 'r' has no source" in messages
    assert "roll-up of domain 'd' has no source" in messages
    assert "the area roll-up cites unknown document 'nope'" in messages
    assert "metric 'm' has no source" in messages
    assert any("needs the field 'actual'" in m for m in messages)


def test_unknown_references_are_r024(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        (
            "domain: public_protection, direction: higher, bands: points_vs_target",
            "domain: public_protection, direction: higher, bands: nonesuch",
        ),
        ("name: Tier 4 OASys Assess, domain: public_protection", "name: Tier 4 OASys Assess, domain: nowhere"),
    )
    messages = _r024(path)
    assert any("unknown band rule 'nonesuch'" in m for m in messages)
    assert any("unknown domain 'nowhere'" in m for m in messages)


def test_a_band_rule_source_removed_is_r024(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        (
            "          passable: -10\n          source:\n            assumption: >-\n              Percentage metrics",
            "          passable: -10\n          title: |-\n              Percentage metrics",
        ),
        ("          title: Percentage-point margin over the target\n", ""),
    )
    messages = _r024(path)
    assert "band rule 'points_vs_target' has no source" in messages


def test_a_schema_error_is_r024(tmp_path: Path) -> None:
    path = _broken_copy(
        tmp_path,
        (
            "name: NS Public Protection, domain: public_protection, direction: higher",
            "name: NS Public Protection, domain: public_protection, direction: sideways",
        ),
    )
    messages = _r024(path)
    assert any("sideways" in m for m in messages)


# --------------------------------------------------------------------------- isolation


class _Broken:
    @hookimpl
    def omi_rules_section_kinds(self) -> list[SectionKind]:
        raise RuntimeError("this plugin is broken on purpose")


def test_a_broken_plugin_beside_it_is_reported_and_ippf_still_scores() -> None:
    reg = registry(("broken", _Broken(), "0"))
    broken = reg.plugin("broken")
    assert broken is not None and not broken.ok
    ippf = reg.plugin(NAME)
    assert ippf is not None and ippf.ok and ippf.provides == ("section kind ippf_metrics",)
    scored = score(RULESET, METRICS, registry=reg)
    assert scored.result is not None
    assert scored.result.plugin_sections["ippf"].summary["area_score"] == 3


# --------------------------------------------------------------------------- installed


def _installed() -> bool:
    return any(ep.name == NAME for ep in metadata.entry_points(group="omi_rules"))


@pytest.mark.skipif(not _installed(), reason="omi-rules-ippf is not installed (pip install -e plugins/omi-rules-ippf)")
def test_the_installed_plugin_is_discovered_by_its_entry_point() -> None:
    info = load_plugins().plugin(NAME)
    assert info is not None and info.status == "ok"
    assert info.version == metadata.version(NAME) == __version__
