"""The report in a real browser: Debian's chromium, headless, driven by Playwright.

The report file is opened from disk (file://) with every request that is not for that file
refused, so anything the page tried to fetch would show up as a failed request. The test
collects console errors, page errors and failed requests, checks that every image decoded
in the browser, and saves a full-page screenshot to test-artifacts/ (gitignored).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from analysis.load import example_comparison
from analysis.report import write_report

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    comparison = example_comparison(patients=500, years=3, replications=3)
    return write_report(comparison, tmp_path_factory.mktemp("report") / "report.html")


def render(report_file: Path, screenshot: str) -> dict:
    """Open the report in chromium, offline, refusing every request but the file; what it saw."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium "
                    "(scripts/test.sh installs it when run as root)")
    page_url = report_file.resolve().as_uri()
    problems: list[str] = []
    requested: list[str] = []

    def only_the_report(route):
        url = route.request.url
        requested.append(url)
        if url == page_url or url.startswith("data:"):
            route.continue_()
        else:
            problems.append(f"the page asked for {url}")
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
            context.route("**/*", only_the_report)
            page = context.new_page()
            page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))
            page.goto(page_url, wait_until="load")
            seen = {
                "images": page.evaluate("""() => Array.from(document.images).map(
                    img => ({complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
                             alt: img.alt}))"""),
                "headings": page.locator("h2").all_inner_texts(),
                "summary_items": page.locator("ul.summary li").count(),
                "decision_box": page.locator(".decision-box").inner_text() if page.locator(".decision-box").count() else "",
                "decision_box_top": page.locator(".decision-box").bounding_box() if page.locator(".decision-box").count() else None,
                "decision_table_fits": page.evaluate("() => { const t = document.querySelector('.decision-box table'); "
                                                     "return !t || t.getBoundingClientRect().right <= "
                                                     "t.closest('.decision-box').getBoundingClientRect().right; }"),
                "uncertainty": page.locator("#uncertainty").evaluate("h => { let t = ''; let n = h.nextElementSibling; "
                                                                      "while (n && n.tagName !== 'H2') { t += n.innerText + ' '; "
                                                                      "n = n.nextElementSibling; } return t; }"),
            }
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"), full_page=True)
            page.screenshot(path=str(ARTIFACTS / f"{screenshot}-top.png"))
        finally:
            browser.close()
    seen.update(problems=problems, requested=requested, page_url=page_url)
    return seen


def test_report_renders_offline_in_chromium_without_errors(report_file):
    seen = render(report_file, "report")
    images, headings = seen["images"], seen["headings"]
    assert seen["problems"] == []
    assert seen["requested"] == [seen["page_url"]]
    assert len(images) >= 6 and all(i["complete"] and i["width"] >= 600 and i["height"] >= 300 for i in images)
    # page one: the decision, then the option against the base as the report always had it
    assert headings[:6] == ["The decision", "Which lever does the work", "Uncertainty about the world",
                            "In plain language", "Headline numbers", "Figures"]
    assert "Provenance" in headings and seen["summary_items"] >= 8
    assert "Net cost to the NHS" in seen["decision_box"] and "Monte Carlo only" in seen["decision_box"]
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


@pytest.fixture(scope="module")
def decision_report_file(tmp_path_factory) -> Path:
    """Two options, one with two levers, with attribution and parameter uncertainty: small and real."""
    import dataclasses

    from experiments.compare import compare
    from model.scenario import load_scenario

    two = dataclasses.replace(load_scenario("siloed", {"arrangement.rapid_response.strength": 0.6,
                                                       "arrangement.shared_record.strength": 0.8}),
                              name="rapid response and shared record", label="rapid response and shared record")
    one = dataclasses.replace(load_scenario("siloed", {"arrangement.integrated_discharge.strength": 0.7}),
                              name="discharge to assess", label="discharge to assess")
    comparison = compare("siloed", two, one, replications=2, attribution=2, uncertainty=True, patients=150,
                         years=2, workers=2)
    return write_report(comparison, tmp_path_factory.mktemp("decision") / "report.html")


@pytest.mark.slow
@pytest.mark.timeout(480)  # three arms, two coalitions and some twenty figures, on a shared 2-core machine
def test_decision_report_shows_the_box_waterfalls_and_uncertainty_in_chromium(decision_report_file):
    seen = render(decision_report_file, "report-decision")
    assert seen["problems"] == [] and seen["requested"] == [seen["page_url"]]
    headings = seen["headings"]
    assert headings[:3] == ["The decision", "Which lever does the work", "Uncertainty about the world"]
    assert "Option B: rapid response and shared record against Siloed baseline" in headings
    assert "Option C: discharge to assess against Siloed baseline" in headings
    box = seen["decision_box"]
    for words in ("Net cost to the NHS", "Net cost to the council", "Net cost to self-funders",
                  "Cost per emergency admission avoided", "Cost per bed day saved",
                  "Cost per duplicate visit avoided", "Payback (break-even) year",
                  "Monte Carlo + parameter uncertainty", "has no effect on emergency admissions in this model"):
        assert words in box, words
    assert seen["decision_box_top"]["y"] < 900 * 1.5  # on the first screenful or just below the lead
    alts = [i["alt"] for i in seen["images"]]
    assert sum(a.endswith(": rapid response and shared record") and "by lever" in a for a in alts) == 3
    assert sum(a.startswith("Acceptability curve") for a in alts) == 2
    assert all(i["complete"] and i["width"] >= 400 for i in seen["images"])
    assert "Probability that each option saves each payer money" in seen["uncertainty"]
    assert seen["decision_table_fits"]
