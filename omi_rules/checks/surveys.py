"""Surveys: ids unique (R001), answers of a scale listed once (R018), and every reference
known (R002): a question's `share_of` names answers of its own scale, and every `informs`
names a criterion or a section of the ruleset.

Why these matter: a misspelt `share_of` would make a question's indicator silently count
nothing (0%), and a misspelt `informs` would tie survey evidence to no criterion; both are
reported where they are written, with a "did you mean".
"""

from __future__ import annotations

from omi_rules.checks.context import CheckContext
from omi_rules.checks.references import check_unique
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import CaseSampleSection, JudgementSection
from omi_rules.yamlio.reader import PathKey


def run(ctx: CheckContext) -> None:
    m = ctx.model
    check_unique(ctx, "survey", ((("surveys", i), s.id) for i, s in enumerate(m.surveys)))
    targets = {s.id for s in m.sections}
    targets |= {c.id for s in m.sections if isinstance(s, CaseSampleSection | JudgementSection) for c in s.criteria}
    for i, survey in enumerate(m.surveys):
        path: PathKey = ("surveys", i)
        check_unique(ctx, "survey question", (((*path, "questions", j), q.id) for j, q in enumerate(survey.questions)))
        _check_informs(ctx, survey.informs, (*path, "informs"), targets)
        for j, question in enumerate(survey.questions):
            qpath: PathKey = (*path, "questions", j)
            answers = question.answer_ids()
            seen: set[str] = set()
            for k, answer in enumerate(answers):
                if answer in seen:
                    at = (
                        (*qpath, "answers", k) if isinstance(question.answers[k], str) else (*qpath, "answers", k, "id")
                    )
                    ctx.report("R018", f"answer '{answer}' is listed twice", at)
                seen.add(answer)
            for k, answer in enumerate(question.share_of):
                if answer not in seen:
                    hint = did_you_mean(answer, seen) or f"the answers of {question.id}: {', '.join(answers)}"
                    ctx.report(
                        "R002",
                        f"unknown answer '{answer}' of survey question {question.id}",
                        (*qpath, "share_of", k),
                        hint,
                    )
            _check_informs(ctx, question.informs, (*qpath, "informs"), targets)


def _check_informs(ctx: CheckContext, informs: list[str], path: PathKey, targets: set[str]) -> None:
    for k, target in enumerate(informs):
        if target in targets or target in ctx.pruned_ids:
            continue
        hint = did_you_mean(target, targets) or "give a criterion id (e.g. 2.3) or a section id"
        ctx.report("R002", f"unknown criterion or section '{target}'", (*path, k), hint)
