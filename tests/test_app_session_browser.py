"""A session survives a reload (week, settings, followed person) and can step back a week."""
from __future__ import annotations

import pytest
from app_browser_support import Session, launch_chromium, serve
from playwright.sync_api import expect

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]


@pytest.fixture(scope="module")
def server():
    yield from serve("app-session")


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


def test_a_reload_comes_back_to_the_same_week_settings_and_person(server, browser):
    session = Session(browser, server.url)
    session.page.wait_for_url("**/?session=*")
    address = session.page.url
    session.choose_preset("austerity_pooled")
    session.reset()
    for week in range(1, 6):
        session.step(week)
    session.page.get_by_role("button", name="Anyone").click()
    followed = session.page.locator("[data-story=siloed]").inner_text().split(",")[0]  # "Person 123"
    tallies = session.tallies()

    session.page.reload()
    session.wait_for_week(5, timeout=90_000)
    assert session.page.url == address
    assert session.tallies() == tallies
    assert session.page.locator(".v-input", has_text="Preset (built-in scenario)").inner_text().endswith(
        "austerity_pooled")
    assert session.page.locator("[data-story=siloed]").inner_text().startswith(followed)

    # A week back gives exactly the numbers the room saw a week earlier.
    session.step(6)
    session.button("Week back").click()
    session.wait_for_week(5)
    assert session.tallies() == tallies

    # The same address in a new tab is the same session; a bare address is a new one.
    other = Session(browser, address, width=1280, height=720, week=5)
    fresh = Session(browser, server.url)
    fresh.page.wait_for_url("**/?session=*")
    assert fresh.page.url != address and fresh.week() == 0
    problems = session.problems + other.problems + fresh.problems + server.problems()
    assert not problems, "\n".join(problems)
