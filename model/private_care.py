"""Self-funders who arrange care privately, outside council pathways, or go without.

Capital above the upper limit makes a self-funder; many never come to the council (ONS:
about 37% of care-home residents fund themselves) and some of those go without. Those who
buy care decide as a council assessment would (care_decision.py) and then join the same
care market: they wait for the same home-care hours and care-home places, after the time
it takes a family to find a provider (`self_funder_arrangement_days`: no queue is modelled
for that search).
"""
from __future__ import annotations

import numpy as np

from model import care_homes, home_care
from model.care_decision import wants_care_home
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.means_test import is_self_funder
from model.needs import Stage, set_stage
from model.timing import whole_days


def outside_council_pathway(m, ids: np.ndarray) -> np.ndarray:
    """Self-funders (for the care they would choose) who do not come to the council."""
    contact = m.streams.bernoulli("care.self_funder_contact", m.week, ids,
                                  m.config.area.social_care.self_funder_council_contact)
    outside = ~contact
    candidates = ids[outside]  # only those not coming to the council need the means test here
    outside[outside] = is_self_funder(m, candidates, wants_care_home(m, candidates))
    return outside


def arrange(m, ids: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Buy care privately, or go without; return the day each buyer's care can start
    (their day, for those going without)."""
    if len(ids) == 0:
        return day
    sc = m.config.area.social_care
    without = m.streams.bernoulli("care.go_without", m.week, ids, sc.self_funder_go_without)
    m.tally.add("self_funders_without_care", int(without.sum()))
    set_stage(m, ids[without], Stage.UNMET)
    buyers, buy_day = ids[~without], day[~without]
    m.log.record(buyers, buy_day, Event.SELF_ARRANGED_CARE, Organisation.PRIVATE, Payer.SELF_FUNDED)
    search = whole_days(m.streams.exponential("care.private_search", m.week, buyers,
                                              sc.self_funder_arrangement_days))
    ready = buy_day + search
    to_care_home = wants_care_home(m, buyers)
    care_homes.queue(m, buyers[to_care_home], ready[to_care_home])
    home_care.queue(m, buyers[~to_care_home], ready[~to_care_home])
    out = day.copy()
    out[~without] = ready
    return out
