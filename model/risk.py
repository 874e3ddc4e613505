"""Per-person risks that change only with age, conditions, dementia or frailty, kept between steps.

Why these belong to the person: care-home residents are admitted and die far more often than
people at home because of who they are (older, frailer, most with dementia), not because of
where they live; so the rates here depend on the person alone, and no place multiplies them.
Frailty's hazard ratios are Clegg et al.'s (Age Ageing 2016;45:353-360, the electronic
frailty index): for emergency hospitalisation 1.93, 3.04 and 4.73 (mild, moderate, severe
against fit), for death 1.92, 3.10 and 4.52.

Age, conditions, dementia and frailty change only in the four-weekly slow step, so these
factors are computed then and reused each week, with the same results. What changes week
by week (a recent discharge, unmet need, a coordinator, the secular trend) is applied on
top where the rate is used (crisis.py).
"""
from __future__ import annotations

import numpy as np

from model.timing import DAYS_PER_WEEK, DAYS_PER_YEAR, weekly_probability


def frailty_ratios(section) -> np.ndarray:
    """Hazard ratios by frailty level (fit, mild, moderate, severe)."""
    return np.array([1.0, section.frailty_hr_mild, section.frailty_hr_moderate, section.frailty_hr_severe])


class RiskFactors:
    """Cached per-person factors, refreshed after every slow step."""

    def __init__(self):
        self.crisis = np.array([])  # crises per person-year, before trend and weekly factors
        self.weekly_consultations = np.array([])  # consultations a week, before capacity limits
        self.no_consultation = np.array([])  # chance of none in a week (Poisson): exp(-weekly)
        self.death = np.array([])  # chance of dying this week

    def refresh(self, m) -> None:
        pop, area = m.pop, m.config.area
        age, frailty = pop.view("age"), pop.view("frailty")
        n_conditions, dementia = pop.view("n_conditions"), pop.view("dementia")
        c, pc, mort = area.crisis, area.primary_care, area.mortality

        older = c.rate_at_75 * np.exp2((np.maximum(age, 65) - 75) / c.age_doubling_years)
        crisis = np.where(age >= 65, older, c.rate_under_65)
        crisis *= frailty_ratios(c)[frailty]
        crisis *= (c.condition_rr_per_extra ** np.arange(64))[np.clip(n_conditions - 2, 0, 63)]
        crisis *= np.where(dementia, c.dementia_rr, 1.0)
        self.crisis = crisis

        consultations = np.where(n_conditions >= 2, pc.consultations_multimorbid, pc.consultations_one_condition)
        consultations *= (pc.frailty_rr_per_level ** (np.arange(4) - 1.0))[frailty]
        self.weekly_consultations = consultations * (DAYS_PER_WEEK / DAYS_PER_YEAR)
        self.no_consultation = np.exp(-self.weekly_consultations)

        mortality = mort.rate_at_75 * np.exp2((age - 75) / mort.age_doubling_years)
        # rate_at_75 is for men and women together: men above it, women below.
        both = (1.0 + mort.male_rr) / 2.0
        mortality *= np.where(pop.view("sex") == 1, 1.0 / both, mort.male_rr / both)
        mortality *= frailty_ratios(mort)[frailty]
        mortality *= np.where(dementia, mort.dementia_hr, 1.0)
        self.death = weekly_probability(mortality)
