"""``omi-rules template``: the workbook inspectors fill in, one row per case.

The workbook is made from the ruleset so that what is collected is exactly what ``score``
will read: one column per case field and question in the ruleset's order, under the section
and criterion they belong to; drop-downs holding exactly each field's values and each
question's scale; number and date limits as the ruleset declares them; a question greyed out
on a case it does not apply to (where Excel can be given the condition); a guide in the
handbook's words; and a hidden record of the ruleset's id, version and content hash, so that
scoring a workbook made for another version warns (D014).

Sheets: ``cases`` (the data), ``guide`` (every column explained), ``judgements`` (when the
ruleset has judged or directly rated criteria), and the hidden ``lists`` and ``omi-rules``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from omi_rules import __version__
from omi_rules.casedata import workbook as layout
from omi_rules.casedata.validate import CASE_ID
from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.engine.compiled import CompiledRuleset
from omi_rules.handbook.build import build_view
from omi_rules.handbook.views import FieldView, QuestionView
from omi_rules.handbook.words import either_words
from omi_rules.model import (
    BoolField,
    DateField,
    EnumField,
    IntField,
    JudgementSection,
    NumberField,
    StringField,
)
from omi_rules.model.value_types import rated_criteria
from omi_rules.ruleset.environments import case_env
from omi_rules.workbook.cells import (
    INPUT_TITLE_LIMIT,
    LIST_SOURCE_LIMIT,
    MESSAGE_LIMIT,
    Book,
    Sheet,
    clip,
)
from omi_rules.workbook.columns import Column, plan, spans
from omi_rules.workbook.formulas import ExcelFormula, Untranslatable

DEFAULT_ROWS = 500
"""Rows made ready for cases (validations and greying): more than any OMI sample (``--rows``)."""
BOOL_CHOICES = ("yes", "no")
"""A yes/no field's drop-down. Words, not TRUE/FALSE: Excel turns a typed TRUE into a logical
value, which a list validation of texts would then refuse."""

HEADER = {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "border_color": "#9aa5b1"}
GROUP = {**HEADER, "bg_color": "#1f3a5f", "font_color": "#ffffff"}
SUBGROUP = {**HEADER, "bg_color": "#d9e2ec"}
TEXT = {**HEADER, "bold": False, "bg_color": "#f0f4f8"}
IDS = {"font_color": "#52606d", "font_size": 9, "bg_color": "#f0f4f8", "border": 1, "border_color": "#9aa5b1"}
NOT_RELEVANT = {"bg_color": "#d0d0d0", "font_color": "#7b7b7b", "pattern": 1}
TITLE = {"bold": True, "font_size": 14}
WRAP = {"text_wrap": True, "valign": "top"}
DATE = {"num_format": "yyyy-mm-dd"}
INPUT = {**WRAP, "bg_color": "#fff8e1", "border": 1, "border_color": "#d9cba3"}


@dataclass
class Made:
    """What was made, besides the bytes: which questions got greying and which a note."""

    data: bytes
    greyed: list[str] = field(default_factory=list)
    noted: dict[str, str] = field(default_factory=dict)
    """Question id -> why Excel cannot grey it out (the note on its heading says so too)."""


def make_template(compiled: CompiledRuleset, rows: int = DEFAULT_ROWS) -> Made:
    """The data-collection workbook of a checked, compiled ruleset, with ``rows`` case rows."""
    return _Template(compiled, rows).make()


class _Template:
    def __init__(self, compiled: CompiledRuleset, rows: int) -> None:
        self.compiled = compiled
        self.model = compiled.model
        self.rows = rows
        self.columns = plan(self.model)
        self.index = {c.id: i for i, c in enumerate(self.columns)}
        self.view = build_view(self.model)
        self.question_views = {
            q.id: q
            for section in self.view.sections
            for criterion in section.case_criteria
            for q in criterion.questions
        }
        self.book = Book()
        self.first = layout.HEADER_ROWS  # 0-based: the first case row
        self.last = layout.HEADER_ROWS + rows - 1
        self.lists: Sheet | None = None
        self.list_columns = 0
        self.env = case_env(self.model, compiled.registry)
        cells = {c.id: f"${_letter(i)}{self.first + 1}" for i, c in enumerate(self.columns)}
        self.formula = ExcelFormula(cells, self._relevance)
        self.relevance_formulas: dict[str, str | Untranslatable] = {}

    def make(self) -> Made:
        m = self.model
        self.book.raw.set_properties(
            {
                "title": f"{m.title}: data collection",
                "subject": f"{m.id} {m.version}",
                "comments": f"Made by omi-rules {__version__} (omi-rules template) for {m.id} {m.version}.",
            }
        )
        values = self._origin_values()
        for key in layout.KEYS:
            self.book.raw.set_custom_property(layout.PROPERTY_PREFIX + key, str(values[key]))
        cases = self.book.sheet(layout.CASES_SHEET)
        made = Made(b"")
        self._cases(cases, made)
        self._guide(self.book.sheet("guide"))
        if any(isinstance(s, JudgementSection) for s in m.sections) or rated_criteria(m):
            self._judgements(self.book.sheet("judgements"))
        meta = self.book.sheet(layout.META_SHEET)
        meta.text(0, 0, "key", {"bold": True})
        meta.text(0, 1, "value", {"bold": True})
        for row, key in enumerate(layout.KEYS, start=1):
            meta.text(row, 0, key)
            meta.value(row, 1, values[key])
        meta.text(len(layout.KEYS) + 2, 0, "Written by omi-rules template; score reads it. Do not edit.")
        meta.raw.hide()
        if self.lists is not None:
            self.lists.raw.hide()
        cases.raw.activate()
        made.data = self.book.close()
        return made

    def _origin_values(self) -> dict[str, object]:
        m = self.model
        return {
            "kind": layout.KIND,
            "layout": layout.LAYOUT,
            "ruleset_id": m.id,
            "ruleset_version": m.version,
            "ruleset_title": m.title,
            "ruleset_sha256": self.compiled.sha256,
            "tool_version": __version__,
        }

    # ------------------------------------------------------------------ the cases sheet

    def _cases(self, sheet: Sheet, made: Made) -> None:
        raw = sheet.raw
        for first, last, label in spans(self.columns, "group"):
            sheet.merge(0, first, last, label, GROUP)
        for first, last, label in spans(self.columns, "subgroup"):
            sheet.merge(1, first, last, label, SUBGROUP)
        for col, column in enumerate(self.columns):
            sheet.text(2, col, column.heading, TEXT)
            sheet.text(layout.ID_ROW - 1, col, column.id, IDS)
            raw.set_column(col, col, 14 if column.kind != "question" else 18, None)
        raw.set_row(2, 96)
        raw.freeze_panes(layout.HEADER_ROWS, 1)
        grey = self.book.format(NOT_RELEVANT)
        for col, column in enumerate(self.columns):
            self._validate(sheet, col, column)
            if column.kind != "question" or column.question is None or not column.question.relevant_if:
                continue
            try:
                relevance = self._relevance(column.id)
            except Untranslatable as exc:
                why = str(exc)
                made.noted[column.id] = why
                words = self._question_view(column.id).relevance
                raw.write_comment(
                    2,
                    col,
                    f"{words}\n\nThis workbook cannot grey the question out where it does not apply "
                    f"(the condition uses {why}): check it for each case.",
                    {"x_scale": 2.2, "y_scale": 2.4},
                )
            else:
                started = f"LEN(TRIM($A{self.first + 1}))>0"
                raw.conditional_format(
                    self.first,
                    col,
                    self.last,
                    col,
                    {"type": "formula", "criteria": f"=AND({started},NOT({relevance}))", "format": grey},
                )
                made.greyed.append(column.id)
        raw.autofilter(layout.ID_ROW - 1, 0, self.last, len(self.columns) - 1)

    def _relevance(self, qid: str) -> str:
        """Question ``qid``'s relevance as an Excel formula ("TRUE" when it applies to every
        case); raises ``Untranslatable`` (remembered) when Excel cannot be given it."""
        if qid not in self.relevance_formulas:
            question = self.columns[self.index[qid]].question
            assert question is not None
            if not question.relevant_if:
                self.relevance_formulas[qid] = "TRUE"
            else:
                checked = compile_condition(question.relevant_if, self.env)
                try:
                    if not isinstance(checked, Checked):
                        raise Untranslatable("a condition that does not check")
                    self.relevance_formulas[qid] = self.formula.truth(checked)
                except Untranslatable as exc:
                    self.relevance_formulas[qid] = exc
        found = self.relevance_formulas[qid]
        if isinstance(found, Untranslatable):
            raise found
        return found

    def _question_view(self, qid: str) -> QuestionView:
        """The handbook's view of a question: its relevance and role in words."""
        return self.question_views[qid]

    def _validate(self, sheet: Sheet, col: int, column: Column) -> None:
        """The column's data validation over the case rows: exactly what the reader accepts."""
        options: dict[str, object]
        title = clip(column.id, INPUT_TITLE_LIMIT)
        if column.kind == "case_id":
            rows = f"$A${self.first + 1}:$A${self.last + 1}"
            options = {
                "validate": "custom",
                "value": f"=COUNTIF({rows},A{self.first + 1})=1",
                "error_title": "Case id used twice",
                "error_message": "Each case needs its own id: this one is already used in the sample.",
            }
        elif column.kind == "question":
            options = self._choice(
                column.answers, f"The answers on this question's scale: {', '.join(column.answers)}."
            )
            question = column.question
            assert question is not None
            words = self._question_view(question.id).relevance
            options["input_message"] = clip(words, MESSAGE_LIMIT)
        else:
            assert column.field is not None
            options = self._field_rule(column)
        options.setdefault("input_title", title)
        options.setdefault("error_type", "stop")
        sheet.raw.data_validation(self.first, col, self.last, col, options)
        if isinstance(column.field, DateField):
            sheet.raw.set_column(col, col, 14, self.book.format(DATE))

    def _field_rule(self, column: Column) -> dict[str, object]:
        f = column.field
        if isinstance(f, EnumField):
            values = f.value_ids()
            return self._choice(values, f"The values of {f.id}: {', '.join(values)}.")
        if isinstance(f, BoolField):
            return self._choice(BOOL_CHOICES, f"{f.id} is yes or no.")
        if isinstance(f, IntField | NumberField):
            kind = "integer" if isinstance(f, IntField) else "decimal"
            noun = "a whole number" if isinstance(f, IntField) else "a number"
            low = f.min if f.min is not None else -1e15
            high = f.max if f.max is not None else 1e15
            limits = f" from {_shown(f.min)} to {_shown(f.max)}" if f.min is not None or f.max is not None else ""
            return {
                "validate": kind,
                "criteria": "between",
                "minimum": low,
                "maximum": high,
                "error_title": f"Not {noun}",
                "error_message": clip(f"{f.id} is {noun}{limits}.", MESSAGE_LIMIT),
            }
        if isinstance(f, DateField):
            low_day = dt.date.fromisoformat(f.min) if f.min else dt.date(1900, 1, 1)
            high_day = dt.date.fromisoformat(f.max) if f.max else dt.date(9999, 12, 31)
            return {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.datetime.combine(low_day, dt.time()),
                "maximum": dt.datetime.combine(high_day, dt.time()),
                "error_title": "Not a date",
                "error_message": clip(f"{f.id} is a date from {low_day} to {high_day}.", MESSAGE_LIMIT),
            }
        assert isinstance(f, StringField)
        if f.max_length is None:
            return {"validate": "any"}
        return {
            "validate": "length",
            "criteria": "<=",
            "value": f.max_length,
            "error_title": "Text too long",
            "error_message": f"{f.id} is at most {f.max_length} characters.",
        }

    def _choice(self, values: tuple[str, ...], message: str) -> dict[str, object]:
        """A drop-down of exactly ``values``: written into the validation when short enough,
        otherwise as a range of the hidden ``lists`` sheet (Excel's 255-character limit)."""
        options: dict[str, object] = {
            "validate": "list",
            "error_title": "Not on the list",
            "error_message": clip(message + " Choose one from the list.", MESSAGE_LIMIT),
        }
        if len(",".join(values)) <= LIST_SOURCE_LIMIT:
            options["source"] = list(values)
            return options
        if self.lists is None:
            self.lists = self.book.sheet("lists")
        col = self.list_columns
        self.list_columns += 1
        for row, value in enumerate(values):
            self.lists.text(row, col, value)
        letter = _letter(col)
        options["source"] = f"=lists!${letter}$1:${letter}${len(values)}"
        return options

    # ------------------------------------------------------------------ the guide

    def _guide(self, sheet: Sheet) -> None:
        m, v = self.model, self.view
        sheet.widths([12, 46, 40, 46, 40])
        sheet.text(0, 0, f"{m.title}: data collection", TITLE)
        lines = [
            f"Ruleset {m.id}, version {m.version}. {v.effective}",
            v.description,
            f"Record one case per row on the sheet '{layout.CASES_SHEET}', from row {layout.HEADER_ROWS + 1}. "
            f"Row {layout.ID_ROW} holds the column ids that omi-rules reads: do not change it, and do not "
            "rename the sheet.",
            "Choose each value and answer from its drop-down list; a value that is not on the list is refused.",
            "A question shown in grey does not apply to the case (the row's case fields and earlier answers say "
            "so): leave it empty. Where the workbook cannot tell, the question's heading has a note saying to "
            "whom it applies. Answer every question that applies, using the not-applicable answer where "
            "there is one and the work did not arise.",
            f"When the cases are in, score them: omi-rules score {m.id} THIS-FILE.xlsx "
            "(with --judgements FILE for judged criteria). Scoring warns if the workbook was made for "
            "another version of the ruleset.",
            v.rounding,
        ]
        row = 2
        for line in lines:
            sheet.raw.merge_range(row, 0, row, 4, "", self.book.format(WRAP))
            sheet.text(row, 0, line, WRAP)
            sheet.raw.set_row(row, 15 * max(1, -(-len(line) // 200)))  # five columns, about 200 characters
            row += 1
        row += 1
        sheet.row(row, ["Column", "Records", "Values", "Applies to", "Guidance"], {"bold": True, "bottom": 1})
        sheet.raw.freeze_panes(row + 1, 0)
        fields = {f.id: f for f in v.fields}
        for column in self.columns:
            row += 1
            values = self._guide_row(column, fields)
            sheet.row(row, values, WRAP)
            sheet.fit(row, values)

    def _guide_row(self, column: Column, fields: dict[str, FieldView]) -> list[object]:
        if column.kind == "case_id":
            return [CASE_ID, "The case's id, unique in the sample.", "Any text", "Every case.", None]
        if column.kind == "field":
            fv = fields[column.id]
            values = ", ".join(value.value for value in fv.values) if fv.values else fv.kind
            if isinstance(column.field, BoolField):
                values = "yes or no"
            required = "" if fv.required else " May be left empty."
            return [column.id, fv.description, values + "." + required, "Every case.", None]
        q = self._question_view(column.id)
        scale = column.scale
        parts = []
        if scale is not None:
            parts.append(f"sufficient: {either_words(list(scale.sufficient))}")
            parts.append(f"not sufficient: {either_words(list(scale.insufficient))}")
            if scale.not_applicable:
                parts.append(f"not applicable: {either_words(list(scale.not_applicable))}")
        return [column.id, f"{q.text} ({q.role})", "; ".join(parts) + ".", q.relevance, q.guidance]

    # ------------------------------------------------------------------ judgements

    def _judgements(self, sheet: Sheet) -> None:
        """Judged criteria (each specific criterion's judgement) and directly rated criteria
        (one rating each), with drop-downs of exactly the allowed values. ``score`` reads the
        sheet (``casedata.workbook.judgements_from_rows``) when no judgements file is given."""
        m = self.model
        rules = {r.id: r for r in m.judgement_rules}
        scales = {s.id: s for s in m.rating_scales}
        sheet.widths([10, 36, 17, 60, 22, 48])
        sheet.text(0, 0, "Judgements and ratings of the judged criteria", TITLE)
        sheet.text(
            1,
            0,
            "Choose each judgement (or rating) from its drop-down; the evidence is optional. omi-rules score "
            "reads this sheet when it is given no --judgements file. A row left empty is not judged.",
        )
        header = [m.wording.criterion, "Title", "Specific criterion", "What is judged", "Judgement", "Evidence"]
        row = layout.JUDGEMENTS_HEADER_ROW - 1
        sheet.row(row, list(header), {"bold": True, "bottom": 1})
        for section in m.sections:
            if not isinstance(section, JudgementSection):
                continue
            for criterion in section.criteria:
                if criterion.specific_criteria:
                    rule = rules.get(criterion.rule or section.rule or "")
                    choices = tuple(rule.judgements) if rule is not None else ()
                    for specific in criterion.specific_criteria:
                        row += 1
                        values: list[object] = [criterion.id, criterion.title, specific.id, specific.text]
                        sheet.row(row, values, WRAP)
                        sheet.fit(row, values)
                        self._judgement_choice(sheet, row, choices)
                elif criterion.rating_scale:
                    scale = scales.get(criterion.rating_scale)
                    row += 1
                    sheet.row(row, [criterion.id, criterion.title, None, "Rated directly: one rating."], WRAP)
                    sheet.fit(row, [criterion.id, criterion.title])
                    self._judgement_choice(sheet, row, tuple(lv.id for lv in scale.levels) if scale else ())
        direct = {
            c.id for s in m.sections if isinstance(s, JudgementSection) for c in s.criteria if not c.specific_criteria
        }
        for cid, (title, scale) in rated_criteria(m).items():
            if cid in direct:
                continue
            row += 1
            moderation = "Rated from the cases or judgements: give a rating only to moderate it, with the reason."
            sheet.row(row, [cid, title, None, moderation], WRAP)
            sheet.fit(row, [cid, title, None, moderation])
            self._judgement_choice(sheet, row, tuple(lv.id for lv in scale.levels))
        sheet.raw.freeze_panes(layout.JUDGEMENTS_HEADER_ROW, 0)

    def _judgement_choice(self, sheet: Sheet, row: int, choices: tuple[str, ...]) -> None:
        for col in (layout.VALUE_COLUMN - 1, layout.NOTE_COLUMN - 1):  # the cells to fill in, marked as such
            sheet.raw.write_blank(row, col, None, self.book.format(INPUT))
        if choices:
            col = layout.VALUE_COLUMN - 1
            sheet.raw.data_validation(row, col, row, col, self._choice(choices, f"The values: {', '.join(choices)}."))


def _letter(index: int) -> str:
    """Excel's column letters for a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _shown(value: float | int | None) -> str:
    if value is None:
        return "..."
    return f"{value:g}" if isinstance(value, float) else str(value)
