"""The report page and the handbook in a real browser (headless Chromium via Playwright).

Chromium comes from the system (Debian package `chromium`; `.ci/run` installs it). Locally the
tests are skipped when it is missing; with OMI_REQUIRE_BROWSER=1 (as CI sets) they fail instead,
so CI can never pass by skipping them. Screenshots and a print-to-PDF are kept in
`test-artifacts/` for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from omi_rules.cli import main

from .conftest import ROOT

CHROMIUM = os.environ.get("OMI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("OMI_REQUIRE_BROWSER") == "1"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXAMPLE = ["rulesets/omi-2008", "examples/north-wales-2008/cases.csv"]
JUDGEMENTS = ["--judgements", "examples/north-wales-2008/judgements.yaml"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if REQUIRED:
            pytest.fail("OMI_REQUIRE_BROWSER=1 but no Chromium was found (install the Debian package 'chromium')")
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    # The pages are self-contained: any request other than the file itself is a defect.
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    opened = context.new_page()
    opened.requests = requests
    yield opened
    context.close()


def build(args: list[str], output: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*args, "--output", str(output)])
    assert result.exit_code == 0, result.output + result.stderr
    return output


def only_local_requests(page: Any) -> None:
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_report_page_renders(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = build(["score", *EXAMPLE, *JUDGEMENTS, "--format", "html"], tmp_path / "report.html", monkeypatch)
    page.goto(html.as_uri())
    assert page.locator("h1").count() == 1
    chart = page.locator("svg[role=img]").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    widths = {
        cid: page.locator(f"svg rect[data-criterion='{cid}']").first.bounding_box()["width"]
        for cid in ("1.1", "2.5", "2.6")
    }
    # 2.6 (86%) > 1.1 (80%) > 2.5 (55%), and proportional to the scores
    assert widths["2.6"] > widths["1.1"] > widths["2.5"]
    assert widths["2.6"] / widths["2.5"] == pytest.approx(86 / 55, rel=0.05)
    text = page.inner_text("body")
    for expected in ("80%", "Performance against this criterion was good.", "Partly met", "71%"):
        assert expected in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "north-wales-report.png"), full_page=True)
    page.emulate_media(media="print")
    pdf = page.pdf(path=str(ARTIFACTS / "north-wales-report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    only_local_requests(page)


def test_report_page_with_subgroups(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = build(["score", *EXAMPLE, "--by", "sentence", "--format", "html"], tmp_path / "groups.html", monkeypatch)
    page.goto(html.as_uri())
    text = page.inner_text("body")
    for group in ("licence", "community", "custody"):
        assert group in text
    page.screenshot(path=str(ARTIFACTS / "north-wales-by-sentence.png"), full_page=True)
    only_local_requests(page)


def test_handbook_renders_and_its_contents_link(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = build(["docs", "rulesets/omi-2008"], tmp_path / "handbook.html", monkeypatch)
    page.goto(html.as_uri())
    assert page.locator("h1").count() == 1
    link = page.locator("nav a[href^='#']").nth(3)
    target = link.get_attribute("href")
    assert target
    link.click()
    assert page.url.endswith(target)
    assert page.locator(f"[id='{target[1:]}']").is_visible()
    text = page.inner_text("body")
    assert "Relevant where" in text or "relevant where" in text
    page.screenshot(path=str(ARTIFACTS / "omi-2008-handbook.png"))
    only_local_requests(page)


def test_diff_and_impact_pages_render(page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diff = build(
        ["diff", "rulesets/omi-2008", "rulesets/omi2-2009", "--format", "html"], tmp_path / "diff.html", monkeypatch
    )
    page.goto(diff.as_uri())
    assert page.locator("h1").inner_text() == "Changes from omi-2008 1.0.0 to omi2-2009 1.0.0"
    assert page.locator("table tbody tr").count() >= 8
    assert "headline control" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "diff-omi-2008-omi2-2009.png"), full_page=True)
    only_local_requests(page)
    impact = build(
        [
            "impact",
            "rulesets/omi-2008",
            "rulesets/omi2-2009",
            "--cases",
            "examples/north-wales-2008",
            "--format",
            "html",
        ],
        tmp_path / "impact.html",
        monkeypatch,
    )
    page.goto(impact.as_uri())
    assert "1 inspections re-scored; 3 figures move." in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "impact-omi-2008-omi2-2009.png"), full_page=True)
    only_local_requests(page)
