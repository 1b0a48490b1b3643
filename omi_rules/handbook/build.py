"""Build the handbook's view objects from a ruleset (see ``views``)."""

from __future__ import annotations

import re
from decimal import Decimal

from omi_rules.conditions.checker import Checked, compile_condition
from omi_rules.handbook.english import Phrasebook
from omi_rules.handbook.ratings import overall_views, rating_scale_views
from omi_rules.handbook.surveys import survey_views
from omi_rules.handbook.views import (
    BandSetView,
    BandView,
    CaseCriterionView,
    ChangeView,
    DecisionView,
    DocumentView,
    FieldView,
    HandbookView,
    HeadlineView,
    JudgementCriterionView,
    Link,
    MinimumView,
    OutcomeView,
    QuestionView,
    RuleView,
    SampleView,
    ScaleView,
    SectionView,
    SourceView,
    SpecificView,
    StratumView,
    ThreadView,
    TocEntry,
    ValueView,
)
from omi_rules.handbook.words import (
    date_words,
    either_words,
    fraction_percent,
    number_words,
    tidy,
    value_words,
)
from omi_rules.model import (
    Band,
    BandSet,
    BoolField,
    CaseCriterion,
    CaseField,
    CaseSampleSection,
    Citation,
    DateField,
    EnumField,
    IntField,
    JudgementCriterion,
    JudgementSection,
    NumberField,
    Outcome,
    PluginSection,
    Question,
    Rounding,
    Ruleset,
    Scale,
    Source,
    Thread,
)
from omi_rules.plugins.hookspecs import Aggregation
from omi_rules.plugins.manager import builtin_registry
from omi_rules.ruleset.environments import case_env, decision_env, judgement_env, sample_env

# --------------------------------------------------------------------------- anchors


class Anchors:
    """Stable, unique HTML ids such as ``criterion-1-2``.

    Ids are derived from the ruleset's own ids so a link to ``#question-1-2-3`` keeps working
    across versions; a clash after slugging (``1.2`` and ``1-2``) gets a numeric suffix.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}
        self._taken: set[str] = set()

    def __call__(self, kind: str, item_id: str) -> str:
        key = (kind, item_id)
        if key not in self._by_key:
            base = f"{kind}-{re.sub(r'[^a-z0-9]+', '-', item_id.lower()).strip('-') or 'item'}"
            anchor, number = base, 2
            while anchor in self._taken:
                anchor, number = f"{base}-{number}", number + 1
            self._taken.add(anchor)
            self._by_key[key] = anchor
        return self._by_key[key]


# --------------------------------------------------------------------------- small wordings


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    """A phrase as a sentence: capital first letter, full stop."""
    text = first_upper(text)
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _percent(value: float) -> str:
    return f"{number_words(value)}%"


def band_scores(band: Band, band_set: BandSet, rounding: Rounding) -> str:
    """A band's limits as people read them: "71% to 100%", "62% to 70%".

    ``max`` is exclusive (except 100). On rounded scores with a whole step the last score in
    the band can be named ("62% to 70%" for min 62, max 71 on whole percentages); otherwise
    the limit is said as exclusive ("62% to under 71%").
    """
    if band.max >= 100:
        return f"{_percent(band.min)} to 100%"
    if band_set.basis == "rounded":
        step = Decimal(1).scaleb(-rounding.decimals)
        top = Decimal(repr(band.max))
        if top % step == 0 and top - step >= Decimal(repr(band.min)):
            return f"{_percent(band.min)} to {format((top - step).normalize(), 'f')}%"
    return f"{_percent(band.min)} to under {_percent(band.max)}"


def _source(source: Source | None, model: Ruleset) -> SourceView | None:
    if source is None:
        return None
    if isinstance(source, Citation):
        document = model.documents.get(source.document)
        title = document.title if document is not None else source.document
        return SourceView(document=title, ref=source.ref, quote=tidy(source.quote) if source.quote else None)
    return SourceView(assumption=tidy(source.assumption))


def _required_source(source: Source, model: Ruleset) -> SourceView:
    view = _source(source, model)
    assert view is not None
    return view


def _field_kind(f: CaseField) -> str:
    if isinstance(f, EnumField):
        return "one of a list of values, lowest first" if f.ordered else "one of a list of values"
    if isinstance(f, BoolField):
        return "yes or no"
    if isinstance(f, IntField | NumberField | DateField):
        noun = {IntField: "a whole number", NumberField: "a number", DateField: "a date"}[type(f)]
        low = date_words(str(f.min)) if isinstance(f, DateField) and f.min else f.min
        high = date_words(str(f.max)) if isinstance(f, DateField) and f.max else f.max
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        if low is not None:
            return f"{noun}, at least {low}"
        if high is not None:
            return f"{noun}, at most {high}"
        return noun
    return "text"


def _in_sentences(f: CaseField, book: Phrasebook) -> str:
    if isinstance(f, BoolField):
        return f"{_sentence(book.fact(f.id, True))} Otherwise: {book.fact(f.id, False)}."
    return book.field_noun(f.id)


def _effective(model: Ruleset) -> str:
    start = date_words(model.effective_from)
    if model.effective_to:
        return f"In force from {start} to {date_words(model.effective_to)}."
    return f"In force from {start} (no end date)."


def _rounding(rounding: Rounding) -> str:
    places = "whole percentages" if rounding.decimals == 0 else f"percentages to {rounding.decimals} decimal places"
    method = "halves rounded up" if rounding.method == "half_up" else "halves rounded to the even neighbour"
    return f"Scores are computed exactly and shown as {places} ({method})."


# --------------------------------------------------------------------------- building the view


class _Builder:
    """Builds a ``HandbookView``; one instance per rendering."""

    def __init__(self, model: Ruleset) -> None:
        self.model = model
        self.book = Phrasebook(model)
        self.anchor = Anchors()
        self.band_sets = {b.id: b for b in model.band_sets}
        self.case_env = case_env(model)
        self.decides = self._dependants()

    def build(self) -> HandbookView:
        m = self.model
        view = HandbookView(
            title=m.title,
            id=m.id,
            version=m.version,
            effective=_effective(m),
            description=tidy(m.description),
            rounding=_rounding(m.rounding),
            changelog=[ChangeView(c.version, date_words(c.date), [tidy(x) for x in c.changes]) for c in m.changelog],
            documents=[self.document(key) for key in m.documents],
        )
        view.fields = [self.field(f) for f in m.fields]
        view.scales = [self.scale(s) for s in m.scales]
        view.band_sets = [self.band_set(b) for b in m.band_sets]
        view.sections = [self.section(s) for s in m.sections]
        view.rules = [self.rule(r.id) for r in m.judgement_rules]
        view.threads = [self.thread(t) for t in m.threads]
        view.decisions = [self.decision(i) for i in range(len(m.decisions))]
        view.headlines = [self.headline(i) for i in range(len(m.headlines))]
        source = lambda s: _required_source(s, m)  # noqa: E731 - binds the model for the ratings' views
        view.rating_scales = rating_scale_views(m, self.anchor, source)
        view.overall_ratings = overall_views(m, self.book, self.anchor, source)
        view.surveys = survey_views(m, self.anchor, source)
        view.sample = self.sample()
        view.toc = self.toc(view)
        return view

    # ------------------------------------------------------------------ front matter

    def document(self, key: str) -> DocumentView:
        d = self.model.documents[key]
        details = ", ".join(x for x in (d.publisher, d.published) if x)
        return DocumentView(key, d.title, details, d.url)

    def field(self, f: CaseField) -> FieldView:
        values: list[ValueView] = []
        if isinstance(f, EnumField):
            for v in f.values:
                values.append(ValueView(v, None) if isinstance(v, str) else ValueView(v.value, v.description))
        return FieldView(
            id=f.id,
            anchor=self.anchor("field", f.id),
            kind=_field_kind(f),
            description=tidy(f.description),
            in_sentences=_in_sentences(f, self.book),
            values=values,
            required=f.required,
            source=_source(f.source, self.model),
        )

    def scale(self, s: Scale) -> ScaleView:
        return ScaleView(
            id=s.id,
            anchor=self.anchor("scale", s.id),
            description=tidy(s.description) if s.description else None,
            sufficient=list(s.sufficient),
            insufficient=list(s.insufficient),
            not_applicable=list(s.not_applicable),
            source=_source(s.source, self.model),
        )

    def band_set(self, b: BandSet) -> BandSetView:
        bands = sorted(b.bands, key=lambda band: band.min, reverse=True)
        return BandSetView(
            id=b.id,
            anchor=self.anchor("bands", b.id),
            title=b.title,
            basis="the displayed (rounded) score" if b.basis == "rounded" else "the exact (unrounded) score",
            note=tidy(b.note) if b.note else None,
            bands=[
                BandView(
                    band.id,
                    band.label,
                    band_scores(band, b, self.model.rounding),
                    tidy(band.sentence) if band.sentence else None,
                    _required_source(band.source, self.model),
                )
                for band in bands
            ],
        )

    # ------------------------------------------------------------------ sections

    def section(self, s: CaseSampleSection | JudgementSection | PluginSection) -> SectionView:
        anchor = self.anchor("section", s.id)
        source = _required_source(s.source, self.model)
        if isinstance(s, PluginSection):
            how = f"Scored by the plugin section kind {s.section_kind}; its settings are in the ruleset file."
            return SectionView(s.id, anchor, s.title, "plugin", how, source)
        if isinstance(s, JudgementSection):
            rule = self.rule_link(s.rule)
            how = "Graded from inspectors’ judgements of each criterion’s specific criteria"
            how += f", using the judgement rule {rule.text}." if rule else "."
            criteria = [self.judgement_criterion(c, s.rule) for c in s.criteria]
            return SectionView(s.id, anchor, s.title, "judgement", how, source, judgement_criteria=criteria)
        how = (
            "Scored from the case sample: for each question, the proportion of relevant cases judged "
            "sufficient; each criterion combines its questions as weighted below."
        )
        case_criteria = [self.case_criterion(s, c) for c in s.criteria]
        return SectionView(s.id, anchor, s.title, "case_sample", how, source, case_criteria=case_criteria)

    def case_criterion(self, s: CaseSampleSection, c: CaseCriterion) -> CaseCriterionView:
        w = c.weights
        weights = (
            f"Individual questions {fraction_percent(w.individual)}, summary question {fraction_percent(w.summary)}."
        )
        aggregation = _aggregation(c.aggregation)
        if aggregation is not None and aggregation.weigh is not None:
            each = ", ".join(f"{q.id} {q.weight or 1:g}" for q in c.questions if q.scored)
            weights = f"Each question by its weight ({aggregation.description}): {each}."
        elif aggregation is not None and not aggregation.needs_summary:  # the weights are not used: never show them
            weights = f"None: {aggregation.description}."
        band_id = c.bands or s.bands
        band_set = self.band_sets.get(band_id) if band_id else None
        return CaseCriterionView(
            id=c.id,
            anchor=self.anchor("criterion", c.id),
            title=c.title,
            statement=tidy(c.statement),
            weights=weights,
            weights_source=_source(w.source, self.model),
            aggregation=value_words(c.aggregation),
            bands=self.band_set(band_set) if band_set else None,
            bands_link=Link(self.anchor("bands", band_set.id), band_set.title) if band_set else None,
            questions=[self.question(q) for q in c.questions],
            source=_required_source(c.source, self.model),
        )

    def question(self, q: Question) -> QuestionView:
        if q.summary:
            role = "Summary question: scored, with the summary weight."
        elif not q.scored:
            role = "Routing question: not scored; its answer decides which later questions apply."
        else:
            role = "Individual question: scored."
        return QuestionView(
            id=q.id,
            anchor=self.anchor("question", q.id),
            text=tidy(q.text),
            relevance=self.book.relevance(q),
            condition=q.relevant_if,
            role=role,
            scale=Link(self.anchor("scale", q.scale), q.scale),
            tags=list(q.tags),
            guidance=tidy(q.guidance) if q.guidance else None,
            source=_required_source(q.source, self.model),
            decides=[Link(self.anchor("question", d), d) for d in self.decides.get(q.id, [])],
        )

    def _dependants(self) -> dict[str, list[str]]:
        """For each question, the questions whose relevance reads its answer."""
        out: dict[str, list[str]] = {}
        for qid, q in self.book.questions.items():
            if not q.relevant_if:
                continue
            checked = compile_condition(q.relevant_if, self.case_env)
            if isinstance(checked, Checked):
                for func, arg in sorted(checked.calls):
                    if func == "answer":
                        out.setdefault(arg, []).append(qid)
        return out

    def judgement_criterion(self, c: JudgementCriterion, section_rule: str | None) -> JudgementCriterionView:
        return JudgementCriterionView(
            id=c.id,
            anchor=self.anchor("criterion", c.id),
            title=c.title,
            statement=tidy(c.statement),
            rule=self.rule_link(c.rule or section_rule),
            specific=[
                SpecificView(
                    sc.id, self.anchor("specific", sc.id), tidy(sc.text), _required_source(sc.source, self.model)
                )
                for sc in c.specific_criteria
            ],
            source=_required_source(c.source, self.model),
        )

    # ------------------------------------------------------------------ rules, threads, decisions

    def rule_link(self, rule_id: str | None) -> Link | None:
        rule = next((r for r in self.model.judgement_rules if r.id == rule_id), None)
        return Link(self.anchor("rule", rule.id), rule.title) if rule else None

    def outcomes(self, kind: str, owner: str, outcomes: list[Outcome], words: list[str | None]) -> list[OutcomeView]:
        return [
            OutcomeView(
                id=o.id,
                anchor=self.anchor(kind, f"{owner}-{o.id}"),
                label=o.label,
                when=_sentence(w) if w else "Otherwise (when no condition above holds).",
                condition=o.when,
                sentence=tidy(o.sentence) if o.sentence else None,
            )
            for o, w in zip(outcomes, words, strict=True)
        ]

    def rule(self, rule_id: str) -> RuleView:
        rule = next(r for r in self.model.judgement_rules if r.id == rule_id)
        env = judgement_env(rule)
        words = [self.book.describe(g.when, env) if g.when else None for g in rule.grades]
        used_by = [
            Link(self.anchor("criterion", c.id), f"{c.id} {c.title}")
            for s in self.model.sections
            if isinstance(s, JudgementSection)
            for c in s.criteria
            if (c.rule or s.rule) == rule.id
        ]
        return RuleView(
            id=rule.id,
            anchor=self.anchor("rule", rule.id),
            title=rule.title,
            judgements=either_words([value_words(j) for j in rule.judgements]),
            grades=self.outcomes("grade", rule.id, rule.grades, words),
            used_by=used_by,
            source=_required_source(rule.source, self.model),
        )

    def thread(self, t: Thread) -> ThreadView:
        sel = t.select
        sections = [s for s in self.model.sections if isinstance(s, CaseSampleSection)]
        if sel.sections:
            sections = [s for s in sections if s.id in sel.sections]
        tags = set(sel.tags)
        questions = [
            Link(self.anchor("question", q.id), f"{q.id} {tidy(q.text)}")
            for s in sections
            for c in s.criteria
            for q in c.questions
            if tags & set(q.tags) and q.scored and (sel.include_summary or not q.summary)
        ]
        where = f"in sections {either_words(sel.sections, 'and')}" if sel.sections else "in every case-sample section"
        tagged = either_words(sel.tags)
        summary = "summary questions included" if sel.include_summary else "summary questions left out"
        selection = (
            f"The mean, over the scored questions tagged {tagged} {where} ({summary}), of the proportion of "
            "relevant cases judged sufficient."
        )
        bands = self.band_sets.get(t.bands) if t.bands else None
        return ThreadView(
            id=t.id,
            anchor=self.anchor("thread", t.id),
            title=t.title,
            selection=selection,
            questions=questions,
            bands=Link(self.anchor("bands", bands.id), bands.title) if bands else None,
            source=_required_source(t.source, self.model),
        )

    def decision(self, index: int) -> DecisionView:
        d = self.model.decisions[index]
        env = decision_env(self.model)
        words = [self.book.describe(o.when, env) if o.when else None for o in d.outcomes]
        return DecisionView(
            id=d.id,
            anchor=self.anchor("decision", d.id),
            title=d.title,
            outcomes=self.outcomes("outcome", d.id, d.outcomes, words),
            source=_required_source(d.source, self.model),
            basis=self.decision_basis(d.basis),
        )

    def decision_basis(self, basis: str | None) -> str:
        """A decision's basis in words, with the example that shows why it matters."""
        decimals = self.model.rounding.decimals
        places = "whole percents" if decimals == 0 else f"{decimals} decimal place{'s' if decimals > 1 else ''}"
        step = Decimal(1).scaleb(-decimals)
        near, shown = Decimal(60) - step * Decimal("0.4"), Decimal(60).quantize(step)
        if basis == "rounded":
            return (
                f"Scores are compared as the report publishes them, rounded to {places}: "
                f"a score of {near} counts as {shown}."
            )
        undeclared = "" if basis == "unrounded" else " (the ruleset does not declare this; it is the default)"
        return (
            f"Scores are compared exactly, before rounding{undeclared}: a score of {near}, "
            f"published as {shown}%, counts as {near}."
        )

    def headline(self, index: int) -> HeadlineView:
        h = self.model.headlines[index]
        env = case_env(self.model)
        counted = first_upper(self.book.describe(h.relevant_if, env)) + "." if h.relevant_if else "Every case."
        return HeadlineView(
            id=h.id,
            anchor=self.anchor("headline", h.id),
            title=h.title,
            counted=counted,
            well_enough=first_upper(self.book.describe(h.well_enough_if, env)) + ".",
            conditions=(h.relevant_if, h.well_enough_if),
            source=_required_source(h.source, self.model),
        )

    def sample(self) -> SampleView | None:
        s = self.model.sample
        if s.size is None and not s.strata and not s.minimums:
            return None
        size = None
        if s.size is not None:
            size = f"{s.size.min} to {s.size.max} cases" if s.size.max else f"at least {s.size.min} cases"
        env = sample_env(self.model)
        strata = [
            StratumView(
                field=self.book.field_noun(st.field),
                counts=[(value_words(v), count) for v, count in st.counts.items()],
                total=sum(st.counts.values()),
                source=_required_source(st.source, self.model),
            )
            for st in s.strata
        ]
        minimums = [
            MinimumView(
                id=mi.id,
                anchor=self.anchor("minimum", mi.id),
                title=mi.title,
                when=_sentence(self.book.describe(mi.when, env)),
                condition=mi.when,
                min=mi.min,
                source=_required_source(mi.source, self.model),
            )
            for mi in s.minimums
        ]
        return SampleView(
            size=size,
            size_source=_source(s.size.source, self.model) if s.size else None,
            strata=strata,
            minimums=minimums,
        )

    # ------------------------------------------------------------------ contents

    def toc(self, view: HandbookView) -> list[TocEntry]:
        entries = [TocEntry("about", "About this methodology")]
        if view.fields:
            entries.append(TocEntry("case-fields", "Case fields"))
        if view.scales:
            entries.append(TocEntry("answer-scales", "Answer scales"))
        if view.band_sets:
            entries.append(TocEntry("band-sets", "Bands", [TocEntry(b.anchor, b.title) for b in view.band_sets]))
        for s in view.sections:
            criteria = s.case_criteria or s.judgement_criteria
            children = [TocEntry(c.anchor, f"{c.id} {c.title}") for c in criteria]
            entries.append(TocEntry(s.anchor, f"Section {s.id}: {s.title}", children))
        if view.rules:
            entries.append(
                TocEntry("judgement-rules", "Judgement rules", [TocEntry(r.anchor, r.title) for r in view.rules])
            )
        if view.threads:
            entries.append(TocEntry("threads", "Threads", [TocEntry(t.anchor, t.title) for t in view.threads]))
        if view.headlines:
            entries.append(
                TocEntry("headlines", "Headline scores", [TocEntry(x.anchor, x.title) for x in view.headlines])
            )
        if view.rating_scales or view.overall_ratings:
            children = [TocEntry(x.anchor, x.title) for x in view.overall_ratings]
            entries.append(TocEntry("ratings", "Ratings and overall ratings", children))
        if view.decisions:
            entries.append(TocEntry("decisions", "Decisions", [TocEntry(d.anchor, d.title) for d in view.decisions]))
        if view.surveys:
            entries.append(TocEntry("surveys", "Surveys", [TocEntry(x.anchor, x.title) for x in view.surveys]))
        if view.sample is not None:
            entries.append(TocEntry("sample", "Sample requirements"))
        return entries


def _aggregation(name: str) -> Aggregation | None:
    """The built-in aggregation ``name``, or None (a plugin's; its handbook wording is its own)."""
    return builtin_registry().aggregations.get(name)


def build_view(model: Ruleset) -> HandbookView:
    """The handbook's content, independent of format."""
    return _Builder(model).build()


# --------------------------------------------------------------------------- templates
