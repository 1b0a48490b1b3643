"""The data-collection workbook's layout, as both its writer and its reader need it.

``omi-rules template`` writes a workbook (``omi_rules.workbook``) and ``score`` reads it back
(``casedata.readers``). The writer sits far above the reader in the layers, so everything the
two must agree on lives here, at the bottom: the sheet names, the number of header rows above
the cases, and the hidden sheet that records which ruleset the workbook was made for.

Why a workbook records its ruleset: a template goes out to inspectors weeks before the
fieldwork and comes back filled. If the ruleset got a new version in between (a question
added, a scale changed), scoring the old workbook under the new version silently mixes two
methodologies. The recorded id, version and content hash let ``score`` say so (D014).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from omi_rules.diagnostics import Diagnostic, Position
from omi_rules.diagnostics.codes import make
from omi_rules.yamlio.reader import SourceMap

CASES_SHEET = "cases"
"""The sheet of cases: one row per case. The reader already prefers a sheet of this name."""
META_SHEET = "omi-rules"
"""The hidden sheet recording what the workbook was made for (key in column A, value in B)."""
KIND = "omi-rules data-collection workbook"
"""The value of ``kind`` in the hidden sheet: how the reader recognises a template."""
LAYOUT = 1
"""The version of this layout, recorded so that a later layout can be told apart from this one."""
HEADER_ROWS = 4
"""Rows above the cases: section, criterion, question text, and the column ids."""
ID_ROW = 4
"""The header row holding the column ids (``case_id``, field ids, question ids)."""
HEADER_SEARCH = 12
"""How far down the reader looks for the row of column ids: a user may have inserted a title
row or two above the template's header, or deleted one of its label rows."""

JUDGEMENTS_SHEET = "judgements"
"""The sheet of judged criteria: a row per specific criterion (its judgement) and a row per
criterion rated directly (its rating), below a header in row ``JUDGEMENTS_HEADER_ROW``."""
JUDGEMENTS_HEADER_ROW = 4
CRITERION_COLUMN, SPECIFIC_COLUMN, VALUE_COLUMN, NOTE_COLUMN = 1, 3, 5, 6
"""1-based columns of the judgements sheet: the criterion id, the specific criterion id (empty
on a rating's row), the judgement or rating, and the evidence or reason."""

KEYS = ("kind", "layout", "ruleset_id", "ruleset_version", "ruleset_title", "ruleset_sha256", "tool_version")
"""The hidden sheet's rows, in order; also written as custom document properties (prefixed
``omi-rules ``), which survive an editor that drops hidden sheets."""
PROPERTY_PREFIX = "omi-rules "


@dataclass(frozen=True)
class WorkbookOrigin:
    """What a data-collection workbook says it was made for."""

    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    tool_version: str
    position: Position
    """Where the version is recorded (the hidden sheet's cell), for diagnostics."""


def origin_from_values(values: Mapping[str, Any], position: Position) -> WorkbookOrigin | None:
    """The origin recorded in a workbook (its hidden sheet's rows or its custom properties),
    or None when the workbook was not made by ``omi-rules template``."""
    if str(values.get("kind") or "") != KIND:
        return None
    return WorkbookOrigin(
        ruleset_id=str(values.get("ruleset_id") or ""),
        ruleset_version=str(values.get("ruleset_version") or ""),
        ruleset_sha256=str(values.get("ruleset_sha256") or ""),
        tool_version=str(values.get("tool_version") or ""),
        position=position,
    )


def id_row(rows: list[tuple[int, list[Any]]]) -> int | None:
    """The index in ``rows`` of the template's row of column ids: the first of the top rows
    with a ``case_id`` cell. None when there is none (the ids row was deleted)."""
    for index, (number, values) in enumerate(rows):
        if number > HEADER_SEARCH:
            break
        if any(isinstance(v, str) and v.strip() == "case_id" for v in values):
            return index
    return None


def origin_findings(origin: WorkbookOrigin, ruleset_id: str, version: str, sha256: str) -> list[Diagnostic]:
    """D014 when a workbook made for one ruleset version is scored with another: a different
    ruleset, a different version, or the same version with different content (a ruleset
    changed without a new version). Data collected on the other version's questions may then
    be scored against questions it was never asked for."""
    made = f"{origin.ruleset_id} {origin.ruleset_version}"
    used = f"{ruleset_id} {version}"
    hint = (
        f"make a new workbook with `omi-rules template` for {used}, or score with the ruleset it was made for ({made})"
    )
    if origin.ruleset_id != ruleset_id or origin.ruleset_version != version:
        message = f"this workbook was made for {made}; it is being scored with {used}"
        return [make("D014", message, origin.position, hint)]
    if origin.ruleset_sha256 and origin.ruleset_sha256 != sha256:
        message = (
            f"this workbook was made for {made} with different content (sha256 {origin.ruleset_sha256[:12]}, "
            f"now {sha256[:12]}): the ruleset changed without a new version"
        )
        return [make("D014", message, origin.position, hint)]
    return []


def judgements_from_rows(rows: list[tuple[int, list[Any]]], where: str) -> tuple[dict[str, Any], SourceMap] | None:
    """The judgements sheet's filled rows as a judgements document (the shape of a judgements
    file) with each value's cell as its position; None when nothing was filled in, so that a
    workbook whose sheet is left empty is scored exactly as if it had none."""
    judgements: dict[str, dict[str, Any]] = {}
    ratings: dict[str, Any] = {}
    source = SourceMap(default=Position(where))
    for number, values in rows:
        if number <= JUDGEMENTS_HEADER_ROW:
            continue
        cells = [_cell_text(v) for v in values] + [None] * NOTE_COLUMN
        criterion, specific = cells[CRITERION_COLUMN - 1], cells[SPECIFIC_COLUMN - 1]
        value, note = cells[VALUE_COLUMN - 1], cells[NOTE_COLUMN - 1]
        if criterion is None or value is None:
            continue
        at = Position(where, number, VALUE_COLUMN)
        if specific is not None:
            judgements.setdefault(criterion, {})[specific] = {"judgement": value, "evidence": note} if note else value
            path: tuple[str, ...] = ("judgements", criterion, specific)
            source.keys[path] = Position(where, number, SPECIFIC_COLUMN)
            source.keys[("judgements", criterion)] = Position(where, number, CRITERION_COLUMN)
        else:
            ratings[criterion] = {"rating": value, "reason": note} if note else value
            path = ("ratings", criterion)
            source.keys[path] = Position(where, number, CRITERION_COLUMN)
        source.values[path] = at
        for key in ("judgement", "evidence", "rating", "reason"):
            source.values[(*path, key)] = Position(
                where, number, NOTE_COLUMN if key in ("evidence", "reason") else VALUE_COLUMN
            )
    if not judgements and not ratings:
        return None
    source.values[()] = Position(where, JUDGEMENTS_HEADER_ROW, 1)
    return {"judgements": judgements, "ratings": ratings}, source


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None
