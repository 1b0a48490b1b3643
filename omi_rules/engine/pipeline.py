"""``score``'s pipeline: check the ruleset, read and check the data, evaluate, score, grade,
decide. Each stage adds its findings to one ``Report``; scoring happens only when no stage
found an error, so a result is never computed from data with known problems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from omi_rules import __version__
from omi_rules.casedata.judgements import Judgements, check_judgements, read_judgements
from omi_rules.casedata.readers import read_table
from omi_rules.casedata.table import RawTable
from omi_rules.casedata.validate import CaseSample, read_sample
from omi_rules.casedata.workbook import origin_findings
from omi_rules.conditions.types import BoolT, EnumT
from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Report, caps
from omi_rules.diagnostics.codes import make
from omi_rules.engine import cache
from omi_rules.engine.compiled import CompiledRuleset, compile_ruleset
from omi_rules.engine.grading import decide, decision_calls, grade_criterion
from omi_rules.engine.precision import Options as PrecisionOptions
from omi_rules.engine.precision import caseload_problem, settings_for
from omi_rules.engine.ratings import Unrated, rate_criteria, rate_overall
from omi_rules.engine.relevance import Evaluation, evaluate_sample
from omi_rules.engine.sample_rules import check_requirements
from omi_rules.engine.scoring import score_cases
from omi_rules.engine.selection import headline_indicators, score_headlines, where_mask
from omi_rules.engine.surveys import score_surveys, survey_calls, survey_figures_missing
from omi_rules.model import EnumField, JudgementCriterion, PluginSection
from omi_rules.model.results import (
    DecisionResult,
    Finding,
    Group,
    Grouping,
    HeadlineResult,
    InputRef,
    Inputs,
    JudgedCriterionResult,
    OverallRatingResult,
    PluginSectionResult,
    RatingResult,
    Result,
    RulesetRef,
    Scores,
    SurveyResult,
    Uncertainty,
)
from omi_rules.model.value_types import field_type
from omi_rules.plugins.hookspecs import SectionScore
from omi_rules.plugins.manager import PluginFailure, Registry, builtin_registry
from omi_rules.yamlio.reader import SourceMap

if TYPE_CHECKING:  # imported when used: the resampling engine for intervals, survey data for --surveys
    from omi_rules.casedata.surveys import SurveyData
    from omi_rules.engine.uncertainty import Settings as UncertaintySettings


class UsageError(Exception):
    """A bad option value (e.g. ``--by`` on a field that cannot group); exit code 2."""


@dataclass
class Scored:
    """Everything a scoring run produced, for rendering and for ``explain``."""

    report: Report
    files: dict[str, list[str]] = field(default_factory=dict)
    compiled: CompiledRuleset | None = None
    sample: CaseSample | None = None
    evaluation: Evaluation | None = None
    judgements: Judgements | None = None
    mask: NDArray[np.bool_] | None = None
    result: Result | None = None
    surveys: dict[str, SurveyData] = field(default_factory=dict)
    """Checked survey data (``--surveys``), by survey id."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare(
    ruleset: Path,
    cases: Path | None,
    judgements: Path | None = None,
    unanswered: str | None = None,
    registry: Registry | None = None,
    compiled: CompiledRuleset | None = None,
    ignore_columns: Collection[str] = (),
    allow_missing_questions: bool = False,
    table: RawTable | None = None,
    judgements_data: tuple[Any, SourceMap] | None = None,
    surveys: Collection[str] = (),
) -> Scored:
    """Check the ruleset and the data and evaluate relevance; stops at the first failing stage.

    ``surveys`` are what ``--surveys`` names (data files, folders, ``NAME=FILE``); their data
    is read and checked with the rest, and an unreadable survey file stops the run (exit 2).

    ``table`` and ``judgements_data`` give data already read (a ruleset test's inline cases
    and judgements) instead of ``cases`` and ``judgements`` files.

    ``compiled`` skips loading and checking the ruleset (``ruleset`` is then only a name): for
    callers that score many samples with one checked ruleset, such as ``impact``.
    """
    registry = compiled.registry if compiled is not None else registry or builtin_registry()
    report = Report()
    out = Scored(report)
    if compiled is None:
        loaded = cache.checked_ruleset(ruleset, report, registry)
        out.files.update(loaded.files)
        if loaded.model is None or report.errors or report.unreadable:
            return out
        compiled = compile_ruleset(loaded.model, registry, loaded.sha256)
    out.compiled = compiled
    model = compiled.model
    if surveys:
        from omi_rules.casedata.surveys import read_surveys

        try:
            out.surveys, problems = read_surveys(list(surveys), model, registry.readers)
        except InputUnreadable as exc:
            report.add(exc.diagnostic)
            report.unreadable = True
            return out
        report.extend(problems)
    if cases is None and table is None:  # given ratings alone: no sample to read
        if judgements is not None:
            try:
                out.judgements, problems = read_judgements(judgements, model, str(judgements))
            except InputUnreadable as exc:
                report.add(exc.diagnostic)
                report.unreadable = True
                return out
            report.extend(problems)
        elif judgements_data is not None:
            out.judgements, problems = check_judgements(judgements_data[0], judgements_data[1], model, "judgements")
            report.extend(problems)
        return out
    if table is None:
        assert cases is not None
        try:
            table = read_table(cases, str(cases), registry.readers)
        except InputUnreadable as exc:
            report.add(exc.diagnostic)
            report.unreadable = True
            return out
    if table.origin is not None:  # a data-collection workbook: made for this ruleset version?
        report.extend(origin_findings(table.origin, model.id, model.version, compiled.sha256))
    if judgements is None and judgements_data is None:  # judgements filled in on the workbook
        judgements_data = table.judgements
    elif table.judgements is not None:  # both: the file given wins, and that is said
        report.add(
            make(
                "D015",
                "the workbook's judgements sheet is filled in, but the judgements come from "
                f"{judgements if judgements is not None else 'the test'}: the sheet is not read",
                table.judgements[1].value(()),
                hint="leave out --judgements to score the sheet's judgements, or clear the sheet",
            )
        )
    sample, problems = read_sample(table, model, ignore_columns, allow_missing_questions)
    report.extend(problems)
    if judgements is not None:
        try:
            checked, problems = read_judgements(judgements, model, str(judgements))
        except InputUnreadable as exc:
            report.add(exc.diagnostic)
            report.unreadable = True
            return out
        report.extend(problems)
        out.judgements = checked
    elif judgements_data is not None:
        checked, problems = check_judgements(judgements_data[0], judgements_data[1], model, str(cases))
        report.extend(problems)
        out.judgements = checked
    if sample is None:
        return out
    clean = not report.errors
    # Relevance findings (D006, D007) are reported even when the data or the judgements have
    # errors, so a file's problems come together; read_sample left out the cells it rejected.
    evaluation = evaluate_sample(compiled, sample, unanswered)
    report.extend(evaluation.diagnostics)
    if not clean:
        # Sample requirements (D013) count cases by their values, which rejected cells leave
        # unknown; and nothing may be scored from data with errors.
        return out
    out.sample, out.evaluation = sample, evaluation
    report.extend(check_requirements(model, sample, evaluation, Position(str(cases or "cases"))))
    return out


def score_plugin_sections(compiled: CompiledRuleset, sample: CaseSample) -> dict[str, PluginSectionResult]:
    """Score each section of a plugin's kind from the case data's records."""
    registry = compiled.registry
    out: dict[str, PluginSectionResult] = {}
    for section in compiled.model.sections:
        if not isinstance(section, PluginSection):
            continue
        kind = registry.section_kinds[section.section_kind]
        scored = registry.call(
            "section kind", kind.name, kind.score, dict(section.config), sample.case_ids, sample.values
        )
        if not isinstance(scored, SectionScore):
            raise PluginFailure(f"section kind '{kind.name}' returned {type(scored).__name__}, not a SectionScore")
        out[section.id] = PluginSectionResult(
            id=section.id,
            title=section.title,
            section_kind=kind.name,
            summary=dict(scored.summary),
            header=[str(h) for h in scored.header],
            rows=[[str(c) for c in row] for row in scored.rows],
            paragraphs=[str(p) for p in scored.paragraphs],
        )
    return out


def group_values(compiled: CompiledRuleset, by: str) -> list[tuple[str, object]]:
    """The groups of ``--by FIELD``: each declared value (enum) or true/false (bool)."""
    fields = {f.id: f for f in compiled.model.fields}
    f = fields.get(by)
    if f is None:
        raise UsageError(f"--by: unknown field '{by}' (fields: {', '.join(fields)})")
    t = field_type(f)
    if isinstance(f, EnumField) and isinstance(t, EnumT):
        return [(value, value) for value in t.values]
    if isinstance(t, BoolT):
        return [("true", True), ("false", False)]
    raise UsageError(f"--by: field '{by}' is a {f.type} field; group by an enum or bool field")


@dataclass
class Outcome:
    """Every figure a sample produces: case-sample scores, grades of judged criteria, ratings,
    overall ratings, headlines and decisions."""

    scores: Scores
    grades: dict[str, JudgedCriterionResult]
    headlines: dict[str, HeadlineResult]
    decisions: dict[str, DecisionResult]
    ratings: dict[str, RatingResult] = field(default_factory=dict)
    overall_ratings: dict[str, OverallRatingResult] = field(default_factory=dict)
    unrated: list[Unrated] = field(default_factory=list)
    """Overall ratings that could not be given (members without a rating): errors."""


NOT_JUDGED = "not judged: none of its specific criteria was judged"


def noting_left_out(
    graded: JudgedCriterionResult, criterion: JudgementCriterion, judged: Collection[str]
) -> JudgedCriterionResult:
    """``graded`` with the specific criteria its judgements left out, and a note saying what
    that means for the grade (none at all, or one made from the others), so the JSON and
    every report show that a grade is missing or partial rather than leaving a reader to
    compare counts."""
    left_out = [s.id for s in criterion.specific_criteria if s.id not in judged]
    if not left_out:
        return graded
    if graded.total == 0:
        note = NOT_JUDGED
    else:
        of = len(criterion.specific_criteria)
        note = f"graded from {graded.total} of its {of} specific criteria; not judged: {', '.join(left_out)}"
    return graded.model_copy(update={"not_judged": left_out, "note": note})


NO_CASES = Scores(cases=0, criteria={}, sections={}, threads={})
"""The case-sample part of a result computed from given ratings alone (no case file)."""


def score_sample(
    compiled: CompiledRuleset,
    sample: CaseSample | None,
    evaluation: Evaluation | None,
    judgements: Judgements | None,
    mask: NDArray[np.bool_] | None,
    surveys: Mapping[str, SurveyResult] | None = None,
) -> Outcome:
    """Score, grade, rate and decide for the cases ``mask`` selects, from checked data.

    Without a sample (``None``), nothing is scored from cases: ratings come from the
    judgements file alone, as when a published inspection is replayed.

    Separate from ``score`` (which adds provenance read from the input files) so the
    property tests can score generated samples held in memory with exactly the code the
    command runs.
    """
    with_cases = sample is not None and evaluation is not None and mask is not None
    scores = score_cases(compiled, evaluation, mask) if evaluation is not None and mask is not None else NO_CASES
    grades: dict[str, JudgedCriterionResult] = {}
    if judgements is not None:
        for section in compiled.judgement_sections:
            for criterion in section.criteria:
                if not criterion.specific_criteria:
                    continue  # rated directly: its rating is given, not graded
                given = {sid: j.value for sid, j in judgements.by_criterion.get(criterion.id, {}).items()}
                graded = grade_criterion(compiled, compiled.judgement_rule(section, criterion), criterion, given)
                grades[criterion.id] = noting_left_out(graded, criterion, given)
    headlines = (
        score_headlines(compiled, sample, evaluation, mask)
        if with_cases and sample is not None and evaluation is not None and mask is not None
        else {}
    )
    ratings = rate_criteria(compiled, scores, grades, judgements.ratings if judgements is not None else {})
    overall, unrated = rate_overall(compiled, ratings, survey_calls(surveys or {}))
    calls = decision_calls(scores.threads, scores.criteria, scores.sections, grades, headlines, ratings, overall)
    calls.update(survey_calls(surveys or {}))
    return Outcome(scores, grades, headlines, decide(compiled, calls), ratings, overall, unrated)


def score(
    ruleset: Path,
    cases: Path | None,
    judgements: Path | None = None,
    where: str | None = None,
    by: str | None = None,
    unanswered: str | None = None,
    registry: Registry | None = None,
    compiled: CompiledRuleset | None = None,
    ignore_columns: Collection[str] = (),
    allow_missing_questions: bool = False,
    table: RawTable | None = None,
    judgements_data: tuple[Any, SourceMap] | None = None,
    uncertainty: PrecisionOptions | None = None,
    surveys: Collection[str] = (),
) -> Scored:
    """Run the whole pipeline; ``result`` is set when nothing stopped it.

    With ``uncertainty`` options (checked by ``precision.check_options``) the result also says
    how sure its figures are (intervals and band stability, ``engine.uncertainty``); without
    them nothing is resampled.

    Without ``cases`` (and no inline ``table``) nothing is scored from cases: the ratings come
    from the judgements file, and every rating an overall rating or decision needs must be
    given there (a published inspection replayed from its ratings)."""
    registry = compiled.registry if compiled is not None else registry or builtin_registry()
    out = prepare(
        ruleset,
        cases,
        judgements,
        unanswered,
        registry,
        compiled,
        ignore_columns,
        allow_missing_questions,
        table,
        judgements_data,
        surveys,
    )
    report, compiled, sample, evaluation = out.report, out.compiled, out.sample, out.evaluation
    replay = cases is None and table is None
    if compiled is None or report.errors or report.unreadable:
        return out
    if replay and (where or by):
        raise UsageError("--where and --by choose among cases: give a case file")
    if not replay and (sample is None or evaluation is None):
        return out
    groups = group_values(compiled, by) if by else None
    mask = None
    if sample is not None and evaluation is not None:
        mask = where_mask(compiled, sample, evaluation, where, report)
        if mask is None:
            return out
    out.mask = mask
    if uncertainty is not None and mask is not None:
        problem = caseload_problem(uncertainty.caseload, int(mask.sum()), str(cases))
        if problem is not None:
            report.add(problem)
            return out
    survey_results = score_surveys(compiled.model, out.surveys, _hashes(out.surveys))
    outcome = score_sample(compiled, sample, evaluation, out.judgements, mask, survey_results)
    report.extend(survey_figures_missing(compiled, survey_results))
    for unrated in outcome.unrated:
        report.add(_unrated_error(unrated, judgements or ruleset, replay))
    if report.errors:
        return out
    scores = outcome.scores
    grouping = None
    if by and groups and sample is not None and evaluation is not None and mask is not None:
        column = evaluation.columns[by]
        members = []
        for label, value in groups:
            t = field_type(next(f for f in compiled.model.fields if f.id == by))
            code = t.values.index(str(value)) if isinstance(t, EnumT) else int(bool(value))
            selected = mask & (column == code)
            if selected.any():
                members.append(Group(value=label, scores=score_cases(compiled, evaluation, selected)))
        grouping = Grouping(field=by, groups=members)
    model = compiled.model
    plugin_sections = score_plugin_sections(compiled, sample) if sample is not None else {}
    out.result = Result(
        tool={"name": "omi-rules", "version": __version__},
        plugins=registry.versions(),
        ruleset=RulesetRef(id=model.id, version=model.version, title=model.title, sha256=compiled.sha256),
        inputs=Inputs(
            cases=InputRef(file=str(cases), sha256=sample.table.sha256 or _sha256(cases), records=sample.size)
            if cases is not None and sample is not None
            else None,
            judgements=InputRef(
                file=str(judgements),
                sha256=_sha256(judgements),
                records=sum(len(v) for v in out.judgements.by_criterion.values()) + len(out.judgements.ratings),
            )
            if judgements is not None and out.judgements is not None
            else None,
        ),
        where=where,
        cases=scores.cases,
        criteria=scores.criteria,
        sections=scores.sections,
        threads=scores.threads,
        grades=outcome.grades,
        decisions=outcome.decisions,
        headlines=outcome.headlines,
        plugin_sections=plugin_sections,
        wording=model.wording.model_dump(),
        ratings=outcome.ratings,
        overall_ratings=outcome.overall_ratings,
        surveys=survey_results,
        by=grouping,
        findings=[
            Finding(
                code=d.code,
                severity=d.severity.value,
                message=d.message,
                file=d.position.file,
                line=d.position.line,
                column=d.position.col,
            )
            for d in caps.capped(report.sorted(), caps.shown_per_code())  # as printed: see caps
        ],
        uncertainty=sample_uncertainty(
            compiled,
            sample,
            evaluation,
            mask,
            outcome,
            out.judgements,
            settings_for(model, uncertainty),
            survey_calls(survey_results),
        )
        if uncertainty is not None and sample is not None and evaluation is not None and mask is not None
        else None,
    )
    return out


def sample_uncertainty(
    compiled: CompiledRuleset,
    sample: CaseSample,
    evaluation: Evaluation,
    mask: NDArray[np.bool_],
    outcome: Outcome,
    judgements: Judgements | None,
    settings: UncertaintySettings,
    surveys: Mapping[tuple[str, str], object] | None = None,
) -> Uncertainty:
    """How sure the figures of the cases ``mask`` selects are (``engine.uncertainty``).

    The resampling engine is imported here, not with the pipeline: a run without intervals
    (``score`` without ``--uncertainty`` in a table, ``impact``, ruleset tests) never needs it."""
    from omi_rules.engine.resample import sample_matrices
    from omi_rules.engine.uncertainty import Inputs as UncertaintyInputs
    from omi_rules.engine.uncertainty import assess

    matrices = sample_matrices(compiled, evaluation, mask, headline_indicators(compiled, sample, evaluation))
    inputs = UncertaintyInputs(
        scores=outcome.scores,
        grades=outcome.grades,
        headlines=outcome.headlines,
        given=judgements.ratings if judgements is not None else {},
        ratings=outcome.ratings,
        decisions={k: v.outcome for k, v in outcome.decisions.items()},
        overall={k: v.rating for k, v in outcome.overall_ratings.items()},
        surveys=dict(surveys or {}),
    )
    return assess(compiled, matrices, inputs, settings)[0]


def _unrated_error(unrated: Unrated, where: Path, replay: bool) -> Diagnostic:
    """An overall rating whose members are not all rated is an error, never a lower rating."""
    members = ", ".join(unrated.members)
    why = "no rating was given" if replay else "nothing was judged and no rating was given"
    return make(
        "J007",
        f"overall rating '{unrated.overall}' needs a rating of {members} ({why})",
        Position(str(where)),
        hint="give the rating under 'ratings' in the judgements file, or declare in the ruleset what an "
        "unrated member does ('unrated: rescale' or 'unrated: {rating: ...}')",
    )


def _hashes(surveys: Mapping[str, SurveyData]) -> dict[Path, str]:
    return {path: _sha256(path) for data in surveys.values() for path in data.files}
