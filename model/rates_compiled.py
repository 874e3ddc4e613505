"""Per-person rates compiled with numba: each the twin of a numpy function it names.

Why: at a million people the weekly crisis hazard was the largest single item of a run
(docs/performance.md): a gather and a masked multiply per modifier, each over everyone out of
hospital. Here one loop reads each person's values by id. The arithmetic is the numpy
function's, multiplication for multiplication in the same order (numba without fast-math),
so the rates are the same bit for bit; they are used where the draws are compiled
(model/randomness.py), and tests/test_compiled_draws.py holds the twins equal.
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
