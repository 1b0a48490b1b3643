"""The bundled OMI 2008 ruleset agrees with what the North Wales report published.

The published figures are kept in examples/north-wales-2008/published.yaml (transcribed from
the report), so these tests need nothing outside the repository.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.model import Assumption, BandSet, CaseSampleSection, JudgementSection, Ruleset
from omi_rules.ruleset.environments import decision_env
from omi_rules.ruleset.loader import load_ruleset

from .conftest import ROOT

PUBLISHED: dict[str, Any] = YAML(typ="safe").load(
    (ROOT / "examples" / "north-wales-2008" / "published.yaml").read_text(encoding="utf-8")
)
CONCLUSION_IDS = {"good": "good", "priority": "priority", "urgent": "urgent"}


@pytest.fixture(scope="module")
def omi() -> Ruleset:
    loaded = load_ruleset(ROOT / "rulesets" / "omi-2008")
    assert loaded.model is not None, loaded.diagnostics
    return loaded.model


def band_for(band_set: BandSet, score: float) -> str:
    for band in band_set.bands:
        if band.min <= score < band.max or (score == band.max == 100):
            return band.id
    raise AssertionError(f"no band for {score}")


def test_bands_reproduce_every_published_conclusion(omi: Ruleset) -> None:
    bands = next(b for b in omi.band_sets if b.id == "conclusion")
    scores = PUBLISHED["criterion_scores"]
    checked = 0
    for criterion, conclusion in PUBLISHED["conclusions"].items():
        if scores[criterion] is None:
            continue  # 2.7: score not published
        assert band_for(bands, scores[criterion]) == CONCLUSION_IDS[conclusion], criterion
        checked += 1
    assert checked == 13


def test_chosen_limits_are_among_those_the_evidence_allows(omi: Ruleset) -> None:
    """Enumerate every whole-percent pair of limits consistent with the published conclusions;
    the ruleset's pair must be one of them, and its note must name them all."""
    scores, conclusions = PUBLISHED["criterion_scores"], PUBLISHED["conclusions"]
    evidence = [(scores[c], conclusions[c]) for c in conclusions if scores[c] is not None]

    def consistent(good: int, priority: int) -> bool:
        def grade(s: int) -> str:
            return "good" if s >= good else "priority" if s >= priority else "urgent"

        return all(grade(score) == conclusion for score, conclusion in evidence)

    allowed = {(g, p) for g, p in itertools.product(range(101), repeat=2) if p < g and consistent(g, p)}
    assert allowed == {(g, p) for g in (71, 72) for p in (62, 63, 64)}
    bands = next(b for b in omi.band_sets if b.id == "conclusion")
    limits = {b.id: b.min for b in bands.bands}
    assert (limits["good"], limits["priority"]) in allowed
    assert bands.note is not None
    for g, p in allowed:
        assert f"{g}/{p}" in bands.note
    assert all(isinstance(b.source, Assumption) for b in bands.bands)


def test_decision_for_the_published_roh_thread_is_no_further_inspection(omi: Ruleset) -> None:
    decision = next(d for d in omi.decisions if d.id == "further_focused_inspection")
    env = decision_env(omi)
    outcome = None
    for candidate in decision.outcomes:
        if candidate.when is None:
            outcome = candidate
            break
        checked = compile_condition(candidate.when, env)
        assert isinstance(checked, Checked)
        if evaluate_row(checked, RowData({}, {("thread", "roh"): float(PUBLISHED["roh_thread_score"])})):
            outcome = candidate
            break
    assert outcome is not None
    assert outcome.id == "no"
    assert PUBLISHED["further_focused_inspection"] is False


def test_structure_matches_the_report(omi: Ruleset) -> None:
    case_sections = [s for s in omi.sections if isinstance(s, CaseSampleSection)]
    judged = [s for s in omi.sections if isinstance(s, JudgementSection)]
    criteria = [c.id for s in case_sections for c in s.criteria]
    assert criteria == list(PUBLISHED["criterion_scores"])
    assert [c.id for s in judged for c in s.criteria] == list(PUBLISHED["section_4_grades"])
    for section in case_sections:
        for criterion in section.criteria:
            assert sum(q.summary for q in criterion.questions) == 1
            assert criterion.weights.individual == 0.8 and criterion.weights.summary == 0.2
            assert criterion.weights.source is not None
    roh = [
        q
        for s in case_sections
        if s.id in ("1", "2")
        for c in s.criteria
        for q in c.questions
        if "roh" in q.tags and q.scored and not q.summary
    ]
    assert len(roh) >= 20
    stratum = omi.sample.strata[0]
    assert stratum.counts == PUBLISHED["sample"]["design"]


def test_every_rule_has_a_source(omi: Ruleset) -> None:
    """Every question, criterion, band, rule, thread, decision and sample rule carries a source
    (the schema requires it); assumptions give a reason of some substance."""
    from omi_rules.checks.context import CheckContext
    from omi_rules.checks.references import iter_sources
    from omi_rules.yamlio.reader import SourceMap

    sources = list(iter_sources(CheckContext(omi, SourceMap(), {})))
    assert len(sources) > 250
    for path, source in sources:
        if isinstance(source, Assumption):
            assert len(source.assumption.split()) >= 8, path


def test_bundled_files_carry_the_editor_modeline() -> None:
    for path in sorted(Path(ROOT / "rulesets").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        schema = "ruleset.schema.json" if path.name == "ruleset.yaml" else "ruleset-part.schema.json"
        if "\nextends:" in text:  # a derived ruleset is written as an overlay
            schema = schema.replace("ruleset", "ruleset-overlay", 1) if path.name == "ruleset.yaml" else schema
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../../schemas/{schema}", path
    for path in sorted(Path(ROOT / "rulesets").glob("*/tests/*.test.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../../schemas/ruleset-tests.schema.json", path
