"""Workshop app: how long one press of Step takes, both worlds, server side.

Issue 6 asks that a step of both worlds render in well under a second. This times what
the server does per Step: one week in each world (event log on, as the app runs it), the
week's events read back for the picture, and both worlds' SVG pictures drawn. It does
not time the browser's own drawing (the browser test checks the page works, not speed).
Prints the median and worst step over a year of weeks, at the default 500 people and at
the slider's top of 1,000.

Run: .venv/bin/python benchmarks/bench_app.py
"""
from __future__ import annotations

import statistics
import time

from app import drawing
from app.settings import WorkshopSettings
from app.twin_worlds import WORLDS, TwinWorlds

WEEKS = 52


def one_step(model: TwinWorlds) -> float:
    start = time.perf_counter()
    model.step()
    for world in WORLDS:
        state = model.states[world]
        drawing.people_map(state.places, state.second_visit_age, followed=0,
                           delayed_bed_days=state.tallies["delayed_bed_days"],
                           second_visits=state.tallies["duplicate_visits"])
    return time.perf_counter() - start


def main() -> None:
    print(f"{'people':>7} {'median step ms':>15} {'worst step ms':>14}  (both worlds, {WEEKS} weeks)")
    for people in (500, 1000):
        model = TwinWorlds(WorkshopSettings.from_preset(patients=people))
        times = [one_step(model) for _ in range(WEEKS)]
        print(f"{people:>7,} {1000 * statistics.median(times):>15.1f} {1000 * max(times):>14.1f}")
    print("target: well under 1,000 ms a step")


if __name__ == "__main__":
    main()
