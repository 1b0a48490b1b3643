"""Parse condition text into ``omi_rules.conditions.nodes``.

Python's own parser reads the text (so the syntax is exactly what the BRIEF promises: written
like a ``pandas.DataFrame.query`` string), then a whitelist translates the parts we support.
Anything else -- attributes, subscripts, lambdas, comprehensions, calls with keyword arguments
-- is refused here, before any checking or evaluation. Nothing is ever passed to eval/exec.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from omi_rules.conditions import nodes as n

MAX_LENGTH = 2000
"""Longest condition text accepted (also enforced by the JSON Schema)."""
MAX_NODES = 300
"""Most syntax nodes in one condition."""
MAX_DEPTH = 30
"""Deepest nesting of sub-expressions."""

_CMP_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ARITH_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_BOOL_NAMES = {"true": True, "false": False, "True": True, "False": False}

_CONSTRUCT_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]' after a value)",
    ast.Lambda: "lambda",
    ast.IfExp: "'if ... else' expressions",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.Dict: "dictionaries",
    ast.Set: "sets ('{...}')",
    ast.NamedExpr: "assignment (':=')",
    ast.Starred: "'*' unpacking",
    ast.JoinedStr: "f-strings",
    ast.Await: "await",
    ast.Yield: "yield",
}


@dataclass(frozen=True)
class ParseError:
    """A problem found while parsing; ``code`` is C001, C002 or C008."""

    code: str
    message: str
    start: int
    end: int
    hint: str | None = None


class _Refused(Exception):
    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


def parse(text: str) -> n.Node | ParseError:
    """Parse ``text``; returns the tree or the first problem found."""
    if len(text) > MAX_LENGTH:
        return ParseError("C008", f"condition is {len(text)} characters long; the limit is {MAX_LENGTH}", 0, 1)
    if not text.strip():
        return ParseError("C001", "condition is empty", 0, 1, "write a condition, e.g. sentence == 'custody'")
    # Newlines (from folded YAML) become spaces so offsets stay one character per character.
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    lead = len(flat) - len(flat.lstrip())
    body = flat.strip()
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        error = _syntax_error(body, exc)
        return ParseError(error.code, error.message, error.start + lead, error.end + lead, error.hint)
    except (ValueError, RecursionError, MemoryError) as exc:
        return ParseError("C008", f"condition cannot be read: {exc}", 0, 1)
    translator = _Translator(body, lead, flat)
    try:
        node = translator.translate(tree.body, 0)
    except _Refused as refused:
        return refused.error
    except RecursionError:
        return ParseError("C008", f"condition is nested more than {MAX_DEPTH} levels deep", 0, 1)
    return node


def _syntax_error(text: str, exc: SyntaxError) -> ParseError:
    col = max((exc.offset or 1) - 1, 0)
    col = min(col, max(len(text) - 1, 0))
    hint: str | None = None
    if "&&" in text or "||" in text:
        hint = "use 'and' / 'or' instead of '&&' / '||'"
        col = min(i for i in (text.find("&&"), text.find("||")) if i >= 0)
    elif "=" in text and "==" not in text and not any(op in text for op in ("<=", ">=", "!=")):
        hint = "use '==' to compare ('=' alone is not allowed)"
    elif text.count("'") % 2 or text.count('"') % 2:
        hint = "a quote is not closed"
    elif text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        hint = "brackets are not balanced"
    message = exc.msg or "invalid syntax"
    if "too many nested" in message:
        return ParseError("C008", f"condition is nested more than {MAX_DEPTH} levels deep", col, col + 1)
    return ParseError("C001", f"condition is not valid: {message}", col, col + 1, hint)


class _Translator:
    """Translates whitelisted Python AST nodes into our nodes, counting size and depth."""

    def __init__(self, text: str, lead: int, flat: str) -> None:
        self.encoded = text.encode("utf-8")
        self.lead = lead
        self.flat = flat
        self.count = 0

    def between(self, left: n.Node | ast.AST, right: n.Node | ast.AST) -> tuple[int, int]:
        """Span of the operator written between two operands (first non-space characters)."""
        left_end = left.end if isinstance(left, n.Node) else self.span(left)[1]
        right_start = right.start if isinstance(right, n.Node) else self.span(right)[0]
        segment = self.flat[left_end:right_start]
        token = segment.strip()
        if not token:
            return left_end, left_end + 1
        start = left_end + segment.index(token)
        return start, start + len(token)

    def offset(self, byte_offset: int | None) -> int:
        """Python reports UTF-8 byte offsets; diagnostics need character offsets."""
        if byte_offset is None:
            return self.lead
        return self.lead + len(self.encoded[:byte_offset].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(getattr(node, "col_offset", 0))
        end = self.offset(getattr(node, "end_col_offset", None) or getattr(node, "col_offset", 0))
        return start, max(end, start + 1)

    def refuse(self, node: ast.AST, code: str, message: str, hint: str | None = None) -> _Refused:
        start, end = self.span(node)
        return _Refused(ParseError(code, message, start, end, hint))

    def translate(self, node: ast.AST, depth: int) -> n.Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(
                ParseError("C008", f"condition has more than {MAX_NODES} parts; split it", self.lead, len(self.flat))
            )
        if depth > MAX_DEPTH:
            raise self.refuse(node, "C008", f"condition is nested more than {MAX_DEPTH} levels deep")
        start, end = self.span(node)
        d = depth + 1
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return n.BoolOp(start, end, op, tuple(self.translate(v, d) for v in node.values))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return n.Not(start, end, self.translate(node.operand, d))
            if isinstance(node.op, ast.USub):
                operand = self.translate(node.operand, d)
                if (
                    isinstance(operand, n.Const)
                    and isinstance(operand.value, int | float)
                    and not isinstance(operand.value, bool)
                ):
                    return n.Const(start, end, -operand.value)
                return n.Neg(start, end, operand)
            raise self.refuse(node, "C002", "this operator is not supported", "use 'not', '-', and/or")
        if isinstance(node, ast.Compare):
            return self.compare(node, d)
        if isinstance(node, ast.BinOp):
            arith = _ARITH_OPS.get(type(node.op))
            if arith is None:
                op_start, op_end = self.between(node.left, node.right)
                raise _Refused(ParseError("C002", "only + - * / are supported in arithmetic", op_start, op_end))
            return n.Arith(start, end, arith, self.translate(node.left, d), self.translate(node.right, d))
        if isinstance(node, ast.Name):
            if node.id in _BOOL_NAMES:
                return n.Const(start, end, _BOOL_NAMES[node.id])
            if node.id.startswith("__"):
                raise self.refuse(node, "C002", f"names starting with '__' are not allowed: {node.id}")
            return n.Name(start, end, node.id)
        if isinstance(node, ast.Constant):
            return self.constant(node, start, end)
        if isinstance(node, ast.List | ast.Tuple):
            items = []
            for item in node.elts:
                translated = self.translate(item, d)
                if not isinstance(translated, n.Const):
                    raise self.refuse(
                        item, "C002", "a list may only hold literal values", "e.g. ['licence', 'custody']"
                    )
                items.append(translated)
            return n.ListLit(start, end, tuple(items))
        if isinstance(node, ast.Call):
            return self.call(node, start, end, d)
        what = _CONSTRUCT_NAMES.get(type(node), type(node).__name__)
        if isinstance(node, ast.Attribute):
            dot = self.flat.find(".", self.span(node.value)[1])
            raise _Refused(ParseError("C002", f"{what} cannot be used in a condition", dot, end))
        raise self.refuse(node, "C002", f"{what} cannot be used in a condition")

    def constant(self, node: ast.Constant, start: int, end: int) -> n.Const:
        value = node.value
        if isinstance(value, bool | str):
            return n.Const(start, end, value)
        if isinstance(value, int | float):
            if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                raise self.refuse(node, "C002", "numbers must be finite")
            if isinstance(value, int) and abs(value) > 10**15:
                raise self.refuse(node, "C008", "number is too large (the limit is 10^15)")
            return n.Const(start, end, value)
        if value is None:
            raise self.refuse(
                node, "C002", "None cannot be used in a condition", "an empty field makes comparisons false"
            )
        raise self.refuse(node, "C002", f"{type(value).__name__} literals cannot be used in a condition")

    def compare(self, node: ast.Compare, depth: int) -> n.Node:
        operands = [node.left, *node.comparators]
        translated = [self.translate(o, depth) for o in operands]
        parts: list[n.Node] = []
        for i, op in enumerate(node.ops):
            name = _CMP_OPS.get(type(op))
            if name is None:
                op_start, op_end = self.between(translated[i], translated[i + 1])
                raise _Refused(
                    ParseError("C002", "'is' / 'is not' are not supported", op_start, op_end, "use '==' or '!='")
                )
            left, right = translated[i], translated[i + 1]
            parts.append(n.Compare(left.start, right.end, name, left, right))
        if len(parts) == 1:
            return parts[0]
        start, end = self.span(node)
        return n.BoolOp(start, end, "and", tuple(parts))

    def call(self, node: ast.Call, start: int, end: int, depth: int) -> n.Call | n.Aggregate:
        if isinstance(node.func, ast.Attribute):
            dot = self.flat.find(".", self.span(node.func.value)[1])
            raise _Refused(
                ParseError("C002", "attribute access ('.') cannot be used in a condition", dot, self.span(node.func)[1])
            )
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node.func, "C002", "only named functions can be called, e.g. answer('1.2.3')")
        name = node.func.id
        if name in n.AGGREGATES:
            if node.keywords or len(node.args) != 1:
                raise self.refuse(node, "C010", f"{name}() takes one selection, e.g. {name}({n.AGGREGATES[name]})")
            return n.Aggregate(start, end, name, self.translate(node.args[0], depth))
        if node.keywords or len(node.args) != 1:
            raise self.refuse(node, "C010", f"{name}() takes exactly one quoted id, e.g. {name}('1.2.3')")
        arg = node.args[0]
        arg_start, arg_end = self.span(arg)
        if isinstance(arg, ast.List | ast.Tuple):
            ids = [item.value for item in arg.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
            if len(ids) != len(arg.elts):
                raise self.refuse(arg, "C010", f"a list given to {name}() may only hold ids in quotes")
            return n.Call(start, end, name, self.flat[arg_start:arg_end], arg_start, arg_end, tuple(ids))
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.refuse(arg, "C010", f"the argument of {name}() must be an id in quotes")
        return n.Call(start, end, name, arg.value, arg_start, arg_end)
