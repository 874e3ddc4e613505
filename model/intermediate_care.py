"""NHS intermediate care: community beds and rehabilitation visits at home after a hospital stay.

About 48% of acute bed days lost to delays are spent waiting for NHS intermediate care
(Wood et al., Appl Health Econ Health Policy 2023;21:243-251). The community health
provider has a number of places (concurrent episodes); an inpatient who needs one waits on
the ward (stage AWAITING_INTERMEDIATE_CARE: NHS-attributable delayed days) until a place is
free, then leaves hospital for a few weeks of rehabilitation (IN_INTERMEDIATE_CARE). At
the end some need nothing more (`intermediate_care.recovery_share`); the rest are assessed
for social care at home.
"""
from __future__ import annotations

import numpy as np

from model import hospital
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.needs import Stage, close_need, refer_again, set_stage
from model.population import NO_DAY, holding, per_person
from model.queues import tally_waits, waiting_at
from model.timing import DAYS_PER_WEEK


def queue(m, ids: np.ndarray, day) -> None:
    pop = m.pop
    day = per_person(day, len(ids))
    set_stage(m, ids, Stage.AWAITING_INTERMEDIATE_CARE)
    m.community.intermediate_care_queue.add(ids, day, pop.episode[ids], 0)


def start_episodes(m) -> None:
    pop = m.pop
    in_care = len(holding(pop, "stage", Stage.IN_INTERMEDIATE_CARE))
    free = max(m.community.intermediate_care_places - in_care, 0.0)
    waiting = waiting_at(pop, Stage.AWAITING_INTERMEDIATE_CARE)
    served = m.community.intermediate_care_queue.serve(m.week_start, m.week_end, free, waiting,
                                                       pop.view("episode"))
    tally_waits(m, "intermediate_care", served)
    ids, day = served.person, served.day
    if len(ids) == 0:
        return
    weeks = m.config.area.intermediate_care.weeks
    set_stage(m, ids, Stage.IN_INTERMEDIATE_CARE)
    pop.service_until[ids] = day + int(round(weeks * DAYS_PER_WEEK))
    m.tally.add("intermediate_care_episodes", len(ids))
    m.log.record(ids, day, Event.INTERMEDIATE_CARE_START, Organisation.COMMUNITY_HEALTH, Payer.NHS)
    hospital.ready_to_leave(m, ids, day)


def week_of_care(m) -> None:
    """A week of intermediate care for everyone in it; episodes that end this week end."""
    pop, ic = m.pop, m.config.area.intermediate_care
    in_care = holding(pop, "stage", Stage.IN_INTERMEDIATE_CARE)
    m.tally.add("intermediate_care_days", DAYS_PER_WEEK * len(in_care))
    m.ledger.charge("intermediate_care", Payer.NHS, m.config.area.costs.intermediate_care_week * len(in_care))
    ending = in_care[pop.service_until[in_care] < m.week_end]
    if len(ending) == 0:
        return
    day = pop.service_until[ending].astype(np.int64)
    pop.service_until[ending] = NO_DAY
    m.log.record(ending, day, Event.INTERMEDIATE_CARE_END, Organisation.COMMUNITY_HEALTH)
    recovered = m.streams.bernoulli("intermediate_care.recovered", m.week, ending, ic.recovery_share)
    close_need(m, ending[recovered])
    refer_again(m, ending[~recovered], day[~recovered])
