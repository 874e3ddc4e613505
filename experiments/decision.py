"""The planner's decision measures for one option against the base: who pays, what each
pound buys, when it pays back, and how sure that is.

Why these: a board asks what an option costs each payer, what it buys (emergency
admissions avoided, bed days saved, duplicate visits avoided), what each of those costs,
and when the option pays for itself. Every figure comes with a 95% interval paired across
replications (both arms share seeds). Without parameter uncertainty the intervals are t
confidence intervals of the mean (chance only); with it (`compare(..., uncertainty=True)`),
each replication is one draw of the world, and the intervals are the 2.5th to 97.5th
percentiles of the replications' values, which is how a probabilistic sensitivity analysis
reports them (Briggs, Claxton & Sculpher 2006).

A cost per unit avoided is a ratio of two uncertain differences. Its interval is Fieller's
(Fieller 1954; for cost-effectiveness ratios, Willan & O'Brien 1996, Health Econ 5:297-305):
when the denominator's own interval includes zero the ratio has no bounded interval (it
could be any size, of either sign) and the measure is reported as not meaningful instead of
as a huge number.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.intervals import t_interval
from experiments.stats import LEVEL, t_quantile
from experiments.uncertainty import MONTE_CARLO, WITH_PARAMETERS

PAYER_COSTS = {"nhs": "cost_nhs", "council": "cost_council", "self_funders": "cost_self_funded",
               "total": "cost_total"}
# cost per unit of: key -> (metric whose fall is the gain, words)
GAINS = {"admission_avoided": ("emergency_admissions", "emergency admission avoided"),
         "bed_day_saved": ("bed_days", "bed day saved"),
         "duplicate_visit_avoided": ("duplicate_visits", "duplicate visit avoided")}
NOT_MEANINGFUL = ("not meaningful: the interval of the {what} includes zero, so the cost per {unit} "
                  "could be any size of either sign")


def paired_totals(comparison) -> pd.DataFrame:
    """Per replication, the option's whole-run total minus the base's, for every metric."""
    runs = comparison.runs
    numeric = [c for c in runs.columns if c not in ("arm", "scenario", "replication", "seed", "year")
               and pd.api.types.is_numeric_dtype(runs[c])]
    per_rep = runs.groupby(["arm", "replication"])[numeric].sum()
    return (per_rep.loc["B"] - per_rep.loc["A"]).sort_index()


def with_parameter_uncertainty(comparison) -> bool:
    return bool((comparison.meta or {}).get("uncertainty"))


def interval_kind(comparison) -> str:
    """Which kind every interval of this comparison is, in words for the report and JSON."""
    return WITH_PARAMETERS if with_parameter_uncertainty(comparison) else MONTE_CARLO


def spread(values, uncertain: bool, level: float = LEVEL) -> dict:
    """Mean and 95% interval: the t interval of the mean (chance only), or with parameter
    uncertainty the central percentile range of the replications' values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if not uncertain:
        ci = t_interval(x, level)
        return {"value": ci["mean"], "low": ci["low"], "high": ci["high"], "n": ci["n"]}
    tail = 100 * (1 - level) / 2
    low, high = (np.percentile(x, [tail, 100 - tail]) if len(x) else (np.nan, np.nan))
    return {"value": float(x.mean()) if len(x) else np.nan, "low": float(low), "high": float(high), "n": len(x)}


def fieller(cost: np.ndarray, gain: np.ndarray, level: float = LEVEL) -> tuple[float, float] | None:
    """Fieller's interval for mean(cost) / mean(gain) from paired replications; None when the
    gain's interval includes zero (no bounded interval exists)."""
    n = len(cost)
    if n < 2:
        return None
    t = float(t_quantile(n, level))
    c, g = cost.mean(), gain.mean()
    vc, vg = cost.var(ddof=1) / n, gain.var(ddof=1) / n
    cov = np.cov(cost, gain, ddof=1)[0, 1] / n
    a = g * g - t * t * vg
    if a <= 0:  # the gain's t interval includes zero
        return None
    b = c * g - t * t * cov
    disc = b * b - a * (c * c - t * t * vc)
    if disc < 0:
        return None
    root = np.sqrt(disc)
    return float((b - root) / a), float((b + root) / a)


def cost_per_gain(totals: pd.DataFrame, metric: str, unit: str, uncertain: bool) -> dict:
    """Net total cost per unit of gain (a fall in `metric`): value, interval, and whether meaningful."""
    cost = totals["cost_total"].to_numpy(dtype=float)
    gain = -totals[metric].to_numpy(dtype=float)
    gained = spread(gain, uncertain)
    out = {"value": None, "low": None, "high": None, "meaningful": False,
           "gain": gained, "note": ""}
    if uncertain:
        same_sign = len(gain) > 1 and (np.all(gain > 0) or np.all(gain < 0))
        if same_sign:
            ratios = spread(cost / gain, True)
            out.update(value=float(cost.mean() / gain.mean()), low=ratios["low"], high=ratios["high"], meaningful=True)
    else:
        bounds = fieller(cost, gain)
        if bounds is not None:
            out.update(value=float(cost.mean() / gain.mean()), low=bounds[0], high=bounds[1], meaningful=True)
    if not out["meaningful"] and len(gain) < 2:
        out["note"] = "one replication: no interval, so no ratio is given"
    elif not out["meaningful"]:
        out["note"] = NOT_MEANINGFUL.format(what=f"change in {metric.replace('_', ' ')}", unit=unit)
    elif gained["value"] < 0:
        out["note"] = f"the option increases {metric.replace('_', ' ')}: this is a cost per extra one, with the sign reversed"
    return out


def payback(comparison, uncertain: bool) -> dict:
    """The first year from which the cumulative change in total cost stays at or below zero.

    `year` uses the mean; `earliest` the interval's lower bound (it may have paid back by
    then), `latest` its upper bound (it surely has by then); None: no payback within the run.
    """
    runs = comparison.runs
    wide = runs.pivot_table(index=["replication", "year"], columns="arm", values="cost_total", aggfunc="sum")
    cumulative = (wide["B"] - wide["A"]).unstack("year").sort_index(axis=1).cumsum(axis=1)
    years = [int(y) for y in cumulative.columns]
    by_year = [spread(cumulative[y], uncertain) for y in cumulative.columns]

    def first_staying(values: list[float]) -> int | None:
        for i, year in enumerate(years):
            if all(np.isfinite(v) and v <= 0 for v in values[i:]):
                return year
        return None

    horizon = max(years)
    year = first_staying([b["value"] for b in by_year])
    earliest = first_staying([b["low"] for b in by_year])
    latest = first_staying([b["high"] for b in by_year])
    if year is None:
        text = f"no payback within {horizon} year{'s' if horizon != 1 else ''}"
    elif year == years[0] and by_year[0]["value"] <= 0:
        text = "saves money from year 1"
    else:
        text = f"pays back in year {year}"
    return {"year": year, "earliest": earliest, "latest": latest, "horizon": horizon, "text": text,
            "n": int(len(cumulative)),
            "cumulative": [{"year": y, **b} for y, b in zip(years, by_year)]}


def probability_saves(totals: pd.DataFrame) -> dict[str, float]:
    """The share of replications in which each payer's cost falls (a probability only with
    parameter uncertainty; otherwise the share of chance outcomes)."""
    return {payer: float((totals[metric] < 0).mean()) for payer, metric in PAYER_COSTS.items()}


def acceptability(totals: pd.DataFrame, metric: str, values) -> pd.DataFrame:
    """The cost-effectiveness acceptability curve (Fenwick, Claxton & Sculpher 2001, Health
    Econ 10:779-787): for each value placed on one unit of gain (a fall in `metric`), the
    share of replications in which the option's net benefit, value x gain - net total cost,
    is positive."""
    cost = totals["cost_total"].to_numpy(dtype=float)
    gain = -totals[metric].to_numpy(dtype=float)
    values = np.asarray(values, dtype=float)
    benefit = values[:, None] * gain[None, :] - cost[None, :]
    return pd.DataFrame({"value": values, "probability": (benefit > 0).mean(axis=1)})


def value_grid(totals: pd.DataFrame, metric: str, points: int = 41) -> np.ndarray:
    """Values per unit of gain from 0 to a little over where the curve settles."""
    cost = totals["cost_total"].abs().mean()
    gain = totals[metric].abs().mean()
    top = 4 * cost / gain if gain > 0 and np.isfinite(cost / gain) and cost > 0 else 10_000.0
    top = float(10 ** np.ceil(np.log10(max(top, 1.0))))
    return np.linspace(0, top, points)


def decision(comparison) -> dict:
    """Every decision measure for a two-arm comparison (an option against the base), with
    plain keys: net_cost_nhs, net_cost_council, net_cost_self_funders, net_cost_total,
    cost_per_admission_avoided, cost_per_bed_day_saved, cost_per_duplicate_visit_avoided,
    payback_year (with payback), and, with parameter uncertainty, probability_saves and the
    acceptability curves."""
    uncertain = with_parameter_uncertainty(comparison)
    totals = paired_totals(comparison)
    out: dict = {"interval": f"95% {'uncertainty' if uncertain else 'confidence'} interval, {interval_kind(comparison)}"}
    for payer, metric in PAYER_COSTS.items():
        out[f"net_cost_{payer}"] = spread(totals[metric], uncertain)
    for key, (metric, unit) in GAINS.items():
        out[f"{metric}_change"] = spread(totals[metric], uncertain)
        out[f"cost_per_{key}"] = cost_per_gain(totals, metric, unit, uncertain)
    back = payback(comparison, uncertain)
    out["payback_year"] = back["year"]
    out["payback"] = back
    if uncertain:
        out["probability_saves"] = probability_saves(totals)
        out["acceptability"] = {
            key: acceptability(totals, metric, value_grid(totals, metric)).to_dict("records")
            for key, (metric, _) in GAINS.items() if key != "duplicate_visit_avoided"}
    return out
