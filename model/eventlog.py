"""The per-person event log: who, when, what, which organisation, which payer, cost.

Why columns in chunks: a run that asks for the log must stay fast with it on for 10,000
patients, so events are appended as whole numpy arrays per mechanism per week and joined
once at the end, never row by row.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd


class Event(IntEnum):
    ENTRY = 0
    DEATH = 1
    GP_CONSULTATION = 2
    NURSE_CONSULTATION = 3
    AE_ATTENDANCE = 4
    EMERGENCY_ADMISSION = 5
    MEDICALLY_FIT = 6
    DISCHARGE = 7
    RAPID_RESPONSE = 8
    NEED_START = 9
    ASSESSMENT_VISIT = 10
    REABLEMENT_START = 11
    HOME_CARE_START = 12
    CARE_HOME_ADMISSION = 13
    CARER_BREAKDOWN = 14
    COORDINATOR_ASSIGNED = 15
    COMMUNITY_CONTACT = 16
    FOUND_INELIGIBLE = 17
    REFERRAL_LOST = 18
    REFERRAL_SENT = 19
    NEED_RESOLVED = 20
    REABLEMENT_END = 21
    SELF_ARRANGED_CARE = 22
    SENT_HOME_NO_BED = 23
    INTERMEDIATE_CARE_START = 24
    INTERMEDIATE_CARE_END = 25


class Organisation(IntEnum):
    NONE = 0
    GP_PRACTICE = 1
    HOSPITAL = 2
    COMMUNITY_HEALTH = 3
    COUNCIL = 4
    INTEGRATED_TEAM = 5
    PRIVATE = 6


class Purpose(IntEnum):
    """What an assessment visit is for: duplicates are repeats of the same purpose."""

    NONE = 0
    FUNCTIONAL = 1  # an OT's home / functional assessment
    NEEDS = 2  # a needs history and assessment (district nurse or social worker)


_FIELDS = ("person_id", "day", "event", "organisation", "payer", "cost", "purpose", "duplicate", "episode")
_DTYPES = (np.int64, np.int32, np.int8, np.int8, np.int8, np.float64, np.int8, bool, np.int32)


class EventLog:
    """Columns of events, appended a batch at a time; cheap to leave on."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._chunks: list[tuple[np.ndarray, ...]] = []

    def record(self, ids, day, event: Event, organisation: Organisation = Organisation.NONE,
               payer: int = -1, cost=0.0, purpose: Purpose = Purpose.NONE, duplicate=False,
               episode=-1) -> None:
        if not self.enabled:
            return
        ids = np.asarray(ids)
        n = len(ids)
        if n == 0:
            return
        values = (ids, day, event, organisation, payer, cost, purpose, duplicate, episode)
        self._chunks.append(tuple(np.broadcast_to(np.asarray(v, dtype=t), n).copy() if np.ndim(v) == 0
                                  else np.asarray(v, dtype=t) for v, t in zip(values, _DTYPES)))

    def since(self, mark: int) -> tuple[dict[str, np.ndarray], int]:
        """Raw columns of the events recorded after `mark` (0 at first), and the new mark.

        Why: a live display reads each week's events without re-joining the whole log.
        """
        new = self._chunks[mark:]
        if new:
            columns = {f: np.concatenate([c[i] for c in new]) for i, f in enumerate(_FIELDS)}
        else:
            columns = {f: np.array([], dtype=t) for f, t in zip(_FIELDS, _DTYPES)}
        return columns, len(self._chunks)

    def __len__(self) -> int:
        return sum(len(c[0]) for c in self._chunks)

    def to_frame(self) -> pd.DataFrame:
        """All events, in time order, with readable names for codes."""
        if not self._chunks:
            columns = {f: np.array([], dtype=t) for f, t in zip(_FIELDS, _DTYPES)}
        else:
            columns = {f: np.concatenate([c[i] for c in self._chunks]) for i, f in enumerate(_FIELDS)}
        frame = pd.DataFrame(columns)
        frame = frame.sort_values(["day", "person_id"], kind="stable").reset_index(drop=True)
        frame["event"] = pd.Categorical.from_codes(frame["event"], [e.name.lower() for e in Event])
        frame["organisation"] = pd.Categorical.from_codes(
            frame["organisation"], [o.name.lower() for o in Organisation])
        frame["purpose"] = pd.Categorical.from_codes(frame["purpose"], [p.name.lower() for p in Purpose])
        payer_names = np.array(["", "nhs", "council", "self_funded"])
        frame["payer"] = payer_names[frame["payer"].to_numpy() + 1]
        return frame

    def for_person(self, person_id: int) -> pd.DataFrame:
        frame = self.to_frame()
        return frame[frame["person_id"] == person_id]
