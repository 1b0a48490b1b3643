"""Render diagnostics for people (source line and caret), for programs (JSON) and for GitHub
workflow annotations.

Formats follow the habits of compilers and linters (``file:line:col: error[CODE]: message``),
which editors and CI systems already know how to turn into clickable locations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from omi_rules.diagnostics import Diagnostic, Severity, counted, tally
from omi_rules.diagnostics.codes import CODES


def _name(d: Diagnostic) -> str:
    return d.name or (CODES[d.code].name if d.code in CODES else "plugin-rule")


def human(diagnostics: Sequence[Diagnostic], files: Mapping[str, list[str]], color: bool = False) -> str:
    """Compiler-style text: location, severity, code, message, the source line with a caret."""
    out: list[str] = []
    for d in diagnostics:
        level = d.severity.value
        if color:
            level = f"\x1b[1;31m{level}\x1b[0m" if d.severity is Severity.ERROR else f"\x1b[1;33m{level}\x1b[0m"
        out.append(f"{d.position}: {level}[{d.code}]: {d.message}")
        lines = files.get(d.position.file)
        if lines and 0 < d.position.line <= len(lines):
            text = lines[d.position.line - 1].expandtabs(1)
            number = str(d.position.line)
            pad = " " * len(number)
            width = max(1, min(d.span, len(text) - d.position.col + 1))
            out.append(f" {number} | {text}")
            out.append(f" {pad} | {' ' * max(d.position.col - 1, 0)}{'^' * width}")
        if d.hint:
            out.append(f"   = hint: {d.hint}")
    return "\n".join(out)


def summary(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    """The last line of ``check``: how many rulesets, and every finding counted."""
    what = f"{checked} ruleset" + ("s" if checked != 1 else "")
    if not diagnostics:
        return f"{what} checked: no problems found"
    return f"{what} checked: {counted(*tally(diagnostics))}"


def as_json(diagnostics: Sequence[Diagnostic], checked: int, every: Sequence[Diagnostic] | None = None) -> str:
    """Stable machine-readable output (keys sorted, one document). ``diagnostics`` are those
    shown (capped: see ``caps``); the summary counts ``every`` finding when given."""
    items = [
        {
            "code": d.code,
            "name": _name(d),
            "severity": d.severity.value,
            "message": d.message,
            "file": d.position.file,
            "line": d.position.line,
            "column": d.position.col,
            "hint": d.hint,
            **({"count": d.count} if d.count != 1 else {}),
        }
        for d in diagnostics
    ]
    errors, warnings = tally(diagnostics if every is None else every)
    body = {
        "diagnostics": items,
        "summary": {"rulesets": checked, "errors": errors, "warnings": warnings},
    }
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""
    out = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(d.position.file)}"]
        if d.position.line:
            props.append(f"line={d.position.line}")
            props.append(f"col={d.position.col}")
        props.append(f"title={_escape_property(d.code + ' ' + _name(d))}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        out.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(out)
