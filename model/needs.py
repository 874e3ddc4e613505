"""Episodes of need for help at home: how they start, and how they end unmet.

Why episodes: a duplicate is a repeat "for the same person and the same episode of need"
(MODEL.md s5), so every need for help gets a number; assessments, packages and waits all
refer to it. A need starts after functional decline, a crisis, a hospital stay or a carer
breaking down, and is either met by a service or goes on as unmet need until it resolves.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np

from model.eventlog import Event, Organisation
from model.population import NO_DAY, Frailty, Package, Place
from model.timing import SLOW_PROCESS_WEEKS, weekly_probability


class NeedKind(IntEnum):
    NONE = 0
    HOME_CARE = 1
    CARE_HOME = 2


def open_need(m) -> np.ndarray:
    """Per person: alive with a need not yet closed (what waiting lists check)."""
    pop = m.pop
    return pop.view("alive") & (pop.view("need_since") != NO_DAY)


def start_need(m, ids: np.ndarray, day, in_hospital: bool = False) -> np.ndarray:
    """Open a new episode for those without one; return who started one.

    Community-route needs are referred for assessment at once; hospital needs are handed
    to discharge planning by the caller.
    """
    pop, area = m.pop, m.config.area
    ids = np.asarray(ids)
    fresh = (pop.need_since[ids] == NO_DAY) & (pop.place[ids] != Place.CARE_HOME)
    ids = ids[fresh]
    day = np.broadcast_to(np.asarray(day), fresh.shape)[fresh] if np.ndim(day) else day
    if len(ids) == 0:
        return ids
    pop.need_since[ids] = day
    pop.episode[ids] += 1
    to_care_home = m.streams.bernoulli("need.kind", m.week, ids, care_home_need_probability(m, ids))
    # Someone whose home care no longer suffices needs more than home care: a care home,
    # if they are old or frail enough to be placed; otherwise their package is reassessed.
    has_home_care = pop.package[ids] == Package.HOME_CARE
    placeable = (pop.frailty[ids] >= Frailty.MODERATE) & (pop.age[ids] >= area.social_care.care_home_min_age)
    escalates = has_home_care & placeable
    pop.need_kind[ids] = np.where(to_care_home | escalates, NeedKind.CARE_HOME, NeedKind.HOME_CARE)
    pop.unmet_need[ids] = ~has_home_care & (not in_hospital)
    m.tally.add("need_episodes", len(ids))
    m.log.record(ids, day, Event.NEED_START)
    if not in_hospital:
        from model import assessment  # local import: assessment refers back to needs

        assessment.refer_from_community(m, ids, day)
    return ids


def care_home_need_probability(m, ids: np.ndarray) -> np.ndarray:
    """The chance a new need is for a care home: rising steeply with age and frailty, and
    with dementia, so that residents are as old and frail as real ones (and die as soon)."""
    pop, sc = m.pop, m.config.area.social_care
    p = m.config.area.hospital.care_home_need_share
    p = p * sc.care_home_need_frailty_rr ** (pop.frailty[ids].astype(float) - Frailty.MODERATE)
    p = p * 2.0 ** ((pop.age[ids] - 80.0) / sc.care_home_need_age_doubling_years)
    p = p * np.where(pop.dementia[ids], sc.care_home_need_dementia_rr, 1.0)
    return np.where(pop.age[ids] >= sc.care_home_min_age, np.minimum(p, 0.95), 0.0)


def close_need(m, ids: np.ndarray) -> None:
    pop = m.pop
    pop.need_since[ids] = NO_DAY
    pop.unmet_need[ids] = False
    pop.need_kind[ids] = NeedKind.NONE


def resolve_unmet_needs(m) -> None:
    """Some unmet needs pass without services (recovery, family help)."""
    pop = m.pop
    ids = np.flatnonzero(pop.view("unmet_need") & pop.view("alive") & (pop.view("place") == Place.HOME))
    p = weekly_probability(m.config.area.social_care.need_resolves_rate, SLOW_PROCESS_WEEKS)
    resolved = ids[m.streams.bernoulli("need.resolves", m.week, ids, p)]
    close_need(m, resolved)
    m.log.record(resolved, m.week_start, Event.NEED_RESOLVED, Organisation.NONE)
