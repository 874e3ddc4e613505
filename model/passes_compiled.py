"""Passes over the population compiled with numba: each the twin of a numpy function it names.

Why: at a million people the weekly crisis hazard was the largest single item of a run, and
the week's headcounts took six masks over everyone (docs/performance.md). Here one loop
reads each person's values. The arithmetic is the numpy function's, multiplication for
multiplication in the same order (numba without fast-math), and counts are whole numbers,
so the results are the same bit for bit; they are used where the draws are compiled
(model/randomness.py), and tests/test_compiled_paths.py holds the twins equal.
"""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, inline="always")
def _need_unmet(stage, package, no_stage, in_reablement, in_intermediate_care, no_package):
    """needs.unmet_need for one person at home: an open need that no service is meeting yet."""
    return ((stage != no_stage) & (stage != in_reablement) & (stage != in_intermediate_care)
            & (package == no_package))


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
        r = base[person] * trend
        if week_start - last_discharge_day[person] <= window:
            r *= recent_rr
        if (alive[person] and place[person] == home
                and _need_unmet(stage[person], package[person], no_stage, in_reablement, in_intermediate_care,
                                no_package)):
            r *= unmet_rr
        if coordinator[person]:
            r *= coordinator_rr
        rate[i] = r
    return rate


@numba.njit(cache=True, nogil=True)
def practice_demand(ids, weekly_of_everyone, practice_of_everyone, practices):
    """primary_care.practice_demand: np.bincount's weighted sum, added in the ids' order as it does."""
    demand = np.zeros(practices, dtype=np.float64)
    for i in range(ids.shape[0]):
        person = ids[i]
        demand[practice_of_everyone[person]] += weekly_of_everyone[person]
    return demand


@numba.njit(cache=True, nogil=True)
def headcount(alive, dementia, place, stage, package, age, n_conditions, hospital, care_home, home, no_stage,
              in_reablement, in_intermediate_care, no_package):
    """headcount.headcount_numpy: the week's counts of people, in one pass (codes passed in).

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
        c_home_65 += at_home * np.int64(age[i] >= 65)
        c_care_home += a * np.int64(where == care_home)
        c_multimorbid += a * np.int64((n_conditions[i] >= 2) & (where != hospital))
    counts = np.empty(7, dtype=np.int64)
    counts[0], counts[1], counts[2], counts[3] = c_alive, c_dementia, c_home, c_unmet
    counts[4], counts[5], counts[6] = c_home_65, c_care_home, c_multimorbid
    return counts
