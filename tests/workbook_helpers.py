"""What the workbook tests share: filling a template as an inspector would, and a small
evaluator of the Excel formulas the template writes for greying.

The evaluator is the test's own reading of the formulas (the writer never evaluates them): it
knows exactly the functions the template may use, with Excel's meaning, so a formula that
greys a question the engine counts as relevant (or the reverse) fails a test.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"]|"")*")|(?P<cell>\$?[A-Z]{1,3}\$?[0-9]+)|(?P<number>[0-9]+(?:\.[0-9]+)?)'
    r"|(?P<name>[A-Z]+)(?=\()|(?P<bool>TRUE|FALSE)|(?P<op><>|<=|>=|[=<>(),]))"
)


def fill(template: Path, rows: list[dict[str, Any]], out: Path) -> None:
    """Write ``rows`` (column id -> value; None leaves the cell empty) into a template's
    cases sheet, by the ids in its ids row, the way an inspector fills it."""
    book = load_workbook(template)
    sheet = book["cases"]
    ids = [cell.value for cell in sheet[4]]
    for number, row in enumerate(rows, start=5):
        for key, value in row.items():
            if value is not None:
                sheet.cell(number, ids.index(key) + 1, value)
    book.save(out)


def typed_rows(csv_path: Path, numbers: set[str], bools: set[str]) -> list[dict[str, Any]]:
    """A CSV's cases as Excel holds them once typed in: numbers as numbers, yes/no fields as
    the drop-down's words, empty cells empty."""
    out = []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row: dict[str, Any] = {}
            for key, value in record.items():
                if value == "":
                    row[key] = None
                elif key in numbers:
                    row[key] = int(value)
                elif key in bools:
                    row[key] = "yes" if value.lower() in ("true", "yes", "y", "1") else "no"
                else:
                    row[key] = value
            out.append(row)
    return out


class Formula:
    """Evaluates one template formula on one row: ``cells`` maps a column letter to a value."""

    def __init__(self, text: str) -> None:
        self.tokens = [(m.lastgroup, m.group(m.lastgroup or 0)) for m in TOKEN.finditer(text.lstrip("="))]
        assert "".join(t for _, t in self.tokens) == re.sub(r"\s", "", text.lstrip("=")), text

    def __call__(self, cells: dict[str, Any]) -> Any:
        self.cells, self.at = cells, 0
        value = self._comparison()
        assert self.at == len(self.tokens)
        return value

    def _next(self) -> tuple[str | None, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _comparison(self) -> Any:
        left = self._primary()
        if self.at < len(self.tokens) and self.tokens[self.at][1] in ("=", "<>", "<", "<=", ">", ">="):
            op = self._next()[1]
            right = self._primary()
            left, right = _comparable(left), _comparable(right)
            if type(left) is not type(right):  # Excel: numbers sort before text, text before logicals
                rank = {float: 0, str: 1, bool: 2}
                left, right = rank[type(left)], rank[type(right)]
            return {
                "=": left == right,
                "<>": left != right,
                "<": left < right,
                "<=": left <= right,
                ">": left > right,
                ">=": left >= right,
            }[op]
        return left

    def _primary(self) -> Any:
        kind, text = self._next()
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "number":
            return float(text)
        if kind == "bool":
            return text == "TRUE"
        if kind == "cell":
            return self.cells.get(re.sub(r"[$0-9]", "", text))
        assert kind == "name", text
        assert self._next()[1] == "("
        args = []
        while True:
            args.append(self._comparison())
            separator = self._next()[1]
            if separator == ")":
                break
            assert separator == ","
        return _call(text, args)


def _comparable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    return value


def _text(value: Any) -> str:
    """A value as Excel's text functions see it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def _call(name: str, args: list[Any]) -> Any:
    if name == "AND":
        return all(bool(a) for a in args)
    if name == "OR":
        return any(bool(a) for a in args)
    if name == "NOT":
        return not bool(args[0])
    if name == "EXACT":
        return _text(args[0]) == _text(args[1])
    if name == "TRIM":
        return " ".join(_text(args[0]).split())
    if name == "LOWER":
        return _text(args[0]).lower()
    if name == "LEN":
        return float(len(_text(args[0])))
    if name == "ISNUMBER":
        return isinstance(args[0], int | float | dt.date) and not isinstance(args[0], bool)
    if name == "DATE":
        return dt.date(int(args[0]), int(args[1]), int(args[2]))
    raise AssertionError(f"the template used {name}(), which the test does not know")


def fill_judgements(workbook: Path, judgements_file: Path) -> None:
    """Copy a judgements file into a filled workbook's judgements sheet, in place: each
    judgement on its specific criterion's row, each rating on its criterion's row."""
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(judgements_file.read_text(encoding="utf-8"))
    book = load_workbook(workbook)
    sheet = book["judgements"]
    rows = {(r[0].value, r[2].value): r[0].row for r in sheet.iter_rows(min_row=5) if r[0].value}

    def put(key: tuple[str, str | None], value: Any, note_key: str, value_key: str) -> None:
        row = rows[key]
        if isinstance(value, dict):
            sheet.cell(row, 5, value[value_key])
            sheet.cell(row, 6, value.get(note_key))
        else:
            sheet.cell(row, 5, value)

    for cid, entries in (doc.get("judgements") or {}).items():
        for sid, value in entries.items():
            put((cid, sid), value, "evidence", "judgement")
    for cid, value in (doc.get("ratings") or {}).items():
        put((cid, None), value, "reason", "rating")
    book.save(workbook)
