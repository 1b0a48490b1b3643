"""The catalogue of diagnostic codes.

Codes are stable: once released, a code keeps its meaning (retire it rather than reuse it).
``docs/diagnostics.md`` documents every code here, and ``tests/test_codes_documented.py`` and
the broken-fixture tests fail if a code lacks documentation or a fixture.

Prefixes: ``Y`` reading YAML files, ``S`` the JSON Schema, ``R`` the ruleset's meaning
(references, weights, bands, ...), ``C`` conditions, ``D`` case data, ``J`` section 4
judgements, ``Q`` survey (questionnaire) data, ``T`` ruleset tests, ``E`` changing a value with
``omi-rules set`` (``omi_rules.edit``), ``L`` the limits on the work one run does
(``omi_rules.diagnostics.caps``), ``U`` how sure a score is: intervals (``score --uncertainty``)
and sample planning (``plan``).
"""

from __future__ import annotations

from dataclasses import dataclass

from omi_rules.diagnostics import Diagnostic, Position, Severity


@dataclass(frozen=True)
class Code:
    """A diagnostic code: its short name, default severity and whether it makes input unreadable."""

    code: str
    name: str
    severity: Severity = Severity.ERROR
    unreadable: bool = False
    """True when the input could not be read at all; ``check`` then exits with 2."""
    retired: bool = False
    """No longer reported (kept so the code is never reused with another meaning)."""


_E = Severity.ERROR
_W = Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # -- reading files
        Code("Y001", "file-not-found", unreadable=True),
        Code("Y002", "not-utf8-text", unreadable=True),
        Code("Y003", "file-too-large", unreadable=True),
        Code("Y004", "yaml-syntax"),
        Code("Y005", "tab-indentation"),
        Code("Y006", "duplicate-key"),
        Code("Y007", "alias-expansion-limit"),
        Code("Y008", "nesting-too-deep"),
        Code("Y009", "empty-document"),
        Code("Y010", "multiple-documents"),
        Code("Y011", "unsupported-yaml"),
        Code("Y012", "include-problem"),
        # -- JSON Schema
        Code("S001", "unknown-key"),
        Code("S002", "missing-key"),
        Code("S003", "wrong-type"),
        Code("S004", "invalid-value"),
        # -- meaning
        Code("R001", "duplicate-id"),
        Code("R002", "unknown-reference"),
        Code("R003", "weights-not-one"),
        Code("R004", "band-gap"),
        Code("R005", "band-overlap"),
        Code("R006", "band-range"),
        Code("R007", "summary-question-count"),
        Code("R008", "thread-selects-nothing"),
        Code("R009", "scale-conflict"),
        Code("R010", "outcome-order"),
        Code("R011", "invalid-date"),
        Code("R012", "changelog-version", _W),
        Code("R013", "stratum-mismatch"),
        Code("R014", "field-range"),
        Code("R015", "no-grading-rule"),
        Code("R016", "extends-unsupported", _W, retired=True),
        Code("R017", "no-individual-questions"),
        Code("R018", "duplicate-value"),
        Code("R019", "unused-definition", _W),
        Code("R020", "sample-size"),
        Code("R021", "plugin-missing"),
        Code("R022", "plugin-version"),
        Code("R023", "plugin-rule-failed", _W),
        Code("R024", "plugin-section-config"),
        Code("R025", "extends-not-found"),
        Code("R026", "override-conflict"),
        Code("R027", "rating-structure"),
        Code("R028", "weight-unused", _W),
        Code("R029", "basis-undeclared", _W),
        # -- conditions
        Code("C001", "condition-syntax"),
        Code("C002", "condition-construct"),
        Code("C003", "unknown-name"),
        Code("C004", "unknown-value"),
        Code("C005", "type-mismatch"),
        Code("C006", "unknown-reference-in-condition"),
        Code("C007", "relevance-cycle"),
        Code("C008", "condition-too-large"),
        Code("C009", "never-true", _W),
        Code("C010", "bad-call"),
        # -- case data
        Code("D001", "unknown-column"),
        Code("D002", "missing-column"),
        Code("D003", "invalid-field-value"),
        Code("D004", "invalid-answer"),
        Code("D005", "duplicate-case-id"),
        Code("D006", "answer-not-relevant", _W),
        Code("D007", "relevant-unanswered"),
        Code("D008", "empty-data"),
        Code("D009", "unreadable-data", unreadable=True),
        Code("D010", "ragged-row"),
        Code("D011", "missing-case-id"),
        Code("D012", "malformed-data"),
        Code("D013", "sample-requirement", _W),
        Code("D014", "workbook-version", _W),
        Code("D015", "judgements-sheet-ignored", _W),
        # -- section 4 judgements
        Code("J001", "unknown-criterion"),
        Code("J002", "unknown-specific-criterion"),
        Code("J003", "invalid-judgement"),
        Code("J004", "missing-judgement", _W),
        Code("J005", "malformed-judgements"),
        Code("J006", "not-rateable"),
        Code("J007", "not-rated"),
        # -- survey (questionnaire) data
        Code("Q001", "unknown-survey"),
        Code("Q002", "malformed-survey-data"),
        Code("Q003", "unknown-survey-question"),
        Code("Q004", "invalid-survey-answer"),
        Code("Q005", "returned-exceeds-sent"),
        Code("Q006", "survey-counts-disagree"),
        Code("Q007", "duplicate-survey-data"),
        Code("Q008", "survey-question-not-given", _W),
        Code("Q009", "survey-figure-missing"),
        # -- ruleset tests
        Code("T001", "malformed-test-file"),
        Code("T002", "test-failed"),
        # -- changing a value (omi-rules get / set, omi_rules.edit)
        Code("E001", "path-not-found"),
        Code("E002", "path-into-value"),
        Code("E003", "invalid-new-value"),
        Code("E004", "not-editable-here"),
        Code("E005", "layout-rewritten", _W),
        Code("E006", "cannot-save", unreadable=True),
        # -- limits on the work of one run (omi_rules.diagnostics.caps)
        Code("L001", "more-findings"),
        Code("L002", "validation-stopped"),
        # -- how sure a score is (score --uncertainty, plan)
        Code("U001", "invalid-precision-option", unreadable=True),
        Code("U002", "caseload-below-sample"),
        Code("U003", "no-past-judgements", _W),
        Code("U004", "margin-beyond-caseload", _W),
    ]
}


def make(
    code: str,
    message: str,
    position: Position,
    hint: str | None = None,
    span: int = 1,
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic with the code's default severity (unknown codes are a bug)."""
    entry = CODES[code]
    return Diagnostic(
        code=code,
        message=message,
        position=position,
        severity=severity or entry.severity,
        hint=hint,
        span=max(1, span),
    )
