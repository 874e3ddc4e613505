"""Duplicate visits, found from what happened to each person.

A visit or assessment is a duplicate (docs/ODD.md, submodel 7.9) when its purpose, for the same person and
the same episode of need, was already served by another organisation's visit within a
window (default 28 days). This module keeps, per person, purpose and organisation, the
day and episode of the last visit, and judges each new visit against every other
organisation's. Nothing here assumes a duplicate rate: the counts come from the visits
the mechanisms made, and tests/test_eventlog.py recomputes them from the event log.
"""
from __future__ import annotations

import numpy as np

from model.eventlog import Organisation, Purpose
from model.population import NO_DAY, per_person

PURPOSES = [p for p in Purpose if p]
ORGANISATIONS = list(Organisation)
# For each organisation, every other real one, as a column of row numbers for one gather.
_OTHERS = {int(org): np.array([o for o in ORGANISATIONS if o not in (org, Organisation.NONE)], dtype=np.intp)[:, None]
           for org in ORGANISATIONS}
_OTHER_ROWS = {org: rows[:, 0].copy() for org, rows in _OTHERS.items()}  # the same, as a flat list


class VisitRegistry:
    """The last visit per person, purpose and organisation, to judge the next one."""

    def __init__(self, capacity: int, window_days: int, compiled: bool = False):
        self.window = window_days
        # Compiled: judge and record in one loop (passes_compiled.py), the same answers;
        # a run's visits come a few at a time, and in numpy each costs a dozen array operations.
        self.compiled = compiled
        # int32, as the population's day and episode columns are: these two arrays hold a slot
        # per person, purpose and organisation, the largest per-person state of a run.
        self.last_day = np.full((len(Purpose), len(Organisation), capacity), NO_DAY, dtype=np.int32)
        self.last_episode = np.full((len(Purpose), len(Organisation), capacity), -1, dtype=np.int32)

    def ensure_capacity(self, capacity: int) -> None:
        have = self.last_day.shape[2]
        if have < capacity:
            pad = ((0, 0), (0, 0), (0, capacity - have))
            self.last_day = np.pad(self.last_day, pad, constant_values=NO_DAY)
            self.last_episode = np.pad(self.last_episode, pad, constant_values=-1)

    def _by_others(self, table: np.ndarray, purpose: int, organisation: int, ids) -> np.ndarray:
        """`table`'s entries for these people and purpose from every other organisation: one
        row per organisation, one column per person (a single gather)."""
        return table[int(purpose)][_OTHERS[int(organisation)], ids]

    def served_elsewhere(self, ids, purpose: Purpose, organisation: int, episode) -> np.ndarray:
        """True where another organisation already served this purpose in this episode."""
        if self.compiled:
            from model import passes_compiled
            ids = np.asarray(ids, dtype=np.int64)
            return passes_compiled.served_elsewhere(self.last_episode[int(purpose)], _OTHER_ROWS[int(organisation)],
                                                    ids, per_person(episode, len(ids), np.int64))
        return (self._by_others(self.last_episode, purpose, organisation, ids) == episode).any(axis=0)

    def record(self, ids, day, purpose: Purpose, organisation: int, episode) -> np.ndarray:
        """Record visits; return which are duplicates (same purpose and episode, another
        organisation, within the window)."""
        if self.compiled:
            from model import passes_compiled
            ids = np.asarray(ids, dtype=np.int64)
            return passes_compiled.record_visits(self.last_day[int(purpose)], self.last_episode[int(purpose)],
                                                 int(organisation), _OTHER_ROWS[int(organisation)], ids,
                                                 per_person(day, len(ids), np.int64),
                                                 per_person(episode, len(ids), np.int64), self.window)
        ids = np.asarray(ids)
        same_episode = self._by_others(self.last_episode, purpose, organisation, ids) == episode
        recent = np.asarray(day) - self._by_others(self.last_day, purpose, organisation, ids) <= self.window
        duplicate = (same_episode & recent).any(axis=0)
        where = (int(purpose), int(organisation), ids)
        self.last_day[where] = day
        self.last_episode[where] = episode
        return duplicate
