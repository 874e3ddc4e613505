"""Reablement: up to six weeks of free, time-limited help at home to regain independence.

Councils' reablement teams have a number of places (concurrent episodes); people wait for
one (stage AWAITING_REABLEMENT) and are reabled (IN_REABLEMENT). About 60% need no ongoing
care afterwards (SCIE: 60%; CSED 2007: up to 68%), fewer among the frailest and people with
dementia; the rest are assessed again at home,
where a decision is made with the person's home, not a ward, in view. Reablement is free
to the person (charging rules), so the council pays for every episode.
"""
from __future__ import annotations

import numpy as np

from model import hospital
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.means_test import charge_council
from model.needs import Stage, close_need, join_council_list, refer_again, set_stage
from model.population import NO_DAY, Frailty, Place, holding
from model.queues import serve_each_council
from model.timing import DAYS_PER_WEEK


def queue(m, ids: np.ndarray, day) -> None:
    join_council_list(m, ids, day, Stage.AWAITING_REABLEMENT, lambda c: c.reablement_queue)


def places_in_use(m, council) -> int:
    return len(holding(m.pop, "stage", Stage.IN_REABLEMENT, ("council", council.number)))


def start_episodes(m) -> None:
    """Start reablement as far as each council's free places allow."""
    extra_per_1000 = m.levers.reablement_places_per_1000()  # home-first levers' own staff, as they ramp up
    serve_each_council(m, Stage.AWAITING_REABLEMENT, lambda c: c.reablement_queue,
                       lambda c: c.reablement_places + extra_per_1000 * c.funded_scale - places_in_use(m, c),
                       "reablement", start)


def start(m, ids: np.ndarray, day: np.ndarray) -> None:
    if len(ids) == 0:
        return
    pop, sc, costs = m.pop, m.config.area.social_care, m.config.area.costs
    set_stage(m, ids, Stage.IN_REABLEMENT)
    pop.reablement_tried[ids] = True
    pop.service_until[ids] = day + sc.reablement_weeks * DAYS_PER_WEEK
    m.tally.add("reablement_episodes", len(ids))
    charge_council(m, "reablement", ids, costs.reablement_episode)
    m.log.record(ids, day, Event.REABLEMENT_START, Organisation.COUNCIL, Payer.COUNCIL, costs.reablement_episode)
    hospital.release_inpatients(m, ids, day)


def success_probability(m, ids: np.ndarray) -> np.ndarray:
    """The chance a person needs no ongoing care after reablement: `reablement_success` for a
    mildly frail person without dementia, less for frailer people and people with dementia,
    who benefit less (Glendinning et al. 2010)."""
    pop, sc = m.pop, m.config.area.social_care
    odds = sc.reablement_success / (1 - sc.reablement_success)
    odds = odds * sc.reablement_success_frailty_odds_ratio ** (pop.frailty[ids].astype(float) - Frailty.MILD)
    odds = odds * np.where(pop.dementia[ids], sc.reablement_success_dementia_odds_ratio, 1.0)
    return odds / (1 + odds)


def end_episodes(m) -> None:
    """Episodes that end this week: most people need no more; the rest are assessed again at home."""
    pop, sc = m.pop, m.config.area.social_care
    in_reablement = holding(pop, "stage", Stage.IN_REABLEMENT)
    ids = in_reablement[pop.service_until[in_reablement] < m.week_end]
    reabling = in_reablement[pop.place[in_reablement] == Place.HOME]
    m.tally.add("home_care_hours", sc.home_care_hours_mean * len(reabling))
    if len(ids) == 0:
        return
    day = pop.service_until[ids].astype(np.int64)
    pop.service_until[ids] = NO_DAY
    m.log.record(ids, day, Event.REABLEMENT_END, Organisation.COUNCIL)
    recovered = m.streams.bernoulli("care.reablement_success", m.week, ids, success_probability(m, ids))
    close_need(m, ids[recovered])
    refer_again(m, ids[~recovered], day[~recovered])
