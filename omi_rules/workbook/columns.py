"""Which columns a ruleset's data-collection workbook has, in which order, under which labels.

One plan serves the cases sheet (its header rows, validations and greying) and the guide
sheet (one row per column), so the guide always describes exactly the columns there are.
The order is the ruleset's: ``case_id``, the case fields as declared, then every question of
every case-sample section, criterion by criterion, as the report and the handbook list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from omi_rules.casedata.validate import CASE_ID
from omi_rules.model import CaseField, CaseSampleSection, Question, Ruleset, Scale
from omi_rules.model.value_types import scale_values


@dataclass(frozen=True)
class Column:
    """One column of the cases sheet."""

    id: str
    """The column id the reader matches (``case_id``, a field id, a question id)."""
    kind: Literal["case_id", "field", "question"]
    group: str
    """The top header row: ``Case`` or the section (``Section 1: Assessment and ...``)."""
    subgroup: str
    """The second header row: ``Case fields`` or the criterion (``1.2 Assessment of ...``)."""
    heading: str
    """The third header row: what the column records, in words (the question as asked)."""
    field: CaseField | None = None
    question: Question | None = None
    scale: Scale | None = None

    @property
    def answers(self) -> tuple[str, ...]:
        """A question's allowed answers (its scale's values, sufficient first)."""
        return scale_values(self.scale) if self.scale is not None else ()


def plan(model: Ruleset) -> list[Column]:
    """The columns of ``model``'s cases sheet, in the ruleset's order."""
    words = model.wording
    columns = [Column(CASE_ID, "case_id", "Case", "Case", "Case id: unique in the sample")]
    for f in model.fields:
        # the description, not the label: a label is worded for inside a sentence ("the offender")
        columns.append(Column(f.id, "field", "Case", "Case fields", f.description, field=f))
    scales = {s.id: s for s in model.scales}
    for section in model.sections:
        if not isinstance(section, CaseSampleSection):
            continue
        group = f"{words.section} {section.id}: {section.title}"
        for criterion in section.criteria:
            subgroup = f"{criterion.id} {criterion.title}"
            for q in criterion.questions:
                columns.append(Column(q.id, "question", group, subgroup, q.text, question=q, scale=scales.get(q.scale)))
    return columns


def spans(columns: list[Column], key: Literal["group", "subgroup"]) -> list[tuple[int, int, str]]:
    """Runs of adjacent columns with the same label: (first, last, label), for merged headers."""
    out: list[tuple[int, int, str]] = []
    for index, column in enumerate(columns):
        label = getattr(column, key)
        # a criterion's label is unique only within its section: group on both
        same = out and out[-1][2] == label and (key == "group" or columns[out[-1][0]].group == column.group)
        if same:
            first, _, _ = out[-1]
            out[-1] = (first, index, label)
        else:
            out.append((index, index, label))
    return out
