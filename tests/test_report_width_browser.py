"""Every table of the report fits a 1,200 px column in Debian's chromium, however many years
were simulated (the year-by-year table has a row a year, not a column)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from analysis.load import example_comparison
from analysis.report import write_report

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COLUMN = 1200

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_every_table_fits_a_1200_px_column(tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    comparison = example_comparison(patients=200, years=6, replications=2)
    page_url = write_report(comparison, tmp_path / "report.html").resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": COLUMN, "height": 900})
            page.goto(page_url, wait_until="load")
            widths = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(
                t => ({after: t.previousElementSibling ? t.previousElementSibling.textContent.slice(0, 60) : '',
                       width: Math.ceil(t.getBoundingClientRect().width)}))""")
            page_width = page.evaluate("() => document.documentElement.scrollWidth")
            headings = page.locator("h2").all_inner_texts()
        finally:
            browser.close()
    assert len(widths) >= 4 and "Area described" in headings
    too_wide = [w for w in widths if w["width"] > COLUMN]
    assert too_wide == [] and page_width <= COLUMN, (too_wide, page_width)
