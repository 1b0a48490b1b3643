"""Small wording helpers for the handbook: values, lists, numbers, dates and question texts
turned into words that read naturally inside a sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

from omi_rules.conditions.checker import parse_date

SHORT_QUESTION = 90
"""Longest question text quoted inside a condition; longer ones are cut at a word."""


def tidy(text: str) -> str:
    """Ruleset text made fit to sit inside a sentence: one line, typographic quotes.

    Straight quotes are the condition language's string delimiters; with apostrophes turned
    into ’ (and 'quoted words' into ‘quoted words’), a straight quote in the handbook's
    English can only ever be leaked syntax.
    """
    text = " ".join(text.split())
    text = re.sub(r"(?<=\w)'", "’", text)  # apostrophes and closing quotes after a word
    text = re.sub(r"'(?=\w)", "‘", text)  # opening quotes before a word
    return text.replace("'", "’")


def value_words(value: str) -> str:
    """A value id as words: ``very_high`` -> ``very high``."""
    return value.replace("_", " ")


def either_words(items: Sequence[str], word: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def neither_words(items: Sequence[str]) -> str:
    """``not a``, ``neither a nor b``, ``none of a, b or c``."""
    if len(items) == 1:
        return f"not {items[0]}"
    if len(items) == 2:
        return f"neither {items[0]} nor {items[1]}"
    return f"none of {either_words(items)}"


def number_words(value: float | int) -> str:
    """A number as written in prose: no trailing ``.0``, no exponent."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)).normalize(), "f")


def fraction_percent(fraction: float | int) -> str:
    """A share (0.8) as a percentage (80%), computed in decimal so 0.29 is 29%, not 28.999…%."""
    return format((Decimal(repr(fraction)) * 100).normalize(), "f") + "%"


def date_words(text: str) -> str:
    """``2008-01-31`` as ``31 January 2008`` (the text itself if it is not a date)."""
    day = parse_date(text)
    return f"{day.day} {day.strftime('%B')} {day.year}" if isinstance(day, dt.date) else text


def short_question(text: str) -> str:
    """A question's text short enough to quote inside a condition.

    Examples in brackets ("(e.g. curfew, exclusion ...)") are dropped first, as they add the
    most length and the least meaning; what is still too long is cut at a word with "…".
    """
    text = re.sub(r"\s*\((?:e\.g\.|eg|i\.e\.|for example)[^()]*\)", "", text)
    text = tidy(text)
    if len(text) > SHORT_QUESTION:
        text = text[:SHORT_QUESTION].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def acronym(value: str, description: str) -> str | None:
    """``SDR`` for value ``sdr`` described as "Standard delivery report ...", else None.

    Value ids must be lower case, so an abbreviation loses its capitals; the description
    proves it is one (its first words' initials spell the id) and restores them.
    """
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", description)[: len(value)]).lower()
    return value.upper() if 2 <= len(value) <= 5 and value.isalpha() and initials == value else None


def has_outer_comma(text: str) -> bool:
    """Whether ``text`` has a comma outside brackets (commas inside a quoted question don't
    confuse the reader about grouping, so they don't count)."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            return True
    return False


def join(parts: Sequence[str], word: str, compound: bool) -> str:
    """Join clauses with ``and``/``or``, with commas or, if a clause has its own commas,
    semicolons; compound clauses ("either ... or ...") always get a separator before the word
    so the reader sees where each group ends."""
    separator = "; " if any(has_outer_comma(p) for p in parts) else ", "
    if len(parts) == 2 and not compound and separator == ", ":
        return f"{parts[0]} {word} {parts[1]}"
    if not compound and separator == ", ":
        return f"{separator.join(parts[:-1])} {word} {parts[-1]}"
    return f"{separator.join(parts[:-1])}{separator}{word} {parts[-1]}"
