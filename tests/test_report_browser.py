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


def test_report_renders_offline_in_chromium_without_errors(report_file):
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
            images = page.evaluate("""() => Array.from(document.images).map(
                img => ({complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}))""")
            headings = page.locator("h2").all_inner_texts()
            summary_items = page.locator("ul.summary li").count()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            page.screenshot(path=str(ARTIFACTS / "report-top.png"))
        finally:
            browser.close()

    assert problems == []
    assert requested == [page_url]
    assert len(images) >= 6 and all(i["complete"] and i["width"] >= 600 and i["height"] >= 300 for i in images)
    assert headings[:3] == ["In plain language", "Headline numbers", "Figures"]
    assert "Provenance" in headings and summary_items >= 8
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000
