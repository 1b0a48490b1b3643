"""``explain``: how a number was made, down to the cases and the conditions behind it.

Everything shown is recomputed from the same evaluation the score came from (never from the
rendered result), so the arithmetic printed here reproduces the score exactly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from omi_rules.conditions.rowwise import RowData, explain_row
from omi_rules.engine.compiled import CompiledQuestion
from omi_rules.engine.grading import decision_calls, on_decision_basis
from omi_rules.engine.pipeline import Scored
from omi_rules.engine.surveys import survey_calls
from omi_rules.model.common import plural
from omi_rules.model.ratings import band_totals
from omi_rules.model.results import Result
from omi_rules.numbers import exact, round_exact, text


class ExplainError(Exception):
    """The target or case does not exist (a usage error, exit code 2)."""


def _pct(value: Fraction | float | None) -> str:
    return "n/a" if value is None else f"{round_exact(exact(value), 2, 'half_even')}%"


def _exactly(score: Fraction | None) -> str:
    """A score as computed: exact where its decimal ends (70.5), else to 4 places and its
    exact fraction (70.4861... (exactly 25375/360)), so a reader can tell a tie from a near-tie."""
    if score is None:
        return "no score"
    shown = text(score)
    return shown if Fraction(shown) == score else f"{shown}... (exactly {score})"


def explain(scored: Scored, target: str, show_cases: bool = False, case_id: str | None = None) -> str:
    compiled, result = scored.compiled, scored.result
    assert compiled is not None and result is not None
    if scored.evaluation is None:
        return _replayed(scored, target, show_cases or case_id is not None)
    case_index = None
    if case_id is not None:
        assert scored.sample is not None
        if case_id not in scored.sample.case_ids:
            raise ExplainError(f"no case '{case_id}' in the sample")
        case_index = scored.sample.case_ids.index(case_id)
    lines: list[str] = []
    if target in result.criteria:
        _criterion(lines, scored, target)
        qids = [q.id for q in result.criteria[target].questions]
    elif target in compiled.by_id:
        qids = [target]
    elif target in result.threads:
        _thread(lines, scored, target)
        qids = result.threads[target].questions
    elif target in result.decisions:
        _decision(lines, scored, target)
        qids = []
    elif target in result.grades:
        _grade(lines, scored, target)
        qids = []
    elif target in result.overall_ratings:
        lines.extend(overall_lines(scored, target))
        qids = []
    elif target in result.ratings:  # rated directly by inspectors: no arithmetic behind it
        qids = []
    elif target in result.sections:
        section = result.sections[target]
        scores = [result.criteria[c].score for c in section.criteria]
        lines.append(f"Section {section.id} {section.title}: {section.display or 'no score'}")
        lines.append(
            "  = mean of its criterion scores: "
            + ", ".join(f"{c} {_pct(s)}" for c, s in zip(section.criteria, scores, strict=True))
        )
        qids = []
    else:
        raise ExplainError(
            f"'{target}' is not a criterion, question, section, thread, decision, graded criterion or overall rating"
        )
    if target in result.ratings:
        if lines:
            lines.append("")
        lines.append(_rating_line(result, target))
    for qid in qids:
        lines.append("")
        _question(lines, scored, compiled.by_id[qid], show_cases, case_index)
    return "\n".join(lines) + "\n"


def _replayed(scored: Scored, target: str, wants_cases: bool) -> str:
    """``explain`` of a result scored from given ratings alone (no case file): decisions,
    overall ratings and ratings can be explained; nothing was counted from cases."""
    result = scored.result
    assert result is not None
    if wants_cases:
        raise ExplainError("--cases and --case need a case file")
    lines: list[str] = []
    if target in result.decisions:
        _decision(lines, scored, target)
    elif target in result.overall_ratings:
        lines.extend(overall_lines(scored, target))
    elif target in result.ratings:
        lines.append(_rating_line(result, target))
    else:
        raise ExplainError(
            f"'{target}' is not a decision, overall rating or rated criterion; without a case file "
            "nothing else was scored"
        )
    return "\n".join(lines) + "\n"


def _rating_line(result: Result, cid: str) -> str:
    rated = result.ratings[cid]
    how = {"band": "the band of its score", "grade": "the grade of its judgements", "given": "given directly"}
    if rated.basis == "moderated":
        why = f"moderated from {rated.computed}" + (f": {rated.reason}" if rated.reason else "")
    else:
        why = how.get(rated.basis, "not rated")
    points = "" if rated.points is None else f", {rated.points} point" + ("" if rated.points == 1 else "s")
    return f"Rating of {cid}: {rated.label or 'not rated'}{points} ({why})"


def overall_lines(scored: Scored, oid: str) -> list[str]:
    """An overall rating's arithmetic, in the methodology's words: "12 standards: 2+2+3+... =
    25 of 36 -> Good (19-30)", then each member's points, what is not counted, the limits."""
    result, compiled = scored.result, scored.compiled
    assert result is not None and compiled is not None
    rolled = result.overall_ratings[oid]
    overall = next(o for o in compiled.model.overall_ratings if o.id == oid)
    scale = next(s for s in compiled.model.rating_scales if s.id == overall.scale)
    labels = {level.id: level.label for level in scale.levels}
    ranges = dict(zip([b.rating for b in overall.bands], band_totals(overall, scale, rolled.maximum), strict=True))
    points = [result.ratings[cid].points for cid in rolled.counted]
    terms = "+".join("?" if p is None else str(p) for p in points)
    total = "no total" if rolled.total is None else text(rolled.total)
    band = "no band" if rolled.banded is None else f"{labels[rolled.banded]} ({ranges[rolled.banded]})"
    word = compiled.model.wording.criterion.lower()
    members = f"{len(rolled.counted)} {word if len(rolled.counted) == 1 else plural(word)}"
    lines = [f"{rolled.title}: {rolled.label or 'not rated'}"]
    lines.append(f"  {members}: {terms} = {total} of {rolled.maximum} -> {band}")
    for cid in rolled.counted:
        r = result.ratings[cid]
        lines.append(f"    {cid} {r.title}: {r.label or 'not rated'}" + ("" if r.points is None else f" ({r.points})"))
    if rolled.excluded:
        lines.append(f"  not counted: {', '.join(rolled.excluded)}")
    if rolled.rescaled:
        lines.append(f"  not rated, left out and the total scaled to the full maximum: {', '.join(rolled.unrated)}")
    for limit in rolled.limits:
        lines.append(f"  limited to {labels[limit.at_most]} by {limit.id}: {limit.title}")
    return lines


def _criterion(lines: list[str], scored: Scored, cid: str) -> None:
    assert scored.result is not None and scored.compiled is not None
    c = scored.result.criteria[cid]
    lines.append(f"Criterion {c.id} {c.title}: {c.display or 'no score'}" + (f" ({c.band.label})" if c.band else ""))
    lines.append(
        f"{'question':<10} {'relevant':>8} {'answered':>8} {'judged':>6} {'suff.':>6} {'proportion':>10}  role"
    )
    individual = []
    summary = None
    for q in c.questions:
        role = "summary" if q.summary else ("routing (not scored)" if not q.scored else "individual")
        if q.proportion is None and q.scored:
            role += ", no judged case: left out"
        n = q.counts
        counts = f"{n.relevant:>8} {n.answered:>8} {n.judged:>6} {n.sufficient:>6}"
        lines.append(f"{q.id:<10} {counts} {_pct(q.proportion):>10}  {role}")
        if q.summary:
            summary = q.proportion
        elif q.scored and q.proportion is not None:
            individual.append(q.proportion)
    w = c.weights
    compiled = scored.compiled
    section = next(s for s in compiled.case_sections if s.id == c.section)
    criterion = next(x for x in section.criteria if x.id == c.id)
    weighted = compiled.registry.aggregations[criterion.aggregation].needs_summary
    if individual and weighted:  # rules over the questions alone never use this mean
        terms = " + ".join(text(p, 2) for p in individual)
        lines.append(f"individual mean = ({terms}) / {len(individual)} = {_pct(c.individual_mean)}")
    rule = compiled.registry.aggregations[criterion.aggregation]
    judged = [q for q in c.questions if q.scored and q.proportion is not None]
    if rule.weigh is not None and judged:  # per-question weights: the weighted sum itself
        terms = " + ".join(f"{w[q.id]:g} x {text(q.proportion, 2)}" for q in judged if q.proportion is not None)
        total = sum(w[q.id] for q in judged)
        lines.append(f"score = {rule.name}: ({terms}) / {total:g} = {_exactly(c.score)}")
    elif criterion.aggregation != "weighted_summary":
        owner = compiled.registry.owners.get(f"aggregation {rule.name}", "a plugin")
        lines.append(f"score = {rule.name} ({rule.description}; from {owner}) = {_exactly(c.score)}")
    elif c.individual_mean is not None and summary is not None:
        lines.append(
            f"score = {w['individual']:g} x {text(c.individual_mean)} + {w['summary']:g} x {text(summary)}"
            f" = {_exactly(c.score)}"
        )
    elif c.score is not None:
        lines.append(f"score = {_exactly(c.score)} (only one part was judged, so it alone is the score)")
    else:
        lines.append(f"no score: {c.note}")
    if c.score is not None:
        bands = compiled.criterion_bands(section, criterion)
        rounding = compiled.model.rounding
        lines.append(f"displayed {c.display} (rounding: {rounding.decimals} decimals, {rounding.method})")
        if bands is not None and c.band is not None and bands.rule != "ranges":
            grade_rule = compiled.registry.grade_rules[bands.rule]
            lines.append(f"band '{c.band.label}', by grade rule {grade_rule.name} ({grade_rule.description})")
        elif bands is not None and c.band is not None:
            band = next(b for b in bands.bands if b.id == c.band.id)
            lines.append(
                f"band '{band.label}': {band.min:g} <= {bands.basis} score < {band.max:g}"
                + (f' -> "{band.sentence}"' if band.sentence else "")
            )


def _thread(lines: list[str], scored: Scored, tid: str) -> None:
    assert scored.result is not None and scored.compiled is not None
    t = scored.result.threads[tid]
    thread = next(x for x in scored.compiled.threads if x.id == tid)
    combination = scored.compiled.registry.thread_combinations[thread.combine]
    props = {q.id: q.proportion for c in scored.result.criteria.values() for q in c.questions}
    lines.append(f"{t.title}: {t.display or 'no score'}")
    values = [props[q] for q in t.questions if props.get(q) is not None]
    lines.append(f"{combination.description} ({combination.name}), over {len(values)} questions = {_pct(t.score)}")
    lines.append("  " + ", ".join(f"{q} {_pct(props[q])}" for q in t.questions))


def _decision(lines: list[str], scored: Scored, did: str) -> None:
    assert scored.result is not None and scored.compiled is not None
    d = scored.result.decisions[did]
    decision = next(x for x in scored.compiled.model.decisions if x.id == did)
    r = scored.result
    calls = decision_calls(r.threads, r.criteria, r.sections, r.grades, r.headlines, r.ratings, r.overall_ratings)
    calls.update(survey_calls(r.surveys))
    lines.append(f"{d.title}: {d.label}")
    values = on_decision_basis(decision, calls, scored.compiled.model.rounding)
    if decision.basis == "rounded":
        lines.append("  on the published (rounded) scores")
    else:
        lines.append("  on the exact (unrounded) scores")
    for outcome, condition in zip(decision.outcomes, scored.compiled.decisions[did], strict=True):
        if condition is None:
            lines.append(f"  otherwise -> {outcome.label}")
            break
        value, steps = explain_row(condition, RowData({}, values))
        lines.append(f"  {outcome.when} -> {value}")
        lines.extend(f"    {'  ' * s.depth}{s.text} = {_show(s.value)}" for s in steps[1:])
        if value:
            break


def _grade(lines: list[str], scored: Scored, cid: str) -> None:
    assert scored.result is not None and scored.judgements is not None
    g = scored.result.grades[cid]
    lines.append(f"{g.id} {g.title}: {g.grade.label if g.grade else 'no grade'}")
    lines.append("  " + ", ".join(f"{k}: {v}" for k, v in g.counts.items()) + f" (total {g.total})")
    if g.note:
        lines.append(f"  {g.note}")
    for sid, judgement in scored.judgements.by_criterion.get(cid, {}).items():
        note = f" — {judgement.evidence}" if judgement.evidence else ""
        lines.append(f"  {sid}: {judgement.value}{note}")


def _show(value: Any) -> str:
    if isinstance(value, list):  # a selection's members, e.g. [good, inadequate, good]
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float | Fraction):
        return text(value)
    return "empty" if value is None else str(value)


def _question(lines: list[str], scored: Scored, cq: CompiledQuestion, show_cases: bool, case: int | None) -> None:
    evaluation, sample, mask = scored.evaluation, scored.sample, scored.mask
    assert evaluation is not None and sample is not None and mask is not None
    q = cq.question
    relevant = evaluation.relevant[q.id] & mask
    codes = evaluation.answers[q.id]
    lines.append(f"Question {q.id}: {q.text}")
    lines.append(f"  relevant if: {q.relevant_if or 'every case'}")
    judged = relevant & np.isin(codes, list(cq.judged))
    sufficient = relevant & np.isin(codes, list(cq.sufficient))
    lines.append(
        f"  relevant {int(relevant.sum())}, judged {int(judged.sum())}, sufficient {int(sufficient.sum())}"
        + (f" -> {100 * sufficient.sum() / judged.sum():.2f}%" if judged.sum() else " -> no judged case")
    )
    if show_cases:
        ids = np.array(sample.case_ids, dtype=object)
        groups = {
            "sufficient": sufficient,
            "insufficient": judged & ~sufficient,
            "not applicable": relevant & (codes >= 0) & ~judged,
            "unanswered": relevant & (codes < 0),
        }
        for name, selected in groups.items():
            if selected.any():
                lines.append(f"  {name}: {', '.join(str(x) for x in ids[selected])}")
    if case is not None:
        given = sample.answers[q.id][case]
        lines.append(f"  case {sample.case_ids[case]}: answer {given or 'none'}")
        if cq.condition is None:
            lines.append("    relevant: every case")
        else:
            values = {f: sample.values[f][case] for f in cq.condition.names}
            calls = {key: _call_value(scored, key, case) for key in cq.condition.calls}
            result, steps = explain_row(cq.condition, RowData(values, calls))
            lines.append(f"    relevant: {result}")
            lines.extend(f"      {'  ' * s.depth}{s.text} = {_show(s.value)}" for s in steps)


def _call_value(scored: Scored, key: tuple[str, str], case: int) -> Any:
    """A call's value for one case: an earlier answer, or a plugin function's row value."""
    if key[0] == "answer":
        return _answer(scored, key[1], case)
    assert scored.compiled is not None and scored.sample is not None
    values = {f: column[case] for f, column in scored.sample.values.items()}
    return scored.compiled.registry.functions[key[0]].row(key[1], values)


def _answer(scored: Scored, qid: str, case: int) -> str | None:
    """The effective answer of ``qid`` for a case (None where not relevant or unanswered)."""
    assert scored.evaluation is not None and scored.compiled is not None
    code = int(scored.evaluation.answers[qid][case])
    return None if code < 0 else scored.compiled.by_id[qid].answer_type.values[code]
