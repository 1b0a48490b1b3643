"""The HTML report carries every figure of the Summary of Scores, draws Chart 1 to scale, is
self-contained and accessible, and is byte-identical across runs.

No browser is needed: the page is parsed with the standard library's ``html.parser`` into a
small element tree, which is enough to check headings, tables, the SVG and its attributes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from omi_rules.engine.pipeline import score
from omi_rules.model import CaseSampleSection, Ruleset
from omi_rules.model.results import Result
from omi_rules.report.chart import PLOT_WIDTH, fmt
from omi_rules.report.html import render_html

from .conftest import FIXTURES, ROOT

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list[Element | str] = field(default_factory=list)
    """Child elements and text, in document order."""

    @property
    def children(self) -> list[Element]:
        return [c for c in self.content if isinstance(c, Element)]

    def iter(self, tag: str | None = None) -> list[Element]:
        """This element and all below it (optionally only those with ``tag``), in document order."""
        found = [self] if tag is None or self.tag == tag else []
        for child in self.children:
            found += child.iter(tag)
        return found

    def all_text(self) -> str:
        """The text inside, whitespace collapsed, as a reader sees it."""
        parts = [c if isinstance(c, str) else c.all_text() for c in self.content]
        return re.sub(r"\s+", " ", "".join(parts)).strip()


class TreeBuilder(HTMLParser):
    """A tolerant tree: void elements and self-closed SVG elements close themselves."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(page: str) -> Element:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def _render(
    ruleset: Path, cases: Path, judgements: Path | None = None, where: str | None = None, by: str | None = None
) -> tuple[str, Result, Ruleset]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        scored = score(ruleset, cases, judgements, where=where, by=by)
    assert scored.result is not None and scored.compiled is not None, scored.report.sorted()
    return render_html(scored.result, scored.compiled.model), scored.result, scored.compiled.model


MINIMAL_RULESET = FIXTURES / "minimal"
MINIMAL_CASES = FIXTURES / "data" / "minimal-cases.csv"
NW = (
    Path("rulesets/omi-2008"),
    Path("examples/north-wales-2008/cases.csv"),
    Path("examples/north-wales-2008/judgements.yaml"),
)


@pytest.fixture(scope="module")
def north_wales() -> tuple[str, Result, Ruleset]:
    return _render(*NW)


@pytest.fixture(scope="module")
def page(north_wales: tuple[str, Result, Ruleset]) -> str:
    return north_wales[0]


@pytest.fixture(scope="module")
def tree(page: str) -> Element:
    return parse(page)


def _rows(table: Element) -> dict[str, list[str]]:
    """A table's body as {row header: data cells}."""
    return {
        r.iter("th")[0].all_text(): [td.all_text() for td in r.iter("td")] for r in table.iter("tbody")[0].iter("tr")
    }


def _svg(tree: Element) -> Element:
    charts = tree.iter("svg")
    chart = [s for s in charts if s.attrs.get("role") == "img"]
    assert len(chart) == 1
    return chart[0]


# --------------------------------------------------------------------------- the figures


def test_every_criterion_with_its_display_score(tree: Element, north_wales: tuple[str, Result, Ruleset]) -> None:
    result = north_wales[1]
    table = next(t for t in tree.iter("table") if "Chart 1 as a table" in t.iter("caption")[0].all_text())
    rows = _rows(table)
    assert len(result.criteria) == 14
    for c in result.criteria.values():
        assert c.display is not None and c.band is not None
        assert rows[f"{c.id} {c.title}"] == [c.display, c.band.label]
    for s in result.sections.values():
        assert rows[f"Section {s.id}: {s.title}"][0] == s.display
    assert rows["1.2 Assessment of Risk of Harm"] == ["70%", "Priority for improvement"]


def test_conclusion_sentences(page: str, north_wales: tuple[str, Result, Ruleset]) -> None:
    model = north_wales[2]
    sentences = {b.sentence for s in model.band_sets for b in s.bands if b.sentence}
    assert len(sentences) == 3
    for sentence in sentences:
        assert sentence in page
    items = {li.iter("span")[0].all_text(): li.all_text() for li in parse(page).iter("li") if li.iter("span")}
    for c in north_wales[1].criteria.values():
        assert c.band is not None and c.band.sentence
        item = items[f"{c.id} {c.title}"]
        assert item.startswith(f"{c.id} {c.title}: {c.display}, {c.band.label}")
        assert item.endswith(c.band.sentence)


def test_table_1_table_2_and_decision(tree: Element, page: str) -> None:
    table1 = next(t for t in tree.iter("table") if t.iter("caption")[0].all_text().startswith("Table 1"))
    grades = [tr.iter("td")[0].all_text() for tr in table1.iter("tbody")[0].iter("tr")]
    assert grades == ["Satisfactorily met"] * 3 + ["Partly met"] * 3
    table2 = next(t for t in tree.iter("table") if t.iter("caption")[0].all_text().startswith("Table 2"))
    row = table2.iter("tbody")[0].iter("tr")[0]
    assert row.iter("th")[0].all_text() == "Risk of Harm thread"
    assert row.iter("td")[0].all_text() == "71%"
    assert "There will not be a further inspection." in page
    assert "Will a further focused inspection of Risk of Harm work follow?" in page


def test_table_1_says_which_criteria_were_not_judged(tmp_path: Path) -> None:
    """A criterion left out of the judgements has no grade and says so; one judged on some of
    its specific criteria shows its grade with the ones left out named."""
    text = (ROOT / NW[2]).read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(text) if line.startswith('  "4.3":'))
    stop = next(i for i, line in enumerate(text) if line.startswith('  "4.4":'))
    kept = [line for line in text[:start] + text[stop:] if not line.startswith('    "4.4.6":')]
    judgements = tmp_path / "judgements.yaml"
    judgements.write_text("".join(kept), encoding="utf-8")
    page, _, _ = _render(NW[0], NW[1], judgements)
    table1 = next(t for t in parse(page).iter("table") if t.iter("caption")[0].all_text().startswith("Table 1"))
    rows = _rows(table1)
    assert rows["4.3 Resource deployment"] == [
        "not judged",
        "none (not judged: " + ", ".join(f"4.3.{n}" for n in range(1, 9)) + ")",
    ]
    grade, judged = rows["4.4 Workforce planning and development"]
    assert grade.endswith("(7 of 8 judged)")
    assert judged.endswith("(of 7); not judged: 4.4.6")


def test_provenance(page: str, north_wales: tuple[str, Result, Ruleset]) -> None:
    result = north_wales[1]
    assert result.inputs.judgements is not None
    for text in (
        result.ruleset.sha256,
        result.ruleset.id,
        result.ruleset.version,
        result.inputs.cases.sha256,
        result.inputs.cases.file,
        result.inputs.judgements.sha256,
        result.inputs.judgements.file,
        f"omi-rules {result.tool['version']}",
        result.ruleset.title,
    ):
        assert text in page
    assert "109 (all cases)" in parse(page).all_text()


def test_findings_listed(page: str, north_wales: tuple[str, Result, Ruleset]) -> None:
    assert north_wales[1].findings
    for finding in north_wales[1].findings:
        assert finding.message in page.replace("&#39;", "'")


# --------------------------------------------------------------------------- the chart


def test_svg_is_an_accessible_image(tree: Element) -> None:
    svg = _svg(tree)
    assert svg.children[0].tag == "title" and svg.children[0].all_text()
    assert svg.children[1].tag == "desc" and "62%" in svg.children[1].all_text()
    labelled = svg.attrs["aria-labelledby"].split()
    assert labelled == [svg.children[0].attrs["id"], svg.children[1].attrs["id"]]


def test_one_bar_per_scored_criterion_and_section(tree: Element, north_wales: tuple[str, Result, Ruleset]) -> None:
    result = north_wales[1]
    bars = [r for r in _svg(tree).iter("rect") if "bar" in r.attrs.get("class", "").split()]
    criteria = [b.attrs["data-criterion"] for b in bars if "data-criterion" in b.attrs]
    sections = [b.attrs["data-section"] for b in bars if "data-section" in b.attrs]
    assert criteria == list(result.criteria)
    assert sections == list(result.sections)
    assert len(bars) == len(criteria) + len(sections)


@pytest.mark.parametrize(
    ("attribute", "item"), [("data-criterion", "1.2"), ("data-criterion", "2.6"), ("data-section", "3")]
)
def test_bar_width_is_proportional_to_score(
    tree: Element, north_wales: tuple[str, Result, Ruleset], attribute: str, item: str
) -> None:
    result = north_wales[1]
    expected = (result.criteria[item] if attribute == "data-criterion" else result.sections[item]).score
    assert expected is not None
    bar = next(r for r in _svg(tree).iter("rect") if r.attrs.get(attribute) == item)
    assert float(bar.attrs["width"]) == pytest.approx(PLOT_WIDTH * expected / 100, abs=0.01)
    assert float(bar.attrs["data-score"]) == pytest.approx(expected, abs=0.01)


def test_bar_widths_ordered_like_scores(tree: Element) -> None:
    widths = {
        r.attrs["data-criterion"]: float(r.attrs["width"])
        for r in _svg(tree).iter("rect")
        if "data-criterion" in r.attrs
    }
    # 2.6 (86%) > 1.1 (80%) > 1.2 (70%) > 3.1 (54%)
    assert widths["2.6"] > widths["1.1"] > widths["1.2"] > widths["3.1"]
    assert widths["1.2"] / widths["2.6"] == pytest.approx(70.0 / 86.0, abs=0.01)


def test_band_limit_lines_labelled(tree: Element) -> None:
    svg = _svg(tree)
    lines = [e for e in svg.iter("line") if "limit" in e.attrs.get("class", "").split()]
    assert sorted(float(line.attrs["data-limit"]) for line in lines) == [62.0, 71.0]
    x62 = next(line for line in lines if line.attrs["data-limit"] == "62")
    assert x62.attrs["x1"] == x62.attrs["x2"]
    labels = [t.all_text() for t in svg.iter("text") if "limit-label" in t.attrs.get("class", "")]
    assert "62%" in labels and "71%" in labels


def test_colour_is_never_the_only_cue(tree: Element, north_wales: tuple[str, Result, Ruleset]) -> None:
    """Every row writes its score, and every scored criterion its conclusion, as text."""
    svg = _svg(tree)
    rows = [g for g in svg.iter("g") if "row" in g.attrs.get("class", "").split()]
    assert len(rows) == len(north_wales[1].criteria) + len(north_wales[1].sections)
    for row in rows:
        texts = {t.attrs.get("class"): t.all_text() for t in row.iter("text")}
        assert texts["score"].endswith("%")
        if "row-criterion" in row.attrs["class"]:
            assert texts["band"] in {"Good", "Priority for improvement", "Urgent priority for improvement"}


def _bars(svg: Element) -> list[Element]:
    return [r for r in svg.iter("rect") if "bar" in r.attrs.get("class", "").split()]


def _legend(tree: Element) -> dict[str, tuple[str, str]]:
    """The chart's legend as {label: (its swatch's fill, the words after the label)}."""
    entries: dict[str, tuple[str, str]] = {}
    for item in next(u for u in tree.iter("ul") if u.attrs.get("class") == "legend").iter("li"):
        label = item.iter("strong")[0].all_text()
        entries[label] = (item.iter("rect")[0].attrs["fill"], item.all_text().removeprefix(f"{label}:").strip())
    return entries


def test_only_bars_with_a_band_are_coloured_by_band(tree: Element, north_wales: tuple[str, Result, Ruleset]) -> None:
    """A criterion bar has its band's colour (the one its legend entry shows); a section has no
    band, so its bar has a neutral colour that is no band's, and the legend says why."""
    result = north_wales[1]
    legend = _legend(tree)
    band_fills = {fill for label, (fill, _) in legend.items() if label != "Section score"}
    for bar in _bars(_svg(tree)):
        if "data-criterion" in bar.attrs:
            band = result.criteria[bar.attrs["data-criterion"]].band
            assert band is not None and bar.attrs["fill"] == legend[band.label][0]
        else:
            assert bar.attrs["fill"] == legend["Section score"][0]
            assert bar.attrs["fill"] not in band_fills
    assert "no conclusion" in legend["Section score"][1]


def test_band_tints_are_behind_criteria_only(tree: Element) -> None:
    """The bands' tinted zones run behind the criterion rows, never behind a section's bar:
    a section bar sitting on a band's colour would read as a section in that band."""
    svg = _svg(tree)
    zones = [r for r in svg.iter("rect") if "data-band" in r.attrs]
    assert zones
    for bar in _bars(svg):
        top, bottom = float(bar.attrs["y"]), float(bar.attrs["y"]) + float(bar.attrs["height"])
        behind = [
            z for z in zones if float(z.attrs["y"]) < bottom and float(z.attrs["y"]) + float(z.attrs["height"]) > top
        ]
        assert bool(behind) == ("data-criterion" in bar.attrs), bar.attrs


def test_a_criterion_without_a_band_is_neutral_and_the_legend_says_so(north_wales: tuple[str, Result, Ruleset]) -> None:
    """A scored criterion with no band (its ruleset gives it no band set) is not coloured as if
    it had one: a neutral bar, no conclusion written, and a legend entry for it."""
    _, result, model = north_wales
    bandless = result.criteria["2.3"].model_copy(update={"band": None})
    page = render_html(result.model_copy(update={"criteria": {**result.criteria, "2.3": bandless}}), model)
    tree = parse(page)
    legend = _legend(tree)
    bar = next(b for b in _bars(_svg(tree)) if b.attrs.get("data-criterion") == "2.3")
    assert bar.attrs["fill"] == legend["No conclusion"][0]
    assert bar.attrs["fill"] not in {fill for label, (fill, _) in legend.items() if label != "No conclusion"}
    assert "no conclusion band" in legend["No conclusion"][1]
    row = next(g for g in _svg(tree).iter("g") if bar in g.children)
    assert not [t for t in row.iter("text") if t.attrs.get("class") == "band"]


def test_the_chart_description_gives_sections_no_conclusion(tree: Element) -> None:
    desc = _svg(tree).children[1].all_text()
    assert "Each bar is labelled with its score and conclusion" not in desc
    assert "criterion bar is labelled with its score and conclusion" in desc
    assert "section bar with its score only" in desc


# --------------------------------------------------------------------------- page qualities


def test_self_contained(page: str, tree: Element) -> None:
    for element in tree.iter():
        if element.tag in {"link", "script", "img", "iframe", "object", "embed", "source", "use", "image"}:
            for name in ("src", "href", "xlink:href", "data"):
                value = element.attrs.get(name, "")
                assert not value.startswith(("http://", "https://", "//")), (element.tag, value)
    assert not tree.iter("script")
    assert not tree.iter("link")
    assert "@import" not in page and "url(" not in page
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) is None


def test_document_structure(tree: Element, page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    html = tree.iter("html")[0]
    assert html.attrs["lang"] == "en"
    assert len(tree.iter("h1")) == 1
    assert tree.iter("title")[0].all_text()
    # headings never skip a level going down
    levels = [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_every_table_has_caption_and_scoped_headers(tree: Element) -> None:
    tables = tree.iter("table")
    assert len(tables) >= 3
    for table in tables:
        assert table.children[0].tag == "caption" and table.children[0].all_text()
        heads = table.iter("th")
        assert heads
        assert {th.attrs.get("scope") for th in heads} <= {"col", "row"}
        assert all(th.attrs.get("scope") == "col" for th in table.iter("thead")[0].iter("th"))
        for row in table.iter("tbody")[0].iter("tr"):
            assert row.children[0].tag == "th" and row.children[0].attrs["scope"] == "row"


def test_print_styles(page: str) -> None:
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert "print-color-adjust: exact" in page
    assert "break-inside: avoid" in page


def test_deterministic(page: str) -> None:
    again, _, _ = _render(*NW)
    assert again == page


def test_text_is_escaped(north_wales: tuple[str, Result, Ruleset]) -> None:
    """Titles come from YAML anyone may write: markup in them is shown, never interpreted."""
    _, result, model = north_wales
    c = result.criteria["1.1"]
    hostile = result.model_copy(
        update={"criteria": {**result.criteria, "1.1": c.model_copy(update={"title": "<script>x</script>"})}}
    )
    page = render_html(hostile, model)
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


# --------------------------------------------------------------------------- subgroups, no cases


def test_by_sentence_adds_group_tables(north_wales: tuple[str, Result, Ruleset]) -> None:
    page, result, _ = _render(*NW, by="sentence")
    assert result.by is not None
    tree = parse(page)
    table = next(t for t in tree.iter("table") if "by sentence" in t.iter("caption")[0].all_text())
    header = [th.all_text() for th in table.iter("thead")[0].iter("th")]
    assert header[:2] == ["Criterion", "All cases (109)"]
    assert [h.split(" (")[0] for h in header[2:]] == [f"sentence = {g.value}" for g in result.by.groups]
    rows = _rows(table)
    c12 = result.criteria["1.2"]
    assert rows[f"1.2 {c12.title}"] == [c12.display] + [g.scores.criteria["1.2"].display for g in result.by.groups]
    s1 = result.sections["1"]
    assert rows[f"Section 1: {s1.title}"][0] == s1.display
    # without --by there is no group table
    assert "by sentence" not in north_wales[0]


def test_no_judged_cases() -> None:
    page, result, _ = _render(MINIMAL_RULESET, MINIMAL_CASES, where="tier == 99")
    assert result.cases == 0
    assert all(c.score is None for c in result.criteria.values())
    tree = parse(page)
    svg = _svg(tree)
    assert not [r for r in svg.iter("rect") if "bar" in r.attrs.get("class", "").split()]
    unscored = [t for t in svg.iter("text") if "unscored" in t.attrs.get("class", "")]
    assert [t.attrs.get("data-criterion") for t in unscored if "data-criterion" in t.attrs] == ["1.1"]
    assert all(t.all_text() == "no judged cases" for t in unscored)
    assert "No conclusion" in page


def test_one_unscored_criterion_among_scored(north_wales: tuple[str, Result, Ruleset]) -> None:
    """A criterion without a score shows the words instead of a bar; the others keep theirs."""
    _, result, model = north_wales
    c = result.criteria["2.3"]
    empty = c.model_copy(update={"score": None, "display": None, "band": None})
    page = render_html(result.model_copy(update={"criteria": {**result.criteria, "2.3": empty}}), model)
    svg = _svg(parse(page))
    bars = [r.attrs.get("data-criterion") for r in svg.iter("rect") if "data-criterion" in r.attrs]
    assert "2.3" not in bars and len(bars) == 13
    row = next(g for g in svg.iter("g") if any(t.attrs.get("data-criterion") == "2.3" for t in g.iter("text")))
    assert "no judged cases" in row.all_text()


def test_fmt_is_stable() -> None:
    assert fmt(62.0) == "62"
    assert fmt(70.99369141924181) == "70.99"
    assert fmt(0.0) == "0"
    assert fmt(-0.001) == "0"
    assert fmt(12.5) == "12.5"


def test_close_limits_other_band_sets_and_long_titles(north_wales: tuple[str, Result, Ruleset]) -> None:
    """Limit labels too close to share a row are staggered (and the chart grows to keep them);
    a criterion with a band set of its own gets its limits marked on its row; a title too long
    to sit beside its conclusion is shortened in the chart but kept whole in the table."""
    _, result, model = north_wales
    main = model.band_sets[0]
    close = main.model_copy(
        update={
            "bands": [
                b.model_copy(update={"min": 64.0} if b.id == "good" else {"max": 64.0} if b.id == "priority" else {})
                for b in main.bands
            ]
        }
    )
    own = main.model_copy(
        update={
            "id": "own",
            "bands": [
                b.model_copy(update={"min": 50.0} if b.id == "priority" else {"max": 50.0} if b.id == "urgent" else {})
                for b in main.bands
            ],
        }
    )
    sections = [
        s.model_copy(update={"criteria": [s.criteria[0].model_copy(update={"bands": "own"}), *s.criteria[1:]]})
        if isinstance(s, CaseSampleSection) and s.id == "3"
        else s
        for s in model.sections
    ]
    changed = model.model_copy(update={"band_sets": [close, own], "sections": sections})
    long_title = "A very long criterion title that goes on and on until it meets the conclusion label"
    criteria = {**result.criteria, "2.4": result.criteria["2.4"].model_copy(update={"title": long_title})}
    page = render_html(result.model_copy(update={"criteria": criteria}), changed)
    svg = _svg(parse(page))
    limits = {e.attrs["data-limit"] for e in svg.iter("line") if e.attrs.get("class") == "limit"}
    assert limits == {"62", "64"}
    tops = {
        t.all_text(): float(t.attrs["y"])
        for t in svg.iter("text")
        if t.attrs.get("class") == "limit-label" and float(t.attrs["y"]) < 40
    }
    assert tops["64%"] < tops["62%"]
    assert max(float(t.attrs["y"]) for t in svg.iter("text")) < float(svg.attrs["height"])
    row_marks = [e.attrs["data-limit"] for e in svg.iter("line") if e.attrs.get("class") == "row-limit"]
    assert row_marks == ["50", "71"]
    assert "band set of its own" in page
    labels = [t.all_text() for t in svg.iter("text") if t.attrs.get("class") == "label"]
    assert any(label.startswith("2.4 A very long") and label.endswith("…") for label in labels)
    assert f"2.4 {long_title}" in page
