"""The workshop app in a real browser: Debian's chromium, driven by Playwright, offline.

The test serves the app on loopback exactly as `carepath app` does, blocks every request
to a host other than localhost/127.0.0.1, and points Solara's CDN fallback at a dead local
port, so a front-end file that is not installed locally fails loudly instead of being
fetched quietly. Screenshots go to test-artifacts/ (gitignored).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from app.cli import REPO_ROOT, solara_command, solara_environment

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WORLDS = ("siloed", "integrated")
STEPS = 6

pytestmark = pytest.mark.timeout(240)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """The app served on loopback as `carepath app` serves it; yields its URL."""
    port = free_port()
    env = solara_environment()
    env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/npm/"  # nothing listens there: no quiet CDN fetches
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "app-server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(solara_command("127.0.0.1", port), env=env, cwd=REPO_ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app server exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app server did not answer within 90 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium "
                    "(scripts/test.sh installs it when run as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One browser session on the app, recording everything that went wrong in it."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1600, "height": 2000})
        self.problems: list[str] = []
        self.context.route("**/*", self._only_local)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(
            f"failed: {request.url} ({request.failure})"))
        self.page.on("response", lambda response: response.status >= 400 and self.problems.append(
            f"HTTP {response.status}: {response.url}"))
        self.page.goto(url)
        self.wait_for_week(0, timeout=60_000)

    def _only_local(self, route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.problems.append(f"tried the internet: {route.request.url}")
            route.abort()

    def wait_for_week(self, week: int, timeout: float = 10_000):
        self.page.wait_for_selector(f'table[data-week="{week}"]', timeout=timeout)

    def step(self, to_week: int) -> float:
        """Press Step; return seconds until the tallies for the new week are on screen."""
        start = time.perf_counter()
        self.page.get_by_role("button", name="Step", exact=True).click()
        self.wait_for_week(to_week)
        return time.perf_counter() - start

    def tallies(self) -> dict[str, dict[str, float]]:
        cells = self.page.eval_on_selector_all(
            "td[data-world]", "cells => cells.map(c => [c.dataset.world, c.dataset.metric, c.dataset.value])")
        out: dict[str, dict[str, float]] = {w: {} for w in WORLDS}
        for world, metric, value in cells:
            out[world][metric] = float(value)
        return out

    def screenshot(self, name: str):
        self.page.wait_for_timeout(300)  # let the last redraw paint
        self.page.screenshot(path=str(ARTIFACTS / name))

    def choose(self, label: str, option: str):
        self.page.locator(".v-input", has_text=label).locator(".v-select__slot").click()
        self.page.get_by_role("option", name=option, exact=True).click()


def test_twin_worlds_in_a_real_browser(server, browser):
    first = Session(browser, server)
    for world in WORLDS:  # both worlds drawn, a dot per person at home
        assert first.page.locator(f'[data-world-map="{world}"] circle').count() > 100
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
    assert statistics.median(times) < 1.0, times

    # Play runs both worlds on by themselves until paused.
    first.page.get_by_role("button", name="\u25b6", exact=True).click()
    first.wait_for_week(STEPS + 2)
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
    first.choose("Preset (built-in scenario)", "siloed")
    first.page.get_by_role("button", name="Reset", exact=True).click()
    first.wait_for_week(0)
    expect(first.page.locator(".cp-pending")).to_have_count(0)
    for week in range(1, 4):
        first.step(week)
    same = first.tallies()
    assert same["siloed"] == same["integrated"]
    first.screenshot("app-siloed-preset.png")

    # A second session starts fresh and does not move the first one.
    second = Session(browser, server)
    assert second.page.get_by_label("Seed (press Enter)").input_value() == "1"
    second.step(1)
    second.screenshot("app-second-session.png")
    first.wait_for_week(3)
    assert first.tallies() == same

    problems = first.problems + second.problems
    assert not problems, "\n".join(problems)
