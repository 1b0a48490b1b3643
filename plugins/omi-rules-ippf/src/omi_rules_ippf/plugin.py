"""The ``ippf_metrics`` section kind: IPPF metric grades, domain grades and the area score.

The case data of an ``ippf_metrics`` section is the metrics table: one record per metric,
``case_id`` = the metric's id, and the number columns ``actual``, ``target``, ``national``,
``previous_year`` and ``predicted`` plus the bool ``significant`` (Reduce Re-offending), each
declared in the ruleset's ``fields`` when a band rule uses it. An empty cell is "not available".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from omi_rules.model import BoolField, IntField, NumberField, Ruleset
from omi_rules.plugins import Finding, SectionKind, SectionScore, hookimpl

from omi_rules_ippf.rules import GRADE_LABELS, BandRule, Rollup, band_grade, margin, rollup_grade
from omi_rules_ippf.schema import CONFIG_SCHEMA

KIND = "ippf_metrics"
COLUMNS = ("actual", "target", "national", "previous_year", "predicted")
HEADER = ("Domain", "Metric", "Actual", "Target", "National", "Previous year", "Grade", "Basis (margin)")
BASIS_NAMES = {"target": "target", "national": "national", "previous_year": "previous year", "predicted": "predicted"}

Path = tuple[str | int, ...]


# --------------------------------------------------------------------------- scoring


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    text = str(value).strip().rstrip("%")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    return None


def fmt(value: float | None, unit: str = "number") -> str:
    """A figure as the appendix prints it: 92%, 23.5, 41823; empty when not available."""
    if value is None:
        return ""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if unit == "percent" else text


def grade_text(grade: int | None) -> str:
    return f"{grade} ({GRADE_LABELS[grade]})" if grade is not None else "n/a"


def _describe(rule: BandRule, direction: str, actual: float | None, basis: float | None, unit: str) -> str:
    name = BASIS_NAMES[rule.basis]
    if basis is None:
        return f"{name}: not available"
    if actual is None:
        return f"{name} {fmt(basis, unit)}: actual not available"
    lower = " (lower better)" if direction == "lower" else ""
    if rule.measure == "significance":
        return f"{name} {fmt(basis, unit)}{lower}"
    m = margin(actual, basis, direction, rule.measure)
    shown = "+inf" if m == math.inf else "-inf" if m == -math.inf else f"{m:+.1f}"
    what = " pts" if rule.measure == "points" else "%"
    return f"{name} {shown}{what}{lower}"


def score_section(
    config: Mapping[str, Any], record_ids: Sequence[str], values: Mapping[str, Sequence[Any]]
) -> SectionScore:
    """Grade every metric, roll the grades up into domain grades and the area score."""
    index = {rid: i for i, rid in enumerate(record_ids)}

    def cell(column: str, metric_id: str) -> Any:
        i = index.get(metric_id)
        col = values.get(column)
        return None if i is None or col is None else col[i]

    rules = {r["id"]: BandRule.from_config(r) for r in config["band_rules"]}
    domains = list(config["domains"])
    domain_names = {d["id"]: d["name"] for d in domains}
    metric_grades: dict[str, list[int | None]] = {d["id"]: [] for d in domains}
    rows: list[list[str]] = []
    missing: list[str] = []
    for metric in config["metrics"]:
        mid, unit = metric["id"], metric.get("unit", "number")
        if mid not in index:
            missing.append(mid)
        figures = {c: _number(cell(c, mid)) for c in COLUMNS}
        graded = metric.get("graded", True)
        grade: int | None = None
        against = "not graded"
        if graded:
            rule = rules[metric["bands"]]
            direction = metric["direction"]
            basis = figures[rule.basis]
            grade = band_grade(rule, direction, figures["actual"], basis, _flag(cell("significant", mid)))
            against = _describe(rule, direction, figures["actual"], basis, unit)
            if rule.measure == "significance":
                significant = _flag(cell("significant", mid))
                against += ", significant" if significant else ", not significant" if significant is False else ""
            metric_grades[metric["domain"]].append(grade)
        actual = fmt(figures["actual"], unit) or metric.get("note", "not available")
        rows.append(
            [
                domain_names[metric["domain"]],
                metric["name"],
                actual,
                fmt(figures["target"], unit) or "n/a",
                fmt(figures["national"], unit) or "n/a",
                fmt(figures["previous_year"], unit) or "n/a",
                str(grade) if grade is not None else "n/a",
                against,
            ]
        )
    domain_grades: dict[str, int | None] = {}
    paragraphs: list[str] = []
    for domain in domains:
        g = rollup_grade(Rollup.from_config(domain["rollup"]), metric_grades[domain["id"]])
        domain_grades[domain["id"]] = g
        paragraphs.append(f"{domain['name']}: {grade_text(g)}")
    area = rollup_grade(Rollup.from_config(config["area"]["rollup"]), list(domain_grades.values()))
    paragraphs.append(f"{config['area'].get('name', 'Area score')}: {grade_text(area)}")
    extra = [rid for rid in record_ids if rid not in {m["id"] for m in config["metrics"]}]
    if missing:
        paragraphs.append(f"Metrics with no record in the data (not available): {', '.join(missing)}")
    if extra:
        paragraphs.append(f"Records that are not metrics of this section (ignored): {', '.join(extra)}")
    head: dict[str, str | int | float | None] = {d: g for d, g in domain_grades.items()}
    head["area_score"] = area
    head["area_label"] = GRADE_LABELS[area] if area is not None else None
    return SectionScore(summary=head, header=HEADER, rows=rows, paragraphs=paragraphs)


# --------------------------------------------------------------------------- checking


def _source(item: Mapping[str, Any], path: Path, what: str, documents: Iterable[str]) -> Iterable[Finding]:
    source = item.get("source")
    if source is None:
        yield Finding(
            f"{what} has no source",
            path,
            "add source: {document: <id>, ref: ...} or source: {assumption: '<why this rule>'}",
        )
    elif "document" in source and source["document"] not in documents:
        yield Finding(
            f"{what} cites unknown document '{source['document']}'",
            (*path, "source", "document"),
            f"documents: {', '.join(sorted(documents)) or 'none'}",
        )


def validate_config(config: Mapping[str, Any], ruleset: Ruleset) -> Iterable[Finding]:
    """What the schema cannot say: sources on every rule, references, declared fields."""
    documents = set(ruleset.documents)
    fields = {f.id: f for f in ruleset.fields}
    numeric = (NumberField, IntField)

    def needs(column: str, path: Path, kinds: tuple[type, ...], why: str) -> Iterable[Finding]:
        f = fields.get(column)
        if f is None or not isinstance(f, kinds):
            typ = "bool" if kinds == (BoolField,) else "number"
            yield Finding(
                f"{why} needs the field '{column}' ({typ}), which the ruleset does not declare",
                path,
                f"declare it under fields: {{id: {column}, type: {typ}, required: false}}",
            )

    seen: dict[str, Path] = {}

    def unique(kind: str, ident: str, path: Path) -> Iterable[Finding]:
        key = f"{kind}:{ident}"
        if key in seen:
            yield Finding(f"duplicate {kind} id '{ident}'", (*path, "id"))
        seen[key] = path

    rules: dict[str, Mapping[str, Any]] = {}
    for i, rule in enumerate(config["band_rules"]):
        path: Path = ("band_rules", i)
        yield from unique("band rule", rule["id"], path)
        rules[rule["id"]] = rule
        yield from _source(rule, path, f"band rule '{rule['id']}'", documents)
        if rule["measure"] == "significance":
            yield from needs("significant", (*path, "measure"), (BoolField,), f"band rule '{rule['id']}'")
        else:
            given = [(k, rule.get(k)) for k in ("outstanding", "good", "passable")]
            present = [(k, v) for k, v in given if v is not None]
            if not present:
                yield Finding(f"band rule '{rule['id']}' has no threshold", path, "set outstanding, good or passable")
            for (k1, v1), (k2, v2) in pairwise(present):
                if v1 < v2:
                    yield Finding(
                        f"band rule '{rule['id']}': {k1} ({v1}) is below {k2} ({v2})",
                        (*path, k1),
                        "thresholds are minimum margins and must not increase from outstanding to passable",
                    )
    domain_ids: set[str] = set()
    for i, domain in enumerate(config["domains"]):
        path = ("domains", i)
        yield from unique("domain", domain["id"], path)
        domain_ids.add(domain["id"])
        yield from _source(domain, path, f"domain '{domain['id']}'", documents)
        yield from _source(domain["rollup"], (*path, "rollup"), f"roll-up of domain '{domain['id']}'", documents)
    yield from _source(config["area"], ("area",), "the area", documents)
    yield from _source(config["area"]["rollup"], ("area", "rollup"), "the area roll-up", documents)
    yield from needs("actual", ("metrics",), numeric, "every metric")
    graded_in: dict[str, int] = dict.fromkeys(domain_ids, 0)
    for i, metric in enumerate(config["metrics"]):
        path = ("metrics", i)
        mid = metric["id"]
        yield from unique("metric", mid, path)
        yield from _source(metric, path, f"metric '{mid}'", documents)
        if metric["domain"] not in domain_ids:
            yield Finding(
                f"metric '{mid}' is in unknown domain '{metric['domain']}'",
                (*path, "domain"),
                f"domains: {', '.join(sorted(domain_ids))}",
            )
        if not metric.get("graded", True):
            continue
        if metric["domain"] in graded_in:
            graded_in[metric["domain"]] += 1
        for key in ("direction", "bands"):
            if key not in metric:
                yield Finding(f"graded metric '{mid}' has no {key}", path, "set it, or mark the metric graded: false")
        band = metric.get("bands")
        if band is not None and band not in rules:
            yield Finding(
                f"metric '{mid}' uses unknown band rule '{band}'",
                (*path, "bands"),
                f"band rules: {', '.join(sorted(rules))}",
            )
        elif band is not None:
            yield from needs(rules[band]["basis"], (*path, "bands"), numeric, f"metric '{mid}' (basis)")
    for i, domain in enumerate(config["domains"]):
        if graded_in.get(domain["id"]) == 0:
            yield Finding(f"domain '{domain['id']}' has no graded metric", ("domains", i))


def _validate(config: Mapping[str, Any], ruleset: Ruleset) -> list[Finding]:
    # Report each problem once (a field missing for several metrics is one finding per path).
    return list(dict.fromkeys(validate_config(config, ruleset)))


SECTION_KIND = SectionKind(
    name=KIND,
    description="IPPF metrics: metric grades 1-4 against target, national or previous year; domain and area roll-ups",
    schema=CONFIG_SCHEMA,
    score=score_section,
    validate=_validate,
)


@hookimpl
def omi_rules_section_kinds() -> list[SectionKind]:
    """The section kinds this plugin adds (used as ``kind: plugin, section_kind: ippf_metrics``)."""
    return [SECTION_KIND]
