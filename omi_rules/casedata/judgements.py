"""Read and check inspectors' judgements (YAML): criterion -> specific criterion -> judgement,
and ratings given directly (criteria inspectors rate, and moderated ratings).

```yaml
judgements:
  "4.1":
    "4.1.1": met
    "4.1.2": {judgement: partly_met, evidence: "The risk log was in draft."}
ratings:
  "1.1": good
  "2.2": {rating: inadequate, reason: "The ratings panel's decision."}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import CaseSampleSection, JudgementCriterion, JudgementSection, Ruleset, SpecificCriterion
from omi_rules.model.schema_check import validate
from omi_rules.model.value_types import rated_criteria
from omi_rules.yamlio.reader import PathKey, SourceMap, load_yaml


@dataclass(frozen=True)
class Judgement:
    value: str
    evidence: str | None
    position: Position


@dataclass(frozen=True)
class GivenRating:
    """A rating given in the judgements file: for a criterion inspectors rate, or over a
    computed rating (moderation)."""

    value: str
    reason: str | None
    position: Position


@dataclass(frozen=True)
class _Loaded:
    data: Any
    source_map: SourceMap


@dataclass
class Judgements:
    """Checked judgements: criterion id -> specific criterion id -> judgement."""

    file: str
    by_criterion: dict[str, dict[str, Judgement]] = field(default_factory=dict)
    ratings: dict[str, GivenRating] = field(default_factory=dict)
    """Ratings given directly, by criterion id."""


def read_judgements(
    path: Path, model: Ruleset, display: str | None = None
) -> tuple[Judgements | None, list[Diagnostic]]:
    """Read and check a judgements file against ``model``; None when there are errors."""
    name = display or str(path)
    try:
        doc = load_yaml(path, name)
    except InputUnreadable as exc:
        d = exc.diagnostic
        raise InputUnreadable(make("D009", d.message, d.position, d.hint) if d.code != "Y001" else d) from None
    out: list[Diagnostic] = list(doc.diagnostics)
    if doc.data is None:
        if not out:
            out.append(make("J005", "the judgements file is empty", Position(name, 1, 1)))
        return None, out
    return check_judgements(doc.data, doc.source_map, model, name, out)


def check_judgements(
    data: Any, source_map: SourceMap, model: Ruleset, name: str, out: list[Diagnostic] | None = None
) -> tuple[Judgements | None, list[Diagnostic]]:
    """Check judgements already loaded (from a file, or written inline in a ruleset test)."""
    out = out if out is not None else []
    doc = _Loaded(data, source_map)
    problems = validate(doc.data, "judgements.schema.json", doc.source_map)
    out.extend(make("J005", d.message, d.position, d.hint) for d in problems)
    if problems:
        return None, out
    rules = {r.id: r for r in model.judgement_rules}
    result = Judgements(name)
    given = doc.data.get("judgements", {})
    given_ratings = doc.data.get("ratings", {})
    result.ratings = _check_ratings(given_ratings, doc.source_map, model, out)
    criteria = {
        c.id: (section, c)
        for section in model.sections
        if isinstance(section, JudgementSection)
        for c in section.criteria
    }
    for cid, entries in given.items():
        where: PathKey = ("judgements", cid)
        if cid not in criteria:
            hint = did_you_mean(cid, set(criteria)) or f"judged criteria: {', '.join(criteria)}"
            out.append(make("J001", f"'{cid}' is not a judged (section 4) criterion", doc.source_map.key(where), hint))
            continue
        section, criterion = criteria[cid]
        rule = rules.get(criterion.rule or section.rule or "")
        allowed = list(rule.judgements) if rule else []
        specifics = {s.id for s in criterion.specific_criteria}
        checked: dict[str, Judgement] = {}
        for sid, entry in entries.items():
            spath: PathKey = (*where, sid)
            if sid not in specifics:
                hint = did_you_mean(sid, specifics) or f"specific criteria of {cid}: {', '.join(sorted(specifics))}"
                out.append(
                    make("J002", f"'{sid}' is not a specific criterion of {cid}", doc.source_map.key(spath), hint)
                )
                continue
            value = entry if isinstance(entry, str) else entry["judgement"]
            evidence = None if isinstance(entry, str) else entry.get("evidence")
            vpath: PathKey = spath if isinstance(entry, str) else (*spath, "judgement")
            if value not in allowed:
                hint = did_you_mean(value, set(allowed)) or f"judgements: {', '.join(allowed)}"
                out.append(
                    make("J003", f"'{value}' is not a judgement of this rule", doc.source_map.value(vpath), hint)
                )
                continue
            checked[sid] = Judgement(value, evidence, doc.source_map.value(vpath))
        left_out = [s for s in criterion.specific_criteria if s.id not in entries]
        if left_out and len(left_out) < len(criterion.specific_criteria):
            out.append(_partly_judged(criterion, left_out, doc.source_map.key(where)))
        result.by_criterion[cid] = checked
    if any(d.severity is Severity.ERROR for d in out):
        return None, out
    return result, out


def _partly_judged(criterion: JudgementCriterion, left_out: list[SpecificCriterion], where: Position) -> Diagnostic:
    """A criterion judged on some of its specific criteria is graded from those (the rule's
    ``total`` counts the judged ones), but the ones left out are named, so no specific
    criterion drops out of a grade unnoticed. A criterion judged on none is simply not graded:
    the result and every report say so, and no warning is needed."""
    judged = len(criterion.specific_criteria) - len(left_out)
    ids = ", ".join(s.id for s in left_out)
    verb = "is" if len(left_out) == 1 else "are"
    add = (
        f"add '{left_out[0].id}: <judgement>' ({_shortened(left_out[0].text)})"
        if len(left_out) == 1
        else f"add a judgement for each of {ids}"
    )
    return make(
        "J004",
        f"{criterion.id} is graded from {judged} of its {len(criterion.specific_criteria)} specific criteria: "
        f"{ids} {verb} not judged",
        where,
        hint=f"{add} to grade {criterion.id} from all of them",
    )


def _shortened(text: str, room: int = 60) -> str:
    """A specific criterion's text cut to fit a hint, at a word and marked as cut."""
    if len(text) <= room:
        return text
    return text[:room].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _check_ratings(
    given: dict[str, Any], source_map: SourceMap, model: Ruleset, out: list[Diagnostic]
) -> dict[str, GivenRating]:
    """Each given rating must be for a criterion with a rating scale, and a level of it."""
    rated = rated_criteria(model)
    criteria = {c.id for s in model.sections if isinstance(s, CaseSampleSection | JudgementSection) for c in s.criteria}
    checked: dict[str, GivenRating] = {}
    for cid, entry in given.items():
        where: PathKey = ("ratings", cid)
        if cid not in criteria:
            hint = did_you_mean(cid, criteria) or f"rated criteria: {', '.join(rated) or 'none'}"
            out.append(make("J001", f"'{cid}' is not a criterion of this ruleset", source_map.key(where), hint))
            continue
        if cid not in rated:
            out.append(
                make(
                    "J006",
                    f"criterion {cid} has no rating scale, so it cannot be given a rating",
                    source_map.key(where),
                    f"rated criteria: {', '.join(rated)}" if rated else "this ruleset rates no criterion",
                )
            )
            continue
        value = entry if isinstance(entry, str) else entry["rating"]
        vpath: PathKey = where if isinstance(entry, str) else (*where, "rating")
        scale = rated[cid][1]
        levels = [level.id for level in scale.levels]
        if value not in levels:
            hint = did_you_mean(value, set(levels)) or f"ratings of {scale.id}: {', '.join(levels)}"
            out.append(make("J003", f"'{value}' is not a rating of scale '{scale.id}'", source_map.value(vpath), hint))
            continue
        reason = None if isinstance(entry, str) else entry.get("reason")
        checked[cid] = GivenRating(value, reason, source_map.value(vpath))
    return checked
