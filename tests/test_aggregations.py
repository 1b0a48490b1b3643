"""Aggregation is a declared choice (issue 13, item 2): OMI's weighted individual/summary
combination, the lowest or the mean of the questions, or per-question weights -- and the
handbook, ``explain`` and the JSON describe the aggregation actually used, never weights it
ignores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_ratings import EXAMPLE, _variant, run

CASES = EXAMPLE / "cases.csv"
JUDGEMENTS = EXAMPLE / "judgements.yaml"


def _weighted(tmp_path: Path) -> Path:
    """The youth framework with standard 2.1 aggregated by per-question weights: 2.1.1 counts
    twice, 2.1.2 and 2.1.3 once."""
    _variant(
        tmp_path,
        '        aggregation: minimum\n        source: {document: hmip, ref: "Standard 2.1"}',
        '        aggregation: weighted_questions\n        source: {document: hmip, ref: "Standard 2.1"}',
    )
    return _variant(tmp_path, '          - id: "2.1.1"\n', '          - id: "2.1.1"\n            weight: 2\n')


def _score(folder: Path) -> dict[str, object]:
    code, out, err = run("score", str(folder), str(CASES), "--judgements", str(JUDGEMENTS), "--format", "json")
    assert code == 0, err
    body: dict[str, object] = json.loads(out)
    return body


def test_per_question_weights_make_the_weighted_mean_and_are_what_the_json_shows(tmp_path: Path) -> None:
    criterion = _score(_weighted(tmp_path))["criteria"]["2.1"]  # type: ignore[index]
    proportions = {q["id"]: q["proportion"] for q in criterion["questions"]}
    assert all(p is not None for p in proportions.values())
    expected = (2 * proportions["2.1.1"] + proportions["2.1.2"] + proportions["2.1.3"]) / 4
    assert criterion["score"] == pytest.approx(expected)
    assert criterion["aggregation"] == "weighted_questions"
    assert criterion["weights"] == {"2.1.1": 2.0, "2.1.2": 1.0, "2.1.3": 1.0}
    # the bundled rule (minimum) is the lowest question, and uses no weights
    bundled = _score(EXAMPLE.parent.parent / "rulesets" / "hmip-youth-2021")["criteria"]["2.1"]  # type: ignore[index]
    assert bundled["score"] == pytest.approx(min(proportions.values())) and bundled["weights"] == {}


def test_explain_and_the_handbook_state_the_weights_used(tmp_path: Path) -> None:
    folder = _weighted(tmp_path)
    code, out, err = run("explain", str(folder), str(CASES), "2.1", "--judgements", str(JUDGEMENTS))
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("score = weighted_questions: (2 x "))
    assert " + 1 x " in line and ") / 4 = " in line
    assert "individual mean" not in out  # no unused OMI arithmetic
    code, book, err = run("docs", str(folder), "--format", "markdown")
    assert code == 0, err
    assert "Each question by its weight" in book and "2.1.1 2, 2.1.2 1, 2.1.3 1" in book
    assert "Individual questions 80%, summary question 20%" not in book.split("2.1 ")[1].split("2.2 ")[0]


def test_a_weight_the_aggregation_does_not_use_is_a_warning(tmp_path: Path) -> None:
    folder = _variant(tmp_path, '          - id: "2.1.1"\n', '          - id: "2.1.1"\n            weight: 2\n')
    code, out, err = run("check", str(folder), "--format", "json")
    assert code == 0, err
    found = [d for d in json.loads(out)["diagnostics"] if d["code"] == "R028"]
    assert len(found) == 1 and "'minimum' does not use question weights" in found[0]["message"]
    assert found[0]["severity"] == "warning"
