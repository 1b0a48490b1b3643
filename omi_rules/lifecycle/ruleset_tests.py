"""YAML ruleset tests: small samples with expected scores, grades and decisions, and coverage in
methodology terms.

A test file (``*.test.yaml``) names a ruleset and lists tests; each test scores its cases
(inline, or a case file) with the ruleset and compares what it lists with the result, within a
tolerance. ``omi-rules test`` runs them and pytest collects them (``omi_rules.pytest_plugin``).

Coverage says what the tests exercised, in the ruleset's own terms: each relevance condition
seen true and false, each scored question judged sufficient and insufficient, each band of
each band set reached, each decision outcome and each judgement-rule grade reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from omi_rules.casedata.readers import table_from_cases
from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Report
from omi_rules.diagnostics.codes import make
from omi_rules.engine import cache
from omi_rules.engine.compiled import CompiledRuleset, compile_ruleset
from omi_rules.engine.explain import explain
from omi_rules.engine.pipeline import Scored, UsageError, score
from omi_rules.model.inputs import (
    CriterionExpectation,
    Expectations,
    OverallExpectation,
    RulesetTest,
    RulesetTestFile,
)
from omi_rules.model.results import OverallRatingResult, Result
from omi_rules.model.schema_check import validate
from omi_rules.numbers import exact, text
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.yamlio.reader import PathKey, SourceMap, load_yaml

TEST_SUFFIX = ".test.yaml"


@dataclass
class Failure:
    """One expectation not met, at the place in the test file where it is written."""

    position: Position
    message: str
    trail: str = ""
    """How the number was made (``explain``), for criteria."""


@dataclass
class Outcome:
    """The result of one test."""

    file: str
    name: str
    failures: list[Failure] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    """Why the test could not run (a broken test file, or data the ruleset rejects)."""

    @property
    def passed(self) -> bool:
        return not self.failures and not self.problems


@dataclass
class Coverage:
    """What a set of tests exercised in one ruleset."""

    items: dict[str, dict[str, bool]] = field(default_factory=dict)
    """Category -> item ("1.2.3 true") -> covered."""

    def add(self, category: str, item: str, covered: bool) -> None:
        table = self.items.setdefault(category, {})
        table[item] = table.get(item, False) or covered

    def percent(self, category: str | None = None) -> float:
        values = [v for c, table in self.items.items() if category is None or c == category for v in table.values()]
        return 100.0 * sum(values) / len(values) if values else 100.0

    def missing(self, category: str) -> list[str]:
        return [item for item, covered in self.items.get(category, {}).items() if not covered]


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    """Ruleset id and version -> its coverage."""


def find_test_files(paths: list[Path]) -> list[Path]:
    """Test files given directly, in folders, or in a ruleset folder's ``tests/``."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{TEST_SUFFIX}")))
        else:
            found.append(path)
    return found


def _ruleset_for(test_file: Path, declared: str | None) -> Path:
    if declared:
        try:
            return (test_file.parent / declared).resolve()
        except (OSError, ValueError):  # a NUL character: reported as a missing ruleset (tests/fuzz)
            return test_file.parent / declared
    for folder in test_file.resolve().parents:
        if (folder / "ruleset.yaml").exists():
            return folder
    return test_file.parent


class Runner:
    """Runs test files, checking and compiling each ruleset once per run.

    A ruleset is checked through the cache of checked rulesets (``omi_rules.engine.cache``),
    as ``score`` and ``impact`` do: a second ``omi-rules test`` of an unchanged ruleset skips
    loading, validating and checking it, with the same findings; any trouble with the cache,
    or ``--no-cache``, means the full check, silently."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or builtin_registry()
        self.rulesets: dict[Path, CompiledRuleset | list[Diagnostic]] = {}
        self.run = Run()

    def ruleset(self, path: Path) -> CompiledRuleset | list[Diagnostic]:
        if path not in self.rulesets:
            report = Report()
            loaded = cache.checked_ruleset(path, report, self.registry)
            if loaded.model is None or report.errors or report.unreadable:
                self.rulesets[path] = report.errors or report.diagnostics
            else:
                self.rulesets[path] = compile_ruleset(loaded.model, self.registry, loaded.sha256)
        return self.rulesets[path]

    def load(self, test_file: Path) -> tuple[RulesetTestFile | None, SourceMap, list[Diagnostic]]:
        try:
            doc = load_yaml(test_file, str(test_file))
        except InputUnreadable as exc:
            return None, SourceMap(), [exc.diagnostic]
        if doc.data is None:
            return None, doc.source_map, doc.diagnostics
        problems = [
            make("T001", d.message, d.position, d.hint)
            for d in validate(doc.data, "ruleset-tests.schema.json", doc.source_map)
        ]
        if problems or doc.diagnostics:
            return None, doc.source_map, [*doc.diagnostics, *problems]
        try:
            return RulesetTestFile.model_validate(doc.data), doc.source_map, []
        except ValidationError as exc:  # the schema accepted it but the model did not (tests/fuzz)
            error = exc.errors()[0]
            where = doc.source_map.value(tuple(k for k in error["loc"] if isinstance(k, str | int)))
            return None, doc.source_map, [make("T001", f"{error['msg']} ({'.'.join(map(str, error['loc']))})", where)]

    def run_file(self, test_file: Path) -> list[Outcome]:
        spec, source_map, problems = self.load(test_file)
        if spec is None:
            outcome = Outcome(str(test_file), "(test file)", problems=problems)
            self.run.outcomes.append(outcome)
            return [outcome]
        compiled = self.ruleset(_ruleset_for(test_file, spec.ruleset))
        outcomes = []
        for index, test in enumerate(spec.tests):
            outcome = Outcome(str(test_file), test.name)
            if isinstance(compiled, list):
                outcome.problems = compiled
            else:
                self.run_test(test_file, test, ("tests", index), source_map, compiled, outcome)
            outcomes.append(outcome)
        self.run.outcomes.extend(outcomes)
        return outcomes

    def run_test(
        self,
        test_file: Path,
        test: RulesetTest,
        path: PathKey,
        source_map: SourceMap,
        compiled: CompiledRuleset,
        outcome: Outcome,
    ) -> None:
        replay = test.cases is None and test.cases_file is None
        cases_path = (test_file.parent / test.cases_file) if test.cases_file else test_file
        table = None
        if test.cases is not None:
            rows = [case.model_dump() for case in test.cases]
            table = table_from_cases(rows, source_map, (*path, "cases"), str(test_file))
        judgements_path = (test_file.parent / test.judgements_file) if test.judgements_file else None
        judgements_data = None
        if test.judgements is not None or test.ratings is not None:
            inline: dict[str, Any] = {}
            if test.judgements is not None:
                inline["judgements"] = {
                    cid: {sid: e if isinstance(e, str) else e.model_dump(exclude_none=True) for sid, e in given.items()}
                    for cid, given in test.judgements.items()
                }
            if test.ratings is not None:
                inline["ratings"] = {
                    cid: e if isinstance(e, str) else e.model_dump(exclude_none=True) for cid, e in test.ratings.items()
                }
            judgements_data = (inline, _shifted(source_map, (*path,)))
        try:
            scored = score(
                cases_path,
                None if replay else cases_path,
                judgements_path,
                where=test.where,
                unanswered=test.unanswered,
                compiled=compiled,
                table=table,
                judgements_data=judgements_data,
                # Inline cases are as forgiving as a CSV: a question no case lists is empty in
                # every case (still D007 where it is relevant), not a missing column.
                allow_missing_questions=test.cases is not None,
            )
        except UsageError as exc:  # options of the test that cannot go together (found by tests/fuzz)
            where = source_map.value((*path, "where")) if test.where is not None else source_map.value(path)
            outcome.problems = [
                make("T001", str(exc), where, hint="give the test cases (or cases_file) to choose from")
            ]
            return
        if scored.result is None:
            outcome.problems = scored.report.errors or scored.report.diagnostics
            return
        self.cover(compiled, scored, test)
        at = lambda *keys: source_map.value((*path, "expect", *keys))  # noqa: E731 - a local shorthand
        compare(test, scored, at, outcome)

    def cover(self, compiled: CompiledRuleset, scored: Scored, test: RulesetTest) -> None:
        """Add what this scored sample exercised to the ruleset's coverage."""
        result, evaluation, mask = scored.result, scored.evaluation, scored.mask
        assert result is not None
        key = f"{compiled.model.id} {compiled.model.version}"
        coverage = self.run.coverage.setdefault(key, Coverage())
        _cover_ratings(compiled, result, coverage)
        for sid, section in result.plugin_sections.items():  # a plugin's figures count as tested
            expected = test.expect.plugin_sections.get(sid, {})  # only when a test states them
            for name in section.summary:
                coverage.add("plugin results", f"{sid} {name}", name in expected)
        if evaluation is None or mask is None:
            return  # given ratings alone: no conditions or answers were exercised
        for cq in compiled.questions:
            if cq.condition is not None:
                relevant = evaluation.relevant[cq.id][mask]
                coverage.add("conditions", f"{cq.id} true", bool(np.any(relevant)))
                coverage.add("conditions", f"{cq.id} false", bool(np.any(~relevant)))
        for criterion in result.criteria.values():
            for q in criterion.questions:
                if q.scored:
                    coverage.add("answers", f"{q.id} sufficient", q.counts.sufficient > 0)
                    coverage.add("answers", f"{q.id} insufficient", q.counts.judged > q.counts.sufficient)
        reached = {(c.band.id if c.band else None) for c in result.criteria.values()}
        reached |= {(t.band.id if t.band else None) for t in result.threads.values()}
        for band_set in compiled.model.band_sets:
            for band in band_set.bands:
                coverage.add("bands", f"{band_set.id} {band.id}", band.id in reached)
        for decision in compiled.model.decisions:
            outcome = result.decisions.get(decision.id)
            for option in decision.outcomes:
                coverage.add(
                    "decisions", f"{decision.id} {option.id}", outcome is not None and outcome.outcome == option.id
                )
        graded = {g.grade.id for g in result.grades.values() if g.grade}
        for rule in compiled.model.judgement_rules:
            for grade in rule.grades:
                if result.grades:
                    coverage.add("grades", f"{rule.id} {grade.id}", grade.id in graded)


def _cover_ratings(compiled: CompiledRuleset, result: Result, coverage: Coverage) -> None:
    """Each overall rating's bands and limits reached, and each rated criterion's rating both
    computed and moderated (the two paths a rating can take)."""
    for overall in compiled.model.overall_ratings:
        got = result.overall_ratings.get(overall.id)
        for band in overall.bands:
            coverage.add("overall bands", f"{overall.id} {band.rating}", got is not None and got.banded == band.rating)
        applied = {limit.id for limit in got.limits} if got is not None else set()
        for limit in overall.limits:
            coverage.add("limits", f"{overall.id} {limit.id}", limit.id in applied)
    for cid, rated in result.ratings.items():
        if not compiled.is_rated_directly(cid):
            coverage.add("moderation", f"{cid} computed", rated.basis in ("band", "grade"))
            coverage.add("moderation", f"{cid} moderated", rated.basis == "moderated")


def _shifted(source_map: SourceMap, prefix: PathKey) -> SourceMap:
    """Positions of a test's inline ``judgements`` as a judgements document would have them."""
    shifted = SourceMap(default=source_map.default)
    shifted.rebase((), source_map, prefix)
    return shifted


def _near(actual: Fraction | float | None, expected: float, tolerance: float) -> bool:
    """Within the tolerance, compared exactly (an expected 70.5 with tolerance 0 matches 70.5)."""
    return actual is not None and abs(exact(actual) - exact(expected)) <= exact(tolerance)


def compare(test: RulesetTest, scored: Scored, at: Any, outcome: Outcome) -> None:
    """Every expectation of ``test`` that ``scored`` does not meet becomes a failure."""
    result: Result | None = scored.result
    assert result is not None
    expect, tol = test.expect, test.tolerance
    for cid, wanted in expect.criteria.items():
        got = result.criteria.get(cid)
        if got is None:
            outcome.failures.append(Failure(at("criteria", cid), f"criterion {cid} is not in the ruleset"))
            continue
        spec = wanted if isinstance(wanted, CriterionExpectation) else CriterionExpectation(score=wanted)
        problems = []
        if spec.no_score and got.score is not None:
            problems.append(f"expected no score, got {_pct(got.score)}")
        if spec.score is not None and not _near(got.score, spec.score, tol):
            problems.append(f"score expected {spec.score:g} ± {tol:g}, got {_pct(got.score)}")
        if spec.band is not None and (got.band.id if got.band else None) != spec.band:
            problems.append(f"band expected {spec.band}, got {got.band.id if got.band else 'none'}")
        if problems:
            trail = explain(scored, cid)
            outcome.failures.append(Failure(at("criteria", cid), f"criterion {cid}: " + "; ".join(problems), trail))
    for qid, qexp in expect.questions.items():
        qgot = next((q for c in result.criteria.values() for q in c.questions if q.id == qid), None)
        if qgot is None:
            outcome.failures.append(Failure(at("questions", qid), f"question {qid} is not in the ruleset"))
            continue
        counts = qgot.counts.model_dump()
        problems = [
            f"{name} expected {value}, got {counts[name]}"
            for name, value in qexp.model_dump(exclude_none=True).items()
            if name != "proportion" and counts[name] != value
        ]
        if qexp.proportion is not None and not _near(qgot.proportion, qexp.proportion, tol):
            problems.append(f"proportion expected {qexp.proportion:g} ± {tol:g}, got {_pct(qgot.proportion)}")
        if problems:
            outcome.failures.append(
                Failure(at("questions", qid), f"question {qid}: " + "; ".join(problems), explain(scored, qid, True))
            )
    for kind, expected, actual in (
        ("section", expect.sections, {k: v.score for k, v in result.sections.items()}),
        ("thread", expect.threads, {k: v.score for k, v in result.threads.items()}),
        ("headline", expect.headlines, {k: v.score for k, v in result.headlines.items()}),
    ):
        for item_id, value in expected.items():
            if not _near(actual.get(item_id), value, tol):
                key = {"section": "sections", "thread": "threads", "headline": "headlines"}[kind]
                message = f"{kind} {item_id}: score expected {value:g} ± {tol:g}, got {_pct(actual.get(item_id))}"
                outcome.failures.append(Failure(at(key, item_id), message))
    for gid, grade in expect.grades.items():
        got_grade = result.grades.get(gid)
        actual_grade = got_grade.grade.id if got_grade and got_grade.grade else None
        if actual_grade != grade:
            outcome.failures.append(Failure(at("grades", gid), f"grade of {gid}: expected {grade}, got {actual_grade}"))
    for did, wanted_outcome in expect.decisions.items():
        decided = result.decisions.get(did)
        if decided is None or decided.outcome != wanted_outcome:
            message = f"decision {did}: expected {wanted_outcome}, got {decided.outcome if decided else 'none'}"
            outcome.failures.append(Failure(at("decisions", did), message))
    for cid, level in expect.ratings.items():
        rated = result.ratings.get(cid)
        if rated is None or rated.rating != level:
            shown = "no rating scale" if rated is None else rated.rating or "not rated"
            outcome.failures.append(Failure(at("ratings", cid), f"rating of {cid}: expected {level}, got {shown}"))
    for oid, overall_wanted in expect.overall.items():
        overall_spec = (
            overall_wanted
            if isinstance(overall_wanted, OverallExpectation)
            else OverallExpectation(rating=overall_wanted)
        )
        rolled = result.overall_ratings.get(oid)
        if rolled is None:
            outcome.failures.append(Failure(at("overall", oid), f"overall rating {oid} is not in the ruleset"))
            continue
        problems = []
        if overall_spec.rating is not None and rolled.rating != overall_spec.rating:
            problems.append(f"rating expected {overall_spec.rating}, got {rolled.rating or 'not rated'}")
        if overall_spec.total is not None and not _near(rolled.total, overall_spec.total, tol):
            problems.append(f"total expected {overall_spec.total:g}, got {_pct(rolled.total)}")
        if problems:
            outcome.failures.append(
                Failure(at("overall", oid), f"overall rating {oid}: " + "; ".join(problems), _overall_trail(rolled))
            )
    _compare_plugin_sections(expect, result, tol, at, outcome)


def _compare_plugin_sections(expect: Expectations, result: Result, tol: float, at: Any, outcome: Outcome) -> None:
    """What a plugin section computed, against the test's expectations of its summary."""
    for sid, wanted in expect.plugin_sections.items():
        section = result.plugin_sections.get(sid)
        if section is None:
            known = ", ".join(sorted(result.plugin_sections)) or "none"
            outcome.failures.append(
                Failure(
                    at("plugin_sections", sid), f"plugin section {sid} is not in the result (plugin sections: {known})"
                )
            )
            continue
        problems = []
        for name, value in wanted.items():
            if name not in section.summary:
                problems.append(f"no result named {name} (it has: {', '.join(section.summary)})")
                continue
            got = section.summary[name]
            if isinstance(value, int | float) and isinstance(got, int | float):
                same = _near(float(got), float(value), tol)
            else:
                same = got == value
            if not same:
                problems.append(f"{name} expected {_shown(value)}, got {_shown(got)}")
        if problems:
            outcome.failures.append(
                Failure(at("plugin_sections", sid), f"plugin section {sid}: " + "; ".join(problems))
            )


def _shown(value: object) -> str:
    """A plugin figure as written in a test: ``3`` (not 3.0), ``'Good performance'``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return repr(value)


def _overall_trail(rolled: OverallRatingResult) -> str:
    """How an overall rating was made, for a failing expectation."""
    total = "none" if rolled.total is None else text(rolled.total)
    lines = [f"{rolled.title}: total {total} of {rolled.maximum} -> {rolled.banded or 'no band'}"]
    lines.append("counted: " + ", ".join(rolled.counted))
    if rolled.excluded:
        lines.append("not counted: " + ", ".join(rolled.excluded))
    lines += [f"limited to {limit.at_most} by {limit.id}: {limit.title}" for limit in rolled.limits]
    return "\n".join(lines) + "\n"


def _pct(value: Fraction | float | None) -> str:
    return "no score" if value is None else text(value)
