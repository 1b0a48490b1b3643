"""Scoring engine examples: "no judged case" is not 0%, explain reproduces the score, JSON output
follows its schema and is byte-identical across runs, the arithmetic of the OMI rule. The
invariants over generated rulesets and samples are in tests/properties/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from omi_rules.casedata.validate import check_sample
from omi_rules.cli import main
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.relevance import evaluate_sample
from omi_rules.engine.scoring import score_cases
from omi_rules.model.schemas import render_schema
from omi_rules.plugins.builtin import weighted_summary as combine_criterion
from omi_rules.ruleset.loader import load_ruleset

from .conftest import FIXTURES, MINIMAL, ROOT
from .properties.strategies import raw_table

LOADED = load_ruleset(MINIMAL)
assert LOADED.model is not None
COMPILED = compile_ruleset(LOADED.model)
HEADER = ["case_id", "sentence", "roh", "tier", "ppo", "1.1.1", "1.1.2", "1.1.3", "1.1.s"]
CASES_CSV = FIXTURES / "data" / "minimal-cases.csv"
JUDGEMENTS = FIXTURES / "data" / "minimal-judgements.yaml"


def test_no_judged_case_is_reported_as_such_not_as_zero() -> None:
    assert LOADED.model is not None
    rows = [["c1", "community", "low", "1", "false", "no", None, None, "na"]]
    sample, problems = check_sample(raw_table(HEADER, rows), LOADED.model)
    assert sample is not None, problems
    evaluation = evaluate_sample(COMPILED, sample)
    scores = score_cases(COMPILED, evaluation, np.ones(1, dtype=bool))
    criterion = scores.criteria["1.1"]
    assert criterion.score is None and criterion.display is None and criterion.band is None
    assert criterion.note is not None and "no relevant case" in criterion.note
    assert scores.threads["roh"].score is None


def test_combine_criterion_follows_appendix_4() -> None:
    assert combine_criterion([50.0, 100.0], 50.0, 0.8, 0.2) == pytest.approx(0.8 * 75 + 0.2 * 50)
    assert combine_criterion([], 40.0, 0.8, 0.2) == 40.0
    assert combine_criterion([60.0], None, 0.8, 0.2) == 60.0
    assert combine_criterion([], None, 0.8, 0.2) is None


def run_json(*extra: str) -> str:
    result = CliRunner().invoke(
        main, ["score", str(MINIMAL), str(CASES_CSV), "--judgements", str(JUDGEMENTS), "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_result_follows_its_schema_and_is_byte_identical(tmp_path: Path) -> None:
    first = run_json()
    assert run_json() == first
    body = json.loads(first)
    Draft202012Validator(json.loads(render_schema("result.schema.json"))).validate(body)
    assert body["ruleset"]["id"] == "mini" and len(body["ruleset"]["sha256"]) == 64
    assert body["tool"]["name"] == "omi-rules"
    assert body["criteria"]["1.1"]["score"] == pytest.approx(0.8 * (200 / 3) + 0.2 * 70)
    assert body["criteria"]["1.1"]["band"]["id"] == "priority"
    assert body["grades"]["4.1"]["grade"]["id"] == "partly_met"
    assert body["decisions"]["reinspect"]["outcome"] == "no"
    # written atomically to a file: same bytes
    out = tmp_path / "result.json"
    CliRunner().invoke(
        main,
        [
            "score",
            str(MINIMAL),
            str(CASES_CSV),
            "--judgements",
            str(JUDGEMENTS),
            "--format",
            "json",
            "--output",
            str(out),
        ],
    )
    assert out.read_text(encoding="utf-8") == first
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_json_is_byte_identical_across_processes() -> None:
    cmd = [sys.executable, "-m", "omi_rules", "score", str(MINIMAL), str(CASES_CSV), "--format", "json"]
    outputs = {subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout for _ in range(2)}
    assert len(outputs) == 1


def test_where_and_by(tmp_path: Path) -> None:
    body = json.loads(run_json("--where", "tier >= 2", "--by", "sentence"))
    assert body["where"] == "tier >= 2" and body["cases"] == 8
    groups = {g["value"]: g["scores"] for g in body["by"]["groups"]}
    assert set(groups) == {"community", "licence", "custody"}
    assert sum(g["cases"] for g in groups.values()) == 8


def test_bad_where_is_located_and_bad_by_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES_CSV), "--where", "tier >= 'x'"])
    assert result.exit_code == 1
    assert "--where:1:9: error[C005]" in result.stderr
    result = CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES_CSV), "--by", "tier"])
    assert result.exit_code == 2
    assert "group by an enum or bool field" in result.stderr


def test_explain_reproduces_the_score() -> None:
    result = CliRunner().invoke(main, ["explain", str(MINIMAL), str(CASES_CSV), "1.1", "--cases"])
    assert result.exit_code == 0, result.output
    body = json.loads(run_json())
    line = next(x for x in result.stdout.splitlines() if x.startswith("score = "))
    assert "(exactly 202/3)" in line  # the exact value, beside its decimal
    assert abs(float(line.split(" = ")[-1].split("...")[0]) - body["criteria"]["1.1"]["score"]) < 1e-4
    assert "1.1.2             3        3      3      2     66.67%  individual" in result.stdout
    assert "  not applicable: c10" in result.stdout
    result = CliRunner().invoke(main, ["explain", str(MINIMAL), str(CASES_CSV), "1.1.2", "--case", "c05"])
    assert "relevant: False" in result.stdout
    assert "answer('1.1.1') = no" in result.stdout
    result = CliRunner().invoke(main, ["explain", str(MINIMAL), str(CASES_CSV), "9.9"])
    assert result.exit_code == 2


def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "result.json"
    CliRunner().invoke(main, ["score", str(MINIMAL), str(CASES_CSV), "--format", "json", "--output", str(out)])
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
