"""The scoring invariants, each checked on generated rulesets and samples (see strategies.py).

Every test's docstring names the invariant it guards. tests/mutation/ injects known scoring
bugs and checks that these properties catch each one.
"""

from __future__ import annotations

import copy
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from statistics import fmean
from typing import Any

import numpy as np
from hypothesis import given, note
from hypothesis import strategies as st

from omi_rules.conditions.rowwise import RowData, evaluate_row
from omi_rules.diagnostics import Report
from omi_rules.engine.compiled import compile_ruleset
from omi_rules.engine.grading import band_for, display
from omi_rules.engine.selection import where_mask
from omi_rules.lifecycle.synthetic import synthetic_table
from omi_rules.model import BandSet, Rounding
from omi_rules.plugins.manager import builtin_registry

from .figures import (
    band_rank,
    case_questions,
    combine_criterion,
    criterion_band_set,
    dependents,
    figures,
    proportions,
    scale_of,
    share_sufficient,
    thread_questions,
)
from .strategies import Inspection, band_sets, field_atoms, inspections, model_of

CLOSE = {"rel_tol": 1e-12, "abs_tol": 1e-9}


def all_scores(outcome: Any) -> list[float | None]:
    scores = outcome.scores
    values: list[float | None] = [c.score for c in scores.criteria.values()]
    values += [q.proportion for c in scores.criteria.values() for q in c.questions]
    values += [s.score for s in scores.sections.values()] + [t.score for t in scores.threads.values()]
    values += [h.score for h in outcome.headlines.values()]
    return values


@given(inspections())
def test_every_score_is_a_percentage_or_no_relevant_cases(inspection: Inspection) -> None:
    """Invariant: every question, criterion, section, thread and headline score lies in [0, 100],
    or is None ("no relevant case was judged"), and a None score has no band."""
    outcome = inspection.run()
    for value in all_scores(outcome):
        assert value is None or 0.0 <= value <= 100.0
    for criterion in outcome.scores.criteria.values():
        if criterion.score is None:
            assert criterion.band is None and criterion.display is None


@given(inspections(), st.randoms(use_true_random=False))
def test_reordering_cases_changes_nothing(inspection: Inspection, rng: Any) -> None:
    """Invariant: the order of the cases in the sample changes no figure."""
    rows = list(inspection.rows)
    rng.shuffle(rows)
    assert figures(inspection.run(rows)) == figures(inspection.run())


@given(inspections(), st.randoms(use_true_random=False))
def test_reordering_sections_criteria_and_questions_changes_nothing(inspection: Inspection, rng: Any) -> None:
    """Invariant: the order in which the ruleset lists sections, criteria and questions changes
    no figure (relevance follows ``answer()`` dependencies, not file order)."""
    document = copy.deepcopy(inspection.document)
    rng.shuffle(document["sections"])
    for section in document["sections"]:
        rng.shuffle(section["criteria"])
        for criterion in section["criteria"]:
            rng.shuffle(criterion.get("questions", []))
    shuffled = Inspection(
        document, compile_ruleset(model_of(document)), inspection.header, inspection.rows, inspection.judgements
    )
    assert figures(shuffled.run()) == figures(inspection.run())


def one_answer_better(inspection: Inspection, data: st.DataObject) -> list[list[Any]] | None:
    """The sample with one relevant insufficient answer made sufficient (None if it has none),
    among questions no condition reads with ``answer()``."""
    document = inspection.document
    questions = case_questions(document)
    routing = dependents(document)
    candidates = [
        (r, qid)
        for qid, q in questions.items()
        if qid not in routing
        for r, row in enumerate(inspection.rows)
        if row[inspection.column(qid)] in scale_of(document, q)["insufficient"]
    ]
    if not candidates:
        return None
    r, qid = data.draw(st.sampled_from(candidates))
    better = [list(row) for row in inspection.rows]
    better[r][inspection.column(qid)] = data.draw(st.sampled_from(scale_of(document, questions[qid])["sufficient"]))
    note(f"case {r}, question {qid}")
    return better


@given(inspections(), st.data())
def test_a_better_answer_never_lowers_a_score_or_grade(inspection: Inspection, data: st.DataObject) -> None:
    """Invariant: turning one relevant insufficient answer into a sufficient one never lowers any
    question, criterion, section or thread score, nor any criterion or thread band.

    Claimed for questions no condition reads with ``answer()``: changing a routing answer may
    legitimately change which questions are relevant."""
    document = inspection.document
    better = one_answer_better(inspection, data)
    if better is None:
        return
    before, after = inspection.run(), inspection.run(better)
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old is None) == (new is None)
        assert old is None or new is None or new >= old
    for cid, criterion in before.scores.criteria.items():
        bands = criterion_band_set(document, cid)
        new_band = after.scores.criteria[cid].band
        assert band_rank(document, bands, new_band.id if new_band else None) >= band_rank(
            document, bands, criterion.band.id if criterion.band else None
        )
    for thread in document["threads"]:
        old_band, new_band = before.scores.threads[thread["id"]].band, after.scores.threads[thread["id"]].band
        assert band_rank(document, thread.get("bands"), new_band.id if new_band else None) >= band_rank(
            document, thread.get("bands"), old_band.id if old_band else None
        )


@given(inspections(), st.data())
def test_answers_where_a_question_is_not_relevant_change_nothing(inspection: Inspection, data: st.DataObject) -> None:
    """Invariant: an answer given on a case where the question is not relevant changes no
    figure, and is reported (D006) rather than silently dropped."""
    questions = case_questions(inspection.document)
    empty = [
        (r, qid) for qid in questions for r, row in enumerate(inspection.rows) if row[inspection.column(qid)] is None
    ]
    if not empty:
        return
    chosen = data.draw(st.lists(st.sampled_from(empty), min_size=1, max_size=5, unique=True))
    rows = [list(row) for row in inspection.rows]
    for r, qid in chosen:
        scale = scale_of(inspection.document, questions[qid])
        rows[r][inspection.column(qid)] = data.draw(
            st.sampled_from(scale["sufficient"] + scale["insufficient"] + scale["not_applicable"])
        )
    assert figures(inspection.run(rows)) == figures(inspection.run())
    _, evaluation = inspection.prepared(rows)
    assert sum(d.code == "D006" for d in evaluation.diagnostics) == len(chosen)


@given(inspections(), st.randoms(use_true_random=False))
def test_adding_cases_a_question_is_not_relevant_to_changes_none_of_its_figures(
    inspection: Inspection, rng: Any
) -> None:
    """Invariant: adding cases on which a question is not relevant leaves that question's counts
    and score unchanged, and every criterion none of whose questions is relevant to them."""
    extra = synthetic_table(inspection.compiled, rng.randint(1, 5), rng=rng).rows
    extra = [[f"extra{i}", *row[1:]] for i, row in enumerate(extra)]
    before, after = inspection.run(), inspection.run(inspection.rows + extra)
    untouched = {
        qid for qid in case_questions(inspection.document) if all(row[inspection.column(qid)] is None for row in extra)
    }
    old, new = figures(before), figures(after)
    for qid in untouched:
        assert new[("question", qid)] == old[("question", qid)], qid
    for section in inspection.document["sections"]:
        for criterion in section["criteria"]:
            if section["kind"] == "case_sample" and all(q["id"] in untouched for q in criterion["questions"]):
                assert new[("criterion", criterion["id"])] == old[("criterion", criterion["id"])]


@given(inspections())
def test_duplicating_every_case_leaves_every_proportion_unchanged(inspection: Inspection) -> None:
    """Invariant: a sample with every case twice gives exactly the same scores, bands, grades
    and decisions as the sample itself (only the counts double)."""
    doubled = inspection.rows + [[f"{row[0]}b", *row[1:]] for row in inspection.rows]
    before, after = inspection.run(), inspection.run(doubled)
    assert all_scores(after) == all_scores(before)
    for cid, criterion in before.scores.criteria.items():
        assert after.scores.criteria[cid].band == criterion.band
        for old, new in zip(criterion.questions, after.scores.criteria[cid].questions, strict=True):
            assert new.counts.judged == 2 * old.counts.judged
            assert new.counts.sufficient == 2 * old.counts.sufficient
    assert {t: x.band for t, x in after.scores.threads.items()} == {t: x.band for t, x in before.scores.threads.items()}
    assert after.decisions == before.decisions


@given(inspections())
def test_question_score_is_the_share_of_judged_answers_that_are_sufficient(inspection: Inspection) -> None:
    """Invariant: a question's score is 100 x sufficient / (sufficient + insufficient) over its
    relevant cases; not-applicable answers are not judged and count on neither side."""
    outcome = inspection.run()
    for qid, proportion in proportions(outcome).items():
        cells = [row[inspection.column(qid)] for row in inspection.rows]
        expected = share_sufficient(inspection.document, qid, cells)
        assert (proportion is None) == (expected is None), qid
        assert proportion is None or expected is None or math.isclose(proportion, expected, **CLOSE), qid


@given(inspections())
def test_criterion_score_is_its_weighted_combination_and_between_its_parts(inspection: Inspection) -> None:
    """Invariant: a criterion's score equals its aggregation of its questions' scores
    (Appendix 4: w_individual x mean(individual questions) + w_summary x summary question) and
    lies between the lowest and the highest of the parts it combines."""
    outcome = inspection.run()
    props = proportions(outcome)
    for section in inspection.document["sections"]:
        if section["kind"] != "case_sample":
            continue
        for criterion in section["criteria"]:
            expected, parts = combine_criterion(criterion, props)
            score = outcome.scores.criteria[criterion["id"]].score
            assert (score is None) == (expected is None), criterion["id"]
            if score is not None and expected is not None:
                assert math.isclose(score, expected, **CLOSE), (criterion["id"], score, expected)
                assert min(parts) - 1e-9 <= score <= max(parts) + 1e-9


@given(inspections())
def test_section_score_is_the_mean_of_its_criteria(inspection: Inspection) -> None:
    """Invariant: a section's score is the mean of its criteria's scores (criteria with no
    judged case left out), and a section with no scored criterion has no score."""
    outcome = inspection.run()
    for section in inspection.document["sections"]:
        if section["kind"] != "case_sample":
            continue
        scores = [s for c in section["criteria"] if (s := outcome.scores.criteria[c["id"]].score) is not None]
        score = outcome.scores.sections[section["id"]].score
        assert (score is None) == (not scores)
        assert score is None or math.isclose(score, fmean(scores), **CLOSE)


@given(inspections())
def test_thread_score_is_the_mean_of_its_questions(inspection: Inspection) -> None:
    """Invariant: a thread's score is the mean (or, with ``combine: minimum``, the lowest) of the
    scores of the scored, non-summary questions carrying its tags, those with a score."""
    outcome = inspection.run()
    props = proportions(outcome)
    for thread in inspection.document["threads"]:
        selected = thread_questions(inspection.document, thread)
        values = [p for qid in selected if (p := props[qid]) is not None]
        result = outcome.scores.threads[thread["id"]]
        assert sorted(result.questions) == sorted(qid for qid in selected if props[qid] is not None)
        if not values:
            assert result.score is None
            continue
        expected = min(values) if thread.get("combine") == "minimum" else fmean(values)
        assert result.score is not None and math.isclose(result.score, expected, **CLOSE)


def as_printed(score: Fraction, decimals: int, method: str) -> Decimal:
    """Oracle for display rounding: the decimal the report prints (70.5 -> 71 half up). The
    scores drawn are terminating decimals, held exactly at 60 digits."""
    mode = ROUND_HALF_UP if method == "half_up" else ROUND_HALF_EVEN
    with localcontext() as ctx:
        ctx.prec = 60
        value = Decimal(score.numerator) / Decimal(score.denominator)
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


@given(
    band_sets(1).map(lambda sets: sets[0]),
    st.lists(
        st.one_of(st.floats(0, 100, allow_nan=False), st.integers(0, 20000).map(lambda k: k / 200)),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 2),
    st.sampled_from(["half_up", "half_even"]),
)
def test_grade_bands_are_a_monotone_step_function_of_the_score(
    band_doc: dict[str, Any], scores: list[float], decimals: int, method: str
) -> None:
    """Invariant: every score from 0 to 100 gets exactly one band; a higher score never gets a
    lower band; and a band holds the scores from its ``min`` (inclusive) up to its ``max``
    (exclusive; the top band includes 100), judged on the score as displayed (rounded as the
    ruleset says) when the band set's basis is ``rounded``."""
    band_set = BandSet.model_validate(band_doc)
    rounding = Rounding(decimals=decimals, method=method)
    registry = builtin_registry()
    limits = sorted({Fraction(repr(b.min)) for b in band_set.bands} | {Fraction(repr(b.max)) for b in band_set.bands})
    near = [limit - Fraction(1, 2 * 10**decimals) for limit in limits if limit > 0]  # ties just below a limit
    ranks = []
    for score in sorted([Fraction(repr(float(s))) for s in scores] + limits + near):
        band = band_for(score, band_set, rounding, registry)
        assert band is not None, score
        shown = as_printed(score, decimals, method)
        assert display(score, rounding) == f"{shown}%"
        value = Fraction(shown) if band_set.basis == "rounded" else score
        expected = [
            b.id
            for b in band_set.bands
            if Fraction(repr(b.min)) <= value < Fraction(repr(b.max)) or value == Fraction(repr(b.max)) == 100
        ]
        assert [band.id] == expected, (score, value)
        ranks.append(next(b.min for b in band_set.bands if b.id == band.id))
    assert ranks == sorted(ranks)


@st.composite
def subgroups(draw: st.DrawFn) -> tuple[Inspection, str]:
    inspection = draw(inspections())
    field = draw(st.sampled_from(inspection.document["fields"]))
    spec = next(s for s in _specs(inspection.document) if s.id == field["id"])
    return inspection, draw(field_atoms(spec))


def _specs(document: dict[str, Any]) -> list[Any]:
    from .strategies import FieldSpec

    out = []
    for f in document["fields"]:
        if f["type"] == "enum":
            out.append(FieldSpec(f["id"], "ordered" if f.get("ordered") else "enum", tuple(f["values"])))
        elif f["type"] == "int":
            out.append(FieldSpec(f["id"], "int", low=f["min"], high=f["max"]))
        else:
            out.append(FieldSpec(f["id"], "bool"))
    return out


@given(subgroups())
def test_a_subgroups_scores_equal_the_scores_of_the_filtered_sample(drawn: tuple[Inspection, str]) -> None:
    """Invariant: scoring the cases ``--where`` selects (a mask over the whole sample) gives
    exactly the figures of a sample holding only those cases."""
    inspection, where = drawn
    sample, evaluation = inspection.prepared()
    mask = where_mask(inspection.compiled, sample, evaluation, where, Report())
    assert mask is not None
    note(f"--where {where}: {int(mask.sum())} of {len(mask)} cases")
    kept = [row for row, keep in zip(inspection.rows, mask, strict=True) if keep]
    if not kept:
        return
    assert figures(inspection.run(mask=mask)) == figures(inspection.run(kept))


@given(inspections())
def test_relevance_agrees_with_row_by_row_evaluation(inspection: Inspection) -> None:
    """Invariant: the vectorised relevance of every question on every case equals the row-wise
    evaluator's verdict on that case (the evaluator ``explain`` uses)."""
    sample, evaluation = inspection.prepared()
    compiled = inspection.compiled
    for case in range(sample.size):
        values = {f.id: sample.values[f.id][case] for f in compiled.model.fields}
        effective: dict[tuple[str, str], Any] = {}
        for cq in compiled.questions:
            relevant = True if cq.condition is None else evaluate_row(cq.condition, RowData(values, effective))
            assert bool(evaluation.relevant[cq.id][case]) == relevant, (cq.id, case, cq.question.relevant_if)
            effective[("answer", cq.id)] = sample.answers[cq.id][case] if relevant else None


@given(inspections())
def test_scoring_is_deterministic(inspection: Inspection) -> None:
    """Invariant: scoring the same inputs twice, with the ruleset compiled afresh, gives the same
    figures, to the last bit."""
    again = Inspection(
        copy.deepcopy(inspection.document),
        compile_ruleset(model_of(inspection.document)),
        inspection.header,
        inspection.rows,
        inspection.judgements,
    )
    first, second = inspection.run(), again.run()
    assert figures(first) == figures(second)
    assert repr(first) == repr(second)
    assert np.array_equal(
        np.array([x if x is not None else -1.0 for x in all_scores(first)]),
        np.array([x if x is not None else -1.0 for x in all_scores(second)]),
    )
