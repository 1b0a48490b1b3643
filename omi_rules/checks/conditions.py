"""Conditions: syntax and types (C001-C006, C008, C010), relevance cycles (C007) and
conditions that can never be true (C009).

Each condition is compiled in the environment ``omi_rules.ruleset.environments`` gives its kind, and problems
are reported at the character inside the YAML string where they occur.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from omi_rules.checks.context import CheckContext
from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.types import BoolT, EnumT, Env, NumberT, Type
from omi_rules.conditions.vector import VectorData, encode, evaluate
from omi_rules.model import IntField, Ruleset
from omi_rules.ruleset.environments import (
    PUBLISHED_SCORES,
    case_env,
    decision_env,
    judgement_env,
    limit_env,
    sample_env,
)
from omi_rules.yamlio.reader import PathKey

MAX_COMBINATIONS = 50_000
"""Largest product of finite domains enumerated to prove a condition can never be true."""
MAX_INT_DOMAIN = 200


def compile_at(ctx: CheckContext, text: str, env: Env, path: PathKey) -> Checked | None:
    """Compile ``text``; report its problems at their positions; None if it has any."""
    result = compile_condition(text, env)
    if isinstance(result, Checked):
        return result
    for error in result:
        token = text[error.start : error.end].strip("'\"")
        if error.code in ("C003", "C006") and token in ctx.pruned_ids:
            continue  # refers to an item dropped for a schema error, already reported
        position = ctx.condition_position(path, error.start)
        ctx.report_at(error.code, error.message, position, error.hint, span=error.end - error.start)
    return None


def run(ctx: CheckContext) -> None:
    model = ctx.model
    env = case_env(model, ctx.registry)
    relevance: dict[str, tuple[PathKey, Checked]] = {}
    for path, _, _, question in ctx.questions():
        if question.relevant_if is None:
            continue
        checked = compile_at(ctx, question.relevant_if, env, path + ("relevant_if",))
        if checked is not None:
            relevance[question.id] = (path + ("relevant_if",), checked)
            _never_true(ctx, model, checked, path + ("relevant_if",), env.names)
    _cycles(ctx, relevance)
    for i, headline in enumerate(model.headlines):
        for key in ("relevant_if", "well_enough_if"):
            text = getattr(headline, key)
            if text is not None:
                compile_at(ctx, text, env, ("headlines", i, key))
    senv = sample_env(model)
    for i, minimum in enumerate(model.sample.minimums):
        where: PathKey = ("sample", "minimums", i, "when")
        checked = compile_at(ctx, minimum.when, senv, where)
        if checked is not None:
            _never_true(ctx, model, checked, where, senv.names)
    for i, rule in enumerate(model.judgement_rules):
        jenv = judgement_env(rule)
        for j, grade in enumerate(rule.grades):
            if grade.when is not None:
                compile_at(ctx, grade.when, jenv, ("judgement_rules", i, "grades", j, "when"))
    denv = decision_env(model)
    for i, decision in enumerate(model.decisions):
        warned = decision.basis is not None
        for j, outcome in enumerate(decision.outcomes):
            if outcome.when is not None:
                where = ("decisions", i, "outcomes", j, "when")
                checked = compile_at(ctx, outcome.when, denv, where)
                if checked is not None and not warned:
                    warned = _basis_undeclared(ctx, decision.id, checked, where)
    lenv = limit_env(model)
    for i, overall in enumerate(model.overall_ratings):
        for j, limit in enumerate(overall.limits):
            compile_at(ctx, limit.when, lenv, ("overall_ratings", i, "limits", j, "when"))


def _basis_undeclared(ctx: CheckContext, decision: str, checked: Checked, path: PathKey) -> bool:
    """R029: a decision compares a published score but does not say whether it compares the
    exact score or the published (rounded) figure. Undeclared, it compares the exact score, and
    a score just under a limit is published at the limit: 59.6 is printed 60% and still passes
    ``< 60``. Reported once per decision, at its first such comparison; True when reported."""
    for node in n.walk(checked.root):
        if not isinstance(node, n.Compare) or node.op in ("in", "not in"):
            continue
        call = next((c for c in n.walk(node) if isinstance(c, n.Call) and c.func in PUBLISHED_SCORES), None)
        if call is None:
            continue
        limit = next(
            (x.value for x in (node.left, node.right) if isinstance(x, n.Const) and isinstance(x.value, int | float)),
            None,
        )
        shown = checked.text[call.start : call.end]
        ctx.report_at(
            "R029",
            f"decision '{decision}' compares {shown} without a basis, so on the exact score: "
            + _disagreement(limit, ctx.model.rounding.decimals),
            ctx.condition_position(path, call.start),
            "declare 'basis: rounded' to decide on the figures the report publishes, or "
            "'basis: unrounded' to keep deciding on the exact scores",
            span=call.end - call.start,
        )
        return True
    return False


def _disagreement(limit: int | float | None, decimals: int) -> str:
    """An example of a published figure and a decision that disagree, at ``limit``."""
    if limit is None:
        return "two scores published as the same figure can still compare differently"
    step = Decimal(1).scaleb(-decimals)
    below = Decimal(repr(limit)).quantize(step) - step * Decimal("0.4")
    return f"a score of {below} is published as {Decimal(repr(limit)).quantize(step)}% but is below {limit:g}"


def _cycles(ctx: CheckContext, relevance: dict[str, tuple[PathKey, Checked]]) -> None:
    """A question's relevance may depend on other answers, but never on its own."""
    graph = {
        qid: sorted(arg for func, arg in checked.calls if func == "answer") for qid, (_, checked) in relevance.items()
    }
    reported: set[frozenset[str]] = set()
    for cycle in _find_cycles(graph):
        key = frozenset(cycle)
        if key in reported:
            continue
        reported.add(key)
        first = cycle[0]
        chain = " -> ".join([*cycle, first])
        path, checked = relevance[first]
        nxt = cycle[1] if len(cycle) > 1 else first
        call = _call_node(checked, "answer", nxt)
        ctx.report_at(
            "C007",
            f"the relevance of question {first} depends on itself: {chain}",
            ctx.condition_position(path, call.start if call is not None else 0),
            "a question's relevance may only use answers to questions that do not depend on it",
            span=(call.end - call.start) if call is not None else 1,
        )


def _find_cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Each elementary cycle found by depth-first search (one per back edge)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> Iterator[list[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                yield stack[stack.index(nxt) :]
            elif nxt not in state:
                yield from visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            yield from visit(node)


def _domains(model: Ruleset, checked: Checked, env_types: dict[str, Type]) -> dict[tuple[str, str], list[Any]] | None:
    """Finite domain of every name and call in ``checked``; None if any is unbounded."""
    fields = {f.id: f for f in model.fields}
    domains: dict[tuple[str, str], list[Any]] = {}
    for name in sorted(checked.names):
        t = env_types[name]
        f = fields.get(name)
        optional = [None] if f is not None and not f.required else []
        if isinstance(t, EnumT):
            domains[("name", name)] = list(t.values) + optional
        elif isinstance(t, BoolT):
            domains[("name", name)] = [True, False] + optional
        elif isinstance(t, NumberT) and isinstance(f, IntField) and f.min is not None and f.max is not None:
            if f.max - f.min > MAX_INT_DOMAIN:
                return None
            domains[("name", name)] = list(range(f.min, f.max + 1)) + optional
        else:
            return None
    for func, arg in sorted(checked.calls):
        call_type = checked.types.get(id(_call_node(checked, func, arg)))
        if not isinstance(call_type, EnumT) or not call_type.values:
            return None
        domains[(func, arg)] = list(call_type.values) + [None]  # an answer may be missing
    return domains


def _call_node(checked: Checked, func: str, arg: str) -> Any:
    for node in n.walk(checked.root):
        if isinstance(node, n.Call) and node.func == func and node.arg == arg:
            return node
    return None


def _never_true(ctx: CheckContext, model: Ruleset, checked: Checked, path: PathKey, env_types: dict[str, Type]) -> None:
    """Warn when no combination of the referenced fields' values makes the condition true."""
    domains = _domains(model, checked, env_types)
    if not domains:
        return
    size = 1
    for values in domains.values():
        size *= len(values)
    if size > MAX_COMBINATIONS:
        return
    keys = list(domains)
    combos = list(itertools.product(*(domains[k] for k in keys)))
    columns: dict[str, Any] = {}
    calls: dict[tuple[str, str], Any] = {}
    for index, key in enumerate(keys):
        raw = [combo[index] for combo in combos]
        if key[0] == "name":
            columns[key[1]] = encode(env_types[key[1]], raw)
        else:
            t = checked.types[id(_call_node(checked, key[0], key[1]))]
            calls[key] = encode(t, raw)
    result = evaluate(checked, VectorData(len(combos), columns, calls))
    if not result.any():
        ctx.report_at(
            "C009",
            "this condition can never be true, whatever the case's values",
            ctx.condition_position(path, checked.root.start),
            "check the values and the and/or: no case would ever match",
            span=checked.root.end - checked.root.start,
        )
