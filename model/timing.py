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


SLOW_PROCESS_WEEKS = 4  # slow processes (new conditions, frailty, carers, recovery) run every 4 weeks

# The periods results can be kept by (model/collector.py: by_period). Here rather than there so
# that a sweep's coordinator can check a resolution without importing Mesa and pandas.
RESOLUTIONS = ("week", "month", "year")


def exponent_per_rate(weeks: int = 1) -> float:
    """What a rate per person-year is multiplied by before expm1 in `weekly_probability`."""
    return -DAYS_PER_WEEK * weeks / DAYS_PER_YEAR


def weekly_probability(rate_per_year, weeks: int = 1):
    """Chance of at least one event in `weeks` weeks for a Poisson rate per person-year."""
    return -np.expm1(np.asarray(rate_per_year) * exponent_per_rate(weeks))


def weekly_probability_in_place(rates: np.ndarray, weeks: int = 1, scaled: bool = False) -> np.ndarray:
    """`weekly_probability` of a float array, written over it (`scaled`: the rates were already
    multiplied by `exponent_per_rate`). The same operations in the same order, so the same
    numbers, without three fresh arrays: at a million people each costs more than its arithmetic."""
    if not scaled:
        rates *= exponent_per_rate(weeks)
    np.expm1(rates, out=rates)
    return np.negative(rates, out=rates)


def slow_process_due(week: int) -> bool:
    """Slow processes change little in a week; running them every four weeks, with the
    four-week probability, gives the same rates at a quarter of the cost."""
    return week % SLOW_PROCESS_WEEKS == 0


def whole_days(values) -> np.ndarray:
    """Durations drawn in fractional days, rounded to whole days."""
    return np.rint(values).astype(np.int64)
