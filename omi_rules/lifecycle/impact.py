"""What a ruleset change would do to real inspections: re-score samples under both rulesets
and list every score, conclusion, grade and decision that moves, with the questions behind it.

Each ruleset is loaded and checked once; every sample is then scored under both. A sample that
cannot be scored under one of them (its data does not fit that ruleset) is reported as such,
never silently skipped.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from omi_rules.casedata.readers import read_table
from omi_rules.diagnostics import Diagnostic, InputUnreadable
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.engine.pipeline import score
from omi_rules.model.results import CriterionResult, OverallRatingResult, Result
from omi_rules.numbers import text

CASE_SUFFIXES = (".csv", ".xlsx", ".json", ".yaml", ".yml")
JUDGEMENTS_NAME = "judgements.yaml"


RATINGS_SUFFIX = ".ratings.yaml"
"""A judgements file holding only given ratings, scored without case data."""

VERDICTS = ("conclusion", "grade", "rating", "overall", "decision")
"""Kinds of move that change what a report concludes (``--fail-on grade-change``)."""


@dataclass(frozen=True)
class Sample:
    """One inspection's data: its case file and, if any, its judgements; or only its given
    ratings (``<name>.ratings.yaml``: a published inspection replayed from its ratings)."""

    name: str
    cases: Path | None
    judgements: Path | None


@dataclass(frozen=True)
class Move:
    """One thing that moved between the old and the new ruleset, for one inspection."""

    inspection: str
    kind: str
    """``score``, ``conclusion``, ``grade``, ``thread``, ``headline``, ``rating``, ``overall``,
    ``plugin`` (a value of a plugin section's summary) or ``decision``."""
    target: str
    old: str | None
    new: str | None
    because: tuple[str, ...] = ()
    """What explains the move: the questions whose figures changed, or the band limits."""
    old_figure: str | None = None
    new_figure: str | None = None
    """The number behind a verdict, as the report shows it: the score of a criterion whose
    conclusion or rating moved (``72%``), an overall rating's total (``25 of 36``). A reviewer
    sees at once whether a verdict moved because its score did or because a limit did."""

    def shown(self, which: str, none: str = "(none)") -> str:
        """The old or new value with its figure: ``Good (72%)``."""
        value, figure = (self.old, self.old_figure) if which == "old" else (self.new, self.new_figure)
        if value is None:
            return none
        return f"{value} ({figure})" if figure is not None else value


@dataclass(frozen=True)
class Failure:
    """Why an inspection could not be scored: under which ruleset, and the first error."""

    under: str
    """The ruleset's id and version."""
    diagnostic: Diagnostic | None = None

    def why(self) -> str:
        """``under mini 1.0.0: cases.csv:1:1: error[D002]: ...``, the diagnostic in its
        documented form, so the report (or standard error) locates the problem."""
        return f"under {self.under}: {_located(self.diagnostic)}" if self.diagnostic else f"under {self.under}"

    def describe(self, inspection: str) -> str:
        """One line naming the inspection and the problem, each file once: the problem is
        usually in the inspection's own case file, whose name then begins the line (where an
        editor or CI can jump to it) rather than also being repeated before it."""
        d = self.diagnostic
        if d is not None and d.position.file == inspection:
            return f"{_located(d)} (not scored under {self.under})"
        return f"{inspection}: not scored {self.why()}"


def _located(d: Diagnostic) -> str:
    return f"{d.position}: {d.severity.value}[{d.code}]: {d.message}"


@dataclass
class Impact:
    moves: list[Move] = field(default_factory=list)
    scored: list[str] = field(default_factory=list)
    failures: dict[str, Failure] = field(default_factory=dict)
    """Inspection -> why it could not be scored under one of the rulesets."""

    @property
    def failed(self) -> dict[str, str]:
        """Inspection -> why it could not be scored, as one text (the JSON's ``failed``)."""
        return {name: failure.why() for name, failure in self.failures.items()}

    def conclusion_changes(self) -> Counter[str]:
        """How many inspections change conclusion (or grade, or decision) on each target."""
        return Counter(m.target for m in self.moves if m.kind in VERDICTS)


SURVEYS_FOLDER = "surveys"
"""The sub-folder name of survey data (``score --surveys``), which ``find_samples`` skips."""


def find_samples(paths: Iterable[Path]) -> list[Sample]:
    """Case files given directly, or found in folders (one level of sub-folders per inspection).

    A case file's judgements are ``<name>.judgements.yaml`` beside it, or ``judgements.yaml``
    when it is the only case file in its folder. A ``surveys`` sub-folder holds an inspection's
    questionnaire data (respondent rows are CSV or Excel too), not an inspection: it is skipped.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if _is_case_file(p) and SURVEYS_FOLDER not in p.relative_to(path).parts[:-1]
                )
            )
        else:
            files.append(path)
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob(f"*{RATINGS_SUFFIX}") if p.is_file()))
    samples = []
    for file in files:
        if file.name.endswith(RATINGS_SUFFIX):
            samples.append(Sample(str(file), None, file))
            continue
        own = file.with_name(f"{file.stem}.judgements.yaml")
        shared = file.with_name(JUDGEMENTS_NAME)
        siblings = [p for p in file.parent.iterdir() if _is_case_file(p)] if file.parent.is_dir() else []
        judgements = own if own.exists() else shared if shared.exists() and len(siblings) == 1 else None
        samples.append(Sample(str(file), file, judgements))
    return samples


def _is_case_file(path: Path) -> bool:
    """In folders: every .csv and .xlsx file, and JSON/YAML files named ``*cases`` (a folder
    of inspections also holds judgements and other YAML that is not case data)."""
    suffix = path.suffix.lower()
    if not path.is_file() or suffix not in CASE_SUFFIXES:
        return False
    return suffix in (".csv", ".xlsx") or path.stem.endswith("cases")


def impact(
    old: CompiledRuleset,
    new: CompiledRuleset,
    samples: list[Sample],
    progress: Callable[[Sample], None] | None = None,
    paths: tuple[Path, Path] | None = None,
    workers: int | None = None,
) -> Impact:
    """Score every sample under both rulesets and collect what moved. ``paths`` are where the
    two rulesets are, as given: a problem found in a ruleset while scoring is located there
    (without them, the ruleset is named by its id).

    Each inspection's case file is read once for both rulesets. With ``workers`` (default: the
    cores, when there are enough inspections for it to pay) inspections are re-scored in
    forked processes that share the two compiled rulesets; the result is the same, in the same
    order, as scoring them one by one."""
    out = Impact()
    job = _Job(old, new, paths or (Path(old.model.id), Path(new.model.id)))
    for sample, (moves, failure) in zip(samples, _outcomes(job, samples, workers), strict=True):
        if progress is not None:
            progress(sample)
        if failure is not None:
            out.failures[sample.name] = failure
        else:
            out.scored.append(sample.name)
            out.moves.extend(moves)
    return out


PARALLEL_FROM = 8
"""Fewest inspections re-scored in parallel: below it, starting the processes costs more."""


@dataclass(frozen=True)
class _Job:
    old: CompiledRuleset
    new: CompiledRuleset
    where: tuple[Path, Path]
    ignored: dict[str, frozenset[str]] = field(init=False)
    """Per side, the questions only the other ruleset has: their columns are not read."""

    def __post_init__(self) -> None:
        old, new = set(self.old.by_id), set(self.new.by_id)
        object.__setattr__(self, "ignored", {"old": frozenset(new - old), "new": frozenset(old - new)})

    def run(self, sample: Sample) -> tuple[list[Move], Failure | None]:
        """One inspection under both rulesets: what moved, or why it could not be scored."""
        table = None
        if sample.cases is not None:
            try:
                table = read_table(sample.cases, str(sample.cases), self.old.registry.readers)
            except InputUnreadable as exc:
                return [], Failure(f"{self.old.model.id} {self.old.model.version}", exc.diagnostic)
        results: list[Result] = []
        for which, compiled, ruleset in (("old", self.old, self.where[0]), ("new", self.new, self.where[1])):
            # Data collected under one ruleset is re-scored under the other: columns of questions
            # only the other has are ignored, and questions only this one has count as unanswered.
            scored = score(
                ruleset,
                sample.cases,
                sample.judgements,
                unanswered="warning",
                compiled=compiled,
                ignore_columns=self.ignored[which],
                allow_missing_questions=True,
                table=table,
            )
            if scored.result is None:
                errors = scored.report.errors or scored.report.unique()
                under = f"{compiled.model.id} {compiled.model.version}"
                return [], Failure(under, errors[0] if errors else None)
            results.append(scored.result)
        return compare(sample.name, results[0], results[1]), None


_FORKED: _Job | None = None
"""The job a forked worker runs: inherited from the parent, since compiled rulesets (which hold
compiled conditions) cannot be pickled to a worker."""


def _run_forked(sample: Sample) -> tuple[list[Move], Failure | None]:
    assert _FORKED is not None
    return _FORKED.run(sample)


def _outcomes(job: _Job, samples: list[Sample], workers: int | None) -> Iterator[tuple[list[Move], Failure | None]]:
    """Each sample's outcome, in order: in this process, or in forked workers where it pays
    (Linux, more than one core, ``PARALLEL_FROM`` inspections or more)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    methods = multiprocessing.get_all_start_methods()
    if count < 2 or len(samples) < PARALLEL_FROM or "fork" not in methods or sys.platform != "linux":
        yield from (job.run(sample) for sample in samples)
        return
    global _FORKED
    _FORKED = job
    try:
        with multiprocessing.get_context("fork").Pool(min(count, len(samples))) as pool:
            yield from pool.imap(_run_forked, samples)
    finally:
        _FORKED = None


def _questions_that_moved(a: CriterionResult, b: CriterionResult) -> tuple[str, ...]:
    old = {q.id: (q.counts, q.proportion) for q in a.questions}
    new = {q.id: (q.counts, q.proportion) for q in b.questions}
    changed = [qid for qid in list(old) + [q for q in new if q not in old] if old.get(qid) != new.get(qid)]
    return tuple(f"question {qid}" for qid in changed)


class _Displayed(Protocol):
    @property
    def display(self) -> str | None: ...


def _display_moves(name: str, kind: str, a: Mapping[str, _Displayed], b: Mapping[str, _Displayed]) -> list[Move]:
    """Moves of results compared by their shown figure (threads, headlines): an item present
    on one side only moves from or to nothing."""
    moves = []
    for item_id in sorted(a.keys() | b.keys()):
        old, new = a.get(item_id), b.get(item_id)
        before = old.display if old is not None else None
        after = new.display if new is not None else None
        if before != after:
            moves.append(Move(name, kind, f"{kind} {item_id}", before, after))
    return moves


def compare(name: str, a: Result, b: Result) -> list[Move]:
    """Every move between two results of the same inspection."""
    moves: list[Move] = []
    for cid in list(a.criteria) + [c for c in b.criteria if c not in a.criteria]:
        old, new = a.criteria.get(cid), b.criteria.get(cid)
        if old is None or new is None:
            before = old.display if old is not None else None
            after = new.display if new is not None else None
            moves.append(Move(name, "score", f"criterion {cid}", before, after, ("criterion added or removed",)))
            continue
        because = _questions_that_moved(old, new)
        if old.display != new.display:
            moves.append(Move(name, "score", f"criterion {cid}", old.display, new.display, because))
        old_band = old.band.label if old.band else None
        new_band = new.band.label if new.band else None
        if old_band != new_band:
            reason = because if old.display != new.display else ("band limits",)
            moves.append(
                Move(name, "conclusion", f"criterion {cid}", old_band, new_band, reason, old.display, new.display)
            )
    moves.extend(_display_moves(name, "thread", a.threads, b.threads))
    for gid in sorted(a.grades.keys() | b.grades.keys()):
        og, ng = a.grades.get(gid), b.grades.get(gid)
        old_g = og.grade.label if og and og.grade else None
        new_g = ng.grade.label if ng and ng.grade else None
        if old_g != new_g:
            moves.append(Move(name, "grade", f"criterion {gid}", old_g, new_g))
    moves.extend(_display_moves(name, "headline", a.headlines, b.headlines))
    for cid in sorted(a.ratings.keys() | b.ratings.keys()):
        old_r, new_r = a.ratings.get(cid), b.ratings.get(cid)
        before, after = (old_r.label if old_r else None), (new_r.label if new_r else None)
        if before != after:
            because = ("score",) if (old_r and old_r.basis == "band") or (new_r and new_r.basis == "band") else ()
            figures = (_score_of(a, cid) if old_r else None, _score_of(b, cid) if new_r else None)
            moves.append(Move(name, "rating", f"criterion {cid}", before, after, because, *figures))
    for oid in sorted(a.overall_ratings.keys() | b.overall_ratings.keys()):
        old_o, new_o = a.overall_ratings.get(oid), b.overall_ratings.get(oid)
        if (old_o.rating if old_o else None) != (new_o.rating if new_o else None):
            moves.append(
                Move(
                    name,
                    "overall",
                    f"overall rating {oid}",
                    _overall_label(old_o),
                    _overall_label(new_o),
                    _why(old_o, new_o),
                    _total(old_o),
                    _total(new_o),
                )
            )
    for sid in sorted(a.plugin_sections.keys() | b.plugin_sections.keys()):
        old_s, new_s = a.plugin_sections.get(sid), b.plugin_sections.get(sid)
        old_v, new_v = (old_s.summary if old_s else {}), (new_s.summary if new_s else {})
        for key in list(old_v) + [k for k in new_v if k not in old_v]:
            if old_v.get(key) != new_v.get(key):
                was, now = old_v.get(key), new_v.get(key)
                shown = (None if was is None else str(was), None if now is None else str(now))
                moves.append(Move(name, "plugin", f"{sid} {key}", *shown))
    for did in sorted(a.decisions.keys() | b.decisions.keys()):
        od, nd = a.decisions.get(did), b.decisions.get(did)
        old_d = od.label if od is not None else None
        new_d = nd.label if nd is not None else None
        if (od.outcome if od is not None else None) != (nd.outcome if nd is not None else None):
            moves.append(Move(name, "decision", f"decision {did}", old_d, new_d))
    return sorted(moves, key=lambda m: (m.inspection, m.target, m.kind))


def _score_of(result: Result, cid: str) -> str | None:
    """The shown score of criterion ``cid``, behind its rating (none for a rating given
    directly, or replayed from ratings alone)."""
    criterion = result.criteria.get(cid)
    return criterion.display if criterion is not None else None


def _overall_label(rolled: OverallRatingResult | None) -> str | None:
    if rolled is None:
        return None
    return rolled.label or "not rated"


def _total(rolled: OverallRatingResult | None) -> str | None:
    """An overall rating's total as a report shows it: ``25 of 36``."""
    if rolled is None:
        return None
    return "no total" if rolled.total is None else f"{text(rolled.total)} of {rolled.maximum}"


def _why(old: OverallRatingResult | None, new: OverallRatingResult | None) -> tuple[str, ...]:
    """Why an overall rating moved: the total, the band limits, or a limiting rule."""
    if old is None or new is None:
        return ("overall rating added or removed",)
    why = []
    if old.total != new.total:
        why.append("total")
    elif old.banded != new.banded:
        why.append("band limits")
    old_limits, new_limits = {x.id for x in old.limits}, {x.id for x in new.limits}
    why += [f"limit {x}" for x in sorted(old_limits ^ new_limits)]
    return tuple(why)


def as_text(result: Impact, old_name: str, new_name: str) -> str:
    lines = [f"impact of {old_name} -> {new_name}: {len(result.scored)} inspections re-scored"]
    if result.failures:
        lines.append(f"{len(result.failures)} could not be scored under both rulesets:")
        lines.extend(f"  {failure.describe(name)}" for name, failure in sorted(result.failures.items()))
    if not result.moves:
        lines.append("nothing moves")
    for move in result.moves:
        because = f" (because: {', '.join(move.because)})" if move.because else ""
        lines.append(f"  {move.inspection}: {_label(move)}: {move.shown('old')} -> {move.shown('new')}{because}")
    changes = result.conclusion_changes()
    if changes:
        lines.append("summary (inspections whose conclusion, grade or decision changes):")
        lines.extend(f"  {target}: {count} of {len(result.scored)}" for target, count in sorted(changes.items()))
    return "\n".join(lines) + "\n"


def _label(move: Move) -> str:
    """``criterion 1.4 conclusion``, ``headline control``, ``decision further_focused_inspection``."""
    return f"{move.target} {move.kind}" if move.kind in ("score", "conclusion") else move.target


def as_markdown(result: Impact, old_name: str, new_name: str) -> str:
    lines = [f"# Impact of {old_name} -> {new_name}", "", f"{len(result.scored)} inspections re-scored.", ""]
    if result.failures:
        lines += ["## Not scored", ""] + [f"- {f.describe(n)}" for n, f in sorted(result.failures.items())] + [""]
    lines += ["## What moves", ""]
    if not result.moves:
        lines.append("Nothing moves.")
    else:
        lines += ["| inspection | what | target | old | new | because |", "|---|---|---|---|---|---|"]
        for m in result.moves:
            cells = [m.inspection, m.kind, m.target, m.shown("old", "-"), m.shown("new", "-"), ", ".join(m.because)]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    changes = result.conclusion_changes()
    if changes:
        lines += ["", "## Summary", "", "| target | inspections changing |", "|---|---:|"]
        lines += [f"| {t} | {c} of {len(result.scored)} |" for t, c in sorted(changes.items())]
    return "\n".join(lines) + "\n"


def as_json(result: Impact, old_name: str, new_name: str) -> str:
    body: dict[str, Any] = {
        "old": old_name,
        "new": new_name,
        "scored": result.scored,
        "failed": result.failed,
        "moves": [
            {
                "inspection": m.inspection,
                "kind": m.kind,
                "target": m.target,
                "old": m.old,
                "new": m.new,
                "old_figure": m.old_figure,
                "new_figure": m.new_figure,
                "because": list(m.because),
            }
            for m in result.moves
        ],
        "summary": dict(sorted(result.conclusion_changes().items())),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def as_html(result: Impact, old_name: str, new_name: str) -> str:
    from omi_rules.report.output import ChangeTable, changes_page

    moves = [
        [m.kind, m.inspection, m.target, m.shown("old", "-"), m.shown("new", "-"), ", ".join(m.because)]
        for m in result.moves
    ]
    tables = [
        ChangeTable("What moves", ["What", "Inspection", "Target", "Old", "New", "Because"], moves, "Nothing moves.")
    ]
    changes = result.conclusion_changes()
    if changes:
        rows = [["changed", target, f"{count} of {len(result.scored)}"] for target, count in sorted(changes.items())]
        tables.append(
            ChangeTable("Inspections changing conclusion, grade or decision", ["", "Target", "Inspections"], rows)
        )
    if result.failures:
        rows = [["not scored", name, failure.why()] for name, failure in sorted(result.failures.items())]
        tables.append(ChangeTable("Not scored", ["", "Inspection", "Why"], rows))
    summary = f"{len(result.scored)} inspections re-scored; {len(result.moves)} figures move."
    return changes_page("Impact of a ruleset change", f"Impact of {old_name} -> {new_name}", summary, tables)
