"""The syntax tree of the condition language.

Our own small node set, not Python's ``ast``: the parser translates a whitelisted subset of
Python syntax into these nodes, so nothing downstream can ever meet a construct we did not
decide to support. Every node keeps its character span in the expression text, which is how
diagnostics point at the exact token inside a YAML string.
"""

from __future__ import annotations

from dataclasses import dataclass

Scalar = str | int | float | bool


@dataclass(frozen=True, eq=False)
class Node:
    """Base node; ``start``/``end`` are character offsets into the expression text."""

    start: int
    end: int


@dataclass(frozen=True, eq=False)
class Const(Node):
    """A literal: text in quotes, a number, or true/false."""

    value: Scalar


@dataclass(frozen=True, eq=False)
class ListLit(Node):
    """A list of literals, the right-hand side of ``in``."""

    items: tuple[Const, ...]


@dataclass(frozen=True, eq=False)
class Name(Node):
    """A declared case field (or, in judgement rules, ``total``)."""

    id: str


@dataclass(frozen=True, eq=False)
class Call(Node):
    """A registered function applied to one quoted id, e.g. ``answer('1.2.3')``, or to a list
    of ids (``items``; ``arg`` is then the list as written), e.g. ``points(['2.1', '2.2'])``."""

    func: str
    arg: str
    arg_start: int
    arg_end: int
    items: tuple[str, ...] | None = None


AGGREGATES = {
    "count": "rating('section:2') == 'inadequate'",
    "sum": "points('section:2')",
    "min": "rating('section:2')",
    "max": "criterion('section:1')",
    "mean": "criterion('section:1')",
    "all": "rating('section:2') >= 'good'",
    "any": "rating('section:2') == 'inadequate'",
}
"""The functions that reduce a selection to one value (their argument is an expression), each
with an example argument for messages."""


@dataclass(frozen=True, eq=False)
class Aggregate(Node):
    """``count(...)``, ``sum(...)``, ``min(...)``... over a selection, e.g.
    ``count(rating('section:2') == 'inadequate')``."""

    func: str
    operand: Node


@dataclass(frozen=True, eq=False)
class Not(Node):
    operand: Node


@dataclass(frozen=True, eq=False)
class BoolOp(Node):
    """``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Compare(Node):
    """One comparison; the parser turns ``a < b < c`` into ``a < b and b < c``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class Arith(Node):
    """``+ - * /`` on numbers."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class Neg(Node):
    operand: Node


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of ``node`` (used by walkers that need no per-type code)."""
    if isinstance(node, Not | Neg | Aggregate):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, Compare | Arith):
        return (node.left, node.right)
    if isinstance(node, ListLit):
        return node.items
    return ()


def walk(node: Node) -> list[Node]:
    """All nodes of the tree, parents before children."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children(current)))
    return out
