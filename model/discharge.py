"""Leaving hospital: from medically fit to discharge, and the delayed days in between.

Sequential (siloed): a ward therapist assesses (NHS), some people wait for NHS onward care,
each organisational boundary adds a hand-off; then the council assesses the inpatient,
and the person waits for a package or a place. Every day from medically fit to discharge
is a delayed bed day. Integrated discharge (discharge to assess): the person goes home
with reablement, or to an interim bed, at once, and one trusted assessment follows at home.
After a sequential discharge home with care, community health and the council's OT each
visit again: the repeats that a shared record or trusted assessment would have saved.
"""
from __future__ import annotations

import numpy as np

from model import hospital, needs, social_care
from model.costs import Payer
from model.eventlog import Event, Organisation, Purpose
from model.population import NO_DAY, Package, Place
from model.timing import whole_days

# What happens on leaving (kept in Population.planned_package).
PLAN_NOTHING = 0
PLAN_SELF_ARRANGE = 1
PLAN_DISCHARGE_TO_ASSESS = 2
PLAN_FOLLOW_UP_VISITS = 3


def plan_discharges(m) -> None:
    """For everyone who becomes medically fit this week, decide the way out."""
    pop, area, streams, week = m.pop, m.config.area, m.streams, m.week
    ids = np.flatnonzero((pop.view("place") == Place.HOSPITAL) & pop.view("alive")
                         & (pop.view("discharge_day") == NO_DAY) & ~pop.view("awaiting_discharge")
                         & (pop.view("fit_day") < m.week_end))
    if len(ids) == 0:
        return
    fit = pop.fit_day[ids].astype(np.int64)
    m.log.record(ids, fit, Event.MEDICALLY_FIT, Organisation.HOSPITAL)
    care_home_resident = np.isin(pop.package[ids], (Package.RESIDENTIAL, Package.NURSING))
    p_need = area.hospital.new_need_probability * (0.4 + 0.4 * pop.frailty[ids])
    overnight = pop.fit_day[ids] > pop.admit_day[ids]
    new_need = ~care_home_resident & overnight & streams.bernoulli("discharge.new_need", week, ids, np.minimum(p_need, 1))
    schedule(m, ids[~new_need], fit[~new_need], nhs_delay=0)

    ids, fit = ids[new_need], fit[new_need]
    m.tally.add("discharges_with_new_need", len(ids))
    needs.start_need(m, ids, fit, in_hospital=True)
    private = social_care.outside_council_pathway(m, ids)
    choice = whole_days(streams.exponential("discharge.self_arranging", week, ids,
                                            area.social_care.package_arrangement_days))
    pop.planned_package[ids[private]] = PLAN_SELF_ARRANGE
    # Patient or family choice counts as NHS-attributable in the DTOC returns.
    schedule(m, ids[private], fit[private] + choice[private], nhs_delay=choice[private])

    council = ~private
    d2a = council & m.levers.applies("integrated_discharge", streams, "discharge.d2a", week, pop, ids)
    handoff = area.assessment.boundary_handoff_days * pop.boundaries[ids]
    d2a_delay = whole_days(0.5 * handoff[d2a])
    pop.planned_package[ids[d2a]] = PLAN_DISCHARGE_TO_ASSESS
    schedule(m, ids[d2a], fit[d2a] + d2a_delay, nhs_delay=d2a_delay)

    sequential = council & ~d2a
    seq, seq_fit = ids[sequential], fit[sequential]
    h = area.hospital
    ward = whole_days(streams.exponential("discharge.ward_assessment", week, seq, h.nhs_assessment_days))
    onward = streams.bernoulli("discharge.onward_nhs", week, seq, h.nhs_onward_care_share)
    onward_days = whole_days(streams.exponential("discharge.onward_days", week, seq, h.nhs_onward_care_days))
    nhs_delay = ward + np.where(onward, onward_days, 0) + whole_days(handoff[sequential])
    ward_day = np.minimum(seq_fit + ward, m.week_end - 1)
    from model.assessment import Route, enqueue_council, record_visit  # local: assessment imports discharge

    record_visit(m, seq, ward_day, Purpose.FUNCTIONAL, Organisation.HOSPITAL, Payer.NHS, area.costs.ot_visit,
                 "inpatient")
    m.tally.add("ward_assessments", len(seq))
    pop.stay_delay_nhs[seq] = nhs_delay
    pop.awaiting_discharge[seq] = True
    pop.planned_package[seq] = PLAN_FOLLOW_UP_VISITS
    slowdown = 1 + area.social_care.squeeze_delay_multiplier * m.squeeze_of(seq)
    council_wait = whole_days(streams.exponential("discharge.council_assessment", week, seq,
                                                  area.social_care.assessment_days) * slowdown)
    enqueue_council(m, seq, seq_fit + nhs_delay + council_wait, Route.HOSPITAL)


def schedule(m, ids: np.ndarray, day: np.ndarray, nhs_delay) -> None:
    m.pop.discharge_day[ids] = day
    m.pop.stay_delay_nhs[ids] = nhs_delay
    m.pop.awaiting_discharge[ids] = False


def after_council_assessment(m, ids: np.ndarray, day: np.ndarray) -> None:
    """Eligible inpatients wait for their package or place; others leave, need unmet."""
    eligible = social_care.decide(m, ids, day, route=social_care.ROUTE_HOSPITAL)
    refused = ~np.isin(ids, eligible)
    schedule(m, ids[refused], day[refused], nhs_delay=m.pop.stay_delay_nhs[ids[refused]])


def care_ready(m, ids: np.ndarray, day: np.ndarray) -> None:
    """A package or place is ready for an inpatient: they can leave that day, or when
    medically fit if that is later (a place found while they are still being treated)."""
    leave = np.maximum(day, m.pop.fit_day[ids])
    schedule(m, ids, leave, nhs_delay=m.pop.stay_delay_nhs[ids])


def complete_discharges(m) -> None:
    """Everyone whose discharge day falls in this week leaves, then what was planned follows."""
    pop = m.pop
    ids = np.flatnonzero((pop.view("place") == Place.HOSPITAL) & (pop.view("discharge_day") != NO_DAY)
                         & (pop.view("discharge_day") < m.week_end) & pop.view("alive"))
    if len(ids) == 0:
        return
    day = pop.discharge_day[ids].astype(np.int64)
    plan = pop.planned_package[ids].copy()
    hospital.leave(m, ids, day)
    pop.planned_package[ids] = PLAN_NOTHING
    unmet = (pop.need_since[ids] != NO_DAY) & (pop.package[ids] == Package.NONE)
    pop.unmet_need[ids[unmet]] = True

    selfers = plan == PLAN_SELF_ARRANGE
    social_care.self_arrange(m, ids[selfers], day[selfers])

    d2a = plan == PLAN_DISCHARGE_TO_ASSESS
    discharge_to_assess(m, ids[d2a], day[d2a])

    follow = (plan == PLAN_FOLLOW_UP_VISITS) & (pop.place[ids] == Place.HOME) & (pop.package[ids] != Package.NONE)
    follow_up_visits(m, ids[follow], day[follow])


def discharge_to_assess(m, ids: np.ndarray, day: np.ndarray) -> None:
    """Home with reablement (or to an interim bed), then one trusted assessment at home."""
    if len(ids) == 0:
        return
    from model.assessment import joint_assessment  # local: assessment imports discharge

    pop = m.pop
    pop.unmet_need[ids] = False
    joint_assessment(m, ids, day)


def follow_up_visits(m, ids: np.ndarray, day: np.ndarray) -> None:
    """After a sequential discharge, community health and the council OT visit again."""
    from model.assessment import visit  # local: assessment imports discharge

    costs = m.config.area.costs
    visit(m, ids, day, Purpose.FUNCTIONAL, Organisation.COUNCIL, Payer.COUNCIL, costs.ot_visit,
          "discharge.council_ot_repeat")
    visit(m, ids, day, Purpose.NEEDS, Organisation.COMMUNITY_HEALTH, Payer.NHS, costs.community_contact,
          "discharge.district_nurse_repeat")

