"""Workshop app: how long one press of Step takes, on the server and in the browser.

Server (default): what the server does per Step: one week in each world (event log on, as
the app runs it), the week's snapshot, and both worlds' pictures drawn with last week's
places (the moving dots). Median and worst over a year of weeks, at the default 500
people and at the slider's top of 1,000.

Browser (--browser): the app served as `carepath app` serves it, Debian's chromium
(headless, as in the browser tests), and the time from pressing Step to the new week's
tallies on screen, at 500 and 1,000 people. The page is opened on a saved session with
that many people (app/session.py), and timing starts only once the background runs for
the noise band have finished, so they do not compete with the Step being timed. Two figures per
Step: the wall clock around Playwright's click and its wait for the new week's tallies (as
measured from the start), and the time the page itself saw from the press to the first frame
drawn with the new week's tallies and both maps (Playwright's own work around the click left
out, the paint included). The load average is printed at the start and the end: on a shared
machine the figures move by 2x with it.

Target: a Step under 0.3 s in the browser at 1,000 people.

Run: .venv/bin/python benchmarks/bench_app.py [--browser]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import drawing  # noqa: E402
from app.settings import WorkshopSettings  # noqa: E402
from app.twin_worlds import WORLDS, TwinWorlds  # noqa: E402

WEEKS = 52
BROWSER_STEPS = 20
PEOPLE = (500, 1000)
TARGET_SECONDS = 0.3


def one_step(model: TwinWorlds) -> float:
    start = time.perf_counter()
    model.step()
    for world in WORLDS:
        state = model.snapshot.states[world]
        drawing.people_map(state.places, state.second_visit_age, followed=0,
                           previous_places=state.previous_places,
                           delayed_bed_days=state.tallies["delayed_bed_days"],
                           second_visits=state.tallies["duplicate_visits"])
    return time.perf_counter() - start


def server_side() -> None:
    print(f"{'people':>7} {'median step ms':>15} {'worst step ms':>14}  (server: both worlds, {WEEKS} weeks)")
    for people in PEOPLE:
        model = TwinWorlds(WorkshopSettings.from_preset(patients=people))
        times = [one_step(model) for _ in range(WEEKS)]
        print(f"{people:>7,} {1000 * statistics.median(times):>15.1f} {1000 * max(times):>14.1f}")


def in_the_browser() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from app_browser_support import AppServer, Session, launch_chromium

    from app.session import SessionState, SessionStore

    server = AppServer("bench-app")
    try:
        for people in PEOPLE:
            SessionStore(server.state_dir).save(f"bench{people}", SessionState(
                WorkshopSettings.from_preset(patients=people)))
        server.wait_until_up()
        browser_gen = launch_chromium()
        browser = next(browser_gen)
        print(f"{'people':>7} {'median s':>9} {'worst s':>8} {'in page':>8} {'worst':>6}  (browser: Step to new "
              f"week on screen, {BROWSER_STEPS} steps; in page: press to the frame drawn with it)")
        for people in PEOPLE:
            session = Session(browser, f"{server.url}?session=bench{people}", width=1600, height=1000)
            session.page.wait_for_selector("text=/grey band: 10 other runs/", timeout=600_000)
            times = [session.step_in_page(week) for week in range(1, BROWSER_STEPS + 1)]
            wall, seen = [t[0] for t in times], [t[1] for t in times]
            print(f"{people:>7,} {statistics.median(wall):>9.3f} {max(wall):>8.3f} "
                  f"{statistics.median(seen):>8.3f} {max(seen):>6.3f}")
            session.close()
        next(browser_gen, None)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="time Step in headless chromium too")
    args = parser.parse_args()
    print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    server_side()
    if args.browser:
        in_the_browser()
    print(f"target: under {TARGET_SECONDS} s a Step in the browser at 1,000 people")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
