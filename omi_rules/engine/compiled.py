"""A ruleset compiled for scoring: conditions parsed and typed, questions in dependency order.

Compilation assumes the ruleset passed ``check`` (``score`` runs the checks first), so any
failure here is a bug, not a user error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.types import EnumT, Env
from omi_rules.model import (
    BandSet,
    CaseCriterion,
    CaseSampleSection,
    JudgementCriterion,
    JudgementRule,
    JudgementSection,
    Question,
    RatingScale,
    Ruleset,
    Scale,
    Thread,
)
from omi_rules.model.value_types import answer_type, rated_criteria
from omi_rules.plugins.manager import Registry, builtin_registry
from omi_rules.ruleset.environments import case_env, decision_env, judgement_env, limit_env


@dataclass(frozen=True)
class CompiledQuestion:
    question: Question
    criterion: str
    section: str
    condition: Checked | None
    scale: Scale
    answer_type: EnumT
    sufficient: frozenset[int]
    """Codes (indices into ``answer_type.values``) that count as sufficient."""
    judged: frozenset[int]
    """Codes that count as judged: sufficient or insufficient (not 'not applicable')."""
    sufficient_lut: NDArray[np.bool_]
    """``sufficient_lut[code + 1]``: whether an answer code is sufficient (index 0: no answer)."""
    judged_lut: NDArray[np.bool_]

    @property
    def id(self) -> str:
        return self.question.id


@dataclass
class CompiledRuleset:
    model: Ruleset
    sha256: str
    env: Env
    registry: Registry
    questions: list[CompiledQuestion]
    """In dependency order: a question comes after every question its relevance reads."""
    by_id: dict[str, CompiledQuestion]
    case_sections: list[CaseSampleSection]
    judgement_sections: list[JudgementSection]
    band_sets: dict[str, BandSet]
    rules: dict[str, JudgementRule]
    threads: list[Thread]
    thread_questions: dict[str, list[str]] = field(default_factory=dict)
    decisions: dict[str, list[Checked | None]] = field(default_factory=dict)
    headlines: dict[str, tuple[Checked | None, Checked]] = field(default_factory=dict)
    """Headline id -> (which cases count, when the work was done well enough)."""
    grade_rules: dict[str, list[Checked | None]] = field(default_factory=dict)
    rated: dict[str, tuple[str, RatingScale]] = field(default_factory=dict)
    """Criterion id -> (title, rating scale), for every criterion that has a rating."""
    overall_members: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    """Overall rating id -> (counted members, excluded criteria), in report order."""
    limits: dict[str, list[Checked]] = field(default_factory=dict)
    """Overall rating id -> its limiting rules' conditions."""

    def criterion_bands(self, section: CaseSampleSection, criterion: CaseCriterion) -> BandSet | None:
        name = criterion.bands or section.bands
        return self.band_sets.get(name) if name else None

    def is_rated_directly(self, cid: str) -> bool:
        """A judged criterion inspectors rate directly (no specific criteria to grade)."""
        return any(c.id == cid and not c.specific_criteria for s in self.judgement_sections for c in s.criteria)

    def judgement_rule(self, section: JudgementSection, criterion: JudgementCriterion) -> JudgementRule:
        return self.rules[criterion.rule or section.rule or ""]


def ruleset_hash(model: Ruleset) -> str:
    """sha256 of the resolved ruleset's canonical JSON: the same methodology, the same hash,
    whatever the file layout, comments or key order. A ruleset that declares no surveys hashes
    as it did before surveys existed (the key is left out when empty), so adding the key to the
    format changed no ruleset's hash."""
    dumped = model.model_dump(mode="json")
    if not dumped.get("surveys"):
        dumped.pop("surveys", None)
    canonical = json.dumps(dumped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lut(codes: frozenset[int], size: int) -> NDArray[np.bool_]:
    table = np.zeros(size + 1, dtype=bool)
    for code in codes:
        table[code + 1] = True
    return table


def _compile(text: str, env: Env) -> Checked:
    result = compile_condition(text, env)
    if not isinstance(result, Checked):
        raise ValueError(f"condition {text!r} does not compile: {result[0].message}")
    return result


def compile_ruleset(model: Ruleset, registry: Registry | None = None, sha256: str | None = None) -> CompiledRuleset:
    """Compile a checked ruleset; ``registry`` gives the plugins' rules (default: built-ins).

    ``sha256`` is ``ruleset_hash(model)`` when the caller has it already (a ruleset from the
    cache of checked rulesets: ``LoadedRuleset.sha256``); hashing dumps the whole model, which
    would otherwise build its serializer on every run."""
    registry = registry or builtin_registry()
    env = case_env(model, registry)
    scales = {s.id: s for s in model.scales}
    pending: dict[str, CompiledQuestion] = {}
    case_sections = [s for s in model.sections if isinstance(s, CaseSampleSection)]
    for section in case_sections:
        for criterion in section.criteria:
            for question in criterion.questions:
                scale = scales[question.scale]
                atype = answer_type(question, scales)
                codes = {v: i for i, v in enumerate(atype.values)}
                sufficient = frozenset(codes[v] for v in scale.sufficient)
                judged = frozenset(codes[v] for v in (*scale.sufficient, *scale.insufficient))
                pending[question.id] = CompiledQuestion(
                    question,
                    criterion.id,
                    section.id,
                    _compile(question.relevant_if, env) if question.relevant_if else None,
                    scale,
                    atype,
                    sufficient,
                    judged,
                    _lut(sufficient, len(atype.values)),
                    _lut(judged, len(atype.values)),
                )
    ordered: list[CompiledQuestion] = []
    done: set[str] = set()

    def visit(qid: str, stack: tuple[str, ...]) -> None:
        if qid in done:
            return
        if qid in stack:
            raise ValueError(f"relevance cycle through {qid}")
        cq = pending[qid]
        if cq.condition is not None:
            for func, arg in sorted(cq.condition.calls):
                if func == "answer":
                    visit(arg, (*stack, qid))
        done.add(qid)
        ordered.append(cq)

    for qid in pending:
        visit(qid, ())
    compiled = CompiledRuleset(
        model=model,
        sha256=sha256 or ruleset_hash(model),
        env=env,
        registry=registry,
        questions=ordered,
        by_id={q.id: q for q in ordered},
        case_sections=case_sections,
        judgement_sections=[s for s in model.sections if isinstance(s, JudgementSection)],
        band_sets={b.id: b for b in model.band_sets},
        rules={r.id: r for r in model.judgement_rules},
        threads=list(model.threads),
    )
    for thread in model.threads:
        sections = set(thread.select.sections)
        tags = set(thread.select.tags)
        compiled.thread_questions[thread.id] = [
            q.id
            for section in case_sections
            if not sections or section.id in sections
            for criterion in section.criteria
            for q in criterion.questions
            if tags & set(q.tags) and q.scored and (thread.select.include_summary or not q.summary)
        ]
    for headline in model.headlines:
        counted = _compile(headline.relevant_if, env) if headline.relevant_if else None
        compiled.headlines[headline.id] = (counted, _compile(headline.well_enough_if, env))
    denv = decision_env(model)
    for decision in model.decisions:
        compiled.decisions[decision.id] = [_compile(o.when, denv) if o.when else None for o in decision.outcomes]
    for rule in model.judgement_rules:
        jenv = judgement_env(rule)
        compiled.grade_rules[rule.id] = [_compile(g.when, jenv) if g.when else None for g in rule.grades]
    compiled.rated = rated_criteria(model)
    lenv = limit_env(model)
    in_order = [c.id for s in model.sections if isinstance(s, CaseSampleSection | JudgementSection) for c in s.criteria]
    for overall in model.overall_ratings:
        chosen = {c.id for s in model.sections if s.id in overall.members.sections for c in getattr(s, "criteria", [])}
        chosen |= set(overall.members.criteria)
        left_out = [cid for cid in in_order if cid in set(overall.members.exclude)]
        members = [cid for cid in in_order if cid in chosen and cid not in set(left_out)]
        compiled.overall_members[overall.id] = (members, left_out)
        compiled.limits[overall.id] = [_compile(limit.when, lenv) for limit in overall.limits]
    return compiled
