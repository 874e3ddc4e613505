"""Per-person risk factors that change only with age, conditions or frailty, kept between steps.

Why: age, conditions and frailty change only in the four-weekly slow step (with the month's
entrants), so the parts of the crisis, consultation and death rates that depend on them
are computed then and reused each week, with the same results. What changes week by week
(place, a recent discharge, unmet need, a coordinator) is applied on top where it is used.
"""
from __future__ import annotations

import numpy as np

from model.timing import weekly_probability


class RiskFactors:
    """Cached per-person factors, refreshed after every slow step."""

    def __init__(self):
        self.crisis = np.array([])  # crises per person-year at home, before trend and weekly factors
        self.consultations = np.array([])  # consultations per person-year, before capacity limits
        self.death_at_home = np.array([])  # chance of dying this week, outside a care home
        self.death_in_care_home = np.array([])  # the same, in a care home

    def refresh(self, m) -> None:
        pop, area = m.pop, m.config.area
        age, frailty = pop.view("age"), pop.view("frailty")
        n_conditions = pop.view("n_conditions")
        c, pc, mort = area.crisis, area.primary_care, area.mortality

        crisis = np.where(age >= 65, c.rate_65_plus_home, c.rate_under_65)
        crisis *= (c.frailty_rr_per_level ** np.arange(4))[frailty]
        crisis *= (c.condition_rr_per_extra ** np.arange(64))[np.clip(n_conditions - 2, 0, 63)]
        self.crisis = crisis

        consultations = np.where(n_conditions >= 2, pc.consultations_multimorbid, pc.consultations_one_condition)
        consultations *= (pc.frailty_rr_per_level ** (np.arange(4) - 1.0))[frailty]
        self.consultations = consultations

        mortality = np.exp2((age - 75) / mort.age_doubling_years)
        mortality *= mort.rate_at_75
        # rate_at_75 is for men and women together: men above it, women below.
        both = (1.0 + mort.male_rr) / 2.0
        mortality *= np.where(pop.view("sex") == 1, 1.0 / both, mort.male_rr / both)
        mortality *= (mort.frailty_rr_per_level ** np.arange(4))[frailty]
        self.death_at_home = weekly_probability(mortality)
        self.death_in_care_home = weekly_probability(mortality * mort.care_home_rr)
