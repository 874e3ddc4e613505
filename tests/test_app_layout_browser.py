"""The page fits a projector: at 1280x720 and 1920x1080 both worlds, the tallies and the
difference chart are on one screen, type is large enough, Mesa's internal controls are
gone, the sidebar folds away, and zooming in makes the maps bigger, not smaller.

Screenshots go to test-artifacts/ (app-layout-*.png) for a person to look at.
"""
from __future__ import annotations

import pytest
from app_browser_support import ARTIFACTS, Session, launch_chromium, serve

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]

KEY_PARTS = {"siloed map": '[data-world-map="siloed"] svg[role=img]', "integrated map": '[data-world-map="integrated"] svg[role=img]',
             "tallies": "table.cp-table", "difference chart": "[data-difference-chart] svg",
             "controls": ".cp-controls"}


@pytest.fixture(scope="module")
def server():
    yield from serve("app-layout")


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


def outside_viewport(session: Session, width: int, height: int) -> dict[str, dict]:
    """Key parts whose box is not wholly inside the window (or that are not drawn)."""
    bad = {}
    for name, selector in KEY_PARTS.items():
        box = session.page.locator(selector).first.bounding_box()
        if box is None or box["width"] < 50 or box["x"] < 0 or box["y"] < 0 \
                or box["x"] + box["width"] > width + 1 or box["y"] + box["height"] > height + 1:
            bad[name] = box
    return bad


def map_title_pixels(session: Session) -> float:
    """On-screen height of a map box title ("At home 413")."""
    return session.page.locator('[data-world-map="siloed"] svg[role=img] text.t').first.bounding_box()["height"]


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_both_worlds_tallies_and_difference_chart_fit_one_screen(server, browser, width, height):
    session = Session(browser, server.url, width=width, height=height)
    for week in (1, 2, 3):
        session.step(week)
    session.screenshot(f"app-layout-{width}x{height}-sidebar-open.png")
    assert outside_viewport(session, width, height) == {}
    table_type = session.page.eval_on_selector("table.cp-table", "t => parseFloat(getComputedStyle(t).fontSize)")
    assert table_type >= 14, table_type

    # Mesa's internal controls and its Time card are not on the page; no dark-mode switch.
    body = session.page.inner_text("body")
    for internal in ("Render Interval", "Use Threads", "Time:", "Play Interval"):
        assert internal not in body, internal
    assert session.page.locator(".theme--dark.v-application").count() == 0

    # The sidebar folds away with the menu button, and the maps get the room.
    narrow = session.page.locator('[data-world-map="siloed"] svg[role=img]').bounding_box()["width"]
    session.fold_sidebar()
    assert not session.page.get_by_text("Workshop exercises").is_visible()
    wide = session.page.locator('[data-world-map="siloed"] svg[role=img]').bounding_box()["width"]
    assert wide > narrow
    assert outside_viewport(session, width, height) == {}
    session.screenshot(f"app-layout-{width}x{height}-sidebar-closed.png")
    if width == 1280:
        assert map_title_pixels(session) >= 13
    assert not session.problems and not server.problems(), session.problems + server.problems()
    session.close()


def test_zooming_in_makes_the_maps_bigger(server, browser):
    """A 1280x720 screen zoomed to 150% is a 853x480 page at 1.5 device pixels per pixel."""
    plain = Session(browser, server.url, width=1280, height=720)
    plain.fold_sidebar()  # sidebar closed, as when presenting
    at_100 = plain.page.locator('[data-world-map="siloed"] svg[role=img]').bounding_box()["width"]
    zoomed = Session(browser, server.url, width=853, height=480, scale=1.5)
    zoomed.page.wait_for_timeout(800)
    if zoomed.page.get_by_text("Workshop exercises").is_visible():  # narrow: the sidebar opens over the page
        zoomed.page.mouse.click(800, 300)
        zoomed.page.wait_for_timeout(800)
    at_150 = zoomed.page.locator('[data-world-map="siloed"] svg[role=img]').bounding_box()["width"]
    zoomed.screenshot("app-layout-1280x720-zoom-150.png")
    assert at_150 * 1.5 > at_100 * 1.2, (at_100, at_150)  # on-screen size grew
    plain.close()
    zoomed.close()
