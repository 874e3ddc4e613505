"""Assessment: who visits to find out what a person with a need requires.

Siloed (docs/ODD.md, submodel 7.6): each organisation assesses for itself. The GP refers to
community health (a health OT's functional assessment and a district nurse's needs history)
and signposts to council social care (a social worker's needs assessment and a social-care
OT's functional assessment). A signpost can be lost between services, or take a while to
turn into a referral (`signpost_dropout`, `referral_delay_days`: siloed frictions, swept as
uncertainties). When an organisation's turn comes and another has already served a purpose
in this episode, it repeats the visit with the repeat probability, which a shared record
lowers and each boundary crossed raises. Integrated: a joint or trusted assessment by one
visit serves both purposes, and a single point of access stops referrals being lost or slow.

Assessors are a capacity: each service sees as many people a week as its staff allow, so
waits emerge from the queue (stage AWAITING_ASSESSMENT is owned here). What the council
then decides is care_decision.py's.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np

from model import care_decision, hospital, private_care
from model.costs import Payer
from model.eventlog import Event, Organisation, Purpose
from model.means_test import charge_council
from model.needs import Stage, has_open_need, set_stage, stage_table
from model.population import Place, per_person
from model.queues import tally_waits, waiting_at
from model.timing import whole_days


# Stages after an inpatient's council decision in which they leave the ward at once.
LEAVING_THE_WARD = stage_table(Stage.NONE, Stage.UNMET)


class Route(IntEnum):
    """Why someone is on an assessment waiting list."""

    HEALTH = 0  # community health after a GP referral
    SOCIAL = 1  # council social care after a signpost or referral
    JOINT = 2  # one joint/trusted assessment for both
    HOSPITAL = 3  # council assessment of an inpatient before discharge


def repeat_probability(m, ids: np.ndarray) -> np.ndarray:
    """Chance an organisation repeats a visit another already made in this episode."""
    a = m.config.area.assessment
    base = a.repeat_probability_siloed + a.boundary_repeat_increment * m.pop.boundaries[ids]
    shared = m.levers.effect["shared_record"] * m.levers.reach(m.pop, ids)
    floor_ratio = a.repeat_probability_integrated / a.repeat_probability_siloed
    return np.clip(base * (1 - shared * (1 - floor_ratio)), 0, 1)


def visit(m, ids, day, purpose: Purpose, org: Organisation, payer: Payer, unit_cost: float,
          decision: str) -> np.ndarray:
    """An organisation's turn to serve a purpose; return who was actually visited."""
    if len(ids) == 0:
        return ids
    already = m.visits.served_elsewhere(ids, purpose, org, m.pop.episode[ids])
    go = ~already
    if already.any():  # whether to repeat is a question only where another organisation has been
        again = ids[already]
        go[already] = m.streams.bernoulli(decision, m.week, again, repeat_probability(m, again))
    ids, day = ids[go], per_person(day, len(go))[go]
    category = "assessments" if payer == Payer.COUNCIL else "community"
    record_visit(m, ids, day, purpose, org, payer, unit_cost, category)
    return ids


def record_visit(m, ids, day, purpose: Purpose, org: Organisation, payer: Payer, unit_cost: float,
                 category: str | None) -> None:
    """A visit made: judge it against other organisations' visits, count, cost and log it."""
    episode = m.pop.episode[ids]
    duplicate = m.visits.record(ids, day, purpose, org, episode)
    n_dup = int(duplicate.sum())
    m.tally.add("assessments", len(ids))
    m.tally.add("duplicate_visits", n_dup)
    m.tally.add("duplicate_ot_visits" if purpose == Purpose.FUNCTIONAL else "duplicate_needs_assessments", n_dup)
    if category is not None and payer == Payer.COUNCIL:
        charge_council(m, category, ids, unit_cost)
    elif category is not None:
        m.ledger.charge(category, payer, unit_cost * len(ids))
    m.log.record(ids, day, Event.ASSESSMENT_VISIT, org, payer, unit_cost if category else 0.0, purpose,
                 duplicate, episode)


def take_referrals(m) -> None:
    """Route this week's new needs at home to assessment, by the arrangement in force."""
    pop, area, streams, week = m.pop, m.config.area, m.streams, m.week
    ids, day = m.referrals.take()
    current = pop.alive[ids] & (pop.stage[ids] == Stage.REFERRED) & (pop.place[ids] == Place.HOME)
    ids, day = ids[current], day[current]
    if len(ids) == 0:
        return
    private = private_care.outside_council_pathway(m, ids)
    private_care.arrange(m, ids[private], day[private])
    joint = ~private & m.levers.applies("joint_assessment", streams, "assess.joint", week, pop, ids)
    enqueue_council(m, ids[joint], day[joint], Route.JOINT)

    health = ~joint
    m.community.assessment_queue.add(ids[health], day[health], pop.episode[ids[health]], Route.HEALTH)
    m.log.record(ids[health], day[health], Event.REFERRAL_SENT, Organisation.COMMUNITY_HEALTH)

    sc = area.social_care
    social = health & ~private
    spa = m.levers.applies("single_point_of_access", streams, "assess.spa", week, pop, ids) & social
    lost = social & ~spa & streams.bernoulli("assess.signpost_lost", week, ids, sc.signpost_dropout)
    m.tally.add("referrals_lost", int(lost.sum()))
    m.log.record(ids[lost], day[lost], Event.REFERRAL_LOST, Organisation.COUNCIL)
    set_stage(m, ids[lost], Stage.UNMET)
    reaches = social & ~lost
    delay = np.where(spa, 0, whole_days(streams.exponential("assess.referral_delay", week, ids,
                                                            sc.referral_delay_days)))
    enqueue_council(m, ids[reaches], day[reaches] + delay[reaches], Route.SOCIAL)


def enqueue_council(m, ids: np.ndarray, ready_day: np.ndarray, route: Route) -> None:
    """Put people on their own council's assessment waiting list."""
    pop = m.pop
    set_stage(m, ids, Stage.AWAITING_ASSESSMENT)
    for council in m.councils:
        here = pop.council[ids] == council.number
        council.assessment_queue.add(ids[here], ready_day[here], pop.episode[ids[here]], route)
    m.log.record(ids, ready_day, Event.REFERRAL_SENT, Organisation.COUNCIL)


def serve_assessments(m) -> None:
    """This week's assessment visits, as far as each service's assessors allow."""
    pop = m.pop
    episode = pop.view("episode")
    at_home_with_need = lambda ids: has_open_need(m, ids) & (pop.place[ids] == Place.HOME)  # noqa: E731
    served = m.community.assessment_queue.serve(m.week_start, m.week_end, m.community.weekly_assessments,
                                                at_home_with_need, episode, carry_over=True)
    tally_waits(m, "community_assessment", served)
    if len(served.person):
        health_assessment(m, served.person, served.day)
    awaiting = waiting_at(pop, Stage.AWAITING_ASSESSMENT)
    for council in m.councils:
        served = council.assessment_queue.serve(m.week_start, m.week_end, council.weekly_assessments, awaiting,
                                                episode, carry_over=True, first_route=Route.HOSPITAL)
        tally_waits(m, "council_assessment", served)
        if len(served.person) == 0:
            continue
        _, first = np.unique(served.person, return_index=True)  # one decision a person a week
        once = np.zeros(len(served.person), bool)
        once[first] = True
        in_hospital = pop.place[served.person] == Place.HOSPITAL
        for route, handler, where in ((Route.JOINT, joint_assessment, ~in_hospital),
                                      (Route.SOCIAL, council_assessment, ~in_hospital),
                                      (Route.HOSPITAL, inpatient_assessment, in_hospital)):
            here = once & (served.route == route) & where
            if here.any():  # most weeks a route has nobody; a handler given nobody does nothing
                handler(m, served.person[here], served.day[here])


def health_assessment(m, ids: np.ndarray, day: np.ndarray) -> None:
    costs = m.config.area.costs
    visit(m, ids, day, Purpose.FUNCTIONAL, Organisation.COMMUNITY_HEALTH, Payer.NHS, costs.ot_visit,
          "assess.health_ot_repeat")
    visit(m, ids, day, Purpose.NEEDS, Organisation.COMMUNITY_HEALTH, Payer.NHS, costs.community_contact,
          "assess.district_nurse_repeat")
    m.tally.add("assessments_health", len(ids))
    contacts = m.config.area.primary_care.community_contacts_per_episode
    m.tally.add("community_contacts", contacts * len(ids))
    m.ledger.charge("community", Payer.NHS, contacts * costs.community_contact * len(ids))


def council_assessment(m, ids: np.ndarray, day: np.ndarray) -> None:
    costs = m.config.area.costs
    visit(m, ids, day, Purpose.NEEDS, Organisation.COUNCIL, Payer.COUNCIL, costs.social_work_assessment,
          "assess.social_worker_repeat")
    visit(m, ids, day, Purpose.FUNCTIONAL, Organisation.COUNCIL, Payer.COUNCIL, costs.ot_visit,
          "assess.social_ot_repeat")
    m.tally.add("assessments_council", len(ids))
    care_decision.decide(m, ids, day)


def joint_assessment(m, ids: np.ndarray, day: np.ndarray) -> None:
    """One visit by an integrated team serves both purposes for both organisations."""
    if len(ids) == 0:
        return
    cost = m.config.area.costs.social_work_assessment
    record_visit(m, ids, day, Purpose.NEEDS, Organisation.INTEGRATED_TEAM, Payer.COUNCIL, cost, "assessments")
    # The same visit also serves the functional purpose: recorded, not counted or charged twice.
    duplicate = m.visits.record(ids, day, Purpose.FUNCTIONAL, Organisation.INTEGRATED_TEAM, m.pop.episode[ids])
    m.tally.add("duplicate_visits", int(duplicate.sum()))
    m.tally.add("duplicate_ot_visits", int(duplicate.sum()))
    m.log.record(ids, day, Event.ASSESSMENT_VISIT, Organisation.INTEGRATED_TEAM, Payer.COUNCIL, 0.0,
                 Purpose.FUNCTIONAL, duplicate, m.pop.episode[ids])
    m.tally.add("assessments_joint", len(ids))
    care_decision.decide(m, ids, day, home_first=True)


def inpatient_assessment(m, ids: np.ndarray, day: np.ndarray) -> None:
    """The council assesses a medically fit inpatient on the ward; anyone it will not serve leaves."""
    costs = m.config.area.costs
    visit(m, ids, day, Purpose.NEEDS, Organisation.COUNCIL, Payer.COUNCIL, costs.social_work_assessment,
          "assess.inpatient_repeat")
    m.tally.add("assessments_council", len(ids))
    care_decision.decide(m, ids, day)
    leaving = LEAVING_THE_WARD[m.pop.stage[ids]]
    hospital.ready_to_leave(m, ids[leaving], day[leaving])
