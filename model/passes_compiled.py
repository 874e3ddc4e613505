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


@numba.njit(cache=True, nogil=True)
def crisis_rate(ids, base, trend, last_discharge_day, week_start, window, recent_rr, unmet, unmet_rr,
                coordinator, coordinator_rr):
    """crisis.crisis_rate for an array of ids: the person's own rate times the trend, then
    the recent-discharge, unmet-need and coordinator relative risks where they apply."""
    rate = np.empty(ids.shape[0], dtype=np.float64)
    for i in range(ids.shape[0]):
        person = ids[i]
        r = base[person] * trend
        if week_start - last_discharge_day[person] <= window:
            r *= recent_rr
        if unmet[person]:
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
def headcount(alive, dementia, place, stage, package, age, n_conditions, home, hospital, care_home, no_stage,
              in_reablement, in_intermediate_care, no_package):
    """headcount.headcount_numpy: the week's counts of people, in one pass (codes passed in)."""
    counts = np.zeros(7, dtype=np.int64)
    for i in range(alive.shape[0]):
        if not alive[i]:
            continue
        counts[0] += 1
        if dementia[i]:
            counts[1] += 1
        where = place[i]
        if where == home:
            counts[2] += 1
            s = stage[i]
            if s != no_stage and s != in_reablement and s != in_intermediate_care and package[i] == no_package:
                counts[3] += 1
            if age[i] >= 65:
                counts[4] += 1
        elif where == care_home:
            counts[5] += 1
        if n_conditions[i] >= 2 and where != hospital:
            counts[6] += 1
    return counts
