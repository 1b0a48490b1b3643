"""Check a case table against a ruleset and turn it into typed columns.

Every problem is reported, located by file, row and column, before anything is scored:
unknown or missing columns, values outside a field's domain or a question's scale, missing
and duplicate case ids. Relevance-dependent problems (an answer where the question does not
apply, a relevant question left unanswered) need the engine and are reported by it, from the
sample ``read_sample`` builds even when cells were rejected: its ``unknown`` cells tell the
engine which findings cannot be decided, so a bad cell hides only what depends on it.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from omi_rules.casedata.table import EncodedColumn, RawTable
from omi_rules.diagnostics import Diagnostic, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import (
    BoolField,
    CaseField,
    DateField,
    EnumField,
    IntField,
    NumberField,
    Ruleset,
    StringField,
)
from omi_rules.model.value_types import all_questions, scale_values

CASE_ID = "case_id"
MAX_HINTED = 50
"""Unknown columns that get a "did you mean" hint; the rest are reported without one."""
Codes = NDArray[np.signedinteger[Any]]
"""Answers as indices into their scale's values, -1 for none (see ``answer_dtype``)."""
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0"}


@dataclass
class CaseSample:
    """A validated case sample: typed values per field, answers per question, positions."""

    table: RawTable
    case_ids: list[str]
    values: dict[str, list[Any]]
    """Field id -> one Python value (or None) per case."""
    answers: Mapping[str, list[str | None]]
    """Question id -> the answer given (or None) per case (decoded from ``answer_codes`` when
    asked for)."""
    answer_codes: dict[str, Codes] = field(default_factory=dict)
    """Question id -> the answers as indices into the scale's values (-1 = none), built
    while validating so the engine never loops over cells in Python."""
    columns: dict[str, int] = field(default_factory=dict)
    """Column index of case_id, each field and each question in ``table``."""
    unknown: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    """Field or question id -> the cases whose value is not known: the cell was rejected
    (D003, D004) or the column is missing (D002). Empty for a sample that can be scored."""
    encoded_values: dict[str, EncodedColumn] = field(default_factory=dict)
    """Field id -> its parsed values, one per distinct cell, and each case's code: ``values``
    as the engine encodes it for conditions, a distinct value at a time."""

    @property
    def size(self) -> int:
        return len(self.case_ids)

    def position(self, case: int, column: str) -> Position:
        """Where the cell of ``column`` for case number ``case`` was written."""
        index = self.columns.get(column)
        if index is None:
            return self.table.row_position(case)
        return self.table.cell_position(case, index)


def _enum_values(f: EnumField) -> list[str]:
    return list(f.value_ids())


def parse_field(f: CaseField, raw: Any) -> tuple[Any, str | None, str | None]:
    """Parse one cell for field ``f``: (value, problem, hint); problem None when valid."""
    if raw is None:
        return None, None, None
    if isinstance(f, EnumField):
        text = _text(raw)
        values = _enum_values(f)
        if text in values:
            return text, None, None
        return (
            None,
            f"'{text}' is not a value of {f.id}",
            did_you_mean(text, set(values)) or (f"the values are: {', '.join(values)}"),
        )
    if isinstance(f, BoolField):
        if isinstance(raw, bool):
            return raw, None, None
        text = _text(raw).lower()
        if text in TRUE_WORDS:
            return True, None, None
        if text in FALSE_WORDS:
            return False, None, None
        return None, f"'{_text(raw)}' is not true or false (field {f.id})", "write true or false (or yes/no)"
    if isinstance(f, IntField):
        number = _int(raw)
        if number is None:
            return None, f"'{_text(raw)}' is not a whole number (field {f.id})", None
        if abs(number) > sys.float_info.max:
            # Conditions see numbers as float64 (expr.vector.encode): a larger whole number
            # would raise OverflowError there. Found by fuzzing (tests/fuzz).
            text = _text(raw)
            shown = text if len(text) <= 24 else f"{text[:20]}... ({len(text):,} digits)"
            return None, f"{shown} is too large a number (field {f.id})", None
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            return None, f"{number} is outside {f.id}'s range {_range(f.min, f.max)}", None
        return number, None, None
    if isinstance(f, NumberField):
        real = _float(raw)
        if real is None:
            return None, f"'{_text(raw)}' is not a number (field {f.id})", None
        if (f.min is not None and real < f.min) or (f.max is not None and real > f.max):
            return None, f"{real:g} is outside {f.id}'s range {_range(f.min, f.max)}", None
        return real, None, None
    if isinstance(f, DateField):
        day = raw if isinstance(raw, dt.date) else _date(_text(raw))
        if day is None:
            return None, f"'{_text(raw)}' is not a date (field {f.id})", "write dates as YYYY-MM-DD"
        if (f.min and day < dt.date.fromisoformat(f.min)) or (f.max and day > dt.date.fromisoformat(f.max)):
            return None, f"{day} is outside {f.id}'s range {_range(f.min, f.max)}", None
        return day, None, None
    assert isinstance(f, StringField)
    text = _text(raw)
    if f.max_length is not None and len(text) > f.max_length:
        return None, f"text longer than {f.max_length} characters (field {f.id})", None
    return text, None, None


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, bool):
        return str(raw).lower()
    return str(raw).strip()


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def _float(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _range(low: Any, high: Any) -> str:
    return f"{low if low is not None else '...'}-{high if high is not None else '...'}"


def check_sample(
    table: RawTable,
    model: Ruleset,
    ignore_columns: Collection[str] = (),
    allow_missing_questions: bool = False,
) -> tuple[CaseSample | None, list[Diagnostic]]:
    """Validate ``table`` against ``model``; the sample is None when there are errors.

    ``ignore_columns`` and ``allow_missing_questions`` serve ``impact``, which re-scores last
    cycle's data under a changed ruleset: columns of questions the change removed are ignored,
    and questions it added are treated as never answered.
    """
    sample, out = read_sample(table, model, ignore_columns, allow_missing_questions)
    if any(d.severity is Severity.ERROR for d in out):
        return None, out
    return sample, out


def read_sample(
    table: RawTable,
    model: Ruleset,
    ignore_columns: Collection[str] = (),
    allow_missing_questions: bool = False,
) -> tuple[CaseSample | None, list[Diagnostic]]:
    """Validate ``table`` like ``check_sample``, but keep the sample when cells are wrong.

    The sample is None only when the file has no header or no cases. Otherwise rejected cells
    and missing columns are ``unknown`` in it, so relevance can still be evaluated for every
    case and question they do not affect (a file's problems are reported together). Such a
    sample is for findings only: it must never be scored while ``out`` holds an error.
    """
    out: list[Diagnostic] = list(table.diagnostics)
    if not table.header:
        return None, out
    fields = {f.id: f for f in model.fields}
    questions = all_questions(model)
    scales = {s.id: s for s in model.scales}
    columns: dict[str, int] = {}
    known = {CASE_ID, *fields, *questions}
    unknown = 0
    for index, name in enumerate(table.header):
        position = table.header_positions[index]
        if not name:
            out.append(make("D012", f"column {index + 1} has no header", position))
        elif name in columns:
            out.append(make("D012", f"column '{name}' appears twice", position, hint="rename or remove one"))
        elif name in ignore_columns:
            continue
        elif name not in known:
            unknown += 1
            # A file read as one line (e.g. saved with U+2028 line ends) has a column per cell:
            # a "did you mean" for each of them took minutes (found by fuzzing), so only the
            # first MAX_HINTED unknown columns get one.
            nearest = did_you_mean(name, known) if unknown <= MAX_HINTED else None
            column_hint = nearest or "columns are case_id, the ruleset's case fields and question ids"
            out.append(make("D001", f"unknown column '{name}'", position, column_hint, span=len(name)))
        else:
            columns[name] = index
    header_start = table.header_positions[0] if table.header_positions else Position(table.file, 1, 1)
    missing: set[str] = set()
    if CASE_ID not in columns:
        out.append(make("D002", "no 'case_id' column", header_start, hint="the first column should be case_id"))
    for fid, f in fields.items():
        if fid not in columns and f.required:
            out.append(make("D002", f"no column for case field '{fid}'", header_start))
            missing.add(fid)
    for qid in questions:
        if qid not in columns and not allow_missing_questions:
            out.append(
                make("D002", f"no column for question '{qid}'", header_start, hint="add it, empty if never answered")
            )
            missing.add(qid)
    if not table.size:
        if not any(d.code == "D008" for d in out):
            out.append(make("D008", "the file has a header but no cases", header_start))
        return None, out

    size = table.size
    case_ids = _case_ids(table, columns, out)
    values: dict[str, list[Any]] = {}
    encoded: dict[str, EncodedColumn] = {}
    codes: dict[str, Codes] = {}
    rejected: dict[str, NDArray[np.intp]] = {}
    """Field or question id -> the rows whose cell was rejected (D003, D004)."""
    # Fields and answers are checked a column at a time, each distinct value once: a column
    # of 50,000 cells holds a handful of distinct texts. The result of each is spread over the
    # rows by the column's codes, and a position is made only for a cell that gets a diagnostic.
    for fid, f in fields.items():
        if fid not in columns:
            values[fid] = [None] * size
            continue
        at = columns[fid]
        column = table.column(at)
        parsed = [_parsed_field(f, raw) for raw in column.values]
        encoded[fid] = EncodedColumn([value for value, _, _ in parsed], column.codes)
        values[fid] = encoded[fid].take(encoded[fid].values)
        bad = [i for i, (_, problem, _) in enumerate(parsed) if problem]
        if bad:
            rows = np.flatnonzero(np.isin(column.codes, bad))
            for r in rows.tolist():
                _, problem, hint = parsed[column.codes[r]]
                out.append(make("D003", str(problem), table.cell_position(r, at), hint))
            rejected[fid] = rows
    for qid, question in questions.items():
        scale = scales.get(question.scale)
        code_of = {v: i for i, v in enumerate(scale_values(scale) if scale else ())}
        dtype = answer_dtype(len(code_of))
        if qid not in columns:
            codes[qid] = np.full(size, -1, dtype=dtype)
            continue
        at = columns[qid]
        column = table.column(at)
        decoded = [_decode(raw, code_of) for raw in column.values]
        lookup = np.array([code for _, code in decoded], dtype=dtype)
        given = lookup.take(column.codes) if len(lookup) else np.full(size, -1, dtype=dtype)
        if (lookup == _REJECTED).any():
            rows = np.flatnonzero(given == _REJECTED)
            allowed = tuple(code_of)
            for r in rows.tolist():
                text = decoded[column.codes[r]][0]
                hint = did_you_mean(str(text), set(allowed)) or f"the answers are: {', '.join(allowed)}"
                message = f"'{text}' is not an answer on question {qid}'s scale"
                out.append(make("D004", message, table.cell_position(r, at), hint))
            given[rows] = -1
            rejected[qid] = rows
        codes[qid] = given
    answers = DecodedAnswers(codes, {qid: _answer_texts(q.scale, scales) for qid, q in questions.items()})
    cells = _unknown_cells(size, missing, rejected)
    return CaseSample(table, case_ids, values, answers, codes, columns, cells, encoded), out


def answer_dtype(values: int) -> type[np.signedinteger[Any]]:
    """The smallest integer type for the codes of a scale of ``values`` answers, with -1 (no
    answer) and -2 (a rejected one): one byte per cell for every scale in use (a scale has a
    few answers), where int64 took 85 MB of a 50,000-case archive, twice (given and relevant)."""
    for kind in (np.int8, np.int16, np.int32):
        if values < np.iinfo(kind).max:
            return kind
    return np.int64


def _case_ids(table: RawTable, columns: dict[str, int], out: list[Diagnostic]) -> list[str]:
    """Each row's case id (its number, without a case_id column); an empty id is a D011, an
    id used twice a D005 at its second use, naming the row of its first."""
    if CASE_ID not in columns:
        return [str(r + 1) for r in range(table.size)]
    at = columns[CASE_ID]
    column = table.column(at)
    texts = [_text(raw) if raw is not None else "" for raw in column.values]
    case_ids: list[str] = column.take(texts)
    if len(texts) == table.size and "" not in texts and len(set(texts)) == len(texts):
        return case_ids  # as many distinct ids as rows, none empty: no row to look at
    first_row: dict[str, int] = {}
    for r, case_id in enumerate(case_ids):
        if not case_id:
            out.append(make("D011", "case_id is empty", table.cell_position(r, at)))
        elif case_id in first_row:
            line = table.row_position(first_row[case_id]).line
            out.append(
                make("D005", f"case id '{case_id}' is used twice (first at row {line})", table.cell_position(r, at))
            )
        else:
            first_row[case_id] = r
    return case_ids


def _answer_texts(scale_id: str, scales: dict[str, Any]) -> tuple[str, ...]:
    scale = scales.get(scale_id)
    return tuple(scale_values(scale)) if scale else ()


class DecodedAnswers(Mapping[str, list[str | None]]):
    """Question id -> the answer given (or None) per case, decoded from the answer codes when a
    question's answers are asked for (the explanation of one case, a test): the sample keeps
    the codes only, not a text per cell."""

    def __init__(self, codes: dict[str, Codes], texts: dict[str, tuple[str, ...]]) -> None:
        self._codes, self._texts = codes, texts

    def __getitem__(self, qid: str) -> list[str | None]:
        texts = (*self._texts[qid], None)  # code -1 (no answer, or a rejected one) is the last
        return [texts[code] for code in self._codes[qid].tolist()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


_REJECTED = -2
"""The code ``_decode`` gives a text that is not on the question's scale."""


def _parsed_field(f: CaseField, raw: Any) -> tuple[Any, str | None, str | None]:
    """A field's cell parsed: (value, problem, hint); an empty required field is a problem."""
    value, problem, hint = parse_field(f, raw)
    if problem is None and raw is None and f.required:
        problem, hint = f"{f.id} is empty but required", "every case needs a value for this field"
    return value, problem, hint


def _decode(raw: Any, code_of: dict[str, int]) -> tuple[str | None, int]:
    """An answer cell as (its text, its code on the scale): -1 for an empty cell,
    ``_REJECTED`` (with the text) for one not on the scale."""
    if raw is None:
        return None, -1
    text = raw.strip() if isinstance(raw, str) else _text(raw)
    code = code_of.get(text)
    return (text, _REJECTED) if code is None else (text, code)


def _unknown_cells(size: int, missing: set[str], rejected: dict[str, NDArray[np.intp]]) -> dict[str, NDArray[np.bool_]]:
    """Per field or question, the cases whose value is not known: every case of a missing
    column, the rows of each rejected cell."""
    unknown = {column: np.ones(size, dtype=bool) for column in missing}
    for column, rows in rejected.items():
        mask = unknown.setdefault(column, np.zeros(size, dtype=bool))
        mask[rows] = True
    return unknown
