"""Routine primary care: GP and practice-nurse consultations, limited by practice capacity.

Rates rise with multimorbidity (Salisbury et al., Br J Gen Pract 2011: about 9.3 a year with
2+ conditions) and frailty.
When a practice's expected demand exceeds its weekly appointments, every consultation is
kept with the same probability (Poisson thinning) and the shortfall is counted. A
consultation can uncover a need for help at home, which starts an episode of need.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from model import needs
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.population import Frailty, Package, Place, living_outside_hospital
from model.timing import DAYS_PER_WEEK


def practice_demand(m, ids: np.ndarray) -> np.ndarray:
    """Each practice's expected consultations this week from these people (before capacity)."""
    pop = m.pop
    if m.streams.compiled:  # the same sums, added in the same order (passes_compiled.py)
        from model import passes_compiled
        return passes_compiled.practice_demand(ids, m.risks.consultation_code, m.risks.weekly_by_code, pop.gp_practice,
                                               len(m.practices))
    return np.bincount(pop.gp_practice[ids], weights=m.risks.weekly_consultations[ids], minlength=len(m.practices))


def share_kept(m) -> tuple[np.ndarray, np.ndarray | None]:
    """Per practice, the share of this week's consultations its appointments allow (1: all of
    them), and the living outside hospital if they had to be found to tell (else None)."""
    capacity = np.array([p.weekly_capacity for p in m.practices])
    if (np.maximum(m.risks.consultations_by_practice, 1e-9) <= capacity).all():
        # No practice can be full this week: its demand, a sum over some of the rows summed at
        # the last refresh, added in the same order, cannot exceed theirs (rounding is
        # monotone), so every consultation is kept (kept share exactly 1, none unmet).
        m.tally.add("gp_demand_unmet", 0.0)
        return np.ones(len(capacity)), None
    out_of_hospital = living_outside_hospital(m)
    demand = practice_demand(m, out_of_hospital)  # by conditions, frailty
    kept_share = np.minimum(1.0, capacity / np.maximum(demand, 1e-9))
    m.tally.add("gp_demand_unmet", float((demand * (1 - kept_share)).sum()))
    return kept_share, out_of_hospital


class WeekOfConsultations(NamedTuple):
    """This week's consultations: per person who had one or more (ids in id order, their
    counts, how many with a nurse), the totals, and those whose consultations could uncover a
    need for help (mildly frail or more, at home, without a package) with their counts."""

    ids: np.ndarray
    total: np.ndarray
    nurse: np.ndarray
    doctor_consultations: int
    nurse_consultations: int
    multimorbid_consultations: int  # by people with two or more conditions
    could_uncover_need: np.ndarray
    their_counts: np.ndarray


def summarise(m, ids: np.ndarray, total: np.ndarray, nurse: np.ndarray) -> WeekOfConsultations:
    """The week's totals and possible needs from who consulted (passes_compiled.consultations' twin)."""
    pop = m.pop
    candidates = (pop.frailty[ids] >= Frailty.MILD) & (pop.place[ids] == Place.HOME) \
        & (pop.package[ids] == Package.NONE)
    return WeekOfConsultations(ids, total, nurse, int((total - nurse).sum()), int(nurse.sum()),
                               int(total[pop.n_conditions[ids] >= 2].sum()), ids[candidates], total[candidates])


def who_consults(m) -> WeekOfConsultations:
    """This week's consultations. Only people alive and out of hospital can consult: rates
    and draws are for them alone."""
    pc = m.config.area.primary_care
    kept_share, out_of_hospital = share_kept(m)
    if (kept_share < 1).any():
        weekly = m.risks.weekly_consultations[out_of_hospital] * kept_share[m.pop.gp_practice[out_of_hospital]]
        total = m.streams.poisson("gp.consultations", m.week, out_of_hospital, weekly)
        consulted = np.flatnonzero(total)
        ids, total = out_of_hospital[consulted], total[consulted]
    elif m.streams.compiled:  # the same, in one pass over everyone (passes_compiled.py)
        from model import passes_compiled
        pop = m.pop
        ids, total, nurse, candidates, totals = passes_compiled.consultations(
            pop.view("alive"), pop.view("place"), int(Place.HOSPITAL), m.streams.salt("gp.consultations", m.week),
            m.risks.consultation_code, m.risks.weekly_by_code, m.risks.none_by_code,
            m.streams.salt("gp.nurse_split", m.week),
            pc.nurse_share, pop.view("n_conditions"), pop.view("frailty"), int(Frailty.MILD), int(Place.HOME),
            pop.view("package"), int(Package.NONE))
        return WeekOfConsultations(ids, total, nurse, int(totals[0]), int(totals[1]), int(totals[2]),
                                   candidates[0], candidates[1])
    else:  # the means and chances of none worked out at the last risk refresh still hold
        ids, total = m.streams.poisson_own_nonzero("gp.consultations", m.week, living_outside_hospital(m),
                                                   m.risks.weekly_consultations, m.risks.no_consultation)
    # Each consultation is with a nurse with probability nurse_share: the count of nurse
    # consultations is the total's expected nurse share, rounded up or down at random.
    nurse = np.floor(total * pc.nurse_share + m.streams.uniform("gp.nurse_split", m.week, ids)).astype(np.int64)
    return summarise(m, ids, total, nurse)


def consultations(m) -> None:
    pc, costs = m.config.area.primary_care, m.config.area.costs
    week = who_consults(m)
    n_gp, n_nurse = week.doctor_consultations, week.nurse_consultations
    m.tally.add("gp_doctor_consultations", n_gp)
    m.tally.add("practice_nurse_consultations", n_nurse)
    m.tally.add("gp_consultations", n_gp + n_nurse)
    m.tally.add("consultations_multimorbid", float(week.multimorbid_consultations))
    m.ledger.charge("gp", Payer.NHS, n_gp * costs.gp_consultation + n_nurse * costs.practice_nurse_consultation)
    if m.log.enabled:
        ids, gp, nurse = week.ids, week.total - week.nurse, week.nurse
        day = m.week_start + m.streams.choice("gp.day", m.week, ids, DAYS_PER_WEEK)
        m.log.record(np.repeat(ids, gp), np.repeat(day, gp), Event.GP_CONSULTATION, Organisation.GP_PRACTICE,
                     Payer.NHS, costs.gp_consultation)
        m.log.record(np.repeat(ids, nurse), np.repeat(day, nurse), Event.NURSE_CONSULTATION,
                     Organisation.GP_PRACTICE, Payer.NHS, costs.practice_nurse_consultation)
    cand, counts = week.could_uncover_need, week.their_counts
    # The chance that some consultation uncovers the need, by the number of consultations: a
    # table over 0..the most anyone had, the same power for each count as over the counts.
    by_count = 1 - (1 - pc.need_detection_probability) ** np.arange(counts.max(initial=0) + 1)
    found = cand[m.streams.bernoulli("gp.need_found", m.week, cand, by_count[counts])]
    day = m.week_start + m.streams.choice("gp.need_day", m.week, found, DAYS_PER_WEEK)
    needs.start_need(m, found, day)
