"""Tests of the omi-rules-example plugin.

Run with ``python -m pytest plugins/omi-rules-example/tests`` after
``pip install -e plugins/omi-rules-example``. The unit and integration tests do not need the
package to be installed as a plugin: they hand the module to ``load_plugins(extra=...)``. Only
the last test, which checks the installed entry point, is skipped when it is not installed.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
from pathlib import Path
from typing import Any

import pytest
from omi_rules.checks import check_ruleset
from omi_rules.diagnostics import Report
from omi_rules.engine.pipeline import score
from omi_rules.plugins.manager import Registry, builtin_registry, load_plugins

from omi_rules_example import __version__, plugin
from omi_rules_example.plugin import FLOOR, floor_weighted

HERE = Path(__file__).resolve().parent.parent
RULESET = HERE / "ruleset"
CASES = HERE / "data" / "cases.csv"
EXPECTED = json.loads((HERE / "data" / "expected-scores.json").read_text(encoding="utf-8"))["samples"]
NAME = "omi-rules-example"


def example_registry(version: str = __version__) -> Registry:
    """Built-ins plus this plugin, and nothing else installed (``entry_points=()``)."""
    return load_plugins(entry_points=(), extra=[(NAME, plugin, version)])


# --------------------------------------------------------------------------- the function


def omi(individual: list[float], summary: float | None, wi: float = 0.8, ws: float = 0.2) -> float | None:
    """omi-rules' own weighted_summary, taken from the built-in registry."""
    return builtin_registry().aggregations["weighted_summary"].combine(individual, summary, wi, ws)


def test_below_the_floor_the_summary_caps_the_score() -> None:
    assert omi([90.0, 80.0], 40.0) == pytest.approx(76.0)
    assert floor_weighted([90.0, 80.0], 40.0, 0.8, 0.2) == 40.0


def test_at_or_above_the_floor_it_is_the_omi_rule() -> None:
    for summary in (FLOOR, 60.0, 100.0):
        assert floor_weighted([100.0, 80.0], summary, 0.8, 0.2) == pytest.approx(omi([100.0, 80.0], summary))


def test_the_cap_never_raises_a_score() -> None:
    # Individual questions even weaker than the summary: the OMI score is already below it.
    assert floor_weighted([10.0, 20.0], 40.0, 0.8, 0.2) == pytest.approx(0.8 * 15.0 + 0.2 * 40.0)


def test_one_part_unjudged_falls_back_like_the_omi_rule() -> None:
    assert floor_weighted([70.0, 90.0], None, 0.8, 0.2) == pytest.approx(80.0)  # no summary: no cap
    assert floor_weighted([], 30.0, 0.8, 0.2) == 30.0  # summary alone
    assert floor_weighted([], 30.0, 0.8, 0.2) == omi([], 30.0)


def test_nothing_judged_is_no_score_not_zero() -> None:
    assert floor_weighted([], None, 0.8, 0.2) is None


def test_the_weights_are_used() -> None:
    assert floor_weighted([100.0], 60.0, 0.5, 0.5) == pytest.approx(80.0)


# --------------------------------------------------------------------------- through omi-rules


def test_the_plugin_loads_and_provides_floor_weighted() -> None:
    registry = example_registry()
    info = registry.plugin(NAME)
    assert info is not None and info.ok, info
    assert info.version == "1.0.0"
    assert info.provides == ("aggregation floor_weighted",)
    assert registry.aggregations["floor_weighted"].combine is floor_weighted


def test_the_example_ruleset_checks_clean_with_the_plugin() -> None:
    report = Report()
    check_ruleset(RULESET, report, example_registry())
    assert report.diagnostics == []


def test_without_the_plugin_check_reports_r021_and_the_unknown_aggregation() -> None:
    report = Report()
    check_ruleset(RULESET, report, builtin_registry())
    assert sorted(d.code for d in report.errors) == ["R002", "R021"]


def test_a_version_outside_the_range_is_r022() -> None:
    report = Report()
    check_ruleset(RULESET, report, example_registry(version="2.0.0"))
    assert [d.code for d in report.errors] == ["R022"]


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e["where"] or "all cases")
def test_scoring_the_example(expected: dict[str, Any]) -> None:
    scored = score(RULESET, CASES, where=expected["where"], registry=example_registry())
    assert scored.report.errors == []
    assert scored.result is not None
    criterion = scored.result.criteria["1.1"]
    assert scored.result.cases == expected["cases"]
    assert {q.id: q.proportion for q in criterion.questions} == pytest.approx(expected["proportions"])
    assert criterion.score == pytest.approx(expected["floor_weighted"])
    assert criterion.display == expected["display"]
    assert criterion.band is not None and criterion.band.id == expected["band"]
    individual = [q.proportion for q in criterion.questions if not q.summary and q.proportion is not None]
    assert omi(individual, criterion.summary_proportion) == pytest.approx(expected["omi_weighted"])
    # The result records the plugin (and its version) that produced it.
    assert scored.result.plugins == {NAME: "1.0.0"}


# --------------------------------------------------------------------------- installed


def _installed() -> bool:
    return any(ep.name == NAME for ep in metadata.entry_points(group="omi_rules"))


NOT_INSTALLED = "omi-rules-example is not installed (pip install -e plugins/omi-rules-example)"


@pytest.mark.skipif(not _installed(), reason=NOT_INSTALLED)
def test_the_installed_plugin_is_discovered_by_its_entry_point() -> None:
    registry = load_plugins()
    info = registry.plugin(NAME)
    assert info is not None, [p.name for p in registry.plugins]
    assert info.status == "ok"
    assert info.version == metadata.version(NAME) == __version__
    assert "aggregation floor_weighted" in info.provides
    assert registry.aggregations["floor_weighted"].combine is floor_weighted
