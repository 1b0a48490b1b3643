"""'Did you mean' hints for misspelt names: keys, ids, fields, values, functions.

Every stage offers them (the schema, the checks, conditions, case data), so they live at the
bottom, with the diagnostics they are part of.
"""

from __future__ import annotations

import difflib


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """A "did you mean" hint for a misspelling, or None when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return f"did you mean '{matches[0]}'?" if matches else None
