"""Waiting lists with limited capacity: who is served this week, and on which day.

Why: waits emerge from capacity meeting demand, not from assumed delays. Each service keeps
a first-come-first-served list; each week it serves as many entries as its capacity allows
(assessments per week, free home-care hours, free care-home places). Everyone else waits,
and their wait feeds delayed discharges and unmet need. Ties are broken by person id, so
the order never depends on anything random.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from model.population import per_person

class Served(NamedTuple):
    """Who a queue served this week: each on their ready day or the week's first day."""

    person: np.ndarray
    day: np.ndarray
    episode: np.ndarray
    route: np.ndarray
    units: np.ndarray
    ready: np.ndarray


def _nobody(dtype=np.int64) -> np.ndarray:
    """An empty column, read-only so that sharing it is safe."""
    empty = np.array([], dtype=dtype)
    empty.flags.writeable = False
    return empty


_EMPTY_I = _nobody()
NOBODY_SERVED = Served(_EMPTY_I, _EMPTY_I, _EMPTY_I, _EMPTY_I, _nobody(np.float64), _EMPTY_I)


class ServiceQueue:
    """A first-come-first-served waiting list of (person, ready day, episode, route, units).

    `recent_wait_days` is a smoothed mean of the waits of those served lately (each week's
    mean weighted by WAIT_SMOOTHING): what an assessor knows of how long this service takes.
    """

    WAIT_SMOOTHING = 0.25

    def __init__(self, name: str):
        self.name = name
        self.recent_wait_days = 0.0
        self.person = _EMPTY_I
        self.ready = _EMPTY_I
        self.episode = _EMPTY_I
        self.route = _EMPTY_I
        self.units = np.array([], dtype=np.float64)
        self.carry = 0.0  # unused part-units of a weekly capacity, carried to next week
        self._pending: list[tuple[np.ndarray, ...]] = []

    def add(self, person, ready_day, episode, route, units=1.0) -> None:
        person = np.asarray(person, dtype=np.int64)
        n = len(person)
        if n == 0:
            return
        self._pending.append((person, per_person(ready_day, n, np.int64), per_person(episode, n, np.int64),
                              per_person(route, n, np.int64), per_person(units, n, np.float64)))

    def _merge(self) -> None:
        if self._pending:
            parts = [(self.person, self.ready, self.episode, self.route, self.units), *self._pending]
            self.person, self.ready, self.episode, self.route, self.units = (
                np.concatenate([p[i] for p in parts]) for i in range(5))
            self._pending = []

    def __len__(self) -> int:
        self._merge()
        return len(self.person)

    def serve(self, week_start: int, week_end: int, capacity: float, still_waiting: Callable[[np.ndarray], np.ndarray],
              current_episode: np.ndarray, carry_over: bool = False, first_route: int | None = None):
        """Serve ready entries in order of readiness until capacity (in units) runs out.

        Entries of people no longer waiting (`still_waiting(ids)` false: died, need resolved;
        asked of the people on the list only, not of everyone) or
        whose episode of need has moved on are dropped first. With `carry_over` (a flow of
        staff time, such as assessments a week), capacity left unused while people wait
        is carried to the next week, up to one unit, so a capacity of 0.4 a week serves
        two people in five weeks. Entries on `first_route` (inpatients, whom councils see
        first) go ahead of the rest. Returns the served as a `Served` tuple.
        """
        self._merge()
        if len(self.person) == 0:  # what the steps below come to for an empty list
            if carry_over:
                self.carry = 0.0
            return NOBODY_SERVED
        keep = still_waiting(self.person) & (self.episode == current_episode[self.person])
        if not keep.all():  # most weeks everyone listed still waits: nothing to drop
            self._select(keep)
        ready = self.ready < week_end
        keys = (self.person, self.ready)
        if first_route is not None:  # its entries go first: the last key is the first sorted on
            keys += (self.route != first_route,)
        order = np.lexsort(keys)
        order = order[ready[order]]
        available = capacity + (self.carry if carry_over else 0.0)
        used = np.add.accumulate(self.units[order])  # np.cumsum's sums, without its Python-level wrapper
        within = used <= available + 1e-9
        served_idx = order[within]
        if carry_over:
            spent = float(used[within][-1]) if within.any() else 0.0
            still_queued = len(order) > len(served_idx)
            self.carry = min(available - spent, 1.0) if still_queued else 0.0
        served = np.zeros(len(self.person), dtype=bool)
        served[served_idx] = True
        days = np.maximum(self.ready[served_idx], week_start)
        if len(days):
            # Whole days, so the integer sum over the count is the mean numpy would give (exactly).
            waited = int((days - self.ready[served_idx]).sum()) / len(days)
            self.recent_wait_days += self.WAIT_SMOOTHING * (waited - self.recent_wait_days)
        out = Served(self.person[served_idx], days, self.episode[served_idx], self.route[served_idx],
                     self.units[served_idx], self.ready[served_idx])
        if len(served_idx):
            self._select(~served)
        return out

    def _select(self, mask: np.ndarray) -> None:
        self.person, self.ready, self.episode, self.route, self.units = (
            a[mask] for a in (self.person, self.ready, self.episode, self.route, self.units))

    def waiting(self) -> np.ndarray:
        """Who is on the list now (entries whose need has moved on are dropped at the next serve)."""
        self._merge()
        return self.person


def waiting_at(pop, stage: int) -> Callable[[np.ndarray], np.ndarray]:
    """Who of the given people is alive and at `stage`: what a list checks of its entries."""
    return lambda ids: pop.alive[ids] & (pop.stage[ids] == stage)


def serve_each_council(m, stage: int, list_of, free_of, service: str, start) -> None:
    """Serve each council's waiting list for `stage` as far as `free_of(council)` (free
    capacity, in the list's units) allows, count the waits, and `start(m, person, day)`."""
    pop = m.pop
    waiting = waiting_at(pop, stage)
    for council in m.councils:
        served = list_of(council).serve(m.week_start, m.week_end, max(free_of(council), 0.0), waiting,
                                        pop.view("episode"))
        tally_waits(m, service, served)
        start(m, served.person, served.day)


def tally_waits(m, service: str, served: Served) -> None:
    """Count who a service took on this week and the days they waited for it."""
    m.tally.add(f"started_{service}", len(served.day))
    m.tally.add(f"wait_days_{service}", float(np.sum(served.day - served.ready)))

