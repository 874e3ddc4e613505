"""One browser session's workshop: the worlds, the controls' settings, and what the buttons do.

A `Workshop` holds the session's Solara reactives and every action a button triggers
(step, play, step back, jump to year 5, reset, load an exercise), so the page's
components only draw and call these. The play loop runs in a background thread; it only
ever calls `TwinWorlds.step`, which publishes a fresh snapshot, and the page reads
snapshots (app/twin_worlds.py), so playing and drawing never trip over each other.
"""
from __future__ import annotations

import logging
import time

import solara
from mesa.visualization.utils import force_update

from app.exercises import EXERCISES, Exercise
from app.session import STORE, SessionState
from app.settings import WorkshopSettings
from app.twin_worlds import WEEKS_PER_YEAR, TwinWorlds

LOG = logging.getLogger("carepath.app")
LONG_RUN_WEEKS = 5 * WEEKS_PER_YEAR
# Fastest and slowest pause between weeks while playing. Not zero: a week's redraw must
# finish before the next week starts, or a click elsewhere on the page never sees the page
# settle (Solara stops with "too many renders").
SPEEDS_MS = (100, 1000)


class Workshop:
    """The session's state (Solara reactives) and its actions."""

    def __init__(self, session_id: str, start: SessionState):
        self.session_id = session_id
        self.settings = solara.reactive(start.settings)  # what the controls say now
        self.model = solara.reactive(TwinWorlds.at_week(start.settings, start.week))
        self.followed = solara.reactive(start.followed)
        self.playing = solara.reactive(False)
        self.pause_ms = solara.reactive(300)
        self.exercise = solara.reactive(None)  # key of the exercise loaded, if any
        self.revealed = solara.reactive(False)
        self.metric = solara.reactive("cost_total")  # what the difference chart shows
        self.message = solara.reactive("")

    # what the page shows -------------------------------------------------------------
    @property
    def snapshot(self):
        return self.model.value.snapshot

    @property
    def running(self) -> WorkshopSettings:
        """The settings the worlds on screen were built with."""
        return self.model.value.settings

    def current_exercise(self) -> Exercise | None:
        return next((e for e in EXERCISES if e.key == self.exercise.value), None)

    def save(self) -> None:
        """Remember the session under its id, so a reload comes back to it."""
        snapshot = self.snapshot
        STORE.save(self.session_id, SessionState(settings=snapshot.settings, week=snapshot.week,
                                                 followed=self.followed.value))

    # actions --------------------------------------------------------------------------
    def _show(self, twins: TwinWorlds) -> None:
        self.model.set(twins)
        self.save()
        force_update()

    def step(self) -> None:
        self.model.value.step()
        self.save()
        force_update()

    def step_back(self) -> None:
        """A week back: last week's worlds again (same numbers), from the nearest checkpoint."""
        self.playing.set(False)
        week = self.snapshot.week
        if week > 0:
            self._show(self.model.value.rewound(week - 1))

    def jump_to(self, week: int = LONG_RUN_WEEKS) -> None:
        """Run on, with the same settings, to `week` (year 5 by default)."""
        self.playing.set(False)
        self.model.value.run_to(week)
        self.save()
        force_update()

    def reset(self) -> None:
        """Both worlds rebuilt at week 0 from what the controls say now."""
        self.playing.set(False)
        exercise = self.current_exercise()
        if exercise is not None and exercise.settings() != self.settings.value:
            self.exercise.set(None)  # its question no longer fits what is on screen
        self._show(TwinWorlds(self.settings.value))

    def load_exercise(self, key: str) -> None:
        exercise = next(e for e in EXERCISES if e.key == key)
        self.playing.set(False)
        settings = exercise.settings()
        self.settings.set(settings)
        self.exercise.set(key)
        self.revealed.set(False)
        self._show(TwinWorlds.at_week(settings, exercise.run_to_week))

    def follow(self, person: int | None) -> None:
        self.followed.set(person)
        self.save()

    def play_loop(self) -> None:
        """Step while playing, pausing `pause_ms` between weeks, and never less than the last
        week took to simulate and redraw: on a busy laptop a redraw can take longer than the
        fastest pause, and a loop that changes the page faster than it can be drawn leaves a
        click elsewhere a page that never settles (Solara stops with "too many renders").
        Stop on the first error with a one-line message (and the traceback in the server log)."""
        last_week_ms = 0.0
        while self.playing.value:
            time.sleep(max(self.pause_ms.value, SPEEDS_MS[0], last_week_ms) / 1000)
            if not self.playing.value:
                break
            try:
                started = time.perf_counter()
                self.step()
                last_week_ms = 1000 * (time.perf_counter() - started)
            except Exception as problem:  # noqa: BLE001 - the room gets a line, the log the detail
                LOG.exception("step failed while playing")
                self.message.set(f"Playing stopped: a week could not be simulated ({problem}).")
                self.playing.set(False)
