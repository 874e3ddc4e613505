"""Paired and unpaired t intervals over replications, and a comparison's summary table.

Why paired: both arms of a comparison run replication r on the same seed (common random
numbers: the same people meeting the same chances), so the differences B_r - A_r vary far
less than either arm does, and their t interval is far narrower than an unpaired (Welch)
interval on the same runs. `unpaired_half_width` is kept to show that gain.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas and scipy are imported where used: importing this module stays cheap
    import pandas as pd

LEVEL = 0.95


def t_quantile(n, level: float = LEVEL):
    """The two-sided t critical value for n observations (NaN when n < 2)."""
    from scipy import stats

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)


def paired(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> dict[str, np.ndarray]:
    """Column-wise paired statistics of replications (rows) of arm A and arm B, aligned by row."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    d = b - a
    n = np.isfinite(d).sum(axis=0)
    # All-missing columns (people_end before the last year) and n = 1 give NaN, not warnings.
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean_d = np.nanmean(d, axis=0)
        sd = np.nanstd(d, axis=0, ddof=1)
        half = t_quantile(n, level) * sd / np.sqrt(n)
        return {
            "mean_a": np.nanmean(a, axis=0), "mean_b": np.nanmean(b, axis=0), "diff": mean_d,
            "ci_low": mean_d - half, "ci_high": mean_d + half, "half_width": half, "n": n, "sd_diff": sd,
            "sd_a": np.nanstd(a, axis=0, ddof=1), "sd_b": np.nanstd(b, axis=0, ddof=1),
        }


def unpaired_half_width(a, b, level: float = LEVEL) -> float:
    """Half-width of the Welch interval for mean(b) - mean(a), ignoring any pairing."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, dof) * np.sqrt(va + vb))


def value_columns(runs: pd.DataFrame) -> list[str]:
    """The metric columns of a runs table, headline metrics first."""
    import pandas as pd

    from model.tally import METRICS

    ids = {"arm", "scenario", "replication", "seed", "year", "period", "weeks"}
    numeric = [c for c in runs.columns if c not in ids and pd.api.types.is_numeric_dtype(runs[c])]
    return [m for m in METRICS if m in numeric] + [c for c in numeric if c not in METRICS]


def per_replication(runs: pd.DataFrame, arm: str, columns: list[str], year=None, by: str = "year") -> pd.DataFrame:
    """One row per replication: the whole run (year=None) or one period's values (`by`: the
    column naming periods). The whole run sums flows and averages levels, weighted by the
    periods' weeks when the table has them (model.outputs.combine)."""
    from model.outputs import whole_runs

    rows = runs[runs["arm"] == arm]
    if year is not None:
        rows = rows[rows[by] == year]
        return rows.groupby("replication")[columns].sum(min_count=1).sort_index()
    return whole_runs(rows, ["replication"], columns).sort_index()


def summarise(runs: pd.DataFrame, level: float = LEVEL, by: str = "year") -> pd.DataFrame:
    """One row per metric x period ('total', then each period as text) of a comparison's runs;
    `by` names the column of periods ('year', or 'period' for weeks or months)."""
    import pandas as pd

    columns = value_columns(runs)
    periods = [("total", None)] + [(str(int(y)), y) for y in sorted(runs[by].unique())]
    blocks = []
    for period, year in periods:
        a = per_replication(runs, "A", columns, year, by)
        b = per_replication(runs, "B", columns, year, by).reindex(a.index)
        result = paired(a.to_numpy(), b.to_numpy(), level)
        block = pd.DataFrame({"metric": columns, "period": period, **result})
        block["order"] = range(len(columns))
        blocks.append(block)
    table = pd.concat(blocks, ignore_index=True)
    table = table[table[["mean_a", "mean_b"]].notna().any(axis=1)]  # e.g. people_end before the last year
    table["period_order"] = table["period"].map({p: i for i, (p, _) in enumerate(periods)})
    table = table.sort_values(["order", "period_order"], kind="stable").drop(columns=["order", "period_order"])
    table["n"] = table["n"].astype(int)
    return table.reset_index(drop=True)


def relative_half_width(summary: pd.DataFrame, metrics, period: str = "total") -> dict[str, float]:
    """Each metric's half-width of B - A as a fraction of arm A's mean (Hoad et al.'s precision)."""
    rows = summary[summary["period"] == period].set_index("metric")
    out = {}
    for metric in metrics:
        row = rows.loc[metric]
        scale = abs(row["mean_a"])
        out[metric] = float(row["half_width"] / scale) if scale > 0 and np.isfinite(row["half_width"]) else np.inf
    return out
