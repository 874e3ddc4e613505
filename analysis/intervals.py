"""Means and 95% confidence intervals across replications, for plots and sentences.

Why paired: the two arms of a comparison run with the same seeds (common random numbers),
so replication r of arm B is compared with replication r of arm A; the spread of those
paired differences, not of each arm alone, is what says whether integration changed
anything. Intervals are Student-t intervals over replications, as in the comparison's
summary table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model.outputs import averaged, whole_runs

LEVEL = 0.95


def t_interval(values, level: float = LEVEL) -> dict[str, float]:
    """Mean, interval bounds, half-width, n and sd of a sample (a t interval on the mean)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    mean = float(x.mean()) if n else np.nan
    sd = float(x.std(ddof=1)) if n > 1 else np.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)) if n > 1 else np.nan
    return {"mean": mean, "low": mean - half, "high": mean + half, "half_width": half, "n": n, "sd": sd}


def _by_replication(runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """A table [replication x year] of (B − A) for one metric, pairing replications."""
    wide = runs.pivot_table(index=["replication", "year"], columns="arm", values=metric, aggfunc="sum")
    diff = (wide["B"] - wide["A"]).rename("diff").reset_index()
    return diff.pivot(index="replication", columns="year", values="diff").sort_index(axis=1)


def arm_bands(runs: pd.DataFrame, metric: str, level: float = LEVEL, by: str = "year") -> pd.DataFrame:
    """Each arm's mean by year (or by `by`, e.g. 'period' of a runs_by_period table) with its
    interval: columns arm, year (or `by`), mean, low, high, n."""
    rows = []
    for (arm, period), group in runs.groupby(["arm", by], sort=True):
        rows.append({"arm": arm, by: int(period), **t_interval(group[metric], level)})
    return pd.DataFrame(rows)


def yearly_difference(runs: pd.DataFrame, metric: str, level: float = LEVEL) -> pd.DataFrame:
    """The paired difference (B − A) in each year: columns year, mean, low, high, n."""
    table = _by_replication(runs, metric)
    return pd.DataFrame([{"year": int(y), **t_interval(table[y], level)} for y in table.columns])


def cumulative_difference(runs: pd.DataFrame, metric: str, level: float = LEVEL) -> pd.DataFrame:
    """The paired difference (B − A) summed from year 1 to each year, with its interval."""
    table = _by_replication(runs, metric).cumsum(axis=1)
    return pd.DataFrame([{"year": int(y), **t_interval(table[y], level)} for y in table.columns])


def total_difference(runs: pd.DataFrame, metric: str, level: float = LEVEL) -> dict[str, float]:
    """The paired difference (B − A) over the whole run, with its interval."""
    table = _by_replication(runs, metric)
    return t_interval(table.mean(axis=1) if averaged(metric) else table.sum(axis=1), level)


def arm_totals(runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each arm's mean over replications of the whole-run total of each column (rows: arm)."""
    return whole_runs(runs, ["arm", "replication"], columns).groupby(level="arm").mean()


def summarise(runs: pd.DataFrame, metrics, level: float = LEVEL) -> pd.DataFrame:
    """A comparison's summary table from its runs: one row per metric x period ('total' or year).

    Columns match experiments.compare's summary: metric, period, mean_a, mean_b, diff,
    ci_low, ci_high, half_width, n, sd_diff.
    """
    rows = []
    for metric in metrics:
        per_rep = runs.pivot_table(index=["replication", "year"], columns="arm", values=metric, aggfunc="sum")
        whole = per_rep.groupby(level="replication")
        periods = [("total", whole.mean() if averaged(metric) else whole.sum())]
        periods += [(str(int(y)), g.droplevel("year")) for y, g in per_rep.groupby(level="year")]
        for period, table in periods:
            ci = t_interval(table["B"] - table["A"], level)
            rows.append({"metric": metric, "period": period, "mean_a": float(table["A"].mean()),
                         "mean_b": float(table["B"].mean()), "diff": ci["mean"], "ci_low": ci["low"],
                         "ci_high": ci["high"], "half_width": ci["half_width"], "n": ci["n"],
                         "sd_diff": ci["sd"]})
    return pd.DataFrame(rows)


def spans_zero(low: float, high: float) -> bool:
    """True when an interval includes no change (or is undefined, as with one replication)."""
    return not (np.isfinite(low) and np.isfinite(high)) or (low <= 0 <= high)
