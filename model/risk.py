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

from model.randomness import RATE_BOUND_MARGIN
from model.timing import (DAYS_PER_WEEK, DAYS_PER_YEAR, exponent_per_rate, weekly_probability,
                          weekly_probability_in_place)


MAX_EXTRA_CONDITIONS = 63  # conditions beyond two that raise the crisis rate, at most


def frailty_ratios(section) -> np.ndarray:
    """Hazard ratios by frailty level (fit, mild, moderate, severe)."""
    return np.array([1.0, section.frailty_hr_mild, section.frailty_hr_moderate, section.frailty_hr_severe])


def condition_ratios(crisis) -> np.ndarray:
    """The crisis relative risk for 0, 1, 2, ... conditions beyond two."""
    return crisis.condition_rr_per_extra ** np.arange(MAX_EXTRA_CONDITIONS + 1)


def consultation_frailty_ratios(primary_care) -> np.ndarray:
    """Consultation relative rates by frailty level, fit being one level below mild."""
    return primary_care.frailty_rr_per_level ** (np.arange(4) - 1.0)


class RiskFactors:
    """Cached per-person factors, refreshed after every slow step."""

    def __init__(self):
        self.crisis = np.array([])  # crises per person-year, before trend and weekly factors
        self._weekly_consultations = np.array([])  # `weekly_consultations`, None until first asked for
        self._no_consultation = np.array([])  # `no_consultation`, None until first asked for
        self.consultations_by_practice = np.array([])  # a bound of everyone's weekly consultations, by practice
        # Compiled path: each person's code, (two or more conditions) x frailty levels + frailty,
        # the weekly consultations and chance of none by code, and rows by (practice, code).
        self.consultation_code = None
        self.weekly_by_code = self.none_by_code = None
        self._code_counts = None
        self._death = np.array([])  # chance of dying this week (`death`), None until first asked for
        # Compiled path: bounds of the chance of dying and of `crisis` (infinity for those
        # discharged lately), as one-byte power-of-two codes (passes_compiled.power_codes).
        self.death_code = self.crisis_code = None
        self.aged_65 = None  # compiled path: whether each is 65 or over (ages change only before a refresh)
        self._mortality = None  # compiled path: what `death_chance` needs, as the last refresh left it

    @property
    def weekly_consultations(self) -> np.ndarray:
        """Everyone's consultations a week, before capacity limits (the compiled path keeps a
        code a person and a table by code, and builds this only when it is asked for)."""
        if self._weekly_consultations is None:
            self._weekly_consultations = self.weekly_by_code[self.consultation_code]
        return self._weekly_consultations

    @property
    def no_consultation(self) -> np.ndarray:
        """Everyone's chance of no consultation in a week (Poisson): exp(-weekly)."""
        if self._no_consultation is None:
            self._no_consultation = self.none_by_code[self.consultation_code]
        return self._no_consultation

    @property
    def death(self) -> np.ndarray:
        """Everyone's chance of dying this week. The compiled path works it out only when it is
        asked for (its weekly draw needs it just for the few whose draw falls below their bound,
        demography.who_dies), with the same numbers as the numpy path's refresh."""
        if self._death is None:
            self._death = self.death_chance(np.arange(len(self.death_code)))
        return self._death

    def death_chance(self, ids: np.ndarray) -> np.ndarray:
        """These people's chance of dying this week, from the factors of the last compiled
        refresh and the person's age, sex, frailty and dementia (which change only in the slow
        step before each refresh): `refresh`'s arithmetic, multiplication by multiplication,
        then expm1."""
        age, doubling_years, sex, frailty, dementia, at_75, female, male, by_frailty, dementia_hr = self._mortality
        scaled = at_75 * np.exp2((age[ids] - 75) / doubling_years)
        scaled *= np.where(sex[ids] == 1, female, male)
        scaled *= by_frailty[frailty[ids]]
        scaled *= np.where(dementia[ids], dementia_hr, 1.0)
        scaled *= exponent_per_rate()
        return weekly_probability_in_place(scaled, scaled=True)

    def refresh(self, m) -> None:
        pop, area = m.pop, m.config.area
        age, frailty = pop.view("age"), pop.view("frailty")
        n_conditions, dementia = pop.view("n_conditions"), pop.view("dementia")
        c, pc, mort = area.crisis, area.primary_care, area.mortality
        # rate_at_75 is for men and women together: men above it, women below.
        both = (1.0 + mort.male_rr) / 2.0
        if m.streams.compiled:  # the same numbers, in two passes (passes_compiled.py)
            self._refresh_compiled(pop, c, pc, mort, both, area.population.gp_practices)
            # Those discharged lately have their rate raised for a while (crisis.py): a bound of
            # infinity until the next refresh (later discharges: `note_discharges`).
            from model import passes_compiled
            self.crisis_code = passes_compiled.crisis_codes(self.crisis, pop.view("last_discharge_day"), m.week_start,
                                                            area.hospital.readmission_window_days)
            return

        older = c.rate_at_75 * np.exp2((np.maximum(age, 65) - 75) / c.age_doubling_years)
        crisis = np.where(age >= 65, older, c.rate_under_65)
        crisis *= frailty_ratios(c)[frailty]
        crisis *= condition_ratios(c)[np.clip(n_conditions - 2, 0, MAX_EXTRA_CONDITIONS)]
        crisis *= np.where(dementia, c.dementia_rr, 1.0)
        self.crisis = crisis

        consultations = np.where(n_conditions >= 2, pc.consultations_multimorbid, pc.consultations_one_condition)
        consultations *= consultation_frailty_ratios(pc)[frailty]
        self._weekly_consultations = consultations * (DAYS_PER_WEEK / DAYS_PER_YEAR)
        self._no_consultation = np.exp(-self._weekly_consultations)
        self.consultation_code = None  # the compiled path's codes do not follow a numpy refresh
        # Every row on a practice's list, the dead and those in hospital too: until the next
        # refresh no week's demand from the living outside hospital can exceed it (primary_care.py).
        self.consultations_by_practice = np.bincount(pop.view("gp_practice"), weights=self._weekly_consultations,
                                                     minlength=area.population.gp_practices)

        mortality = mort.rate_at_75 * np.exp2((age - 75) / mort.age_doubling_years)
        mortality *= np.where(pop.view("sex") == 1, 1.0 / both, mort.male_rr / both)
        mortality *= frailty_ratios(mort)[frailty]
        mortality *= np.where(dementia, mort.dementia_hr, 1.0)
        self._death = weekly_probability(mortality)

    def _refresh_compiled(self, pop, c, pc, mort, both, practices: int) -> None:
        """`refresh` with its per-person arithmetic in compiled loops and its exponentials in
        numpy, as in `refresh`: exp2 over those aged 65 or more for crises, and exp over the
        eight (conditions, frailty) combinations that decide consultations. The chance of dying
        is left to `death_chance`, for the few who need it: here each person's death rate gets
        a bound, power_of_two_above (passes_compiled.py) in the place of its exp2."""
        from model import passes_compiled
        older_growth, mortality_exponent, self.aged_65 = passes_compiled.age_exponents(pop.view("age"),
                                                                                       1.0 / mort.age_doubling_years)
        np.subtract(older_growth, 75, out=older_growth)  # (max(age, 65) - 75) / doubling years, as `refresh`
        np.divide(older_growth, c.age_doubling_years, out=older_growth)
        np.exp2(older_growth, out=older_growth)
        self._refresh_consultations(pop, pc, practices)
        female, male, by_frailty = 1.0 / both, mort.male_rr / both, frailty_ratios(mort)
        self.crisis, death_bound = passes_compiled.person_risks(
            pop.view("age"), pop.view("frailty"), pop.view("n_conditions"), pop.view("dementia"), pop.view("sex"),
            older_growth, c.rate_at_75, c.rate_under_65, frailty_ratios(c), condition_ratios(c), c.dementia_rr,
            mortality_exponent, mort.rate_at_75, female, male, by_frailty, mort.dementia_hr, exponent_per_rate())
        self._mortality = (pop.view("age"), mort.age_doubling_years, pop.view("sex"), pop.view("frailty"),
                           pop.view("dementia"), mort.rate_at_75, female, male, by_frailty, mort.dementia_hr)
        self._death = None
        # What the weekly deaths pass reads over everyone: a byte a person (passes_compiled.power_code),
        # a bound of -death_bound x RATE_BOUND_MARGIN, itself a bound of the chance of dying.
        self.death_code = passes_compiled.power_codes(death_bound, -RATE_BOUND_MARGIN)

    def note_discharges(self, ids: np.ndarray) -> None:
        """People discharged now: their crisis rate is raised for a while (crisis.py), so the
        compiled crisis pass's bound for them is infinity until the next refresh."""
        if self.crisis_code is not None:
            from model import passes_compiled
            self.crisis_code[ids] = passes_compiled.INFINITE_CODE

    def _refresh_consultations(self, pop, pc, practices: int) -> None:
        """The compiled path's consultations: a code a person and tables by code (`refresh`'s
        expressions over the eight (conditions, frailty) combinations, exp over those eight),
        and a bound of each practice's weekly demand from the rows counted by (practice, code)
        instead of a sum over every row: the counts are whole numbers, kept up to date from the
        codes that changed since the last refresh (passes_compiled.consultation_codes).

        The bound is the counts times the table, times 1 + 4 (rows + 16) 2^-53: a week's demand
        is a sum, in id order, of some of the same rows' values, which rounding can raise above
        its exact value by at most a factor (1 + 2^-53)^rows, and the counts' products and sums
        lose at most a factor (1 - 2^-53)^10; so no week's computed demand can exceed it. The
        bound only decides whether a week's demand must be summed (primary_care.share_kept);
        either way the numbers are the same."""
        from model import passes_compiled
        levels = len(consultation_frailty_ratios(pc))
        by_conditions = np.array([pc.consultations_one_condition, pc.consultations_multimorbid])
        weekly = by_conditions[:, None] * consultation_frailty_ratios(pc)[None, :]
        weekly = weekly * (DAYS_PER_WEEK / DAYS_PER_YEAR)
        self.weekly_by_code, self.none_by_code = weekly.ravel(), np.exp(-weekly).ravel()
        previous = self.consultation_code
        # No codes yet, or a numpy refresh since the last compiled one: count every row afresh.
        if previous is None or self._code_counts.shape != (practices, 2 * levels):
            previous, self._code_counts = np.empty(0, dtype=np.int8), np.zeros((practices, 2 * levels), np.int64)
        self.consultation_code = passes_compiled.consultation_codes(
            pop.view("frailty"), pop.view("n_conditions"), levels, pop.view("gp_practice"), previous,
            self._code_counts)
        rows = len(self.consultation_code)
        self.consultations_by_practice = ((self._code_counts * self.weekly_by_code[None, :]).sum(axis=1)
                                          * (1.0 + 4.0 * (rows + 16) * 2.0 ** -53))
        self._weekly_consultations = self._no_consultation = None
