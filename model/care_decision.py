"""What a council assessment decides: eligible or not, and then reablement, home care or a care home.

Why a decision, not a label fixed when the need starts: whether a need ends in a care home
depends on the person (age, frailty, dementia: Clegg et al., Age Ageing 2016;45:353-360,
give hazard ratios of 1.9, 3.2 and 4.8 for mild, moderate and severe frailty) and on what
the system offers when the decision is made (docs/ODD.md, submodel 7.7):

- where it is made: assessed on a ward after a crisis, people's long-term needs are
  overstated (NHS England, Quick Guide: Discharge to Assess, 2016); assessed at home after
  discharge they are not (`ward_care_home_odds_ratio`);
- whether reablement was tried first: most people reabled need no long-term care;
- whether home care can be had: the longer the council's home-care wait, the more often a
  care home is chosen (`home_care_wait_odds_ratio_per_week`);
- whether a carer is there to share the care (`carer_care_home_odds_ratio`).

Integration acts on these (discharge to assess moves the decision home; integrated teams
offer reablement first), so fewer care-home placements come from the pathway itself.
Each person has one latent draw for this decision per episode, shared by both arms, so
an arrangement changes the decision only for people near the threshold.
"""
from __future__ import annotations

from functools import cache

import numpy as np

from model import care_homes, home_care, reablement
from model.eventlog import Event, Organisation
from model.needs import Stage, close_need, set_stage
from model.population import Frailty, Package, Place, per_person


def care_home_probability(m, ids: np.ndarray) -> np.ndarray:
    """The chance this decision is a care home, for these people as they are now, where they are."""
    pop, cd = m.pop, m.config.area.care_decision
    if m.streams.compiled:  # the same numbers in one loop, the powers in numpy (passes_compiled.py)
        return _care_home_probability_compiled(m, np.asarray(ids, dtype=np.int64))
    frailty = pop.frailty[ids].astype(float) - Frailty.MODERATE
    odds = cd.care_home_odds_reference * cd.frailty_odds_ratio ** frailty
    odds = odds * 2.0 ** ((pop.age[ids] - cd.reference_age) / cd.age_doubling_years)
    odds = odds * np.where(pop.dementia[ids], cd.dementia_odds_ratio, 1.0)
    odds = odds * np.where(pop.place[ids] == Place.HOSPITAL, cd.ward_care_home_odds_ratio, 1.0)
    odds = odds * np.where(pop.has_carer[ids], cd.carer_care_home_odds_ratio, 1.0)
    wait_weeks = np.array([c.home_care_queue.recent_wait_days / 7.0 for c in m.councils])[pop.council[ids]]
    odds = odds * cd.home_care_wait_odds_ratio_per_week ** wait_weeks
    p = odds / (1.0 + odds)
    return np.where(pop.age[ids] >= cd.care_home_min_age, p, 0.0)


@cache
def _by_frailty_level(odds_ratio: float) -> np.ndarray:
    return odds_ratio ** (np.arange(len(Frailty), dtype=float) - Frailty.MODERATE)


def _care_home_probability_compiled(m, ids: np.ndarray) -> np.ndarray:
    from model import passes_compiled
    pop, cd = m.pop, m.config.area.care_decision
    # `care_home_probability`'s powers, by frailty level, for these people's ages, by council.
    frailty_factor = _by_frailty_level(cd.frailty_odds_ratio)
    age_factor = 2.0 ** ((pop.age[ids] - cd.reference_age) / cd.age_doubling_years)
    wait_weeks = np.array([c.home_care_queue.recent_wait_days / 7.0 for c in m.councils])
    return passes_compiled.care_home_probability(
        ids, pop.view("frailty"), pop.view("dementia"), pop.view("place"), pop.view("has_carer"), pop.view("council"),
        pop.view("age"), cd.care_home_odds_reference, frailty_factor, age_factor, cd.dementia_odds_ratio,
        int(Place.HOSPITAL), cd.ward_care_home_odds_ratio, cd.carer_care_home_odds_ratio,
        cd.home_care_wait_odds_ratio_per_week ** wait_weeks, cd.care_home_min_age)


def wants_care_home(m, ids: np.ndarray) -> np.ndarray:
    """This episode's decision: the person's latent draw against the care-home probability.

    The draw is keyed by person and episode number (not by week), so it is the same
    whenever, and in whichever arm, the decision is made.
    """
    latent = m.streams.uniform("decision.care_home", 0, ids * 4096 + m.pop.episode[ids] % 4096)
    return latent < care_home_probability(m, ids)


def eligible(m, ids: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The council's eligibility threshold, which tightens when its budget is squeezed."""
    sc = m.config.area.social_care
    share = np.clip(sc.eligibility_share * (1 - sc.squeeze_eligibility_drop * m.squeeze_of(ids)), 0, 1)
    ok = m.streams.bernoulli("care.eligible", m.week, ids, share)
    m.tally.add("ineligible_assessments", int((~ok).sum()))
    m.log.record(ids[~ok], day[~ok], Event.FOUND_INELIGIBLE, Organisation.COUNCIL)
    return ok


def decide(m, ids: np.ndarray, day: np.ndarray, home_first: bool = False) -> None:
    """After a council or joint assessment: who gets what, and onto which waiting list.

    `home_first`: an integrated team offers reablement before any care-home placement to
    everyone who has not yet tried it this episode (as Torbay's teams did). Home-care needs are
    offered reablement first in the same share (`reablement_share`) whoever assesses.
    """
    if len(ids) == 0:
        return
    pop = m.pop
    day = per_person(day, len(ids))
    ok = eligible(m, ids, day)
    refused = ids[~ok]
    keeps_care = pop.package[refused] == Package.HOME_CARE
    close_need(m, refused[keeps_care])  # refused more help: the package they have goes on
    set_stage(m, refused[~keeps_care], Stage.UNMET)
    ids, day = ids[ok], day[ok]
    care_home = wants_care_home(m, ids)
    untried = ~pop.reablement_tried[ids]
    offered = m.streams.bernoulli("care.reablement_first", m.week, ids, m.config.area.social_care.reablement_share)
    reable = untried & ((home_first & care_home) | (~care_home & offered))
    m.tally.add("care_home_decisions", int((care_home & ~reable).sum()))
    reablement.queue(m, ids[reable], day[reable])
    to_home = care_home & ~reable
    care_homes.queue(m, ids[to_home], day[to_home])
    rest = ~care_home & ~reable
    home_care.queue(m, ids[rest], day[rest])
