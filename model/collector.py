"""What the model keeps week by week: every output column's value in each week, and a Mesa
DataCollector of the headline metrics (`model.datacollector`, one row per week).

Why a snapshot of the current year's sums: the tallies and the ledger count into one slot per
year (cheap, and what the golden baseline pins); a copy of that year's ~130 numbers at the end
of each week, less the copy before, is the week's own value. It costs microseconds a week and
leaves the model's counting untouched, so results by week, month or year come from one record.
"""
from __future__ import annotations

from functools import partial

import mesa
import numpy as np
import pandas as pd

from model.costs import PAYER_NAMES, CostLedger
from model.tally import METRICS
from model.timing import RESOLUTIONS, WEEKS_PER_YEAR

MONTHS_PER_YEAR = 12


class WeeklyRecord:
    """Each finished week's counts and costs (the week's own, not running totals)."""

    def __init__(self, model):
        self.count_names = tuple(model.tally.counts)
        self.discount_rate = model.ledger.discount_rate
        self._year = -1
        self._counts_before = np.zeros(len(self.count_names))
        self._costs_before = np.zeros(model.ledger.amounts.shape[1:])
        self.counts: list[np.ndarray] = []  # per week: one value per count name
        self.costs: list[np.ndarray] = []  # per week: [category, payer] in pounds
        self.years: list[int] = []  # per week: its year index (0 = year 1)
        self.people_alive: list[int] = []  # per week: alive at the week's end
        self._latest: dict[str, float] | None = None
        self._headline_counts = [(name, self.count_names.index(name)) for name in METRICS
                                 if name in self.count_names]
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_latest, name) for name in METRICS})

    def end_week(self, model) -> None:
        """Keep this week's values; then Mesa's DataCollector takes the headline ones."""
        year = model.tally.year_index
        counts = np.fromiter((values[year] for values in model.tally.counts.values()), float,
                             len(self.count_names))
        costs = model.ledger.amounts[year].copy()
        if year != self._year:  # a new year's slots started from zero
            self._counts_before[:] = 0.0
            self._costs_before[:] = 0.0
            self._year = year
        self.counts.append(counts - self._counts_before)
        self.costs.append(costs - self._costs_before)
        self._counts_before, self._costs_before = counts, costs
        self.years.append(year)
        self.people_alive.append(int(model.pop.view("alive").sum()))
        self._latest = None
        self.datacollector.collect(model)

    def latest(self) -> dict[str, float]:
        """The last finished week's headline values, worked out once a week for the DataCollector
        (directly: the full cost columns of `frame` take far longer than the week's snapshot)."""
        if self._latest is None:
            counts, by_payer = self.counts[-1], self.costs[-1].sum(axis=0)
            values = {name: float(counts[i]) for name, i in self._headline_counts}
            values["cost_total"] = total = float(by_payer.sum())
            values.update({f"cost_{name}": float(by_payer[payer]) for payer, name in PAYER_NAMES.items()})
            values["cost_npv"] = total / (1.0 + self.discount_rate) ** self.years[-1]
            self._latest = values
        return self._latest

    def frame(self) -> pd.DataFrame:
        """One row per week: week (from 1), year, and every output column as the by-year table has them."""
        columns = self._columns(slice(None))
        table = pd.DataFrame({"week": np.arange(1, len(self.counts) + 1), "year": np.asarray(self.years) + 1,
                              **columns, "people_end": np.asarray(self.people_alive, dtype=float)})
        ordered = ["week", "year", *METRICS]
        return table[ordered + [c for c in table.columns if c not in ordered]]

    def _columns(self, weeks: slice) -> dict[str, np.ndarray]:
        """The chosen weeks' counts and cost columns (CostLedger.by_year's, with each week's
        year's discount factor). Levels (model.outputs) are tallied as weekly value / 52, so a
        week's own value is that times 52."""
        from model.outputs import LEVELS

        counts = np.asarray(self.counts[weeks])
        columns = {name: counts[:, i] * (WEEKS_PER_YEAR if name in LEVELS else 1)
                   for i, name in enumerate(self.count_names)}
        ledger = CostLedger(len(counts), self.discount_rate)
        ledger.amounts = np.asarray(self.costs[weeks])
        costs = ledger.by_year()
        costs["cost_npv"] = costs["cost_total"] / (1.0 + self.discount_rate) ** np.asarray(self.years[weeks])
        return {**columns, **costs}


def _latest(name: str, model) -> float:
    return model.collector.latest()[name]


def month_of(weeks: np.ndarray) -> np.ndarray:
    """The month (1-12 within its year) of each week (1, 2, ...): 12 months of whole weeks.

    A model year is 52 weeks; week w of a year falls in month floor((w - 1) * 12 / 52) + 1,
    so months are 4 or 5 weeks long (4-4-5 and so on), and no week is split.
    """
    within = (np.asarray(weeks) - 1) % WEEKS_PER_YEAR
    return within * MONTHS_PER_YEAR // WEEKS_PER_YEAR + 1


def by_period(weekly: pd.DataFrame, resolution: str) -> pd.DataFrame:
    """A run's weekly rows combined into weeks, months or years (model.outputs.combine: flows
    summed, levels averaged over the weeks), with `period` counted from 1 over the whole run,
    its `year` and how many `weeks` it holds."""
    from model.outputs import combine

    if resolution not in RESOLUTIONS:
        raise ValueError(f"resolution: must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
    weeks = weekly["week"].to_numpy()
    years = weekly["year"].to_numpy()
    if resolution == "week":
        period = weeks
    elif resolution == "month":
        period = (years - 1) * MONTHS_PER_YEAR + month_of(weeks)
    else:
        period = years
    rows = weekly.drop(columns=["week"]).assign(period=period)
    table = combine(rows, ["period"])
    shape = rows.groupby("period", sort=True).agg(year=("year", "first"), weeks=("year", "size")).reset_index()
    table = shape.merge(table, on="period")
    ordered = ["period", "year", "weeks", *METRICS]
    return table[ordered + [c for c in table.columns if c not in ordered]]
