"""A well-behaved test plugin using every hook."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from omi_rules.casedata.table import RawTable
from omi_rules.conditions.types import BoolT, NumberT, Type
from omi_rules.diagnostics import Position
from omi_rules.model import BandSet, Ruleset
from omi_rules.model.results import Result
from omi_rules.plugins import (
    Aggregation,
    CheckRule,
    ConditionFunction,
    Finding,
    GradeRule,
    Reader,
    ReportSection,
    ThreadCombination,
    hookimpl,
)


def _top_tier(arg: str, values: Mapping[str, Any]) -> Any:
    tier = values.get("tier")
    return None if tier is None else tier >= int(arg)


def _returns(ruleset: Ruleset, arg: str) -> Type:
    return BoolT()


def _double(arg: str, values: Mapping[str, Any]) -> Any:
    value = values.get(arg)
    return None if value is None else 2 * value


def _read_tsv(path: Path, name: str) -> RawTable:
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    table = RawTable(name, rows[0], [Position(name, 1, i + 1) for i in range(len(rows[0]))])
    for n, row in enumerate(rows[1:], start=2):
        table.rows.append([cell or None for cell in row])
        table.row_positions.append(Position(name, n, 1))
        table.cell_positions.append([Position(name, n, i + 1) for i in range(len(row))])
    return table


def _no_summary_weights(ruleset: Ruleset) -> Iterable[Finding]:
    for i, section in enumerate(ruleset.sections):
        for j, criterion in enumerate(getattr(section, "criteria", [])):
            weights = getattr(criterion, "weights", None)
            if weights is not None and weights.summary == 0:
                yield Finding("summary weight is 0", ("sections", i, "criteria", j, "weights"))
    if ruleset.title == "Minimal inspection":
        yield Finding("title is the fixture's", ("title",), "rename it")


def _steps(score: float, band_set: BandSet) -> str | None:
    ordered = sorted(band_set.bands, key=lambda b: b.min)
    return ordered[-1].id if score >= 50 else ordered[0].id


class GoodPlugin:
    @hookimpl
    def omi_rules_aggregations(self) -> list[Aggregation]:
        return [Aggregation("summary_only", "the summary question alone", lambda i, s, wi, ws: s)]

    @hookimpl
    def omi_rules_thread_combinations(self) -> list[ThreadCombination]:
        return [ThreadCombination("maximum", "the best question", lambda values: max(values) if values else None)]

    @hookimpl
    def omi_rules_grade_rules(self) -> list[GradeRule]:
        return [GradeRule("halves", "top band from 50, bottom band below", _steps)]

    @hookimpl
    def omi_rules_condition_functions(self) -> list[ConditionFunction]:
        return [
            ConditionFunction(
                "tier_at_least", "tier is at least N", "tier", lambda r: {"1", "2", "3", "4"}, _returns, _top_tier
            ),
            ConditionFunction(
                "double", "twice a number field", "field", lambda r: {"tier"}, lambda r, a: NumberT(), _double
            ),
        ]

    @hookimpl
    def omi_rules_readers(self) -> list[Reader]:
        return [Reader(".tsv", "tab-separated text", _read_tsv)]

    @hookimpl
    def omi_rules_check_rules(self) -> list[CheckRule]:
        return [CheckRule("TP001", "fixture-title", "flags the fixture's title", _no_summary_weights, "warning")]

    @hookimpl
    def omi_rules_report_sections(self, result: Result, ruleset: Ruleset) -> list[ReportSection]:
        return [ReportSection("Plugin notes", ["Scored by the test plugin."], ["Cases"], [[str(result.cases)]])]


plugin = GoodPlugin()


def _tally(config: Mapping[str, Any], ids: Any, values: Mapping[str, Any]) -> Any:
    from omi_rules.plugins import SectionScore

    column = values[config["field"]]
    counts = {str(v): sum(1 for x in column if x == v) for v in sorted({x for x in column if x is not None}, key=str)}
    return SectionScore(
        {"records": len(ids), "distinct": len(counts)}, ["Value", "Records"], [[k, str(n)] for k, n in counts.items()]
    )


def _tally_validate(config: Mapping[str, Any], ruleset: Ruleset) -> Iterable[Finding]:
    if config["field"] not in {f.id for f in ruleset.fields}:
        yield Finding(f"unknown field '{config['field']}'", ("field",), "name a declared case field")


class TallyPlugin:
    @hookimpl
    def omi_rules_section_kinds(self) -> list[Any]:
        from omi_rules.plugins import SectionKind

        schema = {
            "type": "object",
            "properties": {"field": {"type": "string"}},
            "required": ["field"],
            "additionalProperties": False,
        }
        return [SectionKind("tally", "counts records by a field's value", schema, _tally, _tally_validate)]


tally = TallyPlugin()
