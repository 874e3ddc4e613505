"""Home care: packages of hours a week, bought by each council up to the hours it can staff.

The council's home-care hours are a capacity: a package starts only when enough hours are
free, so waits emerge from hours meeting demand (waits for home care doubled in two years
to 2015: NAO 2016). Stage owned here: AWAITING_HOME_CARE. An inpatient whose package
starts can leave hospital that day.
"""
from __future__ import annotations

import numpy as np

from model import hospital
from model.eventlog import Event, Organisation
from model.means_test import charge_week_of_care, payer_of_care
from model.needs import Stage, close_need, join_council_list
from model.population import Package, Place, holding
from model.queues import serve_each_council
from model.timing import weekly_probability


def queue(m, ids: np.ndarray, day) -> None:
    """Wait for home-care hours from one's own council."""
    join_council_list(m, ids, day, Stage.AWAITING_HOME_CARE, lambda c: c.home_care_queue,
                      m.config.area.social_care.home_care_hours_mean)


def hours_in_use(m, council) -> float:
    mine = holding(m.pop, "package", Package.HOME_CARE, ("council", council.number))
    return float(m.pop.home_care_hours[mine].sum())


def start_packages(m) -> None:
    """Start packages as far as each council's free hours allow."""
    serve_each_council(m, Stage.AWAITING_HOME_CARE, lambda c: c.home_care_queue,
                       lambda c: c.home_care_hours_capacity - hours_in_use(m, c), "home_care", start)


def start(m, ids: np.ndarray, day: np.ndarray) -> None:
    if len(ids) == 0:
        return
    pop = m.pop
    pop.package[ids] = Package.HOME_CARE
    pop.home_care_hours[ids] = m.config.area.social_care.home_care_hours_mean
    m.log.record(ids, day, Event.HOME_CARE_START, Organisation.COUNCIL, payer_of_care(m, ids, care_home=False))
    close_need(m, ids)
    hospital.release_inpatients(m, ids, day)


def week_of_care(m) -> None:
    """A week of home care at home, charged by the means test; some packages end (recovery,
    or a change of needs), freeing hours."""
    pop, costs = m.pop, m.config.area.costs
    home = holding(pop, "package", Package.HOME_CARE, ("place", Place.HOME))
    hours = pop.home_care_hours[home]
    m.tally.add("home_care_hours", float(hours.sum()))
    charge_week_of_care(m, "home_care", home, hours * costs.home_care_hour, premium=0.0, care_home=False)
    p_end = weekly_probability(m.config.area.social_care.package_end_rate)
    ending = home[m.streams.bernoulli("care.package_ends", m.week, home, p_end)]
    pop.package[ending] = Package.NONE
    pop.home_care_hours[ending] = 0.0

