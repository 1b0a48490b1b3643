"""Read and check section 4 judgements (YAML): criterion -> specific criterion -> judgement.

```yaml
judgements:
  "4.1":
    "4.1.1": met
    "4.1.2": {judgement: partly_met, evidence: "The risk log was in draft."}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import JudgementSection, Ruleset
from omi_rules.model.schema_check import validate
from omi_rules.yamlio.reader import PathKey, SourceMap, load_yaml


@dataclass(frozen=True)
class Judgement:
    value: str
    evidence: str | None
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
    given = doc.data["judgements"]
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
        for specific in criterion.specific_criteria:
            if specific.id not in entries:
                out.append(
                    make(
                        "J004",
                        f"specific criterion {specific.id} of {cid} is not judged",
                        doc.source_map.key(where),
                        hint=f"add '{specific.id}: <judgement>' ({specific.text[:60]})",
                    )
                )
        result.by_criterion[cid] = checked
    for cid in criteria:
        if cid not in given:
            out.append(
                make(
                    "J004",
                    f"criterion {cid} has no judgements",
                    doc.source_map.value(("judgements",)),
                    hint=f"add '{cid}:' with a judgement for each of its specific criteria",
                )
            )
    if any(d.severity is Severity.ERROR for d in out):
        return None, out
    return result, out
