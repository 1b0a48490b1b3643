"""Phrases for the relations, numbers and judgement counts inside a condition: the tables and
small builders ``english`` uses to word a comparison ("is 3 or more", "at least 80% of the
specific criteria are judged met")."""

from __future__ import annotations

from omi_rules.conditions import nodes as n
from omi_rules.handbook.words import either_words, fraction_percent, number_words, value_words

NUMBER_WORDS = {
    "==": "is {}",
    "!=": "is not {}",
    ">=": "is {} or more",
    ">": "is more than {}",
    "<=": "is {} or less",
    "<": "is less than {}",
}
PERCENT_WORDS = {
    "==": "is exactly {}",
    "!=": "is not {}",
    ">=": "is {} or more",
    ">": "is above {}",
    "<=": "is {} or less",
    "<": "is below {}",
}
DATE_WORDS = {
    "==": "is {}",
    "!=": "is not {}",
    ">=": "is on or after {}",
    ">": "is after {}",
    "<=": "is on or before {}",
    "<": "is before {}",
}
NUMBER_RELATIONS = {
    "==": "is equal to",
    "!=": "is not equal to",
    ">=": "is at least",
    ">": "is more than",
    "<=": "is at most",
    "<": "is less than",
}
DATE_RELATIONS = {
    "==": "is the same date as",
    "!=": "is not the same date as",
    ">=": "is on or after",
    ">": "is after",
    "<=": "is on or before",
    "<": "is before",
}
ORDER_RELATIONS = {
    "==": "is the same as",
    "!=": "is different from",
    ">=": "is at least as high as",
    ">": "is higher than",
    "<=": "is at most as high as",
    "<": "is lower than",
}
EQUAL_RELATIONS = {"==": "is the same as", "!=": "is different from"}


def scalar_words(value: n.Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_words(value)
    return f"“{value}”"


def score_words(value: n.Scalar) -> str:
    """A literal compared with a percentage score: ``60%``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{number_words(value)}%"
    return scalar_words(value)


def judged_words(judgements: tuple[str, ...] | None) -> str:
    """`` judged met or partly met`` (empty for ``total``: every judged criterion)."""
    return f" judged {either_words([value_words(j) for j in judgements])}" if judgements else " judged"


def criteria_words(count: int | str, judgements: tuple[str, ...] | None) -> str:
    """``one specific criterion is judged met`` / ``3 specific criteria are judged met``."""
    if count in (1, "one"):
        return f"one specific criterion is{judged_words(judgements)}"
    return f"{count} specific criteria are{judged_words(judgements)}"


def count_clause(judgements: tuple[str, ...] | None, op: str, k: int) -> str:
    """A count of judgements compared with a whole number, said as a quantity of criteria.

    ``n('met') > 0`` is "at least one specific criterion is judged met": strict comparisons
    of whole counts become inclusive ones, which is how people say them.
    """
    if op == ">":
        op, k = ">=", k + 1
    elif op == "<" and k > 0:
        op, k = "<=", k - 1
    number: int | str = "one" if k == 1 else k
    if k == 0 and op in ("==", "<="):
        return f"no specific criterion is{judged_words(judgements)}"
    if op == "==":
        return f"exactly {criteria_words(number, judgements)}"
    if op == "!=" and k == 0:
        return f"at least {criteria_words('one', judgements)}"
    if op == ">=":
        return f"at least {criteria_words(number, judgements)}"
    if op == "<=":
        return f"at most {criteria_words(number, judgements)}"
    if op == "<":
        return f"fewer than {criteria_words(number, judgements)}"
    return f"the number of specific criteria{judged_words(judgements)} is not {k}"


def share_clause(judgements: tuple[str, ...] | None, op: str, share: float | int) -> str:
    """A share of judgements compared with a fraction: "at least 80% of the specific criteria
    are judged met"; 0 and 1 become "no" / "every" where that is what they mean."""
    judged = judged_words(judgements)
    if (op == "==" and share == 0) or (op == "<=" and share == 0):
        return f"no specific criterion is{judged}"
    if (op == "==" and share == 1) or (op == ">=" and share == 1):
        return f"every specific criterion is{judged}"
    if op == ">" and share == 0:
        return f"at least one specific criterion is{judged}"
    quantity = {
        "==": "exactly",
        ">=": "at least",
        ">": "more than",
        "<=": "at most",
        "<": "less than",
    }.get(op)
    if quantity is None:
        return f"the share of specific criteria{judged} is not {fraction_percent(share)}"
    return f"{quantity} {fraction_percent(share)} of the specific criteria are{judged}"


# --------------------------------------------------------------------------- public functions
