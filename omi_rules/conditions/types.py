"""Types of the condition language and the environment a condition is checked in.

A type's ``str()`` includes its article ("a whole number"), so messages read naturally.

A condition is checked against an ``Env``: the names it may use (declared case fields, or
``total`` in judgement rules) and the functions it may call (``answer``, ``thread``, ...). The
same checker serves relevance conditions, sample minimums, judgement rules and decisions; only
the environment differs. Plugins will add functions by adding ``Function`` entries.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BoolT:
    def __str__(self) -> str:
        return "a true/false value"


@dataclass(frozen=True)
class NumberT:
    integer: bool = False

    def __str__(self) -> str:
        return "a whole number" if self.integer else "a number"


@dataclass(frozen=True)
class EnumT:
    """Values of an enum field or an answer scale; ``ordered`` allows < and >."""

    name: str
    values: tuple[str, ...]
    ordered: bool = False

    def __str__(self) -> str:
        kind = "an ordered value" if self.ordered else "a value"
        return f"{kind} of {self.name}"


@dataclass(frozen=True)
class DateT:
    def __str__(self) -> str:
        return "a date"


@dataclass(frozen=True)
class StringT:
    def __str__(self) -> str:
        return "a text"


@dataclass(frozen=True)
class LiteralStrT:
    """A quoted literal before it meets the value it is compared with."""

    value: str

    def __str__(self) -> str:
        return f"the text '{self.value}'"


@dataclass(frozen=True)
class ListT:
    """A list literal (right-hand side of ``in``)."""

    def __str__(self) -> str:
        return "a list"


@dataclass(frozen=True)
class SelectionT:
    """The values of several criteria (or threads, sections...) at once: what
    ``rating('section:2')`` or ``points(['2.1', '2.2'])`` gives. It can only be compared with one
    fixed value (member by member) or reduced with ``count``, ``sum``, ``min``, ``max``,
    ``mean``, ``all`` or ``any``; it is never true or false by itself."""

    item: BoolT | NumberT | EnumT | DateT | StringT
    """The type of each member's value."""
    ids: tuple[str, ...]
    """The members, in ruleset order."""

    def __str__(self) -> str:
        return f"a selection of {len(self.ids)} values ({self.item} each)"


Type = BoolT | NumberT | EnumT | DateT | StringT | LiteralStrT | ListT | SelectionT


@dataclass(frozen=True)
class Function:
    """A function a condition may call with one quoted id: ``answer('1.2.3')``.

    ``ids`` are the valid arguments (``None``: any); ``returns`` gives the result type for a
    valid argument. ``kind`` names what the argument is, for messages ("question", "thread").

    ``groups`` makes the function selectable: it may then also be called with a list of ids
    (``points(['2.1', '2.2'])``) or a named group (``rating('section:2')``, ``rating('tag:x')``,
    the keys of ``groups``), and gives a ``SelectionT`` of the members' values. ``None``: one
    id only (``answer``, the relevance functions: a case has no selections).
    """

    name: str
    kind: str
    returns: Callable[[str], Type]
    ids: Collection[str] | None = None
    description: str = ""
    groups: Mapping[str, tuple[str, ...]] | None = None


@dataclass
class Env:
    """What a condition may refer to."""

    names: dict[str, Type] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    context: str = "condition"
    """Where the condition is, for messages: "relevance condition", "decision", ..."""
