"""What the scoring properties compare: every figure an outcome publishes, keyed by id, and
independent re-computations (oracles) of the rules the engine implements.

The oracles read the generated ruleset *document* and the raw table cells, never the engine's
compiled structures, so a bug in compiling or counting cannot hide in both sides.
"""

from __future__ import annotations

from statistics import fmean
from typing import Any

from omi_rules.engine.pipeline import Outcome


def figures(outcome: Outcome) -> dict[tuple[str, str], Any]:
    """Every published figure, keyed by (kind, id), in a form that ignores list order."""
    out: dict[tuple[str, str], Any] = {}
    for cid, criterion in outcome.scores.criteria.items():
        out[("criterion", cid)] = (criterion.score, criterion.display, criterion.band)
        for question in criterion.questions:
            out[("question", question.id)] = (question.counts, question.proportion)
    for sid, section in outcome.scores.sections.items():
        out[("section", sid)] = (section.score, section.display)
    for tid, thread in outcome.scores.threads.items():
        out[("thread", tid)] = (thread.score, thread.display, thread.band, sorted(thread.questions))
    for cid, graded in outcome.grades.items():
        out[("grade", cid)] = (graded.grade, graded.counts)
    for hid, headline in outcome.headlines.items():
        out[("headline", hid)] = (headline.score, headline.cases, headline.well_enough)
    for did, decision in outcome.decisions.items():
        out[("decision", did)] = decision.outcome
    return out


def proportions(outcome: Outcome) -> dict[str, float | None]:
    return {q.id: q.proportion for c in outcome.scores.criteria.values() for q in c.questions}


def case_questions(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        q["id"]: q
        for s in document["sections"]
        if s["kind"] == "case_sample"
        for c in s["criteria"]
        for q in c["questions"]
    }


def scale_of(document: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in document["scales"] if s["id"] == question["scale"])


def share_sufficient(document: dict[str, Any], qid: str, cells: list[Any]) -> float | None:
    """Oracle for a question's score: the percent of its judged answers (sufficient or
    insufficient; not-applicable and empty cells are not judged) that are sufficient."""
    scale = scale_of(document, case_questions(document)[qid])
    sufficient = sum(1 for cell in cells if cell in scale["sufficient"])
    insufficient = sum(1 for cell in cells if cell in scale["insufficient"])
    judged = sufficient + insufficient
    return None if judged == 0 else 100.0 * sufficient / judged


def combine_criterion(criterion: dict[str, Any], props: dict[str, float | None]) -> tuple[float | None, list[float]]:
    """Oracle for a criterion's score from its questions' proportions, and the parts it combines.

    Appendix 4: weighted mean of the individual questions' mean and the summary question; the
    other aggregations treat the summary as one more part.
    """
    individual = [
        p
        for q in criterion["questions"]
        if not q.get("summary") and q.get("scored", True) and (p := props[q["id"]]) is not None
    ]
    summary = next(props[q["id"]] for q in criterion["questions"] if q.get("summary"))
    parts = individual + ([summary] if summary is not None else [])
    aggregation = criterion.get("aggregation", "weighted_summary")
    if not parts:
        return None, parts
    if aggregation == "mean":
        return fmean(parts), parts
    if aggregation == "minimum":
        return min(parts), parts
    weights = criterion["weights"]
    if individual and summary is not None:
        return weights["individual"] * fmean(individual) + weights["summary"] * summary, parts
    return (fmean(individual) if individual else summary), parts


def thread_questions(document: dict[str, Any], thread: dict[str, Any]) -> list[str]:
    """Oracle for a thread's selection: scored, non-summary questions carrying one of its tags."""
    tags = set(thread["select"]["tags"])
    sections = set(thread["select"].get("sections", []))
    return [
        q["id"]
        for s in document["sections"]
        if s["kind"] == "case_sample" and (not sections or s["id"] in sections)
        for c in s["criteria"]
        for q in c["questions"]
        if tags & set(q.get("tags", [])) and q.get("scored", True) and not q.get("summary")
    ]


def band_rank(document: dict[str, Any], band_set_id: str | None, band_id: str | None) -> float:
    """How high a band is (its ``min``); -1 for no band."""
    if band_set_id is None or band_id is None:
        return -1.0
    band_set = next(b for b in document["band_sets"] if b["id"] == band_set_id)
    return float(next(b["min"] for b in band_set["bands"] if b["id"] == band_id))


def criterion_band_set(document: dict[str, Any], criterion_id: str) -> str | None:
    for s in document["sections"]:
        for c in s["criteria"]:
            if c["id"] == criterion_id:
                return c.get("bands") or s.get("bands")
    return None


def dependents(document: dict[str, Any]) -> set[str]:
    """Questions whose answer some condition reads with ``answer()``: changing their answer may
    change which other questions are relevant, so monotonicity is only claimed for the others."""
    texts = [q.get("relevant_if") or "" for q in case_questions(document).values()]
    texts += [h.get("relevant_if") or "" for h in document.get("headlines", [])]
    texts += [h.get("well_enough_if") or "" for h in document.get("headlines", [])]
    return {qid for qid in case_questions(document) if any(f"answer('{qid}')" in t for t in texts)}
