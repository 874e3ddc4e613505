"""Care coordination / case management: risk stratification picks the top-risk share for a
named coordinator, who makes regular contacts and costs about 1,500 GBP a patient-year.

The evidence finds no significant effect on emergency admissions (Stokes et al., PLoS ONE
2015, 36 studies; Gravelle et al., BMJ 2007, Evercare; Roland et al. 2012: +9% in the
integrated care pilots' case-managed patients): the default relative risk is 1.00 and
crisis.py applies whatever the scenario says, nothing more. Its value is in experience,
which the model does not measure (docs/ODD.md, known gaps).
"""
from __future__ import annotations

import numpy as np

from model.crisis import crisis_rate
from model.eventlog import Event, Organisation
from model.population import Place, holding
from model.timing import WEEKS_PER_YEAR

def case_management(m) -> None:
    pop = m.pop
    if m.week % m.config.arrangement.case_management.restratify_weeks == 0:
        stratify(m)
    managed = holding(pop, "coordinator", True)
    cm = m.config.arrangement.case_management
    m.tally.add("people_with_coordinator", len(managed) / WEEKS_PER_YEAR)
    m.ledger.charge("coordination", m.levers.payer_for("case_management"),
                    cm.cost_per_patient_year * len(managed) / WEEKS_PER_YEAR)
    p_contact = min(cm.contacts_per_month * 12 / WEEKS_PER_YEAR, 1.0)
    contacted = managed[m.streams.bernoulli("coordination.contact", m.week, managed, p_contact)]
    m.tally.add("community_contacts", len(contacted))
    m.log.record(contacted, m.week_start, Event.COMMUNITY_CONTACT, Organisation.INTEGRATED_TEAM)


def stratify(m) -> None:
    """Give coordinators to the highest-risk people at home, up to the coverage now reached."""
    pop = m.pop
    coverage = m.levers.effect["case_management"]
    at_home = np.flatnonzero(pop.view("alive") & (pop.view("place") == int(Place.HOME)))  # int: population.holding
    at_home = at_home[m.levers.reach(pop, at_home)]
    wanted = int(round(coverage * len(at_home)))
    previously = pop.view("coordinator").copy()
    pop.view("coordinator")[:] = False
    if wanted == 0:
        return
    top = at_home[highest_first(crisis_rate(m, at_home), wanted)]
    pop.coordinator[top] = True
    new = top[~previously[top]]
    m.log.record(new, m.week_start, Event.COORDINATOR_ASSIGNED, Organisation.INTEGRATED_TEAM,
                 m.levers.payer_for("case_management"))


def highest_first(risk: np.ndarray, wanted: int) -> np.ndarray:
    """Positions of the `wanted` highest risks, highest first, ties by position: the first
    `wanted` of a full sort, found without sorting everyone (a partition finds the wanted-th
    highest risk; only those at or above it are sorted)."""
    key = -risk
    if wanted < len(key):
        threshold = np.partition(key, wanted - 1)[wanted - 1]
        candidates = np.flatnonzero(key <= threshold)
    else:
        candidates = np.arange(len(key))
    return candidates[np.lexsort((candidates, key[candidates]))[:wanted]]
