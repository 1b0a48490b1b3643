"""Ruleset tests (``*.test.yaml``) agree with the engine: a test that expects the figures the
engine produced passes, and moving any one expected figure beyond the tolerance fails that one
expectation, at its place in the test file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omi_rules.engine.pipeline import Outcome
from omi_rules.lifecycle.ruleset_tests import Runner
from omi_rules.lifecycle.synthetic import write_csv

from .strategies import Inspection, inspections, raw_table, share_of_examples, to_yaml

TOLERANCE = 1e-6


def expectations(outcome: Outcome) -> dict[str, Any]:
    """Everything the outcome says, as a ruleset test's ``expect`` block (scores as the decimals
    a person would write, within ``TOLERANCE`` of the exact ones)."""
    criteria: dict[str, Any] = {}
    questions: dict[str, Any] = {}
    for cid, c in outcome.scores.criteria.items():
        criteria[cid] = (
            {"no_score": True} if c.score is None else {"score": float(c.score), "band": c.band.id if c.band else None}
        )
        for q in c.questions:
            questions[q.id] = q.counts.model_dump() | (
                {} if q.proportion is None else {"proportion": float(q.proportion)}
            )
    return {
        "criteria": {k: {x: y for x, y in v.items() if y is not None} for k, v in criteria.items()},
        "questions": questions,
        "sections": {k: float(s.score) for k, s in outcome.scores.sections.items() if s.score is not None},
        "threads": {k: float(t.score) for k, t in outcome.scores.threads.items() if t.score is not None},
        "grades": {k: g.grade.id for k, g in outcome.grades.items() if g.grade is not None},
        "decisions": {k: d.outcome for k, d in outcome.decisions.items()},
        "headlines": {k: float(h.score) for k, h in outcome.headlines.items() if h.score is not None},
    }


def run_test_file(inspection: Inspection, expect: dict[str, Any]) -> list[Any]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "ruleset.yaml").write_text(to_yaml(inspection.document), encoding="utf-8")
        write_csv(raw_table(inspection.header, inspection.rows), root / "cases.csv")
        test: dict[str, Any] = {"name": "the engine's own figures", "cases_file": "cases.csv"}
        if inspection.judgements:
            (root / "judgements.yaml").write_text(to_yaml({"judgements": inspection.judgements}), encoding="utf-8")
            test["judgements_file"] = "judgements.yaml"
        test |= {"tolerance": TOLERANCE, "expect": expect}
        path = root / "figures.test.yaml"
        path.write_text(to_yaml({"ruleset": "ruleset.yaml", "tests": [test]}), encoding="utf-8")
        return Runner().run_file(path)


@share_of_examples(5)
@given(inspections(max_cases=12), st.data())
def test_a_ruleset_test_of_the_engines_figures_passes_and_a_moved_figure_fails(
    inspection: Inspection, data: st.DataObject
) -> None:
    """Invariant: a ruleset test expecting exactly the figures ``score`` produces passes; moving
    one expected score by more than the tolerance gives exactly one failure, naming that item."""
    expect = expectations(inspection.run())
    [outcome] = run_test_file(inspection, expect)
    assert outcome.passed, ([str(p) for p in outcome.problems], [f.message for f in outcome.failures])
    movable = [("criteria", k) for k, v in expect["criteria"].items() if "score" in v]
    movable += [(kind, k) for kind in ("sections", "threads", "headlines") for k in expect[kind]]
    if not movable:
        return
    kind, key = data.draw(st.sampled_from(movable))
    shift = data.draw(st.sampled_from([-10.0, -0.01, 0.01, 10.0]))
    if kind == "criteria":
        expect["criteria"][key] = {"score": expect["criteria"][key]["score"] + shift}
    else:
        expect[kind][key] += shift
    [outcome] = run_test_file(inspection, expect)
    assert not outcome.problems
    assert len(outcome.failures) == 1, [f.message for f in outcome.failures]
    assert key in outcome.failures[0].message and outcome.failures[0].position.file.endswith("figures.test.yaml")
