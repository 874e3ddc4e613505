"""Twin worlds: the same people, same seed, siloed and integrated, stepped together.

`TwinWorlds` is the Mesa model the page steps: Step, Play and Reset move both worlds a week
at a time. Each world is a `model.api.build_model` model; this class only keeps them in
step and remembers what the room should see.

Why a snapshot: the play loop steps the worlds in a background thread while the page
draws. Reading a live model mid-step (its event log grows while a chart reads it) once
turned the whole page into a traceback. So `step()` runs under a lock and, when the week
is done, publishes one immutable `Snapshot`; the page only ever reads the latest snapshot,
never the live worlds.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd
from mesa.datacollection import DataCollector

from app import stories
from app.settings import SILOED, WorkshopSettings
from model.api import build_model
from model.eventlog import Event
from model.population import Location

WORLDS = (SILOED, "integrated")
# The tallies on screen: key in model.tallies(), label, whether it is money.
METRICS = (
    ("duplicate_visits", "Duplicate visits", False),
    ("emergency_admissions", "Emergency admissions", False),
    ("delayed_bed_days", "Delayed bed days", False),
    ("ae_attendances", "A&E attendances", False),
    ("sent_home_no_bed", "Sent home from A&E: no bed", False),
    ("cost_nhs", "Cost to the NHS", True),
    ("cost_council", "Cost to the council", True),
    ("cost_total", "Total cost", True),
)
RECENT_WEEKS = 4  # how long a "second visitor" mark stays on a person
CHECKPOINT_WEEKS = 13  # a copy of both worlds every quarter, so "Week back" replays at most 13 weeks
WEEKS_PER_YEAR = 52


class WeekEvents:
    """The events one world recorded since the last read (its week, once stepped)."""

    def __init__(self, world: mesa.Model):
        self.log = world.log
        self._mark = 0

    def read(self) -> dict[str, np.ndarray]:
        """Every event column recorded since the previous read."""
        columns, self._mark = self.log.since(self._mark)
        return columns


@dataclass(frozen=True)
class WorldState:
    """What one world shows after a week: places, the week's visits, the running totals."""

    name: str
    places: np.ndarray  # Location code per person, GP/AE for this week's visitors
    previous_places: np.ndarray  # the same a week earlier (for the moving dots)
    second_visit_age: np.ndarray  # weeks since a person's last duplicate visit, -1 if none recent
    tallies: dict[str, float]
    second_visits_this_week: int
    events: tuple[dict[str, np.ndarray], ...]  # the event log so far, a chunk per week


@dataclass(frozen=True)
class Snapshot:
    """Everything the page draws, fixed at the end of a week; never changed afterwards."""

    week: int
    settings: WorkshopSettings
    states: dict[str, WorldState]
    history: pd.DataFrame  # running tallies week by week, a column per "world:metric"

    @property
    def people(self) -> int:
        """How many people have lived in the area so far (ids run 0..people-1)."""
        return min(len(s.places) for s in self.states.values())

    def person_story(self, world: str, person_id: int) -> list[str]:
        """One person's pathway so far in one world, one plain sentence per event."""
        return stories.from_event_chunks(self.states[world].events, int(person_id))


class TwinWorlds(mesa.Model):
    """Two care economies with the same people: one siloed, one integrated.

    Args:
        settings: a WorkshopSettings, or anything with a `.value` holding one (a Solara
            reactive), read when the model is built, so Reset rebuilds from what the
            controls say now.
    """

    def __init__(self, settings: WorkshopSettings | object | None = None):
        settings = getattr(settings, "value", settings) or WorkshopSettings.from_preset()
        super().__init__(rng=settings.seed)
        self.settings: WorkshopSettings = settings
        self._lock = threading.RLock()
        self._checkpoints: dict[int, dict] = {}
        self.worlds: dict[str, mesa.Model] = {}
        for world in WORLDS:
            self.worlds[world] = build_model(settings.preset, patients=settings.patients, seed=settings.seed,
                                             overrides=settings.world_overrides(world), event_log=True)
        self._events = {w: WeekEvents(m) for w, m in self.worlds.items()}
        self._event_chunks: dict[str, list[dict[str, np.ndarray]]] = {w: [] for w in WORLDS}
        self._last_second_visit = {w: np.full(0, -10**6, dtype=np.int64) for w in WORLDS}
        self._states: dict[str, WorldState] = {}
        self.datacollector = DataCollector(model_reporters={
            f"{world}:{key}": self._reporter(world, key) for world in WORLDS for key, _, _ in METRICS})
        self._observe()
        self.datacollector.collect(self)
        self.snapshot = self._publish()

    @classmethod
    def at_week(cls, settings: WorkshopSettings, week: int) -> "TwinWorlds":
        """Worlds rebuilt and run to `week`: the same numbers as stepping there by hand
        (same settings, same seed), which is how a reload or a step back gets its week."""
        twins = cls(settings)
        twins.run_to(week)
        return twins

    @staticmethod
    def _reporter(world: str, key: str):
        def report(model: TwinWorlds) -> float:
            return model._states[world].tallies[key]
        return report

    def step(self) -> None:
        """One week in both worlds, then a new snapshot for the page."""
        with self._lock:
            self._advance()
            self.snapshot = self._publish()

    def run_to(self, week: int) -> None:
        """Step until `week` (no further if already there); one snapshot at the end."""
        with self._lock:
            while self.week < week:
                self._advance()
            self.snapshot = self._publish()

    def _advance(self) -> None:
        for world in self.worlds.values():
            world.step()
        self._observe()
        self.datacollector.collect(self)
        if self.week % CHECKPOINT_WEEKS == 0:
            self._checkpoints[self.week] = self._copy_state()

    # What a checkpoint holds: the worlds and what the app remembers about them.
    _CHECKPOINTED = ("worlds", "_events", "_event_chunks", "_last_second_visit", "_states")

    def _copy_state(self) -> dict:
        state = {name: getattr(self, name) for name in self._CHECKPOINTED}
        state["model_vars"] = self.datacollector.model_vars
        return copy.deepcopy(state)

    def rewound(self, week: int) -> "TwinWorlds":
        """These worlds as they were at `week` (earlier than now): a copy from the last
        quarterly checkpoint, run on; the same numbers as rebuilding from week 0
        (`at_week`), without replaying years of weeks while the room waits."""
        with self._lock:
            base = max((w for w in self._checkpoints if w <= week), default=None)
            if base is None:
                return TwinWorlds.at_week(self.settings, week)
            state = copy.deepcopy(self._checkpoints[base])
            checkpoints = {w: c for w, c in self._checkpoints.items() if w <= base}
        twins = TwinWorlds.__new__(TwinWorlds)
        mesa.Model.__init__(twins, rng=self.settings.seed)
        twins.settings, twins._lock, twins._checkpoints = self.settings, threading.RLock(), checkpoints
        for name in self._CHECKPOINTED:
            setattr(twins, name, state[name])
        twins.datacollector = DataCollector(model_reporters={
            f"{world}:{key}": self._reporter(world, key) for world in WORLDS for key, _, _ in METRICS})
        twins.datacollector.model_vars = state["model_vars"]
        twins.run_to(week)
        return twins

    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return next(iter(self.worlds.values())).steps

    @property
    def states(self) -> dict[str, WorldState]:
        return self.snapshot.states

    def _observe(self) -> None:
        for name, world in self.worlds.items():
            columns = self._events[name].read()
            self._event_chunks[name].append(columns)
            ids, codes, duplicate = columns["person_id"], columns["event"], columns["duplicate"]
            places = np.asarray(world.locations()).astype(np.int8)
            at_home = (places == Location.HOME) | (places == Location.HOME_WITH_CARE)
            saw_gp = np.zeros(len(places), bool)
            saw_gp[ids[(codes == Event.GP_CONSULTATION) | (codes == Event.NURSE_CONSULTATION)]] = True
            went_to_ae = np.zeros(len(places), bool)
            went_to_ae[ids[codes == Event.AE_ATTENDANCE]] = True
            places[at_home & saw_gp] = Location.GP
            places[at_home & went_to_ae] = Location.AE

            last = self._last_second_visit[name]
            if len(last) < len(places):
                last = np.concatenate([last, np.full(len(places) - len(last), -10**6, dtype=np.int64)])
            second = ids[(codes == Event.ASSESSMENT_VISIT) & duplicate]
            last[second] = self.week
            self._last_second_visit[name] = last
            age = self.week - last
            age[age >= RECENT_WEEKS] = -1
            previous = self._states[name].places if name in self._states else places
            self._states[name] = WorldState(
                name=name, places=places, previous_places=previous, second_visit_age=age,
                tallies=world.tallies(), second_visits_this_week=len(second),
                events=tuple(self._event_chunks[name]))

    def _publish(self) -> Snapshot:
        return Snapshot(week=self.week, settings=self.settings, states=dict(self._states),
                        history=self.datacollector.get_model_vars_dataframe().copy())

    def history(self) -> pd.DataFrame:
        """Tallies week by week: a DataFrame with one column per world and metric."""
        return self.snapshot.history

    def person_story(self, world: str, person_id: int) -> list[str]:
        return self.snapshot.person_story(world, person_id)

    @property
    def people(self) -> int:
        return self.snapshot.people
