"""Care homes: permanent residential or nursing placements, limited by the places in the area.

People wait for a place (stage AWAITING_CARE_HOME); a placement starts when one is free.
Fees are charged each week by the means test and spent down from capital, so self-funders
become council-funded in time (means_test.py).
"""
from __future__ import annotations

import numpy as np

from model import hospital
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.means_test import charge_week_of_care, payer_of_care, spend_down
from model.needs import Stage, close_need, join_council_list
from model.population import Package, Place, holding_either
from model.queues import serve_each_council
from model.timing import DAYS_PER_WEEK


def queue(m, ids: np.ndarray, day) -> None:
    join_council_list(m, ids, day, Stage.AWAITING_CARE_HOME, lambda c: c.care_home_queue)


def residents(m, council=None) -> np.ndarray:
    """Ids of those living in a care home now (optionally: in this council's area), in id order."""
    pop = m.pop
    ids = holding_either(pop, "package", Package.RESIDENTIAL, Package.NURSING)  # a residential or nursing place
    return ids if council is None else ids[pop.council[ids] == council.number]


def start_placements(m) -> None:
    serve_each_council(m, Stage.AWAITING_CARE_HOME, lambda c: c.care_home_queue,
                       lambda c: c.care_home_places - len(residents(m, c)), "care_home", start)


def start(m, ids: np.ndarray, day: np.ndarray) -> None:
    if len(ids) == 0:
        return
    pop = m.pop
    nursing = m.streams.bernoulli("care.nursing", m.week, ids, m.config.area.social_care.care_home_nursing_share)
    pop.package[ids] = np.where(nursing, Package.NURSING, Package.RESIDENTIAL)
    pop.home_care_hours[ids] = 0.0
    pop.coordinator[ids] = False
    close_need(m, ids)
    payer = payer_of_care(m, ids, care_home=True)
    m.tally.add("care_home_admissions", len(ids))
    m.tally.add("council_funded_care_home_admissions", int((payer == Payer.COUNCIL).sum()))
    m.log.record(ids, day, Event.CARE_HOME_ADMISSION, Organisation.COUNCIL, payer)
    inpatients = pop.place[ids] == Place.HOSPITAL
    pop.place[ids[~inpatients]] = Place.CARE_HOME
    hospital.ready_to_leave(m, ids[inpatients], day[inpatients])


def week_of_fees(m) -> None:
    pop, costs = m.pop, m.config.area.costs
    ids = residents(m)
    weekly = np.where(pop.package[ids] == Package.NURSING, costs.nursing_week, costs.residential_week)
    paid, self_funded = charge_week_of_care(m, "care_homes", ids, weekly, premium=costs.self_funder_premium,
                                            care_home=True)
    spend_down(m, ids, paid)
    m.tally.add("care_home_days_self_funded", DAYS_PER_WEEK * int(self_funded.sum()))
    m.tally.add("care_home_days", DAYS_PER_WEEK * len(ids))
