"""Duplicate visits, found from what happened to each person.

MODEL.md s5: a visit or assessment is a duplicate when its purpose, for the same person and
the same episode of need, was already served by another organisation's visit within a
window (default 28 days). This module keeps, per person and purpose, the last serving
visit (day, organisation, episode) and judges each new visit against it. Nothing here
assumes a duplicate rate: the counts come from the visits the mechanisms made.
"""
from __future__ import annotations

import numpy as np

from model.eventlog import Purpose
from model.population import NO_DAY


class VisitRegistry:
    """The last visit per person and purpose, to judge the next one."""

    def __init__(self, capacity: int, window_days: int):
        self.window = window_days
        self.last_day = {p: np.full(capacity, NO_DAY, dtype=np.int64) for p in Purpose if p}
        self.last_org = {p: np.zeros(capacity, dtype=np.int8) for p in Purpose if p}
        self.last_episode = {p: np.full(capacity, -1, dtype=np.int64) for p in Purpose if p}

    def ensure_capacity(self, capacity: int) -> None:
        for table, fill in ((self.last_day, NO_DAY), (self.last_org, 0), (self.last_episode, -1)):
            for purpose, old in table.items():
                if len(old) < capacity:
                    grown = np.full(capacity, fill, dtype=old.dtype)
                    grown[: len(old)] = old
                    table[purpose] = grown

    def served_elsewhere(self, ids, day, purpose: Purpose, organisation: int, episode) -> np.ndarray:
        """True where another organisation already served this purpose in this episode."""
        return ((self.last_episode[purpose][ids] == episode)
                & (self.last_org[purpose][ids] != organisation)
                & (self.last_day[purpose][ids] > NO_DAY))

    def record(self, ids, day, purpose: Purpose, organisation: int, episode) -> np.ndarray:
        """Record visits; return which are duplicates (same purpose and episode, another
        organisation, within the window)."""
        ids = np.asarray(ids)
        duplicate = (self.served_elsewhere(ids, day, purpose, organisation, episode)
                     & (np.asarray(day) - self.last_day[purpose][ids] <= self.window))
        self.last_day[purpose][ids] = day
        self.last_org[purpose][ids] = organisation
        self.last_episode[purpose][ids] = episode
        return duplicate
