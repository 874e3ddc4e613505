"""What the workshop app's browser tests share: the server, Debian's chromium, a session.

The server is run as `carepath app` runs it, on loopback, with its session files in a
temporary folder; every request to a host other than localhost/127.0.0.1 is aborted and
Solara's CDN fallback points at a dead local port, so a front-end file that is not
installed locally fails loudly instead of being fetched quietly. Screenshots and the
server log go to test-artifacts/ (gitignored).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from app.cli import REPO_ROOT, solara_command, solara_environment
from app.session import STATE_DIR_VARIABLE

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WORLDS = ("siloed", "integrated")
# Lines in the server log that mean something went wrong in the app.
LOG_PROBLEMS = ("Traceback", "Error", "Exception")
LOG_HARMLESS = ("samesite",)  # Solara's warning about cookies on plain http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """The app served on loopback; `.url`, `.log_path`, `.problems()`."""

    def __init__(self, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.state_dir = tempfile.mkdtemp(prefix="carepath-app-sessions-")
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}-server.log"
        env = solara_environment()
        env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/npm/"  # nothing listens there: no quiet CDN fetches
        env[STATE_DIR_VARIABLE] = self.state_dir
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(solara_command("127.0.0.1", self.port), env=env, cwd=REPO_ROOT,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"the app server exited ({self.proc.returncode}):\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app server did not answer within {seconds:.0f} s:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.5)

    def problems(self) -> list[str]:
        """Lines of the server log that report an error or exception."""
        lines = self.log_path.read_text().splitlines()
        return [line for line in lines if any(word in line for word in LOG_PROBLEMS)
                and not any(ok in line.lower() for ok in LOG_HARMLESS)]

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.state_dir, ignore_errors=True)


def serve(name: str):
    """A module fixture body: the app server for one test file."""
    server = AppServer(name)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


def launch_chromium():
    """A fixture body: Debian's chromium, headless."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium "
                    "(scripts/test.sh installs it when run as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# In the page: note when Step is pressed, then when the new week's tallies and both maps are
# all in the page, then the frame after that (a requestAnimationFrame callback runs just
# before the frame is drawn; a task queued from it runs once it has been).
_WATCH_WEEK = """week => {
  const ready = () => document.querySelector(`table[data-week="${week}"]`)
    && document.querySelectorAll(`[data-world-map][data-week="${week}"]`).length === 2;
  let pressed = null;
  window.__cpStepSeen = new Promise(resolve => {
    const painted = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - pressed)));
    const observer = new MutationObserver(() => {
      if (pressed !== null && ready()) { observer.disconnect(); painted(); }
    });
    document.addEventListener("pointerdown", () => {
      pressed = performance.now();
      observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    }, {capture: true, once: true});
  });
}"""


# How long a test waits for the page before calling it broken. Playwright's defaults (5 s for an
# expectation, 30 s for an action) are for a quiet machine; on CI's two busy cores Reset alone
# has taken over 5 s, and how fast the page answers is benchmarks/bench_app.py's business.
PAGE_PATIENCE_MS = 30_000
expect.set_options(timeout=PAGE_PATIENCE_MS)


class Session:
    """One browser session on the app, recording everything that went wrong in it."""

    def __init__(self, browser, url: str, width: int = 1600, height: int = 1000, scale: float = 1,
                 week: int | None = 0):
        self.context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
        self.context.set_default_timeout(PAGE_PATIENCE_MS * 2)
        self.problems: list[str] = []
        self.context.route("**/*", self._only_local)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(
            f"failed: {request.url} ({request.failure})"))
        self.page.on("response", lambda response: response.status >= 400 and self.problems.append(
            f"HTTP {response.status}: {response.url}"))
        self.open(url, week)

    def open(self, url: str, week: int | None = 0) -> None:
        self.page.goto(url)
        if week is None:
            self.page.wait_for_selector("table[data-week]", timeout=90_000)
        else:
            self.wait_for_week(week, timeout=90_000)

    def _only_local(self, route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.problems.append(f"tried the internet: {route.request.url}")
            route.abort()

    def wait_for_week(self, week: int, timeout: float = 60_000):
        """Wait until the page shows `week` (a minute at most: how fast a week is drawn is
        bench_app.py's to measure, not these tests')."""
        self.page.wait_for_selector(f'table[data-week="{week}"]', timeout=timeout)

    def wait_for_week_at_least(self, week: int, timeout: float = 60_000):
        """Wait until the page shows `week` or a later one: while playing, the page moves on
        every few tenths of a second, and on a machine busy with the rest of the suite the
        browser can check less often than that and never see a given week."""
        self.page.wait_for_function(
            "week => Number(document.querySelector('table[data-week]')?.dataset.week) >= week",
            arg=week, timeout=timeout)

    def reset(self):
        """Press Reset and wait until both worlds are rebuilt (no setting left pending).

        Rebuilding takes seconds on a loaded machine, more than Playwright's default 5 s; how
        long it takes is a benchmark's business (benchmarks/bench_app.py), not a test's."""
        self.button("Reset").click()
        expect(self.page.locator(".cp-pending")).to_have_count(0, timeout=90_000)
        self.wait_for_week(0)

    def week(self) -> int:
        return int(self.page.get_attribute("table[data-week]", "data-week"))

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def step(self, to_week: int) -> float:
        """Press Step; return seconds until the tallies for the new week are on screen."""
        start = time.perf_counter()
        self.button("Step").click()
        self.wait_for_week(to_week)
        return time.perf_counter() - start

    def step_in_page(self, to_week: int) -> tuple[float, float]:
        """Press Step; return (seconds as `step` counts them, seconds the page itself saw from
        the press to the first frame drawn with the new week's tallies and both maps).

        The second leaves out Playwright's own work around the click (finding the button,
        waiting for it to hold still, polling for the result), which no one in the room
        waits for, and includes the paint, which `step` does not wait for."""
        self.page.evaluate(_WATCH_WEEK, to_week)
        wall = self.step(to_week)
        return wall, self.page.evaluate("window.__cpStepSeen") / 1000

    def tallies(self) -> dict[str, dict[str, float]]:
        cells = self.page.eval_on_selector_all(
            "td[data-world]", "cells => cells.map(c => [c.dataset.world, c.dataset.metric, c.dataset.value])")
        out: dict[str, dict[str, float]] = {w: {} for w in WORLDS}
        for world, metric, value in cells:
            out[world][metric] = float(value)
        return out

    def error_text(self) -> list[str]:
        """Anything on the page that looks like a failure: a traceback or a panel's error line."""
        found = self.page.eval_on_selector_all(
            ".cp-panel-error, .v-alert.error", "els => els.map(e => e.innerText)")
        body = self.page.inner_text("body")
        for word in ("Traceback", "ValueError", "KeyError", "IndexError", "TypeError"):
            if word in body:
                found.append(f"{word} on the page")
        return found

    def screenshot(self, name: str):
        self.page.wait_for_timeout(700)  # let the last redraw and the moving dots settle
        self.page.screenshot(path=str(ARTIFACTS / name))

    def choose(self, label: str, option: str):
        self.page.locator(".v-input", has_text=label).locator(".v-select__slot").click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def choose_preset(self, preset: str):
        """Choose a preset, as a facilitator does, and wait until the server has taken it (the
        preset's description is shown): a click on Reset while the levers card is still being
        redrawn for the new preset can go to a button the redraw replaces, and is lost."""
        from app.settings import presets

        self.choose("Preset (built-in scenario)", preset)
        self.page.locator(".v-card", has_text="Integration levers").get_by_text(
            presets()[preset], exact=True).wait_for(timeout=60_000)

    def fold_sidebar(self, attempts: int = 3):
        """Fold the sidebar with the menu button, as a facilitator does before presenting, and
        wait until it is out of sight. A click that lands while a redraw (a Step's, or the noise
        band's as a background run finishes) replaces the button is lost, as a person's would be,
        and they would click again: so does this, but only once the sidebar is still showing
        after a generous wait, so a slow fold is never undone by a second click."""
        sidebar = self.page.get_by_text("Workshop exercises")
        for attempt in range(attempts):
            self.page.locator(".v-app-bar__nav-icon").first.click()
            try:
                sidebar.wait_for(state="hidden", timeout=10_000)
                self.page.wait_for_timeout(500)  # the maps take the room once the fold has finished
                return
            except Exception:  # noqa: BLE001 - Playwright's timeout: the click was lost
                if attempt == attempts - 1:
                    raise

    def close(self):
        self.context.close()
