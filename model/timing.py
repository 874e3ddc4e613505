"""The clock: one model step is one week; stays, waits and delays are counted in days.

Why weeks: a week is short against lengths of stay (about 10 days) and assessment waits,
and long enough that 100,000 people over ten years take 520 vectorised steps. Events
inside a week carry their own day, so days in hospital and delayed days are exact.
"""
from __future__ import annotations

import numpy as np

DAYS_PER_WEEK = 7
WEEKS_PER_YEAR = 52
DAYS_PER_YEAR = 365.25


def weekly_probability(rate_per_year):
    """Chance of at least one event in a week for a Poisson rate per person-year."""
    return -np.expm1(-np.asarray(rate_per_year) * DAYS_PER_WEEK / DAYS_PER_YEAR)


def whole_days(values) -> np.ndarray:
    """Durations drawn in fractional days, rounded to whole days."""
    return np.rint(values).astype(np.int64)
