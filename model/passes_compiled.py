"""Passes over the population compiled with numba: each the twin of a numpy function it names.

Why: at a million people the weekly crisis hazard was the largest single item of a run, and
the week's headcounts took six masks over everyone (docs/performance.md). Here one loop
reads each person's values. The arithmetic is the numpy function's, multiplication for
multiplication in the same order (numba without fast-math), and counts are whole numbers,
so the results are the same bit for bit; they are used where the draws are compiled
(model/randomness.py), and tests/test_compiled_paths.py holds the twins equal.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from model.draws_compiled import person_draw, poisson_count


@numba.njit(cache=True, nogil=True, inline="always")
def _need_unmet(stage, package, no_stage, in_reablement, in_intermediate_care, no_package):
    """needs.unmet_need for one person at home: an open need that no service is meeting yet."""
    return ((stage != no_stage) & (stage != in_reablement) & (stage != in_intermediate_care)
            & (package == no_package))


@numba.njit(cache=True, nogil=True, inline="always")
def _crisis_rate_of(base, trend, days_since_discharge, window, recent_rr, unmet, unmet_rr, coordinated,
                    coordinator_rr):
    """One person's crisis rate from their own values (scalars, so that it compiles inline)."""
    r = base * trend
    if days_since_discharge <= window:
        r *= recent_rr
    if unmet:
        r *= unmet_rr
    if coordinated:
        r *= coordinator_rr
    return r


@numba.njit(cache=True, nogil=True)
def crisis_rate(ids, base, trend, last_discharge_day, week_start, window, recent_rr, alive, place, stage, package,
                home, no_stage, in_reablement, in_intermediate_care, no_package, unmet_rr, coordinator,
                coordinator_rr):
    """crisis.crisis_rate for an array of ids: the person's own rate times the trend, then
    the recent-discharge, unmet-need (needs.unmet_need, read from the person's own columns)
    and coordinator relative risks where they apply."""
    rate = np.empty(ids.shape[0], dtype=np.float64)
    for i in range(ids.shape[0]):
        person = ids[i]
        unmet = (alive[person] and place[person] == home
                 and _need_unmet(stage[person], package[person], no_stage, in_reablement, in_intermediate_care,
                                 no_package))
        rate[i] = _crisis_rate_of(base[person], trend, week_start - last_discharge_day[person], window, recent_rr,
                                  unmet, unmet_rr, coordinator[person], coordinator_rr)
    return rate


@numba.njit(cache=True, nogil=True)
def crisis_candidates(alive, place, hospital, salt, exponent, margin, base_code, code_table, base, trend,
                      last_discharge_day, week_start, window, recent_rr, stage, package, home, no_stage, in_reablement,
                      in_intermediate_care, no_package, unmet_rr, coordinator, coordinator_rr):
    """crisis.crises' first steps in one pass over everyone: the living outside hospital
    (population.living_outside_hospital), their crisis rate (`crisis_rate`) times `exponent`
    (timing.exponent_per_rate), and the draw against the rate's bound
    (draws_compiled.below_rate_bound). Returns the ids, draws and scaled rates of those whose
    draw falls below the bound: only they can have a crisis this week.

    Most draws are far above it, so each is first held to a bound of the bound: the rate with
    every relative risk of 1 or more applied whether or not it applies (and none below 1),
    multiplied in the same order, which rounding (monotone) keeps at or above the rate. Only
    those below that read their discharge day, stage, package and coordinator. Before that,
    the draw is held to a bound read by a byte a person, worked out once a week for each code:
    the same product with the power of two above the person's own rate (`base_code`,
    power_codes) in its place and without the recent-discharge factor, which those discharged
    lately escape by a code of infinity (risk.RiskFactors.note_discharges). So the pass reads
    a byte a person, and more only for the few in a hundred below that bound."""
    n = alive.shape[0]
    ids = np.empty(n, dtype=np.int64)
    draws = np.empty(n, dtype=np.float64)
    scaled = np.empty(n, dtype=np.float64)
    most_recent, most_unmet, most_coordinator = max(recent_rr, 1.0), max(unmet_rr, 1.0), max(coordinator_rr, 1.0)
    by_code = np.empty(code_table.shape[0], dtype=np.float64)
    for c in range(code_table.shape[0]):
        by_code[c] = -(code_table[c] * trend * most_unmet * most_coordinator * exponent) * margin
    k = 0
    for person in range(n):
        # The draw and the bound of the bound come first, for the dead and those in hospital
        # too: the draw falls below it for few, so that branch is easy to predict, while who is
        # alive and outside hospital is not, row by row.
        u = person_draw(person, salt)
        if not u < by_code[np.intp(base_code[person]) + CODE_OFFSET]:
            continue
        # Left to right, as the rate is multiplied: folding the factors first would round differently.
        if not u < -(base[person] * trend * most_recent * most_unmet * most_coordinator * exponent) * margin:
            continue
        if not alive[person] or place[person] == hospital:
            continue
        unmet = (place[person] == home
                 and _need_unmet(stage[person], package[person], no_stage, in_reablement, in_intermediate_care,
                                 no_package))
        s = _crisis_rate_of(base[person], trend, week_start - last_discharge_day[person], window, recent_rr,
                            unmet, unmet_rr, coordinator[person], coordinator_rr) * exponent
        if u < -s * margin:
            ids[k] = person
            draws[k] = u
            scaled[k] = s
            k += 1
    return ids[:k], draws[:k], scaled[:k]


@numba.njit(cache=True, nogil=True)
def practice_demand(ids, code, weekly_by_code, practice_of_everyone, practices):
    """primary_care.practice_demand: np.bincount's weighted sum, added in the ids' order as it
    does, each person's weekly consultations looked up by their code (`consultation_codes`)."""
    demand = np.zeros(practices, dtype=np.float64)
    for i in range(ids.shape[0]):
        person = ids[i]
        demand[practice_of_everyone[person]] += weekly_by_code[code[person]]
    return demand


@numba.njit(cache=True, nogil=True)
def headcount(alive, dementia, place, stage, package, aged_65, n_conditions, hospital, care_home, home, no_stage,
              in_reablement, in_intermediate_care, no_package):
    """headcount.headcount_numpy: the week's counts of people, in one pass (codes passed in;
    whether each is 65 or over as the last risk refresh found it, age_exponents).

    Each count adds 0 or 1 rather than branching: who is where is not predictable from one
    row to the next, and a branch the processor guesses wrong costs more than the addition."""
    c_alive = c_dementia = c_home = c_unmet = c_home_65 = c_care_home = c_multimorbid = 0
    for i in range(alive.shape[0]):
        a = np.int64(alive[i])
        where = place[i]
        at_home = a * np.int64(where == home)
        c_alive += a
        c_dementia += a * np.int64(dementia[i])
        c_home += at_home
        c_unmet += at_home * np.int64(_need_unmet(stage[i], package[i], no_stage, in_reablement,
                                                  in_intermediate_care, no_package))
        c_home_65 += at_home * np.int64(aged_65[i])
        c_care_home += a * np.int64(where == care_home)
        c_multimorbid += a * np.int64((n_conditions[i] >= 2) & (where != hospital))
    counts = np.empty(7, dtype=np.int64)
    counts[0], counts[1], counts[2], counts[3] = c_alive, c_dementia, c_home, c_unmet
    counts[4], counts[5], counts[6] = c_home_65, c_care_home, c_multimorbid
    return counts


# How far above n * (1 / d) a bound of the quotient n / d is taken (`quotient_above`).
QUOTIENT_SLACK = 2.0 ** -40


@numba.njit(cache=True, nogil=True, inline="always")
def quotient_above(numerator, reciprocal):
    """At least the computed quotient numerator / d, given reciprocal = 1 / d as computed: the
    product (each of the reciprocal and the product within half a unit in the last place,
    2^-53 of the value) moved up by 2^-40 of itself, far beyond both; a multiplication, where
    a division costs several times more and these passes take one for everyone."""
    q = numerator * reciprocal
    return q + abs(q) * QUOTIENT_SLACK


@numba.njit(cache=True, nogil=True)
def age_exponents(age, mortality_reciprocal):
    """For risk.RiskFactors.refresh: the ages of those aged 65 or more, in row order, one
    after another (the crisis rate of those under 65 does not grow with age, so their power
    is never needed), and one entry more at the end, set to 75, that no one reads; and for
    everyone, `quotient_above` of (age - 75) / the mortality doubling years, for the bound of
    the death rate (the exact exponent is worked out for the few who need it); and whether each
    is 65 or over, a byte a person for the week's headcounts (ages change only in the slow step
    before the refresh)."""
    older = np.empty(age.shape[0] + 1, dtype=np.float64)
    mortality = np.empty(age.shape[0], dtype=np.float64)
    aged_65 = np.empty(age.shape[0], dtype=np.bool_)
    j = 0
    for i in range(age.shape[0]):
        mortality[i] = quotient_above(age[i] - 75.0, mortality_reciprocal)
        # Written for everyone and kept by moving on 0 or 1: who is 65 or over is
        # unpredictable from one row to the next.
        older[j] = age[i]
        aged_65[i] = age[i] >= 65
        j += np.intp(aged_65[i])
    older[j] = 75.0
    return older[:j + 1], mortality, aged_65


@numba.njit(cache=True, nogil=True)
def grow_older(age, alive, years):
    """demography.age_people's np.add(age, years, out=age, where=alive), in one pass."""
    for i in range(age.shape[0]):
        if alive[i]:
            age[i] += years


@numba.njit(cache=True, nogil=True)
def person_risks(age, frailty, n_conditions, dementia, sex, older_growth, crisis_at_75, crisis_under_65,
                 crisis_frailty, crisis_conditions, crisis_dementia, mortality_exponent, mortality_at_75, female, male,
                 mortality_frailty, mortality_dementia, exponent_per_rate):
    """risk.RiskFactors.refresh's crisis and death rates for everyone, given exp2 of
    `age_exponents`' crisis powers (`older_growth`, those aged 65 or more in row order): crisis
    rates, and a bound of the death rate times `exponent_per_rate` (timing.weekly_probability's
    step before expm1): the death rate's product with power_of_two_above(a bound of the
    mortality exponent, `age_exponents`) in the place of exp2 of it, so at or below the scaled
    rate (risk.RiskFactors.death_chance works the exact one out for the few whose draw falls
    below the bound). Factors that do not apply multiply by 1.0, as numpy's np.where(..., 1.0)
    does; the product is unchanged.

    Each choice (65 or over, sex, dementia) picks its factor from a two-entry table by the
    person's own 0 or 1, not by a branch: who is which is unpredictable from one row to the
    next, and a mispredicted branch costs more than the load (about a third of the pass at
    300,000 people). One loop per output keeps each loop simple enough to compile that way."""
    n = age.shape[0]
    crisis = np.empty(n, dtype=np.float64)
    death_bound = np.empty(n, dtype=np.float64)
    top = crisis_conditions.shape[0] - 1
    by_dementia_crisis = np.array([1.0, crisis_dementia])
    by_dementia_death = np.array([1.0, mortality_dementia])
    by_sex = np.array([male, female])  # by (sex == 1)
    by_age = np.empty(2, dtype=np.float64)  # by (age >= 65): under 65, and the rate at the next older person's age
    by_age[0] = crisis_under_65
    j = 0
    for i in range(n):
        by_age[1] = crisis_at_75 * older_growth[j]
        older = np.intp(age[i] >= 65)
        j += older
        r = by_age[older]
        r *= crisis_frailty[np.intp(frailty[i])]
        r *= crisis_conditions[min(max(np.intp(n_conditions[i]) - 2, 0), top)]
        r *= by_dementia_crisis[np.intp(dementia[i])]
        crisis[i] = r
    for i in range(n):
        d = mortality_at_75 * power_of_two_above(mortality_exponent[i])
        d *= by_sex[np.intp(sex[i] == 1)]
        d *= mortality_frailty[np.intp(frailty[i])]
        d *= by_dementia_death[np.intp(dementia[i])]
        death_bound[i] = d * exponent_per_rate
    return crisis, death_bound


@numba.njit(cache=True, nogil=True)
def consultation_codes(frailty, n_conditions, levels, practice, previous, counts):
    """Each person's consultation code, (two or more conditions) x levels + frailty, which
    picks their weekly consultations and chance of none from risk.RiskFactors' tables; and
    `counts` (practice x code, the rows of `previous` codes) brought up to date in place: a
    row whose code changed moves, a new row is added. The branch on a change is rarely taken,
    so it is cheap to predict, unlike adding every row to its practice's total each time."""
    n = frailty.shape[0]
    code = np.empty(n, dtype=np.int8)
    before = min(previous.shape[0], n)
    for i in range(n):
        k = np.int8(np.intp(n_conditions[i] >= 2) * levels + np.intp(frailty[i]))
        code[i] = k
        if i >= before:
            counts[practice[i], k] += 1
        elif k != previous[i]:
            counts[practice[i], previous[i]] -= 1
            counts[practice[i], k] += 1
    return code


@numba.njit(cache=True, nogil=True)
def consultations(alive, place, hospital, salt, code, weekly_by_code, none_by_code, nurse_salt, nurse_share,
                  n_conditions, frailty, mild, home, package, no_package):
    """primary_care.who_consults when every consultation is kept, compiled:
    for the living outside hospital (population.living_outside_hospital), a Poisson count at
    their own weekly mean (draws_compiled.poisson_own_nonzero; the mean and its chance of none
    looked up by the person's `consultation_codes` code) and, for those with one or more,
    how many were with a nurse: floor(count x nurse_share + their "gp.nurse_split" draw).
    Returns the ids, counts and nurse counts of those who consulted; the ids and counts of
    those among them whose consultations could uncover a need (mildly frail or more, at home,
    without a package); and the doctor, nurse and multimorbid totals (primary_care.summarise).
    Two passes: the draws over everyone, then only those who consulted (about one in eight)."""
    # First pass: the draw for everyone, kept by adding 0 or 1 where it lies above the chance
    # of none, the person is alive and outside hospital: no branch, since one in eight consult
    # a week, too many for a branch on the draw to be well predicted.
    n = alive.shape[0]
    ids = np.empty(n, dtype=np.int64)
    draws = np.empty(n, dtype=np.float64)
    k = 0
    for person in range(n):
        u = person_draw(person, salt)
        ids[k] = person
        draws[k] = u
        k += np.intp(u > none_by_code[code[person]]) & np.intp(alive[person]) & np.intp(place[person] != hospital)
    # Second pass, over those who consulted: counts, nurse counts and totals, without branches.
    consulted = np.empty((2, k), dtype=np.int64)  # rows: count, nurse count
    could_uncover = np.empty((2, k), dtype=np.int64)  # rows: id, count
    doctor = nurses = multimorbid = 0
    j = 0
    for i in range(k):
        person = ids[i]
        c = poisson_count(draws[i], weekly_by_code[code[person]], none_by_code[code[person]])
        nurse = np.int64(np.floor(c * nurse_share + person_draw(person, nurse_salt)))
        consulted[0, i], consulted[1, i] = c, nurse
        doctor += c - nurse
        nurses += nurse
        multimorbid += c * np.int64(n_conditions[person] >= 2)
        could_uncover[0, j], could_uncover[1, j] = person, c
        j += (np.intp(frailty[person] >= mild) & np.intp(place[person] == home)
              & np.intp(package[person] == no_package))
    totals = np.empty(3, dtype=np.int64)  # doctor, nurse, by people with two or more conditions
    totals[0], totals[1], totals[2] = doctor, nurses, multimorbid
    return ids[:k].copy(), consulted[0].copy(), consulted[1].copy(), could_uncover[:, :j].copy(), totals


@numba.njit(cache=True, nogil=True)
def care_home_probability(ids, frailty, dementia, place, has_carer, council, age, reference_odds, frailty_factor,
                          age_factor, dementia_or, hospital, ward_or, carer_or, wait_factor, min_age):
    """care_decision.care_home_probability, given numpy's powers (by frailty level, each
    person's age factor in the ids' order, by council): the odds multiplied in its order,
    a factor that does not apply being 1.0 as its np.where gives."""
    p = np.empty(ids.shape[0], dtype=np.float64)
    for i in range(ids.shape[0]):
        person = ids[i]
        odds = reference_odds * frailty_factor[frailty[person]]
        odds = odds * age_factor[i]
        odds = odds * (dementia_or if dementia[person] else 1.0)
        odds = odds * (ward_or if place[person] == hospital else 1.0)
        odds = odds * (carer_or if has_carer[person] else 1.0)
        odds = odds * wait_factor[council[person]]
        p[i] = odds / (1.0 + odds) if age[person] >= min_age else 0.0
    return p


@numba.njit(cache=True, nogil=True)
def served_elsewhere(last_episode, others, ids, episode):
    """duplicates.VisitRegistry.served_elsewhere for one purpose (`last_episode`: its
    organisation x person table; `others`: the other organisations' rows)."""
    out = np.zeros(ids.shape[0], dtype=np.bool_)
    for i in range(ids.shape[0]):
        for o in others:
            if last_episode[o, ids[i]] == episode[i]:
                out[i] = True
    return out


@numba.njit(cache=True, nogil=True)
def record_visits(last_day, last_episode, organisation, others, ids, day, episode, window):
    """duplicates.VisitRegistry.record for one purpose: which visits repeat another
    organisation's in the same episode within the window, then this organisation's entries
    written. A visit is judged by other organisations' entries and writes its own, so writing
    as the loop goes judges each as numpy's gather-then-write does."""
    duplicate = np.zeros(ids.shape[0], dtype=np.bool_)
    for i in range(ids.shape[0]):
        person = ids[i]
        for o in others:
            if last_episode[o, person] == episode[i] and day[i] - last_day[o, person] <= window:
                duplicate[i] = True
        last_day[organisation, person] = day[i]
        last_episode[organisation, person] = episode[i]
    return duplicate


@numba.njit(cache=True, nogil=True)
def living_outside(alive, place, outside):
    """np.flatnonzero(alive & (place != outside)): the living not at that place, in one pass."""
    ids = np.empty(alive.shape[0], dtype=np.int64)
    n = 0
    for i in range(alive.shape[0]):
        if alive[i] and place[i] != outside:
            ids[n] = i
            n += 1
    return ids[:n]


_BYTE_ONES = np.uint64(0x0101010101010101)
_BYTE_HIGHS = np.uint64(0x8080808080808080)


@numba.njit(cache=True, nogil=True, inline="always")
def _has_byte(word, pattern):
    """Whether any of the eight bytes of `word` equals the byte repeated in `pattern`: the
    zero-byte test ((x - 0x01..) & ~x & 0x80..), which never misses a zero byte."""
    x = word ^ pattern
    return ((x - _BYTE_ONES) & ~x & _BYTE_HIGHS) != 0


@numba.njit(cache=True, nogil=True)
def holders(column, value, other_value, alive):
    """Ids, in id order, of the living whose one-byte `column` is `value` or `other_value`:
    population.holding's np.flatnonzero(column == value) with the living kept, (or the two
    values of care_homes.residents). Few hold any one value, so the column is read eight rows
    at a time and a row is looked at only in the words that hold one of the values."""
    n_all = column.shape[0]
    ids = np.empty(n_all, dtype=np.int64)
    whole = n_all // 8
    words = column[: whole * 8].view(np.uint64)
    first = np.uint64(np.uint8(value)) * _BYTE_ONES
    second = np.uint64(np.uint8(other_value)) * _BYTE_ONES
    n = 0
    for w in range(whole):
        if _has_byte(words[w], first) or _has_byte(words[w], second):
            for i in range(8 * w, 8 * w + 8):
                if column[i] == value or column[i] == other_value:
                    ids[n] = i
                    n += np.intp(alive[i])
    for i in range(whole * 8, n_all):
        if column[i] == value or column[i] == other_value:
            ids[n] = i
            n += np.intp(alive[i])
    return ids[:n].copy()


LOG2_E = 1.4426950408889634  # log2(e), so that e**y = 2**(y * LOG2_E)


# 2.0 ** k for k from _LOWEST_POWER to _HIGHEST_POWER, exactly: 0.0 below the subnormals, inf above 1023.
_LOWEST_POWER, _HIGHEST_POWER = -1100, 1101
with np.errstate(over="ignore"):  # the top entries are inf on purpose
    POWERS_OF_TWO = np.ldexp(1.0, np.arange(_LOWEST_POWER, _HIGHEST_POWER + 1))


@numba.njit(cache=True, nogil=True, inline="always")
def power_of_two_above(x):
    """2**(ceil(x) + 1), exactly: at least 2**(x + 1), so above any computed exp2(x) (or exp(y)
    for x = y * LOG2_E, whose rounding is far below one) by a factor near 2, far beyond the
    error of any exp or exp2; 0.0 and inf at the ends of the float range, as they would be.
    Looked up in a table (a call to ldexp for each person cost more than the rest of the pass)."""
    k = math.ceil(min(max(x, float(_LOWEST_POWER)), float(_HIGHEST_POWER - 1))) + 1
    return POWERS_OF_TWO[np.intp(k) - _LOWEST_POWER]


# A bound held as a one-byte code c: 2**c, 0.0 for ZERO_CODE and infinity for INFINITE_CODE,
# read from POWER_CODE_TABLE at c + CODE_OFFSET. A pass over everyone then reads one byte a
# person instead of a float's eight: at 100,000 people and more the weekly passes wait on
# memory, not arithmetic.
ZERO_CODE, INFINITE_CODE = -128, 127
CODE_OFFSET = -ZERO_CODE
POWER_CODE_TABLE = np.concatenate([[0.0], np.ldexp(1.0, np.arange(ZERO_CODE + 1, INFINITE_CODE)), [np.inf]])


_EXPONENT_SHIFT, _EXPONENT_MASK, _EXPONENT_BIAS = np.int64(52), np.int64(0x7FF), np.int64(1022)


@numba.njit(cache=True, nogil=True, inline="always")
def power_code(x, bits):
    """The one-byte code c of a bound of x: x < 2**c for x > 0 (c is frexp's exponent, read
    from x's exponent bits, `bits` being x's 64 bits); ZERO_CODE (a bound of 0.0, which no draw
    is below) where x is 0, negative or NaN; INFINITE_CODE from 2**126 up. So the bound is never
    below x, and at most twice it over the normal range (below 2**-127 it is 2**-127)."""
    if not x > 0:
        return np.int8(ZERO_CODE)
    if x >= 2.0**126:
        return np.int8(INFINITE_CODE)
    return np.int8(max(((bits >> _EXPONENT_SHIFT) & _EXPONENT_MASK) - _EXPONENT_BIAS, ZERO_CODE + 1))


@numba.njit(cache=True, nogil=True)
def power_codes(values, factor):
    """`power_code` of each value times `factor` (x * factor, as numpy multiplies)."""
    codes = np.empty(values.shape[0], dtype=np.int8)
    x = np.empty(1, dtype=np.float64)
    bits = x.view(np.int64)
    for i in range(values.shape[0]):
        x[0] = values[i] * factor
        codes[i] = power_code(x[0], bits[0])
    return codes


@numba.njit(cache=True, nogil=True)
def crisis_codes(crisis, last_discharge_day, week_start, window):
    """`power_code` of each crisis rate, or INFINITE_CODE for those discharged within `window`
    days of `week_start` (crisis_candidates says why)."""
    codes = np.empty(crisis.shape[0], dtype=np.int8)
    bits = crisis.view(np.int64)
    for i in range(crisis.shape[0]):
        codes[i] = np.int8(INFINITE_CODE) if week_start - last_discharge_day[i] <= window else power_code(crisis[i], bits[i])
    return codes


@numba.njit(cache=True, nogil=True)
def ids_below_coded_bound(mask, salt, codes, table):
    """Ids and draws of those where `mask` holds whose draw falls below their bound, read from
    `table` by their one-byte code (`power_codes`): the branch taken on the draw, which falls
    below it for few, and the mask kept by adding 0 or 1 (as draws_compiled.ids_below_own)."""
    n = mask.shape[0]
    ids = np.empty(n, dtype=np.int64)
    draws = np.empty(n, dtype=np.float64)
    k = 0
    for person in range(n):
        u = person_draw(person, salt)
        if u < table[np.intp(codes[person]) + CODE_OFFSET]:
            ids[k] = person
            draws[k] = u
            k += np.intp(mask[person])
    return ids[:k].copy(), draws[:k].copy()


@numba.njit(cache=True, nogil=True)
def condition_candidates(alive, age, deprivation, offsets, alpha, beta, rate_factor, per_rate, margin, salt):
    """demography.new_conditions' draw, in one pass over everyone: for the living, the
    exponent y of their rate (alpha + beta (effective age - 70), as the numpy steps work it
    out) and their draw, kept only where the draw falls below
    power_of_two_above(y * LOG2_E) * rate_factor * -per_rate * margin. With a positive
    rate_factor that bounds the chance the numpy steps work out (exp(y) * rate_factor *
    per_rate, then -expm1) from above, multiplication by multiplication, as
    randomness.RandomStreams.bernoulli_of_scaled_rate's bound does; so nobody left out could
    have had the event, and exp is worked out only for those kept.
    Returns their ids, draws and exponents."""
    ids = np.empty(alive.shape[0], dtype=np.int64)
    draws = np.empty(alive.shape[0], dtype=np.float64)
    exponents = np.empty(alive.shape[0], dtype=np.float64)
    n = 0
    for person in range(alive.shape[0]):
        # Worked out for the dead too, and the branch taken on the bound, which few draws fall
        # below (so it is easy to predict); the living are kept by adding 0 or 1 (`ids_below_own`).
        y = alpha + beta * ((age[person] + offsets[deprivation[person] - 1]) - 70.0)
        u = person_draw(person, salt)
        if u < power_of_two_above(y * LOG2_E) * rate_factor * -per_rate * margin:
            ids[n], draws[n], exponents[n] = person, u, y
            n += np.intp(alive[person])
    return ids[:n].copy(), draws[:n].copy(), exponents[:n].copy()


@numba.njit(cache=True, nogil=True)
def dementia_candidates(alive, dementia, age, at_80, doubling_years, per_rate, margin, salt):
    """demography.new_conditions' dementia onset draw, in one pass over everyone: the living
    without dementia whose draw falls below power_of_two_above(x) * at_80 * -per_rate * margin,
    x = (age - 80) / doubling years as population.dementia_rate works it out: a bound of their
    chance from above (the rate's cap at 0.9 only lowers it), so exp2 is worked out only for
    those kept. Returns their ids, draws and ages."""
    ids = np.empty(alive.shape[0], dtype=np.int64)
    draws = np.empty(alive.shape[0], dtype=np.float64)
    ages = np.empty(alive.shape[0], dtype=np.float64)
    n = 0
    for person in range(alive.shape[0]):
        u = person_draw(person, salt)  # the branch on the bound, as in `condition_candidates`
        if u < power_of_two_above((age[person] - 80.0) / doubling_years) * at_80 * -per_rate * margin:
            ids[n], draws[n], ages[n] = person, u, age[person]
            n += np.intp(alive[person]) & np.intp(not dementia[person])
    return ids[:n].copy(), draws[:n].copy(), ages[:n].copy()


@numba.njit(cache=True, nogil=True)
def frailty_worsens(alive, frailty, most_frail, age, n_conditions, probability_by, salt):
    """demography.frailty_progression's draw in one pass: the living below the most frail
    level whose draw falls below their chance of moving up, the chance looked up by (aged 65
    or more, conditions beyond two) in a table numpy worked out with the function's own
    expressions (indexed by the person's own 0 or 1, not by a branch, as in `person_risks`)."""
    worse = np.empty(alive.shape[0], dtype=np.int64)
    top = probability_by.shape[1] - 1
    n = 0
    for person in range(alive.shape[0]):
        p = probability_by[np.intp(age[person] >= 65), min(max(np.intp(n_conditions[person]) - 2, 0), top)]
        if person_draw(person, salt) < p:  # the branch on the draw, as in `condition_candidates`
            worse[n] = person
            n += np.intp(alive[person]) & np.intp(frailty[person] < most_frail)
    return worse[:n].copy()


@numba.njit(cache=True, nogil=True)
def week_of_charges(ids, amounts, self_funder_factor, care_home, capital, housing, lives_alone, lower, upper):
    """means_test.charge_week_of_care's per-person steps in one loop: the assessable capital
    (savings, and the home's value in a care home for one who lives alone), the tariff of
    whole 250s above the lower limit, the person's own share, what they pay (in full, times
    `self_funder_factor`, above the upper limit) and what their council pays. Each minimum,
    maximum and choice is written as numpy's: the first value where the test holds or ties,
    else the second."""
    n = ids.shape[0]
    self_pays = np.empty(n, dtype=np.float64)
    council_pays = np.empty(n, dtype=np.float64)
    self_funded = np.empty(n, dtype=np.bool_)
    for i in range(n):
        person = ids[i]
        assessable = capital[person] + (housing[person] if care_home and lives_alone[person] else 0.0)
        funds_self = assessable > upper
        over = assessable - lower
        over = over if over >= 0.0 else 0.0
        tariff = 0.0 if funds_self else np.floor(over / 250.0)
        own_share = tariff if tariff <= amounts[i] else amounts[i]
        self_pays[i] = amounts[i] * self_funder_factor if funds_self else own_share
        council_pays[i] = 0.0 if funds_self else amounts[i] - own_share
        self_funded[i] = funds_self
    return self_pays, self_funded, council_pays
