"""Read and check survey data: a questionnaire's returns, given as counts or one row per respondent.

A survey's data is a small YAML file (schema `schemas/survey-data.schema.json`):

```yaml
survey: offenders
sent: 110
returned: 37
answers:                       # counts, as a report publishes them ...
  rules_explained: {yes: 34, no: 3}
# responses: offenders-responses.csv   # ... or one row per respondent instead
```

or, for respondent rows alone, ``NAME=FILE`` on the command line (no `sent`, so no response
rate). Respondent rows are read by the case-data readers (``casedata.readers.read_table``), so a
CSV or Excel file of returns is read, and its structural problems (ragged rows, an empty file,
a merged header, not UTF-8) are reported, exactly as a case file's are; its cells are then
checked against the survey's questions here, each problem at its row and column.

Why counts are accepted at all: a published report gives counts ("34 of 37"), rarely the
returns, and replaying a report's figures should not need invented rows. Rows are better
evidence (each answer can be traced to a questionnaire), and both give the same indicators.

Every mistake is a diagnostic with a position (codes ``Q001``-``Q009``); nothing here raises
for a user error except ``InputUnreadable`` for a file that cannot be read at all (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omi_rules.casedata.readers import read_table
from omi_rules.casedata.table import RawTable, TableReader
from omi_rules.diagnostics import Diagnostic, InputUnreadable, Position, Severity
from omi_rules.diagnostics.codes import make
from omi_rules.diagnostics.suggest import did_you_mean
from omi_rules.model import Ruleset, Survey, SurveyQuestion
from omi_rules.model.schema_check import validate
from omi_rules.yamlio.reader import SourceMap, load_yaml

RESPONDENT_ID = "respondent_id"
ROW_SUFFIXES = (".csv", ".xlsx")
"""Respondent rows are tables; the structured case-data layout (`cases:`) is not theirs."""
DATA_SUFFIXES = (".yaml", ".yml", ".json")
_NAMED = re.compile(r"^([a-z][a-z0-9_]*)=(.+)$")


@dataclass
class SurveyData:
    """One survey's checked data: how many were sent and returned, and per question how many
    respondents gave each answer (questions the data does not give are left out)."""

    survey: str
    data: str
    """`counts` or `responses`."""
    files: list[Path]
    """The files read: the data file, and the respondent rows it names."""
    returned: int
    sent: int | None
    counts: dict[str, dict[str, int]]
    note: str | None = None
    position: Position = field(default_factory=lambda: Position("--surveys"))


def survey_files(given: Sequence[str]) -> list[tuple[str | None, Path]]:
    """What ``--surveys`` names: ``NAME=FILE`` (respondent rows of survey NAME), a data file, or
    a folder (each `.yaml`, `.yml` and `.json` file in it, in name order)."""
    out: list[tuple[str | None, Path]] = []
    for item in given:
        named = _NAMED.match(item)
        if named and not Path(item).exists():
            out.append((named.group(1), Path(named.group(2))))
            continue
        path = Path(item)
        if path.is_dir():
            out.extend((None, p) for p in sorted(path.iterdir()) if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
        else:
            out.append((None, path))
    return out


def read_surveys(
    given: Sequence[str], model: Ruleset, readers: Mapping[str, TableReader] | None = None
) -> tuple[dict[str, SurveyData], list[Diagnostic]]:
    """Read and check every survey data file ``--surveys`` names; the surveys whose data has no
    error, in the ruleset's order. Raises ``InputUnreadable`` for a file that cannot be read."""
    surveys = {s.id: s for s in model.surveys}
    found: dict[str, SurveyData] = {}
    out: list[Diagnostic] = []
    files = survey_files(given)
    if given and not files:
        out.append(make("Q002", "no survey data files (.yaml, .yml, .json) in this folder", Position(str(given[0]))))
    for name, path in files:
        problems: list[Diagnostic] = []
        if name is not None:
            data = _named_rows(name, path, surveys, readers, problems)
        else:
            data = _data_file(path, surveys, readers, problems)
        out.extend(problems)
        if data is None or any(d.severity is Severity.ERROR for d in problems):
            continue
        if data.survey in found:
            first = found[data.survey].files[0]
            out.append(
                make(
                    "Q007",
                    f"survey '{data.survey}' is given twice (first in {first})",
                    data.position,
                    "give each survey's data once",
                )
            )
            continue
        found[data.survey] = data
    order = [s.id for s in model.surveys]
    return {sid: found[sid] for sid in order if sid in found}, out


def _unknown_survey(name: str, surveys: Mapping[str, Survey], position: Position) -> Diagnostic:
    hint = did_you_mean(name, set(surveys)) or (
        f"the ruleset's surveys: {', '.join(surveys)}" if surveys else "the ruleset declares no surveys"
    )
    return make("Q001", f"'{name}' is not a survey of this ruleset", position, hint)


def _named_rows(
    name: str,
    path: Path,
    surveys: Mapping[str, Survey],
    readers: Mapping[str, TableReader] | None,
    out: list[Diagnostic],
) -> SurveyData | None:
    """``NAME=FILE``: respondent rows of survey NAME, with nothing known of how many were sent."""
    where = Position("--surveys")
    if name not in surveys:
        out.append(_unknown_survey(name, surveys, where))
        return None
    rows = _rows(path, str(path), surveys[name], readers, out)
    if rows is None:
        return None
    returned, counts = rows
    return SurveyData(name, "responses", [path], returned, None, counts, None, Position(str(path)))


def _data_file(
    path: Path, surveys: Mapping[str, Survey], readers: Mapping[str, TableReader] | None, out: list[Diagnostic]
) -> SurveyData | None:
    name = str(path)
    if path.suffix.lower() in ROW_SUFFIXES:
        out.append(
            make(
                "Q002",
                "a file of respondent rows needs its survey's name",
                Position(name),
                f"give it as NAME={name}, or name it under 'responses' in a survey data file",
            )
        )
        return None
    try:
        doc = load_yaml(path, name)
    except InputUnreadable as exc:
        d = exc.diagnostic
        raise InputUnreadable(make("D009", d.message, d.position, d.hint) if d.code != "Y001" else d) from None
    out.extend(doc.diagnostics)
    if doc.data is None:
        if not doc.diagnostics:
            out.append(make("Q002", "the survey data file is empty", Position(name, 1, 1)))
        return None
    problems = validate(doc.data, "survey-data.schema.json", doc.source_map)
    out.extend(make("Q002", d.message, d.position, d.hint) for d in problems)
    if problems:
        return None
    return _check_document(doc.data, doc.source_map, path, surveys, readers, out)


def _check_document(
    data: dict[str, Any],
    source_map: SourceMap,
    path: Path,
    surveys: Mapping[str, Survey],
    readers: Mapping[str, TableReader] | None,
    out: list[Diagnostic],
) -> SurveyData | None:
    sid = data["survey"]
    at_survey = source_map.value(("survey",))
    if sid not in surveys:
        out.append(_unknown_survey(sid, surveys, at_survey))
        return None
    survey = surveys[sid]
    answers, responses = data.get("answers"), data.get("responses")
    sent, returned = data.get("sent"), data.get("returned")
    if (answers is None) == (responses is None):
        out.append(
            make(
                "Q002",
                "give the answers as counts ('answers') or as respondent rows ('responses'), not "
                + ("both" if answers is not None else "neither"),
                at_survey,
            )
        )
        return None
    files = [path]
    if answers is not None:
        if returned is None:
            out.append(make("Q002", "answer counts need 'returned': how many questionnaires came back", at_survey))
            return None
        counts = _check_counts(answers, source_map, survey, returned, out)
        kind = "counts"
    else:
        rows_path = path.parent / str(responses)
        rows = _rows(rows_path, str(rows_path), survey, readers, out)
        if rows is None:
            return None
        files.append(rows_path)
        in_rows, counts = rows
        if returned is not None and returned != in_rows:
            out.append(
                make(
                    "Q006",
                    f"'returned' is {returned} but {rows_path} has {in_rows} respondent rows",
                    source_map.value(("returned",)),
                    "each returned questionnaire is one row; correct the count or the rows",
                )
            )
        returned = in_rows if returned is None else returned
        kind = "responses"
    if sent is not None and returned > sent:
        at = source_map.value(("returned",)) if "returned" in data else at_survey
        out.append(
            make(
                "Q005",
                f"{returned} questionnaires returned but only {sent} sent",
                at,
                "correct 'sent' or 'returned' (leave 'sent' out if it is not known)",
            )
        )
    return SurveyData(sid, kind, files, returned, sent, counts, data.get("note"), at_survey)


def _check_counts(
    answers: dict[str, dict[str, int]],
    source_map: SourceMap,
    survey: Survey,
    returned: int,
    out: list[Diagnostic],
) -> dict[str, dict[str, int]]:
    """Answer counts: every question and answer of the survey, and no more answers than returns."""
    questions = {q.id: q for q in survey.questions}
    counts: dict[str, dict[str, int]] = {}
    for qid, given in answers.items():
        if qid not in questions:
            out.append(_unknown_question(qid, survey, source_map.key(("answers", qid))))
            continue
        question = questions[qid]
        scale = question.answer_ids()
        checked = {a: 0 for a in scale}
        for answer, count in given.items():
            if answer not in scale:
                out.append(_invalid_answer(answer, question, survey, source_map.key(("answers", qid, answer))))
                continue
            checked[answer] = count
        total = sum(checked.values())
        if total > returned:
            out.append(
                make(
                    "Q006",
                    f"the answers to {qid} add up to {total}, more than the {returned} questionnaires returned",
                    source_map.key(("answers", qid)),
                    "each respondent gives at most one answer; a blank is counted by giving fewer",
                )
            )
        counts[qid] = checked
    _not_given(survey, set(counts), set(answers) - set(questions), source_map.key(("answers",)), out)
    return counts


def _not_given(survey: Survey, given: set[str], unknown: set[str], where: Position, out: list[Diagnostic]) -> None:
    """A question the data leaves out is a warning (its indicators are not given), unless the
    data names an unknown question: that error is probably the same question misspelt."""
    missing = [q.id for q in survey.questions if q.id not in given]
    if missing and not unknown:
        out.append(
            make(
                "Q008",
                f"survey '{survey.id}': no answers given for {', '.join(missing)}",
                where,
                "its indicators are reported as not given; add the question's answers to report them",
            )
        )


def _unknown_question(qid: str, survey: Survey, where: Position) -> Diagnostic:
    known = [q.id for q in survey.questions]
    hint = did_you_mean(qid, set(known)) or f"questions of {survey.id}: {', '.join(known)}"
    return make("Q003", f"'{qid}' is not a question of survey '{survey.id}'", where, hint)


def _invalid_answer(answer: str, question: SurveyQuestion, survey: Survey, where: Position) -> Diagnostic:
    scale = question.answer_ids()
    hint = did_you_mean(answer, set(scale)) or f"the answers are: {', '.join(scale)}"
    return make("Q004", f"'{answer}' is not an answer of {survey.id} question {question.id}", where, hint)


def _rows(
    path: Path,
    name: str,
    survey: Survey,
    readers: Mapping[str, TableReader] | None,
    out: list[Diagnostic],
) -> tuple[int, dict[str, dict[str, int]]] | None:
    """Respondent rows, read as a case file is, then checked cell by cell: (rows, counts)."""
    if path.suffix.lower() not in ROW_SUFFIXES and not (readers and path.suffix.lower() in readers):
        out.append(
            make(
                "D009",
                f"cannot read '{path.suffix}' files as respondent rows",
                Position(name),
                hint="use a .csv or .xlsx file, one row per respondent",
            )
        )
        return None
    table = read_table(path, name, {k: v for k, v in (readers or {}).items() if k in ROW_SUFFIXES} or None)
    out.extend(table.diagnostics)
    if not table.header:
        return None
    return _check_rows(table, survey, out)


def _check_rows(table: RawTable, survey: Survey, out: list[Diagnostic]) -> tuple[int, dict[str, dict[str, int]]] | None:
    questions = {q.id: q for q in survey.questions}
    columns: dict[str, int] = {}
    unknown: set[str] = set()
    id_column: int | None = None
    for index, title in enumerate(table.header):
        where = table.header_positions[index]
        if title == RESPONDENT_ID:
            id_column = index
        elif title in questions:
            if title in columns:
                out.append(make("Q007", f"column '{title}' appears twice", where, "keep one of them"))
            columns[title] = index
        else:
            unknown.add(title)
            out.append(_unknown_question(title, survey, where))
    if id_column is None:
        out.append(
            make(
                "Q002",
                f"no '{RESPONDENT_ID}' column",
                Position(table.file, table.header_positions[0].line if table.header_positions else 1, 1),
                f"the first column should be '{RESPONDENT_ID}', one id per returned questionnaire",
            )
        )
    counts = {qid: {a: 0 for a in questions[qid].answer_ids()} for qid in columns}
    seen: dict[str, int] = {}
    for r, row in enumerate(table.rows):
        if id_column is not None:
            raw = row[id_column]
            where = table.cell_position(r, id_column)
            if raw is None:
                out.append(make("Q002", "this respondent has no id", where, f"give every row a {RESPONDENT_ID}"))
            else:
                rid = str(raw)
                if rid in seen:
                    out.append(
                        make(
                            "Q007",
                            f"respondent '{rid}' appears twice (first at row {seen[rid]})",
                            where,
                            "each returned questionnaire is one row",
                        )
                    )
                else:
                    seen[rid] = where.line
        for qid, index in columns.items():
            cell = row[index]
            if cell is None:
                continue  # left blank: not counted in the question's shares
            answer = str(cell).strip()
            if answer not in counts[qid]:
                out.append(_invalid_answer(answer, questions[qid], survey, table.cell_position(r, index)))
                continue
            counts[qid][answer] += 1
    _not_given(survey, set(columns), unknown, Position(table.file, 1, 1), out)
    if any(d.severity is Severity.ERROR for d in out):
        return None
    return len(table.rows), counts
