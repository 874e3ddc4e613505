"""Rapid response: a community team that can manage some crises at home instead of A&E.

The team is a capacity (responses a week, `capacity.rapid_response_per_1000_per_week`, at
the lever's achieved strength), so it meets only as many crises as it has staff for. Only
some crises could be managed at home (`manageable_at_home_share`), and they are the less
acute ones: at A&E they would be admitted less often than others
(`manageable_admission_rr`). Some people the team sees still go to hospital
(`rapid_response_escalated_share`). With these, rapid response moves admissions little, as
evaluations of integration found (Integrated Care Pilots evaluation, 2012: emergency
admissions +2%).
"""
from __future__ import annotations

import numpy as np

from model.costs import Payer
from model.eventlog import Event, Organisation


def weekly_capacity(m) -> float:
    """Responses the team can make this week."""
    per_1000 = m.config.area.capacity.rapid_response_per_1000_per_week
    return per_1000 * m.nhs_capacity_scale * m.levers.effect["rapid_response"]


def respond(m, crisis_ids: np.ndarray, day: np.ndarray, manageable: np.ndarray) -> np.ndarray:
    """Which of this week's crises the team manages at home (a mask over crisis_ids)."""
    managed = np.zeros(len(crisis_ids), dtype=bool)
    available = weekly_capacity(m) + m.community.rapid_response_carry
    candidates = np.flatnonzero(manageable & m.levers.reach(m.pop, crisis_ids))
    # Calls come in through the week: the team takes them in the order they come, as far as
    # its staff allow; part of a response left over while calls wait carries to next week.
    order = candidates[np.lexsort((crisis_ids[candidates], day[candidates]))]
    taken = order[: int(np.floor(available + 1e-9))]
    m.community.rapid_response_carry = min(available - len(taken), 1.0) if len(order) > len(taken) else 0.0
    if len(taken) == 0:
        return managed
    escalated = m.streams.bernoulli("crisis.rapid_response_escalated", m.week, crisis_ids[taken],
                                    m.config.area.crisis.rapid_response_escalated_share)
    managed[taken[~escalated]] = True
    ids = crisis_ids[taken]
    cost = m.config.area.costs.community_contact
    m.tally.add("rapid_response_contacts", len(ids))
    m.tally.add("community_contacts", len(ids))
    m.ledger.charge("community", Payer.NHS, cost * len(ids))
    m.log.record(ids, day[taken], Event.RAPID_RESPONSE, Organisation.COMMUNITY_HEALTH, Payer.NHS, cost)
    return managed
