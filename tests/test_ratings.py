"""Ratings, points, overall ratings, limiting rules and moderation, on HM Inspectorate of
Probation's youth justice framework (rulesets/hmip-youth-2021) and its published outcomes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from omi_rules.checks import check_ruleset
from omi_rules.cli import main
from omi_rules.diagnostics import Report
from omi_rules.engine.compiled import CompiledRuleset, compile_ruleset
from omi_rules.engine.pipeline import score
from omi_rules.yamlio.reader import parse_yaml

from .conftest import MINIMAL, ROOT

HMIP = ROOT / "rulesets" / "hmip-youth-2021"
EXAMPLE = ROOT / "examples" / "hmip-youth"
EAST_SUSSEX = EXAMPLE / "east-sussex-2024-ratings.yaml"
PUBLISHED = EXAMPLE / "published-2021-2023.csv"
COUNTED = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"]
POINTS = {"outstanding": 3, "good": 2, "requires_improvement": 1, "inadequate": 0}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _compiled(path: Path = HMIP) -> CompiledRuleset:
    report = Report()
    loaded = check_ruleset(path, report)
    assert loaded.model is not None and not report.errors, [str(d) for d in report.diagnostics]
    return compile_ruleset(loaded.model)


def _replay(compiled: CompiledRuleset, ratings: dict[str, str]) -> dict[str, Any]:
    """Score given ratings alone (no case file), in memory."""
    text = "ratings:\n" + "".join(f'  "{cid}": {level}\n' for cid, level in ratings.items())
    doc = parse_yaml(text, "ratings.yaml")
    scored = score(HMIP, None, compiled=compiled, judgements_data=(doc.data, doc.source_map))
    assert scored.result is not None, [str(d) for d in scored.report.diagnostics]
    return scored.result.model_dump(mode="json")


# ---------------------------------------------------------------------- East Sussex, 2024


def test_east_sussex_replays_its_published_25_points_and_good() -> None:
    code, out, err = run("score", str(HMIP), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert code == 0, err
    body = json.loads(out)
    overall = body["overall_ratings"]["overall"]
    assert (overall["total"], overall["maximum"], overall["rating"], overall["label"]) == (25, 36, "good", "Good")
    assert overall["counted"] == COUNTED
    assert overall["excluded"] == ["4.1"]
    assert body["ratings"]["4.1"]["rating"] == "requires_improvement"  # rated and shown, not counted
    assert body["inputs"]["cases"] is None
    assert body["inputs"]["judgements"]["records"] == 13
    published = parse_yaml((EXAMPLE / "east-sussex-2024-published.yaml").read_text(), "p.yaml").data
    assert published["points"] == overall["total"]
    assert published["overall_rating"] == overall["rating"]
    assert {cid: r["rating"] for cid, r in body["ratings"].items()} == published["ratings"]


def test_east_sussex_in_the_terminal_and_markdown() -> None:
    code, out, _ = run("score", str(HMIP), "--judgements", str(EAST_SUSSEX))
    assert code == 0
    assert "25 of 36" in out and "Good" in out
    assert "Requires improvement (not counted)" in out
    assert "not counted: 4.1" in out
    code, out, _ = run("score", str(HMIP), "--judgements", str(EAST_SUSSEX), "--format", "markdown")
    assert code == 0
    assert "| Overall rating | 25 of 36 | Good | not counted: 4.1 |" in out


def test_score_without_cases_needs_judgements() -> None:
    code, _, err = run("score", str(HMIP))
    assert code == 2
    assert "give CASES, or --judgements" in err


# ---------------------------------------------------------------------- published outcomes


def _published() -> list[dict[str, str]]:
    with PUBLISHED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ratings_adding_up_to(total: int, resettlement: str) -> dict[str, str]:
    """Twelve counted ratings whose points add up to ``total`` (as many Outstanding as fit,
    one level for the remainder, the rest Inadequate), and 4.1, which must not count."""
    full, rest = divmod(total, 3)
    levels = ["outstanding"] * full + ([{1: "requires_improvement", 2: "good"}[rest]] if rest else [])
    levels += ["inadequate"] * (len(COUNTED) - len(levels))
    return {**dict(zip(COUNTED, levels, strict=True)), "4.1": resettlement}


def test_every_sound_published_inspection_is_reproduced_from_its_total() -> None:
    compiled = _compiled()
    rows = _published()
    sound = [row for row in rows if row["points_of_36"]]
    assert len(rows) == 56 and len(sound) == 55  # Bridgend's scraped score is not a total of 36
    for row in sound:
        total = int(row["points_of_36"])
        for resettlement in ("outstanding", "inadequate"):  # 4.1 never moves the total
            ratings = _ratings_adding_up_to(total, resettlement)
            assert sum(POINTS[ratings[cid]] for cid in COUNTED) == total
            overall = _replay(compiled, ratings)["overall_ratings"]["overall"]
            assert overall["total"] == total, row["service"]
            assert overall["rating"] == row["overall_rating"], (row["service"], total)


def _consistent_limits(lower: str, upper: str) -> set[int]:
    """The lowest totals of ``upper`` that agree with every published inspection."""
    by_rating: dict[str, list[int]] = {}
    for row in _published():
        if row["points_of_36"]:
            by_rating.setdefault(row["overall_rating"], []).append(int(row["points_of_36"]))
    highest_lower = max(by_rating.get(lower, [0]))
    lowest_upper = min(by_rating.get(upper, [37]))
    return set(range(highest_lower + 1, lowest_upper + 1))


def test_the_band_limits_agree_with_the_published_totals_and_say_which_are_pinned() -> None:
    """19 (Requires improvement / Good) is pinned by the data; the other two are only bounded,
    and the ruleset's sources say so (assumptions, not citations)."""
    model = _compiled().model
    (overall,) = model.overall_ratings
    limits = {band.rating: band for band in overall.bands}
    assert _consistent_limits("requires_improvement", "good") == {19}
    assert _consistent_limits("good", "outstanding") == {30, 31}
    assert _consistent_limits("inadequate", "requires_improvement") == set(range(1, 9))
    assert limits["good"].min == 19 and hasattr(limits["good"].source, "document")
    assert limits["outstanding"].min in _consistent_limits("good", "outstanding")
    assert limits["requires_improvement"].min in _consistent_limits("inadequate", "requires_improvement")
    assert hasattr(limits["outstanding"].source, "assumption")
    assert hasattr(limits["requires_improvement"].source, "assumption")


# ---------------------------------------------------------------------- from case data


def _questions(compiled: CompiledRuleset) -> list[tuple[str, str]]:
    """(question id, disposal it is relevant to) in column order."""
    return [
        (q.id, "court" if q.section == "2" else "out_of_court")
        for q in sorted(compiled.questions, key=lambda q: [int(p) for p in q.id.split(".")])
    ]


def _cases_csv(path: Path, compiled: CompiledRuleset, no_on: dict[str, int]) -> None:
    """Four court and four out-of-court cases, every key question sufficient except ``no_on``
    (question id -> how many cases answer no)."""
    questions = _questions(compiled)
    rows = [["case_id", "disposal", *[qid for qid, _ in questions]]]
    for disposal in ("court", "out_of_court"):
        for k in range(4):
            cells = []
            for qid, relevant_to in questions:
                cells.append(("no" if k < no_on.get(qid, 0) else "yes") if relevant_to == disposal else "")
            rows.append([f"{disposal}-{k}", disposal, *cells])
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")


DIRECT = {"1.1": "good", "1.2": "good", "1.3": "good", "1.4": "good", "3.4": "good"}


def _ratings_file(path: Path, ratings: dict[str, Any]) -> None:
    lines = ["ratings:"]
    for cid, value in ratings.items():
        if isinstance(value, dict):
            lines.append(f'  "{cid}": {{rating: {value["rating"]}, reason: "{value["reason"]}"}}')
        else:
            lines.append(f'  "{cid}": {value}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_case_assessed_standards_are_rated_by_their_lowest_key_question(tmp_path: Path) -> None:
    compiled = _compiled()
    # 2.2.2: 3 of 4 sufficient (75%: Good); 3.1.3: 2 of 4 (50%: Requires improvement)
    _cases_csv(tmp_path / "cases.csv", compiled, {"2.2.2": 1, "3.1.3": 2})
    _ratings_file(tmp_path / "ratings.yaml", DIRECT)
    code, out, err = run(
        "score",
        str(HMIP),
        str(tmp_path / "cases.csv"),
        "--judgements",
        str(tmp_path / "ratings.yaml"),
        "--format",
        "json",
    )
    assert code == 0, err
    body = json.loads(out)
    ratings = body["ratings"]
    assert body["criteria"]["2.2"]["score"] == 75.0
    assert (ratings["2.2"]["rating"], ratings["2.2"]["basis"]) == ("good", "band")
    assert (ratings["3.1"]["rating"], ratings["3.1"]["computed"]) == ("requires_improvement", "requires_improvement")
    assert ratings["2.1"]["rating"] == "outstanding"
    assert ratings["1.1"]["basis"] == "given"
    assert ratings["4.1"]["rating"] is None  # not rated (no resettlement cases), not counted
    # 5 direct x Good (10) + 2.1, 2.3, 2.4, 3.2, 3.3 Outstanding (15) + 2.2 Good (2) + 3.1 RI (1)
    assert body["overall_ratings"]["overall"]["total"] == 28
    assert body["overall_ratings"]["overall"]["rating"] == "good"


def test_a_moderated_rating_is_kept_beside_the_computed_one_and_used_downstream(tmp_path: Path) -> None:
    compiled = _compiled()
    _cases_csv(tmp_path / "cases.csv", compiled, {"2.2.2": 1})
    reason = "The ratings panel judged planning for safety inadequate."
    _ratings_file(tmp_path / "ratings.yaml", {**DIRECT, "2.2": {"rating": "inadequate", "reason": reason}})
    args = ["score", str(HMIP), str(tmp_path / "cases.csv"), "--judgements", str(tmp_path / "ratings.yaml")]
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    body = json.loads(out)
    moderated = body["ratings"]["2.2"]
    assert (moderated["rating"], moderated["computed"], moderated["basis"]) == ("inadequate", "good", "moderated")
    assert moderated["reason"] == reason
    # 5 x Good + six Outstanding case standards + 2.2 Inadequate = 10 + 18 + 0
    assert body["overall_ratings"]["overall"]["total"] == 28
    code, out, _ = run(*args, "--format", "markdown")
    assert "moderated (computed: good)" in out


# ---------------------------------------------------------------------- declared choices


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "hmip"
    if not folder.exists():
        shutil.copytree(HMIP, folder)
    path = folder / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


LIMIT = """    limits:
      - id: inadequate_planning
        title: An Inadequate court planning standard caps the overall rating at Requires improvement
        when: "rating('2.2') == 'inadequate'"
        at_most: requires_improvement
        source: {assumption: A limiting rule for the tests.}
    source:
      document: hmip
      ref: "Ratings and scoring: the twelve standards' points, 0-36\""""


def _with_limit(tmp_path: Path) -> Path:
    return _variant(
        tmp_path,
        """    source:
      document: hmip
      ref: "Ratings and scoring: the twelve standards' points, 0-36\"""",
        LIMIT,
    )


def test_a_limiting_rule_applies_after_banding_and_says_why(tmp_path: Path) -> None:
    folder = _with_limit(tmp_path)
    code, out, err = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert code == 0, err
    overall = json.loads(out)["overall_ratings"]["overall"]
    assert (overall["total"], overall["banded"], overall["rating"]) == (25, "good", "requires_improvement")
    assert [limit["id"] for limit in overall["limits"]] == ["inadequate_planning"]
    code, out, _ = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "markdown")
    assert "limited to requires_improvement by inadequate_planning" in out
    # a limit that would not lower the rating is not recorded
    compiled = _compiled(folder)
    low = _replay(compiled, {**_ratings_adding_up_to(10, "good"), "2.2": "inadequate"})["overall_ratings"]["overall"]
    assert (low["rating"], low["limits"]) == ("requires_improvement", [])


def test_an_unrated_member_is_an_error_unless_the_ruleset_says_otherwise(tmp_path: Path) -> None:
    ratings = parse_yaml(EAST_SUSSEX.read_text(), "e.yaml").data["ratings"]
    del ratings["2.3"]  # outstanding (3 points)
    _ratings_file(tmp_path / "partial.yaml", ratings)
    code, out, err = run("score", str(HMIP), "--judgements", str(tmp_path / "partial.yaml"))
    assert code == 1
    assert "error[J007]: overall rating 'overall' needs a rating of 2.3" in err
    assert out == ""
    folder = _variant(tmp_path, "    unrated: error\n", "    unrated: rescale\n")
    code, out, err = run("score", str(folder), "--judgements", str(tmp_path / "partial.yaml"), "--format", "json")
    assert code == 0, err
    overall = json.loads(out)["overall_ratings"]["overall"]
    assert overall["rescaled"] and overall["unrated"] == ["2.3"]
    assert overall["total"] == pytest.approx(22 * 12 / 11)
    folder = _variant(tmp_path, "    unrated: rescale\n", "    unrated: {rating: inadequate}\n")
    code, out, _ = run("score", str(folder), "--judgements", str(tmp_path / "partial.yaml"), "--format", "json")
    assert json.loads(out)["overall_ratings"]["overall"]["total"] == 22


def test_decisions_read_ratings_points_and_overall_ratings(tmp_path: Path) -> None:
    folder = _variant(
        tmp_path,
        "\noverall_ratings:\n",
        """
decisions:
  - id: follow_up
    title: Is a follow-up inspection needed?
    source: {assumption: A decision for the tests.}
    outcomes:
      - id: "yes"
        label: "Yes"
        when: "overall('overall') <= 'requires_improvement' or rating('2.2') == 'inadequate' and points('2.1') < 3"
      - id: "no"
        label: "No"

overall_ratings:
""",
    )
    code, out, err = run("score", str(folder), "--judgements", str(EAST_SUSSEX), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["decisions"]["follow_up"]["outcome"] == "yes"  # 2.2 Inadequate, 2.1 Good


# ---------------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("title", "old", "new", "expected"),
    [
        ("an unknown scale", "    scale: hmip\n    members:", "    scale: hmpi\n    members:", ["R002"]),
        (
            "a band set whose bands are not levels",
            "      - {id: good, label: Good, min: 65",
            "      - {id: goood, label: Good, min: 65",
            ["R027"],
        ),
        ("a level without points", "{id: good, label: Good, points: 2}", "{id: good, label: Good}", ["R027"]),
        ("bands not highest first", "        min: 19\n", "        min: 32\n", ["R027"]),
        ("the lowest band above 0", "        min: 0\n", "        min: 1\n", ["R027"]),
        ("an unknown member", '      exclude: ["4.1"]', '      exclude: ["4.9"]', ["R002"]),
        (
            "a directly rated criterion without a scale (and so a member without a rating)",
            'for all children.\n        rating_scale: hmip\n        source: {document: hmip, ref: "Standard 1.1"}',
            'for all children.\n        source: {document: hmip, ref: "Standard 1.1"}',
            ["R027", "R027"],
        ),
    ],
)
def test_check_reports_what_would_make_an_overall_rating_wrong(
    tmp_path: Path, title: str, old: str, new: str, expected: list[str]
) -> None:
    folder = _variant(tmp_path, old, new)
    code, out, _ = run("check", str(folder), "--format", "json")
    assert code == 1
    assert [d["code"] for d in json.loads(out)["diagnostics"] if d["severity"] == "error"] == expected, out


def test_a_typo_in_a_rating_level_in_a_condition_gets_did_you_mean(tmp_path: Path) -> None:
    folder = _with_limit(tmp_path)
    path = folder / "ruleset.yaml"
    path.write_text(path.read_text().replace("== 'inadequate'\"", "== 'inadequte'\""), encoding="utf-8")
    code, out, _ = run("check", str(folder))
    assert code == 1
    assert "C004" in out and "did you mean 'inadequate'?" in out


def test_the_bundled_framework_checks_clean() -> None:
    code, out, _ = run("check", "--strict", str(HMIP))
    assert code == 0, out


# ---------------------------------------------------------------------- judgements files

RATING_CASES = [
    ("J001", "a rating for an unknown criterion", HMIP, 'ratings:\n  "9.9": good\n', [("J001", 2, 3)]),
    ("J006", "a rating for a criterion without a rating scale", MINIMAL, 'ratings:\n  "4.1": met\n', [("J006", 2, 3)]),
    (
        "J003",
        "a rating that is not a level of the scale",
        HMIP,
        'ratings:\n  "1.1": goood\n',
        [("J003", 2, 10)],
    ),
    ("J007", "a member of the overall rating left unrated", HMIP, 'ratings:\n  "1.1": good\n', [("J007", 0, 0)]),
]
"""(code, title, ruleset, judgements file, expected (code, line, column)); scored without cases."""


@pytest.mark.parametrize(
    ("code", "title", "ruleset", "text", "expected"), RATING_CASES, ids=[f"{c[0]}-{c[1]}" for c in RATING_CASES]
)
def test_rating_diagnostics(
    tmp_path: Path, code: str, title: str, ruleset: Path, text: str, expected: list[tuple[str, int, int]]
) -> None:
    (tmp_path / "j.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(ruleset), "--judgements", str(tmp_path / "j.yaml")])
    assert result.exit_code == 1, result.output
    found = []
    for line in result.stderr.splitlines():
        if "error[" in line:
            where, _, rest = line.partition(": error[")
            parts = where.rsplit(":", 2)
            position = (int(parts[1]), int(parts[2])) if len(parts) == 3 and parts[1].isdigit() else (0, 0)
            found.append((rest.split("]")[0], *position))
    assert found == expected, result.stderr


# ---------------------------------------------------------------------- ruleset tests and the example


def test_the_bundled_ruleset_tests_pass_with_every_overall_band_reached() -> None:
    code, out, _ = run("test", str(HMIP / "tests"), "--coverage")
    assert code == 0, out
    assert "8 passed, 0 failed" in out
    assert "overall bands: 100.0%" in out


def test_a_ruleset_test_fails_when_an_overall_band_limit_moves(tmp_path: Path) -> None:
    folder = _variant(tmp_path, "        min: 19\n", "        min: 20\n")
    tests = tmp_path / "hmip" / "tests"
    for name in ("overall-rating.test.yaml", "synthetic-inspection.test.yaml"):
        text = (HMIP / "tests" / name).read_text(encoding="utf-8")
        (tests / name).write_text(text.replace("../../../examples", str(EXAMPLE.parent)), encoding="utf-8")
    code, out, _ = run("test", str(folder / "tests"))
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1 and "A total of 19 is good" in failed[0], out
    assert "overall rating overall: rating expected good, got requires_improvement" in out
    assert "total 19 of 36 -> requires_improvement" in out


def test_the_synthetic_example_is_what_its_generator_makes() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(EXAMPLE / "generate.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_impact_of_a_moved_band_lists_each_replayed_inspection_whose_overall_rating_changes(tmp_path: Path) -> None:
    """The published inspections replayed from ratings adding up to their totals: moving the
    Good band from 19 to 20 changes exactly the inspections with 19 points, with totals."""
    folder = tmp_path / "published"
    folder.mkdir()
    for row in _published():
        if row["points_of_36"]:
            ratings = _ratings_adding_up_to(int(row["points_of_36"]), "good")
            _ratings_file(folder / f"{row['hmip_ref']}.ratings.yaml", ratings)
    moved = _variant(tmp_path, "        min: 19\n", "        min: 20\n")
    code, out, err = run("impact", str(HMIP), str(moved), "--cases", str(folder), "--format", "json")
    assert code == 0, err
    body = json.loads(out)
    assert len(body["scored"]) == 55 and not body["failed"]
    overall_moves = [m for m in body["moves"] if m["kind"] == "overall"]
    at_19 = sorted(row["hmip_ref"] for row in _published() if row["points_of_36"] == "19")
    assert sorted(Path(m["inspection"]).name.removesuffix(".ratings.yaml") for m in overall_moves) == at_19
    assert all(m["old"] == "Good" and m["new"] == "Requires improvement" for m in overall_moves)
    assert all(m["old_figure"] == m["new_figure"] == "19 of 36" for m in overall_moves)
    assert all(m["because"] == ["band limits"] for m in overall_moves)
    code, _, _ = run("impact", str(HMIP), str(moved), "--cases", str(folder), "--fail-on", "grade-change")
    assert code == 1


def test_the_handbook_states_the_roll_up_and_the_limiting_rules_in_plain_english(tmp_path: Path) -> None:
    folder = _with_limit(tmp_path)
    code, out, _ = run("docs", str(folder), "--format", "markdown")
    assert code == 0
    assert (
        "The overall rating adds up the points of the ratings of 12 criteria (1.1, 1.2, 1.3, 1.4, 2.1, 2.2, 2.3, 2.4, "
        "3.1, 3.2, 3.3, 3.4): a total from 0 to 36. 4.1 is rated but not counted."
    ) in out
    assert "If a counted criterion has no rating, the overall rating is not given" in out
    assert "| 19-30 | Good |" in out and "| 31-36 | Outstanding |" in out and "| 0-6 | Inadequate |" in out
    assert "Levels, best first: Outstanding (3 points); Good (2 points); Requires improvement (1 point)" in out
    limit_row = next(line for line in out.splitlines() if line.startswith("| An Inadequate court planning"))
    assert "the rating of standard 2.2 (Planning) is inadequate" in limit_row and limit_row.endswith(
        "| Requires improvement |"
    )
    code, html, _ = run("docs", str(folder))
    assert code == 0 and 'id="overall-rating-overall"' in html and "Limiting rules, applied in order" in html


def test_explain_shows_the_roll_up_and_a_rating_and_json_describes_only_the_aggregation_used() -> None:
    cases, judgements = str(EXAMPLE / "cases.csv"), str(EXAMPLE / "judgements.yaml")
    code, out, _ = run("explain", str(HMIP), cases, "overall", "--judgements", judgements)
    assert code == 0
    assert "12 standards: 2+2+3+1+2+1+1+2+2+2+2+2 = 22 of 36 -> Good (19-30)" in out
    assert "not counted: 4.1" in out
    code, out, _ = run("explain", str(HMIP), cases, "2.2", "--judgements", judgements)
    assert "score = minimum (the lowest proportion of any judged question" in out
    assert "individual mean" not in out  # the minimum never uses it
    assert "Rating of 2.2: Requires improvement, 1 point (moderated from good" in out
    code, out, _ = run("score", str(HMIP), cases, "--judgements", judgements, "--format", "json")
    criterion = json.loads(out)["criteria"]["2.2"]
    assert (criterion["aggregation"], criterion["weights"]) == ("minimum", {})


def test_the_html_report_of_a_replay_has_the_ratings_and_no_sample(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    code, _, err = run("score", str(HMIP), "--judgements", str(EAST_SUSSEX), "--format", "html", "--output", str(page))
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert "25 of 36" in html and "none: rated from the given ratings alone" in html
    assert "Requires improvement (not counted)" in html


def test_diff_names_a_moved_overall_band_limit(tmp_path: Path) -> None:
    moved = _variant(tmp_path, "        min: 19\n", "        min: 20\n")
    code, out, _ = run("diff", str(HMIP), str(moved))
    assert code == 0
    assert "changed overall rating overall > band good > min: 19 -> 20" in out


def test_reports_speak_each_methodologys_words(tmp_path: Path) -> None:
    """OMI's captions come from rulesets/omi-2008 and are unchanged; the youth framework's
    tables speak of domains and standards and show no domain score (score_published: false)."""
    nw = ROOT / "examples" / "north-wales-2008"
    omi = [
        "score",
        str(ROOT / "rulesets" / "omi-2008"),
        str(nw / "cases.csv"),
        "--judgements",
        str(nw / "judgements.yaml"),
    ]
    code, out, _ = run(*omi)
    assert code == 0
    for caption in ("Scores of sections 1-3: 109 cases", "Table 1: grades of the judged criteria", "Table 2: Risk of"):
        assert caption in out
    assert "Section 1: Assessment and sentence planning" in out
    run(*omi, "--format", "html", "--output", str(tmp_path / "omi.html"))
    html = (tmp_path / "omi.html").read_text(encoding="utf-8")
    for heading in ("Chart 1: scores of sections 1-3", "Table 1: grades of section 4", "Table 2: threads"):
        assert f">{heading}</h2>" in html
    assert "Chart 1 as a table. Scores of sections 1-3" in html
    youth = ["score", str(HMIP), str(EXAMPLE / "cases.csv"), "--judgements", str(EXAMPLE / "judgements.yaml")]
    code, out, _ = run(*youth, "--format", "markdown")
    assert code == 0
    assert "## Scores of domains 2-3: 70 cases" in out
    assert "| Standard | Score | Conclusion |" in out
    assert "Domain 2" not in out and "Section 2" not in out and "Table 1" not in out
    run(*youth, "--format", "html", "--output", str(tmp_path / "youth.html"))
    html = (tmp_path / "youth.html").read_text(encoding="utf-8")
    assert ">Chart: scores of domains 2-3</h2>" in html and "Domain score" not in html
    code, out, _ = run(*youth, "--format", "json")
    sections = json.loads(out)["sections"]
    assert sections["2"]["published"] is False and sections["2"]["score"] is not None
