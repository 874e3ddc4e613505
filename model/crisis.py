"""Crises: exacerbations, falls and carer crises that send people to A&E.

The weekly hazard follows MODEL.md s3: conditions, frailty, age, place (care-home
residents far more often), recent discharge (readmission risk), unmet social care need,
and the secular trend; a coordinator changes it by the case-management relative risk
(1.00 by default, row 34). A crisis goes to A&E, unless a rapid-response team can manage
it at home; a share of A&E attendances is admitted, fewer as the hospital fills.
"""
from __future__ import annotations

import numpy as np

from model import hospital, needs
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.population import Place
from model.timing import DAYS_PER_WEEK, WEEKS_PER_YEAR, weekly_probability

RECENT_DISCHARGE_DAYS = 28


def crisis_rate(m, ids=slice(None)) -> np.ndarray:
    """Crises per person-year now (before any randomness), for `ids` or everyone."""
    pop, area = m.pop, m.config.area
    c = area.crisis
    column = lambda name: pop.view(name)[ids]  # noqa: E731 - a view when ids is a slice
    trend = (1 + area.context.admission_trend) ** (m.week / WEEKS_PER_YEAR)
    rate = m.risks.crisis[ids] * trend  # age, frailty and conditions (risk.py)
    rate[column("place") == Place.CARE_HOME] *= c.care_home_rr
    recent = m.week_start - column("last_discharge_day") <= RECENT_DISCHARGE_DAYS
    rate[recent] *= c.recent_discharge_rr
    rate[column("unmet_need")] *= c.unmet_need_rr
    rate[column("coordinator")] *= m.config.arrangement.case_management.admission_rr
    return rate


def crises(m) -> None:
    pop, area = m.pop, m.config.area
    can_have_crisis = pop.view("alive") & (pop.view("place") != Place.HOSPITAL)
    p = weekly_probability(crisis_rate(m))
    hit = np.flatnonzero(can_have_crisis & m.streams.bernoulli("crisis", m.week, pop.person_id, p))
    if len(hit) == 0:
        return
    day = m.week_start + m.streams.choice("crisis.day", m.week, hit, DAYS_PER_WEEK)
    manageable = m.streams.bernoulli("crisis.manageable", m.week, hit, area.crisis.manageable_at_home_share)
    at_home = manageable & m.levers.applies("rapid_response", m.streams, "crisis.rapid_response",
                                            m.week, pop, hit)
    managed, managed_day = hit[at_home], day[at_home]
    cost = area.costs.community_contact
    m.tally.add("rapid_response_contacts", len(managed))
    m.tally.add("community_contacts", len(managed))
    m.ledger.charge("community", Payer.NHS, cost * len(managed))
    m.log.record(managed, managed_day, Event.RAPID_RESPONSE, Organisation.COMMUNITY_HEALTH, Payer.NHS, cost)

    to_ae, ae_day = hit[~at_home], day[~at_home]
    m.tally.add("ae_attendances", len(to_ae))
    m.ledger.charge("ae", Payer.NHS, area.costs.ae_attendance * len(to_ae))
    m.log.record(to_ae, ae_day, Event.AE_ATTENDANCE, Organisation.HOSPITAL, Payer.NHS, area.costs.ae_attendance)
    p_admit = np.where(pop.age[to_ae] >= 65, area.crisis.admission_probability,
                       area.crisis.admission_probability_under_65)
    no_bed_cut = hospital.admission_cut(m)[pop.hospital[to_ae]]
    draw = m.streams.uniform("crisis.admit", m.week, to_ae)
    admitted = draw < p_admit * (1 - no_bed_cut)
    no_bed = (draw < p_admit) & ~admitted  # would have been admitted had there been a bed
    hospital.admit(m, to_ae[admitted], ae_day[admitted])
    m.tally.add("sent_home_no_bed", int(no_bed.sum()))
    m.log.record(to_ae[no_bed], ae_day[no_bed], Event.SENT_HOME_NO_BED, Organisation.HOSPITAL)

    sent_home, home_day = to_ae[~admitted], ae_day[~admitted]
    sent_home = np.concatenate([sent_home, managed])
    home_day = np.concatenate([home_day, managed_day])
    at_home_now = pop.place[sent_home] == Place.HOME
    new_need = at_home_now & m.streams.bernoulli("crisis.new_need", m.week, sent_home,
                                                 area.crisis.new_need_after_ae_probability)
    needs.start_need(m, sent_home[new_need], home_day[new_need])
