"""Demography: ageing, new conditions, frailty progression, carers breaking down, deaths
and new people entering, so a ten-year run keeps a plausible size and case mix.
"""
from __future__ import annotations

import numpy as np

from model import crisis, hospital
from model.eventlog import Event, Organisation
from model.needs import start_need
from model.randomness import RATE_BOUND_MARGIN
from model.population import (FLAG_SHARE, Frailty, Package, Place, dementia_rate, deprivation_offsets,
                              flag_share, generate_people, prevalence_curve)
from model.timing import (DAYS_PER_WEEK, DAYS_PER_YEAR, SLOW_PROCESS_WEEKS, WEEKS_PER_YEAR, exponent_per_rate,
                          weekly_probability, weekly_probability_in_place)

ENTRANT_CANDIDATES = 1 << 40  # candidate numbers for entrants start here, 2**24 per week


def alive_ids(m) -> np.ndarray:
    return np.flatnonzero(m.pop.view("alive"))


def who_dies(m) -> np.ndarray:
    """This week's deaths: a draw at each person's own chance (risk.py), for the living only (a
    person's draw does not depend on who else is asked)."""
    alive = m.pop.view("alive")
    if m.streams.compiled:  # the same people: the exact chance only for those below their bound
        from model import passes_compiled
        ids, draws = passes_compiled.ids_below_coded_bound(alive, m.streams.salt("death", m.week), m.risks.death_code,
                                                           passes_compiled.POWER_CODE_TABLE)
        return ids[draws < m.risks.death_chance(ids)]
    return m.streams.bernoulli_own_where("death", m.week, alive, m.risks.death)


def deaths(m) -> None:
    """Deaths at each person's own risk (risk.py). Many people are admitted as an emergency in
    their last days (`end_of_life_admission_share`), so a share of deaths happen in hospital
    (about 45% in England: Office for Health Improvement and Disparities, Palliative and end
    of life care profiles, 2017-19)."""
    pop = m.pop
    dead = who_dies(m)
    if len(dead) == 0:
        return
    day = m.week_start + m.streams.choice("death.day", m.week, dead, DAYS_PER_WEEK)
    outside = pop.place[dead] != Place.HOSPITAL
    last_days = outside & m.streams.bernoulli("death.end_of_life_admission", m.week, dead,
                                              m.config.area.mortality.end_of_life_admission_share)
    dying, dying_day = dead[last_days], day[last_days]
    admit_day = m.week_start + np.floor(m.streams.uniform("death.admit_day", m.week, dying)
                                        * (dying_day - m.week_start + 1)).astype(np.int64)
    crisis.attend_ae(m, dying, admit_day)
    hospital.admit(m, dying, admit_day, length_of_stay=dying_day - admit_day)
    in_hospital = pop.place[dead] == Place.HOSPITAL
    hospital.count_stay_days(m, dead[in_hospital], day[in_hospital])
    m.tally.add("deaths_in_hospital", int(in_hospital.sum()))
    pop.alive[dead] = False
    pop.place[dead] = Place.DEAD
    pop.death_day[dead] = day
    pop.package[dead] = Package.NONE
    pop.home_care_hours[dead] = 0.0
    pop.coordinator[dead] = False
    m.tally.add("deaths", len(dead))
    m.log.record(dead, day, Event.DEATH, np.where(in_hospital, Organisation.HOSPITAL, Organisation.NONE))


def entrants(m) -> None:
    """New people with an LTC arrive at a steady rate that nothing in the run changes.

    Why independent of deaths: both arrangements must see the same newcomers (same ids,
    same attributes) for common random numbers to hold.
    """
    rate = m.config.area.population.entrants_per_1000 / 1000 * m.initial_people / WEEKS_PER_YEAR
    weeks = SLOW_PROCESS_WEEKS  # a month's newcomers arrive together, at the month's first week
    count = int(np.floor(rate * (m.week + weeks)) - np.floor(rate * m.week))
    if count == 0:
        return
    people, _ = generate_people(m.config.area, m.streams, count,
                                ENTRANT_CANDIDATES + m.week * (1 << 24), m.week_start)
    ids = m.pop.append(people)
    m.visits.ensure_capacity(m.pop.capacity)
    m.tally.add("entrants", len(ids))
    m.log.record(ids, m.week_start, Event.ENTRY)


def age_people(m) -> None:
    """Everyone alive grows four weeks older (ages move with the slow step)."""
    age = m.pop.view("age")  # in place, the living only: the same sums as age[alive] += ..., without the gather
    years = SLOW_PROCESS_WEEKS * DAYS_PER_WEEK / DAYS_PER_YEAR
    if m.streams.compiled:  # the same sums in one pass (numpy's where= is slow)
        from model import passes_compiled
        passes_compiled.grow_older(age, m.pop.view("alive"), years)
    else:
        np.add(age, years, out=age, where=m.pop.view("alive"))


def new_conditions(m) -> None:
    """Multimorbidity progresses at the rate the age gradient of prevalence implies; dementia
    starts at its own incidence by age."""
    pop, prev = m.pop, m.config.area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus,
                                   prev.deprivation_shift_years, m.config.area.population.oldest_age_decay_years)
    offsets = deprivation_offsets(prev.deprivation_shift_years)
    rate_factor = prev.new_condition_rate_scale * beta  # the rate is scale * beta * exp(alpha + beta (age - 70))
    per_rate = exponent_per_rate(SLOW_PROCESS_WEEKS)
    if m.streams.compiled and rate_factor > 0:  # the same people, exp only near the draw (passes_compiled.py)
        from model import passes_compiled
        ids, draws, rate = passes_compiled.condition_candidates(
            pop.view("alive"), pop.view("age"), pop.view("deprivation"), offsets, alpha, beta, rate_factor, per_rate,
            RATE_BOUND_MARGIN, m.streams.salt("condition.new", m.week))
        gained = ids[draws < _chance_at(rate, rate_factor, per_rate)]
    else:
        ids = alive_ids(m)
        eff_age = pop.age[ids] + offsets[pop.deprivation[ids] - 1]
        rate = alpha + beta * (eff_age - 70)
        gained = ids[m.streams.bernoulli_of_scaled_rate("condition.new", m.week, ids,
                                                        _scaled_rate(rate, rate_factor, per_rate))]
    pop.n_conditions[gained] += 1
    for flag in FLAG_SHARE:
        column = getattr(pop, flag)
        column[gained] |= m.streams.bernoulli(f"condition.{flag}", m.week, gained,
                                              flag_share(flag, pop.age[gained]))
    # Dementia has its own incidence by age, so that its prevalence holds as people with it die.
    at_80, doubling = prev.dementia_incidence_at_80, prev.dementia_prevalence_doubling_years
    if m.streams.compiled:  # the same people, exp2 only near the draw (passes_compiled.py)
        from model import passes_compiled
        free, draws, age = passes_compiled.dementia_candidates(
            pop.view("alive"), pop.view("dementia"), pop.view("age"), at_80, doubling, per_rate, RATE_BOUND_MARGIN,
            m.streams.salt("condition.dementia", m.week))
        incidence = dementia_rate(at_80, doubling, age)
        incidence *= per_rate
        onset = free[draws < weekly_probability_in_place(incidence, scaled=True)]
    else:
        free = ids[~pop.dementia[ids]]
        incidence = dementia_rate(at_80, doubling, pop.age[free])
        incidence *= per_rate
        onset = free[m.streams.bernoulli_of_scaled_rate("condition.dementia", m.week, free, incidence)]
    pop.dementia[onset] = True


def _scaled_rate(exponent: np.ndarray, rate_factor: float, per_rate: float) -> np.ndarray:
    """A new condition's rate times `per_rate` (timing.exponent_per_rate), worked out over the
    exponents' array in place."""
    np.exp(exponent, out=exponent)
    exponent *= rate_factor
    exponent *= per_rate
    return exponent


def _chance_at(exponent: np.ndarray, rate_factor: float, per_rate: float) -> np.ndarray:
    return weekly_probability_in_place(_scaled_rate(exponent, rate_factor, per_rate), scaled=True)


def frailty_progression(m) -> None:
    """People move up a frailty level; reaching moderate or severe can start a need for help
    at home, or, for someone who already has home care, a reassessment of what they need."""
    pop, area = m.pop, m.config.area
    prev = area.prevalence
    if m.streams.compiled:  # the same people, by chances from a table of the same expressions (passes_compiled.py)
        from model import passes_compiled
        n_conditions = pop.view("n_conditions")
        extra = np.arange(max(int(n_conditions.max(initial=0)) - 1, 1))  # conditions beyond two: 0, 1, ...
        rate = prev.frailty_progression_rate * np.array([prev.frailty_progression_under_65_rr, 1.0])
        rate = rate[:, None] * (1 + prev.frailty_progression_per_extra_condition * extra)[None, :]
        chance = weekly_probability(rate, SLOW_PROCESS_WEEKS)
        worse = passes_compiled.frailty_worsens(pop.view("alive"), pop.view("frailty"), int(Frailty.SEVERE),
                                                pop.view("age"), n_conditions, chance,
                                                m.streams.salt("frailty.progress", m.week))
    else:
        ids = alive_ids(m)
        ids = ids[pop.frailty[ids] < Frailty.SEVERE]
        rate = prev.frailty_progression_rate * np.where(pop.age[ids] >= 65, 1.0, prev.frailty_progression_under_65_rr)
        rate = rate * (1 + prev.frailty_progression_per_extra_condition * np.maximum(pop.n_conditions[ids] - 2, 0))
        p = weekly_probability_in_place(rate, SLOW_PROCESS_WEEKS)
        worse = ids[m.streams.bernoulli("frailty.progress", m.week, ids, p)]
    pop.frailty[worse] += 1
    at_home = worse[(pop.place[worse] == Place.HOME) & (pop.frailty[worse] >= Frailty.MODERATE)]
    declines = at_home[m.streams.bernoulli("frailty.need", m.week, at_home,
                                           area.population.need_on_frailty_progression)]
    day = m.week_start + m.streams.choice("frailty.need_day", m.week, declines, DAYS_PER_WEEK)
    start_need(m, declines, day)


def carer_breakdown(m) -> None:
    """An informal carer can no longer cope: the person now needs help at home, or more help."""
    pop = m.pop
    cared_for_at_home = pop.view("alive") & pop.view("has_carer") & (pop.view("place") == int(Place.HOME))
    p = weekly_probability(m.config.area.population.carer_breakdown_rate, SLOW_PROCESS_WEEKS)
    broke = m.streams.bernoulli_where("carer.breakdown", m.week, cared_for_at_home, p)
    if len(broke) == 0:
        return
    pop.has_carer[broke] = False
    day = m.week_start + m.streams.choice("carer.day", m.week, broke, DAYS_PER_WEEK)
    m.log.record(broke, day, Event.CARER_BREAKDOWN, Organisation.NONE)
    start_need(m, broke, day)
