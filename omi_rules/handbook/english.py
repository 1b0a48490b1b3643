"""Conditions in plain English, for the methodology handbook.

Methodology staff review a ruleset by reading it, not by parsing ``roh >= 'high' and
sentence in ['community', 'licence']``. This module turns a *checked* condition into a phrase
such as "the Risk of Harm is high or very high and the sentence is community or licence".
It works on the checker's output, never on the raw text, because the checker has already
decided what every name and literal means (an ordered value, a judgement count, a percentage
score), and the wording depends on exactly that.

How the words are chosen:

* Case fields are named by their ``label`` ("the Risk of Harm"); yes/no fields are stated by
  ``when_true`` / ``when_false`` ("the offender is a PPO"). Without them the field id is used,
  so a ruleset without labels still gets a correct, if plainer, handbook.
* Values are written as their ids with ``_`` as spaces. Comparisons are turned into the list
  of values they admit: an ordered ``>=`` lists the values from that one up, and ``!=`` on a
  required field with few values lists the others ("the sentence is community or licence"
  rather than "the sentence is not custody").
* ``not`` is pushed inwards (De Morgan) so a negation never has to govern a whole clause;
  nested ``and``/``or`` are marked with "either ... or" and "both ... and", and a join
  switches to semicolons when its parts already contain commas, so grouping stays readable.
* Judgement rules read as counts and shares of specific criteria, decisions as scores in
  percent ("the Risk of Harm thread score is below 60%").

The result never contains the condition language's syntax: no operators, quotes or brackets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from omi_rules.conditions import nodes as n
from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.types import BoolT, DateT, EnumT, Env, NumberT, SelectionT, Type
from omi_rules.handbook.clauses import (
    DATE_RELATIONS,
    DATE_WORDS,
    EQUAL_RELATIONS,
    NUMBER_RELATIONS,
    NUMBER_WORDS,
    ORDER_RELATIONS,
    PERCENT_WORDS,
    count_clause,
    scalar_words,
    score_words,
    share_clause,
)
from omi_rules.handbook.words import (
    acronym,
    date_words,
    either_words,
    join,
    neither_words,
    short_question,
    tidy,
    value_words,
)
from omi_rules.model import BoolField, CaseField, EnumField, PluginSection, Question, Ruleset
from omi_rules.model.common import plural
from omi_rules.model.value_types import all_questions
from omi_rules.ruleset.environments import case_env

# --------------------------------------------------------------------------- logical form


@dataclass(frozen=True)
class _Leaf:
    """A condition that is not itself ``and``/``or``/``not``; ``negated`` after De Morgan."""

    node: n.Node
    negated: bool


@dataclass(frozen=True)
class _Group:
    """Two or more sub-conditions joined by ``and`` or ``or`` (nested same-kind groups flattened)."""

    kind: Literal["and", "or"]
    items: tuple[_Leaf | _Group, ...]


_Logic = _Leaf | _Group

_SWAP_BOOL: dict[str, Literal["and", "or"]] = {"and": "or", "or": "and"}


def _normalise(node: n.Node, negated: bool = False) -> _Logic:
    """Push ``not`` down to the leaves and flatten ``a and (b and c)``.

    English has no brackets: "not (A or B)" is hard to say, "A' and B'" is easy. Flattening
    keeps "A, B and C" from turning into "A and both B and C".
    """
    if isinstance(node, n.Not):
        return _normalise(node.operand, not negated)
    if isinstance(node, n.BoolOp):
        kind: Literal["and", "or"] = _SWAP_BOOL[node.op] if negated else ("and" if node.op == "and" else "or")
        items: list[_Logic] = []
        for operand in node.operands:
            item = _normalise(operand, negated)
            if isinstance(item, _Group) and item.kind == kind:
                items.extend(item.items)
            else:
                items.append(item)
        return _Group(kind, tuple(items))
    return _Leaf(node, negated)


# --------------------------------------------------------------------------- small helpers

_NEGATED_OP = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in"}
_FLIPPED_OP = {"==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_PROPERTY = {"rating": "rating", "points": "points", "grade": "grade"}
"""What a selected member's value is called; everything else selectable is a score."""
_ARITH_WORD = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}
"""Longest question text quoted inside a condition before it is shortened with an ellipsis."""


# --------------------------------------------------------------------------- the phrasebook


class Phrasebook:
    """Everything a ruleset contributes to the wording: labels, question texts, titles.

    Built once per ruleset, so rendering a handbook does not rebuild the lookups for each of
    its hundreds of conditions.
    """

    def __init__(self, model: Ruleset) -> None:
        self.model = model
        self.fields: dict[str, CaseField] = {f.id: f for f in model.fields}
        self.questions: dict[str, Question] = all_questions(model)
        self.scales = {s.id: s for s in model.scales}
        self.threads = {t.id: t for t in model.threads}
        self.sections = {s.id: s.title for s in model.sections}
        self.criteria = {c.id: c.title for s in model.sections if not isinstance(s, PluginSection) for c in s.criteria}
        self.strata = {s.field for s in model.sample.strata}
        self.value_names: dict[tuple[str, str], str] = {}
        """Enum values whose words are not just their id (abbreviations restored to capitals)."""
        for f in model.fields:
            for v in f.values if isinstance(f, EnumField) else []:
                if isinstance(v, str) or not v.description:
                    continue
                name = acronym(v.value, v.description)
                if name:
                    self.value_names[(f.id, v.value)] = name
        self._case_env: Env | None = None

    # ------------------------------------------------------------------ public entry points

    def words(self, checked: Checked) -> str:
        """The whole condition as one English phrase (no capital, no full stop)."""
        return _Sentence(self, checked).logic(_normalise(checked.root), nested=False)

    def describe(self, text: str, env: Env) -> str:
        """Words for a condition given as text, checked in ``env``.

        A condition that does not check cannot be worded reliably; the handbook then says so
        rather than guess (``check`` reports the problem itself).
        """
        checked = compile_condition(text, env)
        if not isinstance(checked, Checked):
            return "a condition that does not check (see the condition as written)"
        return self.words(checked)

    def relevance(self, question: Question) -> str:
        """The sentence saying which cases ``question`` applies to."""
        if not question.relevant_if:
            return "Relevant to every case."
        if self._case_env is None:
            self._case_env = case_env(self.model)
        checked = compile_condition(question.relevant_if, self._case_env)
        if not isinstance(checked, Checked):
            return "Relevant where the condition as written holds (it does not check)."
        return f"Relevant {_Sentence(self, checked).relevance()}."

    # ------------------------------------------------------------------ names of things

    def field_noun(self, field_id: str) -> str:
        """How a non-yes/no field is named in a sentence: its label, else ``the <id>``."""
        field = self.fields.get(field_id)
        if field is not None and field.label:
            return tidy(field.label)
        return f"the {value_words(field_id)}"

    def fact(self, field_id: str, positive: bool) -> str:
        """A yes/no field stated as a fact (``when_true``) or its opposite (``when_false``)."""
        field = self.fields.get(field_id)
        when_true = field.when_true if isinstance(field, BoolField) else None
        when_false = field.when_false if isinstance(field, BoolField) else None
        wanted, other = (when_true, when_false) if positive else (when_false, when_true)
        if wanted:
            return tidy(wanted)
        if other:
            return f"it is not the case that {tidy(other)}"
        return f"{value_words(field_id)} is {'true' if positive else 'false'}"

    def question_noun(self, qid: str) -> str:
        question = self.questions.get(qid)
        text = f" ({short_question(question.text)})" if question is not None else ""
        return f"the answer to {qid}{text}"

    def titled(self, kind: str, item_id: str, titles: dict[str, str]) -> str:
        """``criterion 1.2 (Assessment of Risk of Harm)``."""
        title = titles.get(item_id)
        return f"{kind} {item_id} ({tidy(title)})" if title else f"{kind} {item_id}"

    def thread_noun(self, thread_id: str) -> str:
        thread = self.threads.get(thread_id)
        title = tidy(thread.title) if thread is not None else value_words(thread_id)
        return f"the {title} score" if title.lower().endswith("thread") else f"the {title} thread score"


_Tally = tuple[Literal["n", "share"], tuple[str, ...] | None]
"""A judgement count or share: which function, and over which judgements (None: all, i.e. ``total``)."""


class _Sentence:
    """Words for one checked condition (needs the checker's types for every node)."""

    def __init__(self, book: Phrasebook, checked: Checked) -> None:
        self.book = book
        self.checked = checked
        self.member_nouns: dict[int, str] = {}
        """Selecting calls worded as one member's property ("rating"), inside count/all/any."""

    def type_of(self, node: n.Node) -> Type | None:
        return self.checked.types.get(id(node))

    # ------------------------------------------------------------------ and / or

    def logic(self, item: _Logic, nested: bool) -> str:
        if isinstance(item, _Leaf):
            return self.leaf(item)
        parts = [self.logic(sub, nested=True) for sub in item.items]
        compound = any(isinstance(sub, _Group) for sub in item.items)
        text = join(parts, item.kind, compound)
        if not nested:
            return text
        if item.kind == "or":
            return f"either {text}"
        return f"both {text}" if len(parts) == 2 else f"all of: {text}"

    def relevance(self) -> str:
        """``to custody cases where ...``: a condition on the field the sample is stratified
        on names the kind of case, which is how inspectors think of it; the rest follows."""
        logic = _normalise(self.checked.root)
        if isinstance(logic, _Leaf) and isinstance(logic.node, n.Const):
            return "to every case" if bool(logic.node.value) != logic.negated else "to no case"
        items = logic.items if isinstance(logic, _Group) and logic.kind == "and" else (logic,)
        for index, item in enumerate(items):
            kinds = self.case_kinds(item)
            if kinds is None:
                continue
            head = f"to {either_words(kinds, 'and')} cases"
            rest = items[:index] + items[index + 1 :]
            if not rest:
                return head
            tail = rest[0] if len(rest) == 1 else _Group("and", rest)
            return f"{head} where {self.logic(tail, nested=False)}"
        return f"where {self.logic(logic, nested=False)}"

    def case_kinds(self, item: _Logic) -> list[str] | None:
        """The kinds of case (values of a stratifying field) ``item`` admits, if it is that."""
        if not isinstance(item, _Leaf) or not isinstance(item.node, n.Compare):
            return None
        op, subject, literal = self.oriented(item.node, item.negated)
        if not (isinstance(subject, n.Name) and subject.id in self.book.strata):
            return None
        t = self.type_of(subject)
        if not isinstance(t, EnumT) or literal is None:
            return None
        admitted = self.enum_admitted(subject, t, op, literal)
        return [self.value(subject, v) for v in admitted] if admitted else None

    # ------------------------------------------------------------------ leaves

    def leaf(self, leaf: _Leaf) -> str:
        node, negated = leaf.node, leaf.negated
        if isinstance(node, n.Compare):
            return self.compare(node, negated)
        if isinstance(node, n.Const):
            return "always" if bool(node.value) != negated else "never"
        return self.truth(node, not negated)

    def truth(self, node: n.Node, positive: bool) -> str:
        """A true/false expression stated as holding (``positive``) or not."""
        if isinstance(node, n.Name) and node.id in self.book.fields:
            return self.book.fact(node.id, positive)
        if isinstance(node, n.Aggregate) and node.func in ("all", "any"):
            members, clause = self.member_clause(node.operand)
            if node.func == "all":
                text = f"for each of {members}, the {clause}"
                return text if positive else f"for at least one of {members}, it does not hold that the {clause}"
            return f"for {'at least one' if positive else 'none'} of {members}, the {clause}"
        return f"{self.noun(node)} is {'true' if positive else 'false'}"

    # ------------------------------------------------------------------ selections

    def members(self, call: n.Call) -> str:
        """What a selecting call selects: "the standards of domain 2 (Court work)", "the
        standards tagged casework", "standards 2.1 and 2.2", "threads roh and offender"."""
        wording = self.book.model.wording
        if call.func in ("thread", "headline"):
            kind = call.func + "s"
        elif call.func == "section":
            kind = (wording.sections or f"{wording.section}s").lower()
        else:
            kind = plural(wording.criterion).lower()
        ids = self.checked.selections.get(id(call), ())
        if call.items is None and call.arg.startswith("section:"):
            section = call.arg.split(":", 1)[1]
            return f"the {kind} of {self.book.titled(wording.section.lower(), section, self.book.sections)}"
        if call.items is None and call.arg.startswith("tag:"):
            return f"the {kind} tagged {value_words(call.arg.split(':', 1)[1])}"
        return f"{kind} {either_words(list(ids), 'and')}"

    def member_property(self, call: n.Call) -> str:
        return _PROPERTY.get(call.func, "score")

    def member_clause(self, operand: n.Node) -> tuple[str, str]:
        """A comparison of each member, as (members, clause): ("the standards of domain 2",
        "rating is inadequate")."""
        compare = operand if isinstance(operand, n.Compare) else None
        call = None
        if compare is not None:
            call = compare.right if isinstance(compare.left, n.Const) else compare.left
        if compare is None or not isinstance(call, n.Call):
            return "the selected members", "condition holds"
        self.member_nouns[id(call)] = self.member_property(call)
        return self.members(call), self.compare(compare, False)

    def aggregate_noun(self, node: n.Aggregate) -> str:
        if node.func == "count":
            members, clause = self.member_clause(node.operand)
            return f"the number of {members} whose {clause}"
        if node.func in ("all", "any"):
            return self.truth(node, True)
        call = node.operand
        if not isinstance(call, n.Call):
            return f"the {node.func} of the selection"
        prop = self.member_property(call)
        members = self.members(call)
        if prop == "points":
            if node.func in ("sum", "mean"):
                return f"the {'total' if node.func == 'sum' else 'mean'} of the points of {members}"
            return f"the {'lowest' if node.func == 'min' else 'highest'} number of points among {members}"
        word = {"sum": "total", "mean": "mean", "min": "lowest", "max": "highest"}[node.func]
        return f"the {word} {prop} of {members}"

    @staticmethod
    def literals(node: n.Node) -> list[n.Scalar] | None:
        if isinstance(node, n.Const):
            return [node.value]
        if isinstance(node, n.ListLit):
            return [item.value for item in node.items]
        return None

    def oriented(self, node: n.Compare, negated: bool) -> tuple[str, n.Node, list[n.Scalar] | None]:
        """The comparison as ``subject op literal(s)``: negation folded into the operator, a
        literal written first (``'high' <= roh``) moved to the right."""
        op, left, right = node.op, node.left, node.right
        if negated:
            op = _NEGATED_OP[op]
        if isinstance(left, n.Const) and not isinstance(right, n.Const):
            op, left, right = _FLIPPED_OP[op], right, left
        return op, left, self.literals(right)

    def compare(self, node: n.Compare, negated: bool) -> str:
        op, subject, literal = self.oriented(node, negated)
        if literal is None:
            return self.relate(subject, op, node.right)
        t = self.type_of(subject)
        if isinstance(t, SelectionT):  # one member's value (inside count/all/any)
            t = t.item
        if isinstance(t, BoolT):
            return self.bool_compare(subject, op, literal)
        if isinstance(t, EnumT):
            return self.enum_compare(subject, t, op, literal)
        if isinstance(t, NumberT):
            return self.number_compare(subject, op, literal)
        if isinstance(t, DateT):
            return self.plain_compare(subject, op, [date_words(str(v)) for v in literal], DATE_WORDS)
        return self.plain_compare(subject, op, [f"“{v}”" for v in literal], NUMBER_WORDS)

    def bool_compare(self, subject: n.Node, op: str, literal: list[n.Scalar]) -> str:
        """``ppo == false``, ``ppo in [true]``: which truth values are admitted."""
        chosen = {bool(v) for v in literal}
        admitted = chosen if op in ("==", "in") else {True, False} - chosen
        if len(admitted) == 1:
            return self.truth(subject, admitted.pop())
        return "always" if admitted else "never"

    # ------------------------------------------------------------------ enums

    def complement_allowed(self, subject: n.Node) -> bool:
        """``!=`` may be said as the list of other values only when that means the same: a
        required field always has one of its values. An answer or an optional field may be
        empty, and then ``!= 'x'`` is not "one of the others"."""
        field = self.book.fields.get(subject.id) if isinstance(subject, n.Name) else None
        return isinstance(field, EnumField) and field.required

    def enum_admitted(self, subject: n.Node, t: EnumT, op: str, literal: list[n.Scalar]) -> list[str] | None:
        """The values the comparison admits, in declared order; None when it is better said
        negatively ("is not ..."), i.e. an exclusion that cannot become a short list."""
        order = list(t.values)
        chosen = [str(v) for v in literal]
        if op in ("==", "in"):
            return [v for v in order if v in chosen] if order else chosen
        if op in ("!=", "not in"):
            others = [v for v in order if v not in chosen]
            return others if self.complement_allowed(subject) and 0 < len(others) <= 3 else None
        index = order.index(chosen[0]) if chosen[0] in order else 0
        if op == ">=":
            return order[index:]
        if op == ">":
            return order[index + 1 :]
        if op == "<=":
            return order[: index + 1]
        return order[:index]

    def enum_compare(self, subject: n.Node, t: EnumT, op: str, literal: list[n.Scalar]) -> str:
        noun = self.noun(subject)
        admitted = self.enum_admitted(subject, t, op, literal)
        if admitted:
            return f"{noun} is {either_words([self.value(subject, v) for v in admitted])}"
        value = self.value(subject, str(literal[0]))
        if op in ("!=", "not in"):
            return f"{noun} is {neither_words([self.value(subject, str(v)) for v in literal])}"
        return f"{noun} is {'above' if op in ('>', '>=') else 'below'} {value}"  # admits nothing

    def value(self, subject: n.Node, value: str) -> str:
        """A value in words; an answer's "not applicable" code is spelled out."""
        if isinstance(subject, n.Call) and subject.func == "answer":
            question = self.book.questions.get(subject.arg)
            scale = self.book.scales.get(question.scale) if question is not None else None
            if scale is not None and value in scale.not_applicable and value in ("na", "n_a"):
                return "not applicable"
        if isinstance(subject, n.Name):
            return self.book.value_names.get((subject.id, value), value_words(value))
        return value_words(value)

    # ------------------------------------------------------------------ numbers

    def number_compare(self, subject: n.Node, op: str, literal: list[n.Scalar]) -> str:
        tally = self.tally(subject)
        single = literal[0] if len(literal) == 1 and op not in ("in", "not in") else None
        if tally is not None and isinstance(single, int | float) and not isinstance(single, bool):
            kind, judgements = tally
            if kind == "n" and isinstance(single, int):
                return count_clause(judgements, op, single)
            if kind == "share":
                return share_clause(judgements, op, single)
        if self.is_percent(subject):
            return self.plain_compare(subject, op, [score_words(v) for v in literal], PERCENT_WORDS)
        return self.plain_compare(subject, op, [scalar_words(v) for v in literal], NUMBER_WORDS)

    def plain_compare(self, subject: n.Node, op: str, values: list[str], words: dict[str, str]) -> str:
        noun = self.noun(subject)
        if op == "in":
            return f"{noun} is {either_words(values)}"
        if op == "not in":
            return f"{noun} is {neither_words(values)}"
        return f"{noun} {words[op].format(values[0])}"

    def is_percent(self, node: n.Node) -> bool:
        """Scores of threads, criteria and sections are percentages (and their mean, lowest
        and highest)."""
        if isinstance(node, n.Aggregate) and node.func in ("mean", "min", "max"):
            return self.is_percent(node.operand)
        return isinstance(node, n.Call) and node.func in ("thread", "criterion", "section", "headline")

    def tally(self, node: n.Node) -> _Tally | None:
        """``n('met')``, ``share('met')``, ``total`` or a sum of like ones, as a tally."""
        if isinstance(node, n.Call) and node.func in ("n", "share"):
            kind: Literal["n", "share"] = "n" if node.func == "n" else "share"
            return kind, (node.arg,)
        if isinstance(node, n.Name) and node.id == "total" and node.id not in self.book.fields:
            return "n", None
        if isinstance(node, n.Arith) and node.op == "+":
            left, right = self.tally(node.left), self.tally(node.right)
            if left and right and left[0] == right[0] and left[1] is not None and right[1] is not None:
                merged = left[1] + tuple(j for j in right[1] if j not in left[1])
                return left[0], merged
        return None

    # ------------------------------------------------------------------ two expressions

    def relate(self, left: n.Node, op: str, right: n.Node) -> str:
        """A comparison of two expressions (``criterion('1.1') < criterion('1.2')``)."""
        t = self.type_of(left)
        if isinstance(t, BoolT):
            a, b = self.truth(left, True), self.truth(right, True)
            if op == "==":
                return f"either both {a} and {b}, or neither"
            return f"exactly one of these holds: {a}; {b}"
        if isinstance(t, DateT):
            words = DATE_RELATIONS
        elif isinstance(t, EnumT):
            words = ORDER_RELATIONS if t.ordered else EQUAL_RELATIONS
        else:
            words = NUMBER_RELATIONS
        return f"{self.noun(left)} {words[op]} {self.noun(right)}"

    def noun(self, node: n.Node) -> str:
        """What an expression is called in a sentence."""
        if isinstance(node, n.Name):
            if node.id == "total" and node.id not in self.book.fields:
                return "the number of specific criteria judged"
            return self.book.field_noun(node.id)
        if isinstance(node, n.Call):
            if id(node) in self.member_nouns:
                return self.member_nouns[id(node)]
            if node.items is not None or id(node) in self.checked.selections:
                return f"the {self.member_property(node)} of {self.members(node)}"
            return self.call_noun(node)
        if isinstance(node, n.Aggregate):
            return self.aggregate_noun(node)
        if isinstance(node, n.Const):
            return scalar_words(node.value)
        if isinstance(node, n.Arith):
            return f"{self.operand(node.left)} {_ARITH_WORD[node.op]} {self.operand(node.right)}"
        if isinstance(node, n.Neg):
            return f"minus {self.operand(node.operand)}"
        return "the condition"

    def operand(self, node: n.Node) -> str:
        """A noun inside arithmetic; a nested sum is bracketed so ``(a + b) * c`` stays clear."""
        text = self.noun(node)
        return f"({text})" if isinstance(node, n.Arith) else text

    def call_noun(self, node: n.Call) -> str:
        book = self.book
        if node.func == "answer":
            return book.question_noun(node.arg)
        if node.func == "thread":
            return book.thread_noun(node.arg)
        if node.func == "criterion":
            return f"the score for {book.titled('criterion', node.arg, book.criteria)}"
        if node.func == "section":
            return f"the score for {book.titled('section', node.arg, book.sections)}"
        if node.func == "grade":
            return f"the grade of {book.titled('criterion', node.arg, book.criteria)}"
        if node.func in ("rating", "points"):
            kind = book.model.wording.criterion.lower()
            what = "rating" if node.func == "rating" else "number of points"
            return f"the {what} of {book.titled(kind, node.arg, book.criteria)}"
        if node.func == "n":
            return f"the number of specific criteria judged {value_words(node.arg)}"
        if node.func == "share":
            return f"the share of specific criteria judged {value_words(node.arg)}"
        if node.func in ("survey", "response_rate"):
            return self.survey_noun(node)
        return f"the {value_words(node.func)} of {node.arg}"

    def survey_noun(self, node: n.Call) -> str:
        """``survey('offenders.rules_explained')``: "the percentage of respondents to the
        Questionnaire to offenders answering 'Were the rules ... explained?' with yes";
        ``response_rate('offenders')``: "the response rate of the Questionnaire to offenders"."""
        sid, _, rest = node.arg.partition(".")
        survey = next((s for s in self.book.model.surveys if s.id == sid), None)
        if survey is None:
            return f"the {value_words(node.func)} of {node.arg}"
        if node.func == "response_rate":
            return f"the response rate (percent) of the {survey.title}"
        qid, _, answer = rest.partition(".")
        question = next((q for q in survey.questions if q.id == qid), None)
        if question is None:
            return f"the survey figure {node.arg}"
        answers = [answer] if answer else list(question.indicator_answers())
        return (
            f"the percentage of respondents to the {survey.title} answering '{question.text}' with "
            f"{either_words(answers)}"
        )


# --------------------------------------------------------------------------- numeric wording


def condition_in_words(checked: Checked, model: Ruleset) -> str:
    """``checked`` (a condition that passed checking in any environment) as an English phrase.

    The phrase starts in lower case and has no full stop, so callers can put it after
    "Relevant where", "Graded well met when" and the like.
    """
    return Phrasebook(model).words(checked)


def describe_condition(text: str, env: Env, model: Ruleset) -> str:
    """Words for a condition written as text, checked in ``env`` (e.g. ``judgement_env(rule)``)."""
    return Phrasebook(model).describe(text, env)


def relevance_sentence(question: Question, model: Ruleset) -> str:
    """The relevance of ``question`` as a sentence: "Relevant to every case.", "Relevant to
    custody cases where ...", "Relevant where ..."."""
    return Phrasebook(model).relevance(question)
