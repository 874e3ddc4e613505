"""Crises: exacerbations, falls and carer crises that send people to A&E.

The weekly hazard is the person's own (risk.py: age, frailty, conditions, dementia) times
the secular trend, raised soon after a discharge (readmission risk) and while a need for
help goes unmet; a coordinator changes it by the case-management relative risk (1.00 by
default: Stokes et al., PLoS ONE 2015). Where a rapid-response team works, it meets some
manageable crises at home (rapid_response.py); the rest go to A&E, where a share is
admitted, fewer as the hospital fills (hospital.admission_cut).
"""
from __future__ import annotations

import numpy as np

from model import hospital, rapid_response
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.needs import UNMET_NEED_CODES, start_need, unmet_need
from model.population import Place, living_outside_hospital
from model.randomness import RATE_BOUND_MARGIN
from model.timing import DAYS_PER_WEEK, WEEKS_PER_YEAR, exponent_per_rate, weekly_probability_in_place


def _trend(m) -> float:
    return (1 + m.config.area.context.admission_trend) ** (m.week / WEEKS_PER_YEAR)


def _compiled_rate_arguments(m) -> tuple:
    """What passes_compiled's crisis rates read after the ids (or the draw's terms): the
    person's own rate and columns, and the relative risks, in its order."""
    pop, area = m.pop, m.config.area
    c = area.crisis
    return (m.risks.crisis, _trend(m), pop.view("last_discharge_day"), m.week_start,
            area.hospital.readmission_window_days, c.recent_discharge_rr)


def _compiled_unmet_and_coordinator(m) -> tuple:
    pop = m.pop
    return (pop.view("stage"), pop.view("package"), *UNMET_NEED_CODES, m.config.area.crisis.unmet_need_rr,
            pop.view("coordinator"), m.config.arrangement.case_management.admission_rr)


def crisis_rate(m, ids: np.ndarray) -> np.ndarray:
    """Crises per person-year now (before any randomness), for these people."""
    pop, area = m.pop, m.config.area
    if m.streams.compiled:  # the same numbers, in one pass (passes_compiled.py)
        from model import passes_compiled
        return passes_compiled.crisis_rate(np.asarray(ids, dtype=np.int64), *_compiled_rate_arguments(m),
                                          pop.view("alive"), pop.view("place"), *_compiled_unmet_and_coordinator(m))
    c = area.crisis
    window, coordinator_rr = area.hospital.readmission_window_days, m.config.arrangement.case_management.admission_rr
    rate = m.risks.crisis[ids] * _trend(m)
    recent = m.week_start - pop.view("last_discharge_day")[ids] <= window
    rate[recent] *= c.recent_discharge_rr
    rate[unmet_need(m)[ids]] *= c.unmet_need_rr
    rate[pop.view("coordinator")[ids]] *= coordinator_rr
    return rate


def admission_probability(m, ids: np.ndarray, manageable: np.ndarray) -> np.ndarray:
    """The chance an A&E attendance is admitted: lower for the less acute, manageable crises,
    higher for the rest, so that all crises together keep the published admitted share."""
    c = m.config.area.crisis
    overall = np.where(m.pop.age[ids] >= 65, c.admission_probability, c.admission_probability_under_65)
    share = c.manageable_at_home_share
    acute = overall * (1 - share * c.manageable_admission_rr) / (1 - share)
    return np.minimum(np.where(manageable, overall * c.manageable_admission_rr, acute), 1.0)


def attend_ae(m, ids: np.ndarray, day: np.ndarray) -> None:
    cost = m.config.area.costs.ae_attendance
    m.tally.add("ae_attendances", len(ids))
    m.ledger.charge("ae", Payer.NHS, cost * len(ids))
    m.log.record(ids, day, Event.AE_ATTENDANCE, Organisation.HOSPITAL, Payer.NHS, cost)


def who_has_a_crisis(m) -> np.ndarray:
    """This week's crises: a draw at each person's own weekly chance, for the living outside
    hospital only (a draw does not depend on who else is asked)."""
    if m.streams.compiled:  # the same people, in one pass over everyone (passes_compiled.py)
        from model import passes_compiled
        pop = m.pop
        ids, draws, scaled = passes_compiled.crisis_candidates(
            pop.view("alive"), pop.view("place"), int(Place.HOSPITAL), m.streams.salt("crisis", m.week),
            exponent_per_rate(), RATE_BOUND_MARGIN, m.risks.crisis_code, passes_compiled.POWER_CODE_TABLE,
            *_compiled_rate_arguments(m), *_compiled_unmet_and_coordinator(m))
        return ids[draws < weekly_probability_in_place(scaled, scaled=True)]
    can_have_crisis = living_outside_hospital(m)
    scaled = crisis_rate(m, can_have_crisis)
    scaled *= exponent_per_rate()
    return can_have_crisis[m.streams.bernoulli_of_scaled_rate("crisis", m.week, can_have_crisis, scaled)]


def crises(m) -> None:
    pop, area = m.pop, m.config.area
    hit = who_has_a_crisis(m)
    if len(hit) == 0:
        return
    day = m.week_start + m.streams.choice("crisis.day", m.week, hit, DAYS_PER_WEEK)
    manageable = m.streams.bernoulli("crisis.manageable", m.week, hit, area.crisis.manageable_at_home_share)
    at_home = rapid_response.respond(m, hit, day, manageable)
    managed, managed_day = hit[at_home], day[at_home]

    to_ae, ae_day = hit[~at_home], day[~at_home]
    attend_ae(m, to_ae, ae_day)
    p_admit = admission_probability(m, to_ae, manageable[~at_home])
    no_bed_cut = hospital.admission_cut(m)[pop.hospital[to_ae]]
    draw = m.streams.uniform("crisis.admit", m.week, to_ae)
    admitted = draw < p_admit * (1 - no_bed_cut)
    no_bed = (draw < p_admit) & ~admitted  # would have been admitted had there been a bed
    hospital.admit(m, to_ae[admitted], ae_day[admitted])
    m.tally.add("sent_home_no_bed", int(no_bed.sum()))
    m.log.record(to_ae[no_bed], ae_day[no_bed], Event.SENT_HOME_NO_BED, Organisation.HOSPITAL)

    sent_home = np.concatenate([to_ae[~admitted], managed])
    home_day = np.concatenate([ae_day[~admitted], managed_day])
    at_home_now = pop.place[sent_home] == Place.HOME
    new_need = at_home_now & m.streams.bernoulli("crisis.new_need", m.week, sent_home,
                                                 area.crisis.new_need_after_ae_probability)
    start_need(m, sent_home[new_need], home_day[new_need])
