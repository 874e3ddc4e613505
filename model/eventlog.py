"""The per-person event log: who, when, what, which organisation, which payer, cost.

Why columns in chunks: a run that asks for the log must stay fast with it on for 10,000
patients, so events are appended as whole numpy arrays per mechanism per week and joined
once at the end, never row by row.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

from model.population import per_person


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
        self._chunks.append(tuple(per_person(v, n, t) for v, t in zip(values, _DTYPES)))

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

    def with_weekly_costs(self, weekly_costs) -> pd.DataFrame:
        """The log (to_frame) with a `kind` and a `category` column, and the costs that are not
        events as `weekly_cost` rows: one per week, cost category and payer, dated the week's
        first day, person_id -1. Events + weekly rows sum to the ledger (cost_total) to rounding.

        `weekly_costs` is each week's ledger, [week][category, payer] in pounds (the model's
        weekly record). A weekly row is what the ledger spent in that week, category and payer
        less the events' own costs there: whole categories that are never events (care by the
        week, back office, levers, ...) and the part of `community` that is not (docs/outputs.md).
        """
        from model.costs import CATEGORIES, PAYER_NAMES
        from model.timing import DAYS_PER_WEEK

        events = self.to_frame()
        events.insert(0, "kind", "event")
        events["category"] = event_categories(events)
        ledger = np.asarray(weekly_costs, dtype=float).reshape(-1, len(CATEGORIES), len(PAYER_NAMES))
        costed = events[events["cost"] != 0]
        week = costed["day"].to_numpy() // DAYS_PER_WEEK
        in_run = week < len(ledger)
        category_index = pd.Categorical(costed["category"], categories=CATEGORIES).codes
        payer_index = pd.Categorical(costed["payer"], categories=list(PAYER_NAMES.values())).codes
        logged = np.zeros_like(ledger)
        np.add.at(logged, (week[in_run], category_index[in_run], payer_index[in_run]),
                  costed["cost"].to_numpy()[in_run])
        rest = ledger - logged
        weeks, categories, payers = np.nonzero(np.abs(rest) > 1e-6)
        rows = pd.DataFrame({
            "kind": "weekly_cost", "person_id": -1, "day": (weeks * DAYS_PER_WEEK).astype(np.int32),
            "event": pd.Categorical(["weekly_cost"] * len(weeks)), "organisation": "none",
            "payer": np.array(list(PAYER_NAMES.values()))[payers], "cost": rest[weeks, categories, payers],
            "purpose": "none", "duplicate": False, "episode": -1, "category": np.array(CATEGORIES)[categories]})
        both = pd.concat([events.astype({"event": str, "organisation": str, "purpose": str}), rows],
                         ignore_index=True)
        both = both.sort_values(["day", "person_id"], kind="stable").reset_index(drop=True)
        for name in ("event", "organisation", "purpose", "kind", "category"):
            both[name] = both[name].astype("category")
        return both

    def for_person(self, person_id: int) -> pd.DataFrame:
        frame = self.to_frame()
        return frame[frame["person_id"] == person_id]


# The ledger category an event's cost is charged to (model/costs.py); assessment visits go to
# `assessments` when the council pays and `community` when the NHS does (model/assessment.py).
EVENT_CATEGORIES = {
    "gp_consultation": "gp", "nurse_consultation": "gp", "ae_attendance": "ae", "emergency_admission": "inpatient",
    "rapid_response": "community", "reablement_start": "reablement",
}

# The ledger's costs that accrue by the week and are no event's cost (weekly_cost rows of
# EventLog.with_weekly_costs); docs/outputs.md lists them from here.
COSTS_NOT_EVENTS = {
    "community": "community contacts per assessment episode (`primary_care.community_contacts_per_episode`); "
                 "visits and rapid response are events",
    "excess_bed_days": "delayed bed days, charged as the days pass",
    "intermediate_care": "a week of NHS intermediate care per person in it",
    "home_care": "a week of home care by the means test (council and self-funders)",
    "care_homes": "a week of care-home fees by the means test",
    "coordination": "case management, per person with a coordinator per week",
    "back_office": "commissioning support per head per week",
    "integration_setup": "the levers' set-up cost per head, spread over the weeks of the lever's start year",
    "integration_running": "the levers' running cost per head per week",
    "pooled_budget_transfer": "money moved into (NHS) and out of (council) a pooled budget",
}


def event_categories(events: pd.DataFrame) -> np.ndarray:
    """Each event's cost category ('' for events that cost nothing)."""
    names = events["event"].astype(str)
    category = names.map(EVENT_CATEGORIES).fillna("").to_numpy(dtype=object)
    names = names.to_numpy()
    visits = names == "assessment_visit"
    category[visits] = np.where(events["payer"].to_numpy()[visits] == "council", "assessments", "community")
    category[events["cost"].to_numpy() == 0] = ""
    return category
