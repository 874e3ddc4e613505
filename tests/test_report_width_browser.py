"""Every table of the report fits a 1,200 px column in Debian's chromium, however many years
were simulated (the year-by-year table has a row a year, not a column) and however long the
names and parameter paths of a planner's own area are."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from analysis.report import write_report

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COLUMN = 1200
AREA = """\
extends: siloed
label: Northshire and Southshire councils with Northshire General Hospital, as they are today
local: {price_year: 2024/25, adult_population: 250000, share_65_plus: 0.24, council_adult_social_care_budget_m: 140,
        acute_beds: 600}
area:
  organisations: {councils: 2, hospitals: 1}
  costs: {nursing_week: 1150, residential_week: 900, home_care_hour: 29}
arrangement: {name: "Northshire and Southshire councils with Northshire General Hospital, as they are today"}
"""
OPTION = """\
extends: northshire_as_it_is_today.yaml
label: Northshire and Southshire with a joint discharge-to-assess team across both councils
local: {price_year: 2024/25, team_costs: {integrated_discharge: 1500000}}
arrangement: {integrated_discharge: {strength: 0.6, ramp_years: 1}, pooled_budget: {share: 0.2}}
"""

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_every_table_fits_a_1200_px_column(tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    from experiments.compare import compare

    (tmp_path / "northshire_as_it_is_today.yaml").write_text(AREA)
    (tmp_path / "northshire_with_a_joint_discharge_team.yaml").write_text(OPTION)
    comparison = compare(str(tmp_path / "northshire_as_it_is_today.yaml"),
                         str(tmp_path / "northshire_with_a_joint_discharge_team.yaml"),
                         patients=200, years=6, replications=2, workers=2)
    page_url = write_report(comparison, tmp_path / "report.html").resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": COLUMN, "height": 900})
            page.goto(page_url, wait_until="load")
            widths = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(
                t => ({after: t.previousElementSibling ? t.previousElementSibling.textContent.slice(0, 60) : '',
                       right: Math.ceil(t.getBoundingClientRect().right)}))""")
            page_width = page.evaluate("() => document.documentElement.scrollWidth")
            wide = page.evaluate("""(limit) => Array.from(document.body.querySelectorAll('*'))
                .filter(e => e.getBoundingClientRect().right > limit && e.children.length === 0)
                .map(e => e.tagName + ': ' + e.textContent.slice(0, 80))""", COLUMN)
            headings = page.locator("h2").all_inner_texts()
        finally:
            browser.close()
    assert len(widths) >= 4 and "Area described" in headings
    too_wide = [w for w in widths if w["right"] > COLUMN]
    assert too_wide == [] and page_width <= COLUMN, (too_wide, page_width, wide)
