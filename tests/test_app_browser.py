"""The workshop app in a real browser: Debian's chromium, driven by Playwright, offline.

Steps, plays, follows a person, types seeds, moves a lever, switches to the siloed preset
(the worlds must then match exactly) and opens a second session that must start fresh.
The server and browser set-up is shared with the other browser tests
(tests/app_browser_support.py).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import drawing
from app_browser_support import ARTIFACTS, WORLDS, Session, launch_chromium, serve

STEPS = 6

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]


@pytest.fixture(scope="module")
def server():
    yield from serve("app")


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


def test_twin_worlds_in_a_real_browser(server, browser):
    first = Session(browser, server.url)
    for world in WORLDS:  # both worlds drawn, a dot per person
        drawn = drawing.people_drawn(first.page.inner_html(f'[data-world-map="{world}"]'))
        assert len(drawn) == len(set(drawn)) > 100
    first.screenshot("app-loaded.png")

    before = first.tallies()
    times = [first.step(week) for week in range(1, STEPS + 1)]
    after = first.tallies()
    for world in WORLDS:
        assert after[world]["cost_total"] > before[world]["cost_total"], world
        assert after[world]["ae_attendances"] >= before[world]["ae_attendances"], world
    # Same people, same seed: the integrated arrangement changes the costs (it has running
    # costs of its own) and a joint assessment cannot add second visits.
    assert after["siloed"]["cost_total"] != after["integrated"]["cost_total"]
    assert after["integrated"]["duplicate_visits"] <= after["siloed"]["duplicate_visits"]
    first.screenshot("app-after-steps.png")
    (ARTIFACTS / "app-step-times.txt").write_text(
        "seconds from pressing Step to both worlds redrawn: " + ", ".join(f"{t:.3f}" for t in times) + "\n")
    # How long a Step takes is measured by benchmarks/bench_app.py --browser, not asserted here.

    # Play runs both worlds on by themselves until paused.
    first.page.get_by_role("button", name="\u25b6", exact=True).click()
    first.wait_for_week_at_least(STEPS + 2)
    first.page.get_by_role("button", name="\u275a\u275a", exact=True).click()
    expect(first.page.get_by_role("button", name="Step", exact=True)).to_be_enabled()

    # Follow one person: a pathway in plain words for each world, ringed on both maps.
    first.page.get_by_role("button", name="Anyone").click()
    for world in WORLDS:
        expect(first.page.locator(f'[data-story="{world}"]')).to_be_visible()
        assert first.page.locator(f'[data-world-map="{world}"] .followed').count() == 1
    first.screenshot("app-follow-person.png")

    # The seed takes what a person types; a bad one gets a message, not a broken page.
    seed = first.page.get_by_label("Seed (press Enter)")
    seed.fill("twelve")
    seed.press("Enter")
    expect(first.page.get_by_text("is not a number")).to_be_visible()
    seed.fill("7")
    seed.press("Enter")
    expect(first.page.get_by_text("is not a number")).to_have_count(0)
    expect(first.page.locator(".cp-pending")).to_be_visible()

    # A lever: joint assessment down to nothing; the page says Reset will apply it.
    joint = first.page.locator(".v-input", has_text="Joint assessment").get_by_role("slider")
    joint.focus()
    joint.press("Home")
    expect(first.page.get_by_text("Joint assessment: 0%")).to_be_visible()
    expect(first.page.locator(".cp-pending")).to_be_visible()
    # The siloed preset for both worlds: after Reset the two worlds must match exactly.
    first.choose_preset("siloed")
    first.reset()
    for week in range(1, 4):
        first.step(week)
    same = first.tallies()
    assert same["siloed"] == same["integrated"]
    first.screenshot("app-siloed-preset.png")

    # A second session starts fresh and does not move the first one.
    second = Session(browser, server.url)
    assert second.page.get_by_label("Seed (press Enter)").input_value() == "1"
    second.step(1)
    second.screenshot("app-second-session.png")
    first.wait_for_week(3)
    assert first.tallies() == same

    problems = first.problems + second.problems + server.problems()
    assert not problems, "\n".join(problems)
