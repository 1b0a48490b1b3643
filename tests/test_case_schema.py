"""``omi-rules schema --cases RULESET``: one ruleset's case data as a JSON Schema 2020-12. A
document it accepts is read by ``score`` without a data error; what it refuses, ``score``
refuses too (with the D code that says why)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from omi_rules.checks import check_ruleset
from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.model.value_types import all_questions
from omi_rules.plugins.manager import builtin_registry

from .conftest import FIXTURES, MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"
YOUTH = ROOT / "rulesets" / "hmip-youth-2021"


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def schema_of(ruleset: Path) -> dict[str, Any]:
    result = run("schema", "--cases", str(ruleset))
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return schema


def document(cases_csv: Path, ints: set[str], bools: set[str]) -> dict[str, Any]:
    """A CSV sample as a JSON case document: numbers and yes/no values typed, empty as null."""
    cases = []
    with cases_csv.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            case: dict[str, Any] = {}
            for key, value in record.items():
                if value == "":
                    case[key] = None
                elif key in ints:
                    case[key] = int(value)
                elif key in bools:
                    case[key] = value.lower() == "true"
                else:
                    case[key] = value
            cases.append(case)
    return {"cases": cases}


@pytest.mark.parametrize(
    ("ruleset", "cases", "ints", "bools"),
    [
        (MINIMAL, FIXTURES / "data" / "minimal-cases.csv", {"tier"}, {"ppo"}),
        (YOUTH, ROOT / "examples" / "hmip-youth" / "cases.csv", set(), set()),
    ],
    ids=["minimal", "hmip-youth-2021"],
)
def test_a_valid_sample_is_valid_and_scores(
    tmp_path: Path, ruleset: Path, cases: Path, ints: set[str], bools: set[str]
) -> None:
    schema = schema_of(ruleset)
    doc = document(cases, ints, bools)
    assert list(Draft202012Validator(schema).iter_errors(doc)) == []
    (tmp_path / "cases.json").write_text(json.dumps(doc), encoding="utf-8")
    result = run("score", str(ruleset), str(tmp_path / "cases.json"), "--format", "json")
    body = json.loads(result.stdout)
    assert [f["code"] for f in body.get("findings", body.get("diagnostics", [])) if f["code"] < "D006"] == []


def test_the_north_wales_sample_is_valid() -> None:
    schema = schema_of(OMI)
    properties = schema["$defs"]["case"]["properties"]
    ints = {k for k, v in properties.items() if v.get("type") == "integer"}
    bools = {k for k, v in properties.items() if "anyOf" in v and {"type": "boolean"} in v["anyOf"]}
    doc = document(ROOT / "examples" / "north-wales-2008" / "cases.csv", ints, bools)
    assert list(Draft202012Validator(schema).iter_errors(doc)) == []
    model = check_ruleset(OMI, Report(), builtin_registry()).model
    assert model is not None
    required = ["case_id", *(f.id for f in model.fields if f.required), *all_questions(model)]
    assert schema["$defs"]["case"]["required"] == required
    assert set(properties) == {"case_id", *(f.id for f in model.fields), *all_questions(model)}


BAD = [
    # title, change to the first case, the D code score gives
    ("a value not on an enum field's list", {"roh": "hihg"}, "D003"),
    ("a tier outside 1-4", {"tier": 5}, "D003"),
    ("an answer not on the scale", {"1.1.s": "maybe"}, "D004"),
    ("a column the ruleset does not have", {"riskk": "x"}, "D001"),
    ("an empty case id", {"case_id": " "}, "D011"),
    ("a yes/no field that is not yes or no", {"ppo": "perhaps"}, "D003"),
]


@pytest.mark.parametrize(("title", "change", "code"), BAD, ids=[b[0] for b in BAD])
def test_what_the_schema_refuses_score_refuses(tmp_path: Path, title: str, change: dict[str, Any], code: str) -> None:
    schema = schema_of(MINIMAL)
    doc = document(FIXTURES / "data" / "minimal-cases.csv", {"tier"}, {"ppo"})
    doc["cases"][0].update(change)
    assert list(Draft202012Validator(schema).iter_errors(doc)), title
    (tmp_path / "cases.json").write_text(json.dumps(doc), encoding="utf-8")
    result = run("score", str(MINIMAL), str(tmp_path / "cases.json"), "--format", "json")
    assert result.exit_code == 1
    assert code in [d["code"] for d in json.loads(result.stdout)["diagnostics"]]


def test_every_case_names_every_question() -> None:
    schema = schema_of(MINIMAL)
    doc = document(FIXTURES / "data" / "minimal-cases.csv", {"tier"}, {"ppo"})
    del doc["cases"][0]["1.1.3"]
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert [e.message for e in errors] == ["'1.1.3' is a required property"]


def test_usage_and_a_broken_ruleset(tmp_path: Path) -> None:
    assert run("schema", "ruleset", "--cases", str(MINIMAL)).exit_code == 2
    broken = tmp_path / "r"
    broken.mkdir()
    (broken / "ruleset.yaml").write_text("format_version: 1\nid: x\n", encoding="utf-8")
    result = run("schema", "--cases", str(broken))
    assert result.exit_code == 1 and "S002" in result.stderr
    assert run("schema", "--cases", str(tmp_path / "missing")).exit_code == 2
