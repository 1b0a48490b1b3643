"""The methodology handbook: conditions in plain English, and the HTML/Markdown it renders.

The English is tested with exact phrases for a representative set of constructs (so a change
in wording is a deliberate one), and with a sweep over every condition of omi-2008 that no
raw syntax ever leaks through. The rendered handbook is tested for what reviewers and
accessibility need: working anchors, one h1, nested headings, real tables, no fetched assets,
and every criterion statement, question id and condition in words present.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.conditions.types import DateT, Env, StringT
from omi_rules.handbook.build import band_scores
from omi_rules.handbook.english import condition_in_words, relevance_sentence, tidy
from omi_rules.handbook.render import markdown_text, render_handbook
from omi_rules.model import BoolField, EnumField, Ruleset
from omi_rules.model.value_types import all_questions
from omi_rules.ruleset.environments import case_env, decision_env, judgement_env, sample_env
from omi_rules.ruleset.loader import load_ruleset

from .conftest import MINIMAL, ROOT

OMI = ROOT / "rulesets" / "omi-2008"
RAW_SYNTAX = ("==", "!=", ">=", "<=", "'", "answer(", "[", "]")

PPO = "the offender is a prolific and other priority offender (PPO)"
NOT_PPO = "the offender is not a prolific and other priority offender (PPO)"


def _load(path: Path) -> Ruleset:
    loaded = load_ruleset(path)
    assert loaded.model is not None and loaded.complete, loaded.diagnostics
    return loaded.model


@pytest.fixture(scope="module")
def omi() -> Ruleset:
    return _load(OMI)


@pytest.fixture(scope="module")
def mini() -> Ruleset:
    return _load(MINIMAL)


def words(text: str, env: Env, model: Ruleset) -> str:
    checked = compile_condition(text, env)
    assert isinstance(checked, Checked), checked
    return condition_in_words(checked, model)


def assert_plain(text: str) -> None:
    leaked = [token for token in RAW_SYNTAX if token in text]
    assert not leaked, f"raw syntax {leaked} in: {text}"


# --------------------------------------------------------------------------- case conditions


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # ordered enums: the values admitted, in declared order
        ("roh >= 'high'", "the Risk of Harm is high or very high"),
        ("roh > 'medium'", "the Risk of Harm is high or very high"),
        ("roh < 'high'", "the Risk of Harm is low or medium"),
        ("roh <= 'low'", "the Risk of Harm is low"),
        ("'high' <= roh", "the Risk of Harm is high or very high"),
        ("not roh >= 'high'", "the Risk of Harm is low or medium"),
        ("mappa_level >= 'level_1'", "the MAPPA level is level 1, level 2 or level 3"),
        # unordered enums: == / != / in / not in
        ("sentence == 'custody'", "the sentence is custody"),
        ("sentence != 'custody'", "the sentence is community or licence"),
        ("sentence in ['custody', 'licence']", "the sentence is licence or custody"),
        ("sentence not in ['licence', 'custody']", "the sentence is community"),
        ("not sentence in ['licence', 'custody']", "the sentence is community"),
        ("court_report != 'none'", "the type of court report is SDR, FDR or oral"),
        ("ethnicity == 'black_and_minority_ethnic'", "the offender is black and minority ethnic"),
        # yes/no fields
        ("ppo", PPO),
        ("not ppo", NOT_PPO),
        ("ppo == false", NOT_PPO),
        ("ppo != false", PPO),
        ("not not ppo", PPO),
        # numbers
        ("tier == 4", "the tier is 4"),
        ("tier >= 3", "the tier is 3 or more"),
        ("tier > 2", "the tier is more than 2"),
        ("tier < 3", "the tier is less than 3"),
        ("tier <= 2", "the tier is 2 or less"),
        ("tier != 1", "the tier is not 1"),
        ("4 <= tier", "the tier is 4 or more"),
        ("tier in [3, 4]", "the tier is 3 or 4"),
        ("tier not in [1, 2]", "the tier is neither 1 nor 2"),
        ("tier + 1 > 3", "the tier plus 1 is more than 3"),
        # answers to earlier questions
        ("answer('1.2.5') == 'yes'", "the answer to 1.2.5 (Was a full RoH analysis required?) is yes"),
        ("answer('1.2.6') != 'yes'", "the answer to 1.2.6 (Was the full RoH analysis completed?) is not yes"),
        ("answer('1.2.6') == 'na'", "the answer to 1.2.6 (Was the full RoH analysis completed?) is not applicable"),
        (
            "answer('1.2.6') in ['no', 'na']",
            "the answer to 1.2.6 (Was the full RoH analysis completed?) is no or not applicable",
        ),
        (
            "answer('2.6.1') == 'yes'",
            "the answer to 2.6.1 (Did the sentence or licence include restrictive interventions?) is yes",
        ),
        ("answer('3.1.1') == 'yes'", "the answer to 3.1.1 (Did the offender’s RoH change during the period?) is yes"),
        # and / or / not, with grouping
        ("ppo and sentence == 'custody'", f"{PPO} and the sentence is custody"),
        ("ppo or sentence == 'custody'", f"{PPO} or the sentence is custody"),
        (
            "ppo and drr and recalled",
            f"{PPO}, the offender has a drug rehabilitation requirement (DRR) and the offender was recalled to "
            "prison during the period",
        ),
        (
            "not (ppo or drr)",
            f"{NOT_PPO} and the offender has no drug rehabilitation requirement (DRR)",
        ),
        (
            "not (ppo and sentence == 'custody')",
            f"{NOT_PPO} or the sentence is community or licence",
        ),
        (
            "ppo and drr or recalled",
            f"both {PPO} and the offender has a drug rehabilitation requirement (DRR), or the offender was "
            "recalled to prison during the period",
        ),
        (
            "(programme_requirement or unpaid_work) and "
            "(gender == 'female' or ethnicity == 'black_and_minority_ethnic')",
            "either the offender has an accredited programme requirement or the offender has an unpaid work "
            "requirement, and either the offender is female or the offender is black and minority ethnic",
        ),
        (
            "roh >= 'medium' and ppo",
            f"the Risk of Harm is medium, high or very high; and {PPO}",
        ),
    ],
)
def test_case_conditions_in_words(omi: Ruleset, condition: str, expected: str) -> None:
    assert words(condition, case_env(omi), omi) == expected


# --------------------------------------------------------------------------- judgement rules and decisions


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            "n('not_met') == 0 and share('met') >= 0.8",
            "no specific criterion is judged not met and at least 80% of the specific criteria are judged met",
        ),
        ("share('met') >= 0.5", "at least 50% of the specific criteria are judged met"),
        ("n('met') + n('partly_met') > 0", "at least one specific criterion is judged met or partly met"),
        ("n('met') == 1", "exactly one specific criterion is judged met"),
        ("n('met') >= 3", "at least 3 specific criteria are judged met"),
        ("n('not_met') < 2", "at most one specific criterion is judged not met"),
        ("n('not_met') <= 2", "at most 2 specific criteria are judged not met"),
        ("n('not_met') != 0", "at least one specific criterion is judged not met"),
        ("not n('not_met') > 0", "no specific criterion is judged not met"),
        ("total >= 3", "at least 3 specific criteria are judged"),
        ("share('met') == 1", "every specific criterion is judged met"),
        ("share('not_met') < 0.25", "less than 25% of the specific criteria are judged not met"),
        (
            "share('met') + share('partly_met') > 0.5",
            "more than 50% of the specific criteria are judged met or partly met",
        ),
        (
            "n('met') > n('not_met')",
            "the number of specific criteria judged met is more than the number of specific criteria judged not met",
        ),
    ],
)
def test_judgement_conditions_in_words(omi: Ruleset, condition: str, expected: str) -> None:
    assert words(condition, judgement_env(omi.judgement_rules[0]), omi) == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("thread('roh') < 60", "the Risk of Harm thread score is below 60%"),
        ("thread('roh') >= 60", "the Risk of Harm thread score is 60% or more"),
        ("criterion('1.2') > 70.5", "the score for criterion 1.2 (Assessment of Risk of Harm) is above 70.5%"),
        (
            "section('1') < criterion('1.2')",
            "the score for section 1 (Assessment and sentence planning) is less than the score for criterion 1.2 "
            "(Assessment of Risk of Harm)",
        ),
        (
            "grade('4.1') in ['well_met', 'satisfactorily_met']",
            "the grade of criterion 4.1 (Leadership and planning) is well met or satisfactorily met",
        ),
        (
            "grade('4.1') == 'not_met' or thread('roh') < 60",
            "the grade of criterion 4.1 (Leadership and planning) is not met or the Risk of Harm thread score is "
            "below 60%",
        ),
    ],
)
def test_decision_conditions_in_words(omi: Ruleset, condition: str, expected: str) -> None:
    assert words(condition, decision_env(omi), omi) == expected


# --------------------------------------------------------------------------- fallbacks and other types


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("roh >= 'high'", "the roh is high or very high"),
        ("ppo", "ppo is true"),
        ("not ppo", "ppo is false"),
        ("tier >= 3", "the tier is 3 or more"),
        (
            "answer('1.1.1') == 'yes' and roh >= 'high'",
            "the answer to 1.1.1 (Was a full analysis required?) is yes and the roh is high or very high",
        ),
    ],
)
def test_without_labels_the_field_id_is_used(mini: Ruleset, condition: str, expected: str) -> None:
    assert words(condition, case_env(mini), mini) == expected


def test_dates_and_text(mini: Ruleset) -> None:
    env = Env({"start": DateT(), "area": StringT()}, {}, "condition")
    assert words("start >= '2008-04-01'", env, mini) == "the start is on or after 1 April 2008"
    assert words("start < '2008-04-01'", env, mini) == "the start is before 1 April 2008"
    assert words("area in ['Wales', 'Dyfed']", env, mini) == "the area is “Wales” or “Dyfed”"


def _with_field(model: Ruleset, field_id: str, **update: object) -> Ruleset:
    fields = [f.model_copy(update=update) if f.id == field_id else f for f in model.fields]
    return model.model_copy(update={"fields": fields})


def test_optional_field_is_not_listed_as_its_complement(mini: Ruleset) -> None:
    """An empty optional field is not "one of the other values", so ``!=`` stays negative."""
    model = _with_field(mini, "sentence", required=False)
    assert isinstance(next(f for f in model.fields if f.id == "sentence"), EnumField)
    assert words("sentence != 'custody'", case_env(model), model) == "the sentence is not custody"
    assert words("sentence != 'custody'", case_env(mini), mini) == "the sentence is community or licence"


def test_when_true_alone_is_negated_in_words(mini: Ruleset) -> None:
    model = _with_field(mini, "ppo", when_true="the offender is a PPO", label="the PPO flag")
    assert isinstance(next(f for f in model.fields if f.id == "ppo"), BoolField)
    assert words("ppo", case_env(model), model) == "the offender is a PPO"
    assert words("not ppo", case_env(model), model) == "it is not the case that the offender is a PPO"


# --------------------------------------------------------------------------- relevance sentences


def test_relevance_sentences(omi: Ruleset, mini: Ruleset) -> None:
    questions = all_questions(omi)
    by_condition = {q.relevant_if: q for q in questions.values()}
    assert relevance_sentence(questions["1.1.11"], omi) == "Relevant to every case."
    assert relevance_sentence(by_condition["sentence != 'custody'"], omi) == "Relevant to community and licence cases."
    assert (
        relevance_sentence(by_condition["roh >= 'high' and sentence in ['community', 'licence']"], omi)
        == "Relevant to community and licence cases where the Risk of Harm is high or very high."
    )
    assert (
        relevance_sentence(by_condition["answer('1.1.11') == 'yes' and sentence == 'custody'"], omi)
        == "Relevant to custody cases where the answer to 1.1.11 (Were there issues of risk of self-harm?) is yes."
    )
    assert (
        relevance_sentence(by_condition["oasys_required"], omi)
        == "Relevant where the case requires an OASys assessment."
    )
    mini_q = all_questions(mini)["1.1.3"]
    assert relevance_sentence(mini_q, mini) == "Relevant to licence and custody cases where ppo is false."


def test_every_omi_condition_is_in_words(omi: Ruleset) -> None:
    """The issue's definition of done: every question's condition renders in words."""
    env = case_env(omi)
    conditional = [q for q in all_questions(omi).values() if q.relevant_if]
    assert len(conditional) > 100
    for q in conditional:
        assert q.relevant_if is not None
        text = words(q.relevant_if, env, omi)
        assert text and text[0].islower(), (q.id, text)
        assert_plain(text)
        sentence = relevance_sentence(q, omi)
        assert sentence.startswith("Relevant ") and sentence.endswith(".")
        assert_plain(sentence)
    for rule in omi.judgement_rules:
        for grade in rule.grades:
            if grade.when:
                assert_plain(words(grade.when, judgement_env(rule), omi))
    for decision in omi.decisions:
        for outcome in decision.outcomes:
            if outcome.when:
                assert_plain(words(outcome.when, decision_env(omi), omi))
    for minimum in omi.sample.minimums:
        assert_plain(words(minimum.when, sample_env(omi), omi))


_ATOMS = [
    "ppo",
    "drr",
    "roh >= 'medium'",
    "sentence != 'custody'",
    "tier in [1, 2]",
    "court_report in ['sdr', 'fdr']",
    "answer('1.2.5') == 'yes'",
    "mappa_level < 'level_2'",
]


def _conditions() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(_ATOMS)
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            inner.map(lambda c: f"not ({c})"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}) and ({p[1]})"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}) or ({p[1]})"),
        ),
        max_leaves=6,
    )


@given(_conditions())
def test_any_combination_reads_without_syntax(condition: str) -> None:
    model = _OMI_FOR_HYPOTHESIS
    assert_plain(words(condition, case_env(model), model))


_OMI_FOR_HYPOTHESIS = _load(OMI)


# --------------------------------------------------------------------------- bands


def test_band_scores(omi: Ruleset) -> None:
    band_set = omi.band_sets[0]
    ranges = {b.id: band_scores(b, band_set, omi.rounding) for b in band_set.bands}
    assert ranges == {"good": "71% to 100%", "priority": "62% to 70%", "urgent": "0% to 61%"}
    exact = band_set.model_copy(update={"basis": "unrounded"})
    assert band_scores(band_set.bands[1], exact, omi.rounding) == "62% to under 71%"


# --------------------------------------------------------------------------- the HTML page


class _Page(HTMLParser):
    """What the tests need from the page: ids, links, headings, tables, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_nav = 0
        self.nav_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "nav":
            self.in_nav += 1
        if tag == "a" and attributes.get("href"):
            href = str(attributes["href"])
            self.links.append(href)
            if self.in_nav:
                self.nav_links.append(href)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.in_nav -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def html(omi: Ruleset) -> str:
    return render_handbook(omi, "html")


@pytest.fixture(scope="module")
def page(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def test_html_anchors_work(page: _Page) -> None:
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    internal = [href[1:] for href in page.links if href.startswith("#")]
    assert internal
    assert not [a for a in internal if a not in page.ids]
    assert len(page.nav_links) > 20
    for anchor in ("criterion-1-2", "question-1-2-3", "section-4", "specific-4-1-3", "rule-omi-section4"):
        assert anchor in page.ids


def test_html_structure_is_accessible(html: str, page: _Page) -> None:
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, "a heading level is skipped"
    tags = [tag for tag, _ in page.tags]
    assert tags.count("table") > 10 and "nav" in tags and "main" in tags
    header_cells = [attrs for tag, attrs in page.tags if tag == "th"]
    assert header_cells and all(attrs.get("scope") in ("col", "row") for attrs in header_cells)
    assert '<html lang="en">' in html
    assert "@page" in html and "A4" in html


def test_html_is_self_contained(html: str) -> None:
    assert "<link" not in html
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_html_has_the_whole_methodology(omi: Ruleset, page: _Page) -> None:
    text = page.plain
    for section in omi.sections:
        for criterion in section.criteria:
            assert tidy(criterion.statement) in text, criterion.id
    questions = all_questions(omi)
    for qid, question in questions.items():
        assert f"question-{qid.replace('.', '-')}" in page.ids
        assert relevance_sentence(question, omi) in text, qid
        if question.relevant_if:
            assert question.relevant_if in text, qid  # the condition as written, for reviewers
    assert "The Risk of Harm thread score is below 60%." in text
    assert "No specific criterion is judged not met and at least 80% of the specific criteria are judged met." in text
    assert text.count("Assumption:") >= 5
    assert "71% to 100%" in text


def test_html_escapes_ruleset_text(mini: Ruleset) -> None:
    model = mini.model_copy(update={"title": "<script>alert(1)</script> & co"})
    out = render_handbook(model, "html")
    assert "<script>" not in out and "&lt;script&gt;" in out


# --------------------------------------------------------------------------- the Markdown file


def test_markdown_has_every_question_and_its_words(omi: Ruleset) -> None:
    md = render_handbook(omi, "markdown")
    assert md.startswith(f"# {omi.title}")
    assert md.count("\n# ") == 0  # one top-level heading
    for qid, question in all_questions(omi).items():
        assert f"#### {qid} " in md, qid
        assert markdown_text(relevance_sentence(question, omi)) in md, qid
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', md))
    targets = set(re.findall(r"\]\(#([^)]+)\)", md))
    assert targets and targets <= anchors
    assert "| Grade | Applies when |" in md
    assert "**Assumption:**" in md


def test_minimal_ruleset_renders_in_both_formats(mini: Ruleset) -> None:
    html = render_handbook(mini, "html")
    md = render_handbook(mini, "markdown")
    for out in (html, md):
        assert "Minimal inspection" in out
        assert "Relevant to licence and custody cases where ppo is false." in out
        assert "Share of specific criteria met" in out


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        (
            "rounded",
            "Scores are compared as the report publishes them, rounded to whole percents: "
            "a score of 59.6 counts as 60.",
        ),
        (
            "unrounded",
            "Scores are compared exactly, before rounding: a score of 59.6, published as 60%, counts as 59.6.",
        ),
        (None, "Scores are compared exactly, before rounding (the ruleset does not declare this; it is the default)"),
    ],
)
def test_a_decisions_basis_is_stated_in_words(omi: Ruleset, basis: str | None, expected: str) -> None:
    decisions = [d.model_copy(update={"basis": basis}) for d in omi.decisions]
    model = omi.model_copy(update={"decisions": decisions})
    for fmt in ("markdown", "html"):
        assert expected in " ".join(render_handbook(model, fmt).split())
