"""Episodes of need for help: how they start, where each person is in theirs, how they end.

Why episodes: a duplicate is a repeat "for the same person and the same episode of need"
(docs/ODD.md, submodel 7.9), so every need for help gets a number that assessments,
packages and waits all refer to. Where a person is in their episode is one column,
`Population.stage`; each stage is owned by one module (named below), and people move
between stages through that module's waiting list, never by one module calling into
another's internals.

A need starts after functional decline, a crisis, a hospital stay or a carer breaking down.
A need that starts at home goes into this week's referral inbox, which assessment.py reads;
one that starts on a ward is handed to discharge planning by the caller.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np

from model.eventlog import Event, Organisation
from model.population import Package, Place, per_person
from model.timing import SLOW_PROCESS_WEEKS, weekly_probability


class Stage(IntEnum):
    """Where a person is in their episode of need, and the module that owns that stage."""

    NONE = 0  # no open need
    REFERRED = 1  # needs.py: in the referral inbox
    AWAITING_ASSESSMENT = 2  # assessment.py: on an assessment waiting list
    AWAITING_HOME_CARE = 3  # home_care.py: waiting for home-care hours
    AWAITING_REABLEMENT = 4  # reablement.py: waiting for a reablement place
    IN_REABLEMENT = 5  # reablement.py
    AWAITING_CARE_HOME = 6  # care_homes.py: waiting for a care-home place
    AWAITING_INTERMEDIATE_CARE = 7  # intermediate_care.py: an inpatient waiting for NHS onward care
    IN_INTERMEDIATE_CARE = 8  # intermediate_care.py
    UNMET = 9  # needs.py: refused, lost between services, or gone without
    ON_WARD = 10  # discharge.py: an inpatient whose need is planned for when they are medically fit


def stage_table(*stages: Stage) -> np.ndarray:
    """A look-up by stage code: True for `stages`. `table[pop.stage[ids]]` is np.isin's answer
    at a tenth of its cost on the few people a mechanism handles a week."""
    table = np.zeros(len(Stage), dtype=bool)
    table[[int(stage) for stage in stages]] = True
    return table


class ReferralInbox:
    """New needs at home this week, handed to assessment.py (a queue, not a call)."""

    def __init__(self):
        self._ids: list[np.ndarray] = []
        self._days: list[np.ndarray] = []

    def add(self, ids: np.ndarray, day: np.ndarray) -> None:
        if len(ids):
            self._ids.append(np.asarray(ids, dtype=np.int64))
            self._days.append(per_person(day, len(ids), np.int64).copy())

    def take(self) -> tuple[np.ndarray, np.ndarray]:
        """Everything referred since the last take, in the order it arrived."""
        if not self._ids:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        ids, days = np.concatenate(self._ids), np.concatenate(self._days)
        self._ids, self._days = [], []
        return ids, days


def has_open_need(m, ids: np.ndarray) -> np.ndarray:
    """Which of these people are alive with a need not yet closed (what waiting lists check)."""
    pop = m.pop
    return pop.alive[ids] & (pop.stage[ids] != Stage.NONE)


def unmet_need(m) -> np.ndarray:
    """Per person: at home with an open need that no service is meeting yet."""
    pop = m.pop
    stage = pop.view("stage")
    home, no_stage, in_reablement, in_intermediate_care, no_package = UNMET_NEED_CODES  # plain ints: population.holding
    return ((stage != no_stage) & (stage != in_reablement) & (stage != in_intermediate_care)
            & (pop.view("place") == home) & (pop.view("package") == no_package) & pop.view("alive"))


# unmet_need's codes as plain ints, in the order the compiled passes take them (numba types an
# enum member slowly on every call): home, no need, in reablement, in intermediate care, no package.
UNMET_NEED_CODES = tuple(int(code) for code in (Place.HOME, Stage.NONE, Stage.IN_REABLEMENT,
                                                Stage.IN_INTERMEDIATE_CARE, Package.NONE))


def set_stage(m, ids: np.ndarray, stage: Stage) -> None:
    m.pop.stage[ids] = stage


def join_council_list(m, ids: np.ndarray, day, stage: Stage, list_of, units=1.0) -> None:
    """Put people at `stage` on their own council's waiting list (`list_of(council)`)."""
    if len(ids) == 0:
        return
    pop = m.pop
    day = per_person(day, len(ids))
    set_stage(m, ids, stage)
    for council in m.councils:
        here = pop.council[ids] == council.number
        list_of(council).add(ids[here], day[here], pop.episode[ids[here]], 0, units)


def start_need(m, ids: np.ndarray, day, in_hospital: bool = False) -> np.ndarray:
    """Open a new episode for those without one; return who started one.

    Needs at home go to the referral inbox; a ward's are handed on by the caller. Someone
    already in a care home has their needs met there.
    """
    pop = m.pop
    ids = np.asarray(ids)
    day = per_person(day, len(ids))
    fresh = (pop.stage[ids] == Stage.NONE) & (pop.place[ids] != Place.CARE_HOME)
    ids, day = ids[fresh], day[fresh]
    if len(ids) == 0:
        return ids
    pop.episode[ids] += 1
    pop.reablement_tried[ids] = False
    m.tally.add("need_episodes", len(ids))
    m.log.record(ids, day, Event.NEED_START)
    if in_hospital:
        set_stage(m, ids, Stage.ON_WARD)
    else:
        set_stage(m, ids, Stage.REFERRED)
        m.referrals.add(ids, day)
    return ids


def refer_again(m, ids: np.ndarray, day) -> None:
    """An open need that a service has not resolved goes back for assessment at home."""
    set_stage(m, ids, Stage.REFERRED)
    m.referrals.add(ids, day)


def close_need(m, ids: np.ndarray) -> None:
    m.pop.stage[ids] = Stage.NONE


def resolve_unmet_needs(m) -> None:
    """Some needs pass without services (recovery, family help), whether the person was
    refused, lost between services or is still waiting at home; they leave any waiting list."""
    p = weekly_probability(m.config.area.social_care.need_resolves_rate, SLOW_PROCESS_WEEKS)
    resolved = m.streams.bernoulli_where("need.resolves", m.week, unmet_need(m), p)
    close_need(m, resolved)
    m.log.record(resolved, m.week_start, Event.NEED_RESOLVED, Organisation.NONE)
