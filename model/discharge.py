"""Leaving hospital: from medically fit to discharge, and the delayed days in between.

When an inpatient becomes medically fit, discharge planning decides the way out (stage
ON_WARD is owned here until then). Someone with no new need leaves that day. Someone with a
need for help goes one of these ways, each a hand-off to another module's waiting list:

- a self-funder outside council pathways arranges care privately (private_care.py);
- one who needs NHS onward care waits for intermediate care (intermediate_care.py);
- discharge to assess (integrated): home as soon as a reablement place is free, then, if a
  need remains, an assessment at home by whichever route is in force (reablement.py);
  someone already reabled in this episode goes home at once to be assessed there;
- sequential (siloed): a ward therapist assesses (NHS), each organisational boundary adds a
  hand-off, then the council assesses on the ward (assessment.py) and the person waits there
  for what it decides (care_decision.py).

Every day from medically fit to discharge is a delayed bed day. After a sequential discharge
home with care, community health and the council's OT each visit again: the repeats that a
shared record or trusted assessment would have saved.
"""
from __future__ import annotations

import numpy as np

from model import assessment, hospital, intermediate_care, private_care, reablement
from model.costs import Payer
from model.eventlog import Event, Organisation, Purpose
from model.needs import Stage, refer_again, stage_table, start_need
from model.population import NO_DAY, Frailty, Package, Place, has_care_home_place, holding
from model.timing import whole_days

# Stages in which an inpatient is already on another service's waiting list.
WAITING_FOR_A_SERVICE = stage_table(Stage.AWAITING_ASSESSMENT, Stage.AWAITING_HOME_CARE, Stage.AWAITING_REABLEMENT,
                                     Stage.AWAITING_CARE_HOME, Stage.AWAITING_INTERMEDIATE_CARE)


def plan_discharges(m) -> None:
    """For everyone who becomes medically fit this week, decide the way out."""
    pop, area, streams, week = m.pop, m.config.area, m.streams, m.week
    ids = holding(pop, "place", Place.HOSPITAL, ("discharge_planned", False), ("discharge_day", NO_DAY))
    ids = ids[pop.fit_day[ids] < m.week_end]
    if len(ids) == 0:
        return
    pop.discharge_planned[ids] = True
    fit = pop.fit_day[ids].astype(np.int64)
    m.log.record(ids, fit, Event.MEDICALLY_FIT, Organisation.HOSPITAL)
    waiting = WAITING_FOR_A_SERVICE[pop.stage[ids]]
    ids, fit = ids[~waiting], fit[~waiting]  # they leave when that service starts
    on_ward = pop.stage[ids] == Stage.ON_WARD
    care_home_resident = has_care_home_place(pop.package[ids])
    h = area.hospital
    p_need = h.new_need_probability * h.new_need_frailty_rr ** (pop.frailty[ids].astype(float) - Frailty.MILD)
    overnight = pop.fit_day[ids] > pop.admit_day[ids]
    no_need_yet = pop.stage[ids] == Stage.NONE
    new_need = no_need_yet & ~care_home_resident & overnight & streams.bernoulli(
        "discharge.new_need", week, ids, np.minimum(p_need, 1))
    start_need(m, ids[new_need], fit[new_need], in_hospital=True)
    needs_help = on_ward | new_need
    home_now = ~needs_help
    hospital.ready_to_leave(m, ids[home_now], fit[home_now])
    ids, fit = ids[needs_help], fit[needs_help]
    m.tally.add("discharges_with_new_need", len(ids))

    private = private_care.outside_council_pathway(m, ids)
    buying = private_care.arrange(m, ids[private], fit[private])
    # A family's search for a provider counts as patient choice: NHS-attributable in the
    # delayed-transfer returns. Those going without leave at once; buyers when their care starts.
    pop.stay_delay_nhs[ids[private]] = buying - fit[private]
    without = pop.stage[ids[private]] == Stage.UNMET
    hospital.ready_to_leave(m, ids[private][without], fit[private][without])

    council = ~private
    onward = council & streams.bernoulli("discharge.onward_nhs", week, ids, h.nhs_onward_care_share)
    handoff = whole_days(area.assessment.boundary_handoff_days * pop.boundaries[ids])
    pop.stay_delay_nhs[ids[onward]] = 10**6  # every delayed day waiting for NHS onward care is the NHS's
    intermediate_care.queue(m, ids[onward], fit[onward] + handoff[onward])

    social = council & ~onward
    d2a = social & m.levers.applies("integrated_discharge", streams, "discharge.d2a", week, pop, ids)
    pop.stay_delay_nhs[ids[d2a]] = handoff[d2a]
    # Home to be reabled; someone already reabled this episode goes home to be assessed there
    # (their need stays open, ON_WARD, and complete_discharges refers it on leaving).
    reable = d2a & ~pop.reablement_tried[ids]
    reablement.queue(m, ids[reable], fit[reable] + handoff[reable])
    home_to_assess = d2a & ~reable
    hospital.ready_to_leave(m, ids[home_to_assess], fit[home_to_assess] + handoff[home_to_assess])

    sequential = social & ~d2a
    seq, seq_fit = ids[sequential], fit[sequential]
    ward_day = seq_fit + whole_days(h.ward_assessment_days)
    assessment.record_visit(m, seq, np.minimum(ward_day, m.week_end - 1), Purpose.FUNCTIONAL,
                            Organisation.HOSPITAL, Payer.NHS, area.costs.ot_visit, "community")
    m.tally.add("ward_assessments", len(seq))
    nhs_delay = whole_days(h.ward_assessment_days) + handoff[sequential]
    pop.stay_delay_nhs[seq] = nhs_delay
    pop.planned_follow_up[seq] = True
    assessment.enqueue_council(m, seq, seq_fit + nhs_delay, assessment.Route.HOSPITAL)


def complete_discharges(m) -> None:
    """Everyone whose discharge day falls in this week leaves; repeat visits follow a sequential one."""
    pop = m.pop
    ids = holding(pop, "place", Place.HOSPITAL)
    planned_day = pop.discharge_day[ids]
    ids = ids[(planned_day != NO_DAY) & (planned_day < m.week_end)]
    if len(ids) == 0:
        return
    day = pop.discharge_day[ids].astype(np.int64)
    follow = pop.planned_follow_up[ids].copy()
    pop.planned_follow_up[ids] = False
    to_assess = pop.stage[ids] == Stage.ON_WARD  # leaving with a need no one has planned for yet
    hospital.leave(m, ids, day)
    refer_again(m, ids[to_assess], day[to_assess])
    follow &= (pop.place[ids] == Place.HOME) & (pop.package[ids] != Package.NONE)
    follow_up_visits(m, ids[follow], day[follow])


def follow_up_visits(m, ids: np.ndarray, day: np.ndarray) -> None:
    """After a sequential discharge, community health and the council OT visit again."""
    costs = m.config.area.costs
    assessment.visit(m, ids, day, Purpose.FUNCTIONAL, Organisation.COUNCIL, Payer.COUNCIL, costs.ot_visit,
                     "discharge.council_ot_repeat")
    assessment.visit(m, ids, day, Purpose.NEEDS, Organisation.COMMUNITY_HEALTH, Payer.NHS, costs.community_contact,
                     "discharge.district_nurse_repeat")
