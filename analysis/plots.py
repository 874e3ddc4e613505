"""Plots of a comparison, each a function that returns a matplotlib Figure.

From a notebook:

    from analysis import plots
    from analysis.load import load_comparison
    comparison = load_comparison("out/compare")
    plots.time_series(comparison, "emergency_admissions")
    plots.cost_by_payer(comparison)

Every function takes a comparison (anything with `.runs` and `.meta`: the result of
experiments.compare.compare, or analysis.load.load_comparison), and optionally an `ax` or a
`fig` to draw into. Figures are built without pyplot, so no backend or global state is
involved; a notebook shows them when they are the cell's value. Bands and error bars are
95% t intervals over replications; differences are paired by replication (B − A).
"""
from __future__ import annotations

import functools

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.intervals import arm_bands, arm_totals, cumulative_difference, spans_zero, t_interval
from analysis.labels import (CATEGORIES, PAYER_NAMES, PAYERS, axis_label, category_name, is_money,
                             metric_name, title_case, unit, years_text)
from model.outputs import averaged

ARM_COLOURS = {"A": "#D55E00", "B": "#0072B2"}  # colour-blind-safe (Okabe-Ito) vermilion and blue
DIFF_COLOUR = "#333333"
PAYER_COLOURS = {"nhs": "#005EB8", "council": "#E69F00", "self_funded": "#999999"}  # NHS blue
CHANGE_COLOURS = {"up": "#C0392B", "down": "#1E8449", "unclear": "#AAAAAA"}
# One colour per cost category, from a 20-colour palette so a new category always has one.
CATEGORY_COLOURS = dict(zip(CATEGORIES, [
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896",
    "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7",
    "#bcbd22", "#dbdb8d", "#17becf", "#9edae5"]))
assert len(CATEGORY_COLOURS) == len(CATEGORIES), "add colours for the new cost categories"
BAND_ALPHA = 0.2


def literal_text(draw):
    """Draw with matplotlib's mathtext off, so names are shown as written.

    Why: a scenario name such as "cost $5m$ plan" would otherwise be parsed as TeX, and an
    unbalanced `$` makes matplotlib fail when the figure is drawn, after every run finished.
    """
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return drawn


def scenario_names(comparison) -> dict[str, str]:
    """{'A': label, 'B': label}: the scenarios' plain labels ("Fully integrated") where the
    comparison recorded them, else their names from the runs table."""
    names = comparison.runs.groupby("arm")["scenario"].first().to_dict()
    labels = (comparison.meta or {}).get("labels") or {}
    return {arm: str(labels.get(arm) or names.get(arm, arm)) for arm in ("A", "B")}


def arm_names(comparison) -> dict[str, str]:
    """{'A': 'A: siloed', 'B': 'B: integrated'}, for legends."""
    return {arm: f"{arm}: {name}" for arm, name in scenario_names(comparison).items()}


def replications(comparison) -> int:
    return int(comparison.runs["replication"].nunique())


def _minus(text: str) -> str:
    return text.replace("-", "\u2212")


def short_money(value: float) -> str:
    """Pounds in a few characters: £1.23m, £350k, −£40."""
    size = abs(value)
    if size >= 1e6:
        text = f"£{size / 1e6:,.2f}m"
    else:
        text = f"£{size / 1e3:,.0f}k" if size >= 1e3 else f"£{size:,.0f}"
    return f"−{text}" if value < 0 and text not in {"£0", "£0k"} else text


def money_axis(axis) -> None:
    """Show pounds as £1.2m / £350k on an axis, with a true minus sign."""
    def label(value, _pos):
        size = abs(value)
        sign = "−" if value < 0 else ""
        if size >= 1e6:
            return f"{sign}£{size / 1e6:,.1f}m"
        if size >= 1e3:
            return f"{sign}£{size / 1e3:,.0f}k"
        return f"{sign}£{size:,.0f}"
    axis.set_major_formatter(FuncFormatter(label))
    axis.set_major_locator(MaxNLocator(nbins=6))


def _count_axis(ax, which: str = "y") -> None:
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _p: _minus(f"{v:,.0f}" if abs(v) >= 10 else f"{v:g}")))
    ax.grid(True, axis=which, alpha=0.3)


def _value_axis(ax, metric: str) -> None:
    if is_money(metric):
        money_axis(ax.yaxis)
        ax.grid(True, axis="y", alpha=0.3)
    else:
        _count_axis(ax)


def _new_axes(ax, size=(6.4, 4.0)):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _year_axis(ax) -> None:
    ax.set_xlabel("Simulated year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _band_note(comparison) -> str:
    return f"shaded bands: 95% confidence intervals over {replications(comparison)} replications"


def _grid(comparison, metrics, draw, title: str, columns: int = 2) -> Figure:
    """One panel per metric, drawn by draw(comparison, metric, ax=...), under one title."""
    rows = int(np.ceil(len(metrics) / columns))
    fig = Figure(figsize=(5.2 * columns, 3.3 * rows + 0.5), dpi=100, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics):
        draw(comparison, metric, ax=ax)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}\n({_band_note(comparison)})", fontsize=11)
    return fig


@literal_text
def time_series(comparison, metric: str, ax=None, by_period: bool = False) -> Figure:
    """Both arms' yearly means of a metric, each with its 95% band; with `by_period`, a line over
    the weeks or months of a comparison made with resolution week or month (runs_by_period)."""
    fig, ax = _new_axes(ax)
    names = arm_names(comparison)
    resolution = comparison.meta.get("resolution", "year") if by_period else "year"
    if by_period and getattr(comparison, "runs_by_period", None) is None:
        raise ValueError("by_period: this comparison has no runs by week or month; make it with "
                         "resolution='week' or 'month' (carepath compare --resolution)")
    runs, x = (comparison.runs_by_period, "period") if by_period else (comparison.runs, "year")
    bands = arm_bands(runs, metric, by=x)
    marker = "o" if bands[x].nunique() <= 30 else None
    for arm, group in bands.groupby("arm"):
        colour = ARM_COLOURS.get(arm, "black")
        ax.plot(group[x], group["mean"], marker=marker, color=colour, label=names.get(arm, arm))
        ax.fill_between(group[x], group["low"], group["high"], color=colour, alpha=BAND_ALPHA, linewidth=0)
    ax.set_title(title_case(metric_name(metric, short=True)))
    ax.set_ylabel(axis_label(metric, "" if averaged(metric) else f"per {resolution}"))  # a level is no rate
    _value_axis(ax, metric)
    if bands["low"].min() >= 0:
        ax.set_ylim(bottom=0)
    if bands["high"].max() == 0:
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, "none in either arm", transform=ax.transAxes, ha="center", color="#555555")
    _year_axis(ax)
    if resolution != "year":
        ax.set_xlabel(f"{resolution.capitalize()} of the run")
    ax.legend(loc="best", fontsize=8)
    return fig


@literal_text
def time_series_grid(comparison, metrics, columns: int = 2, by_period: bool = False) -> Figure:
    """time_series for several metrics, one panel each (by_period: over weeks or months)."""
    each = comparison.meta.get("resolution", "year") if by_period else "year"
    draw = functools.partial(time_series, by_period=by_period)
    return _grid(comparison, metrics, draw, f"Each {each}, both arms: mean over replications", columns)


@literal_text
def cumulative_difference_plot(comparison, metric: str, ax=None) -> Figure:
    """The running total of (B − A) from year 1, with its 95% band and a line at no change."""
    fig, ax = _new_axes(ax)
    names = scenario_names(comparison)
    diff = cumulative_difference(comparison.runs, metric)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.plot(diff["year"], diff["mean"], marker="o", color=DIFF_COLOUR, label="mean difference")
    ax.fill_between(diff["year"], diff["low"], diff["high"], color=DIFF_COLOUR, alpha=BAND_ALPHA,
                    linewidth=0, label="95% interval")
    ax.set_title(title_case(metric_name(metric, short=True)))
    what = "£" if is_money(metric) else unit(metric)
    ax.set_ylabel(f"{names['B']} − {names['A']}\n(running total, {what})")
    _value_axis(ax, metric)
    _year_axis(ax)
    ax.legend(loc="best", fontsize=8)
    return fig


@literal_text
def cumulative_difference_grid(comparison, metrics, columns: int = 2) -> Figure:
    """cumulative_difference_plot for several metrics, one panel each."""
    names = scenario_names(comparison)
    title = f"Cumulative difference, {names['B']} minus {names['A']}, paired by replication (below zero: fewer)"
    return _grid(comparison, metrics, cumulative_difference_plot, title, columns)


def cost_table(comparison) -> pd.DataFrame:
    """Mean whole-run cost by arm, category and payer: columns arm, category, payer, cost."""
    runs = comparison.runs
    columns = [f"cost_{c}__{p}" for c in CATEGORIES for p in PAYERS if f"cost_{c}__{p}" in runs.columns]
    totals = arm_totals(runs, columns)
    long = totals.reset_index().melt(id_vars="arm", var_name="column", value_name="cost")
    parts = long["column"].str.removeprefix("cost_").str.split("__", expand=True)
    long["category"], long["payer"] = parts[0], parts[1]
    return long[["arm", "category", "payer", "cost"]]


@literal_text
def cost_by_payer(comparison) -> Figure:
    """Each payer's whole-run cost for both arms, stacked by category (mean over replications)."""
    table = cost_table(comparison)
    names = arm_names(comparison)
    years = int(comparison.runs["year"].nunique())
    fig = Figure(figsize=(10.5, 4.6), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(PAYERS), sharey=True)
    used = table.groupby("category")["cost"].apply(lambda s: s.abs().sum() > 0)
    categories = [c for c in CATEGORIES if used.get(c, False)]
    highest = 0.0
    for ax, payer in zip(axes, PAYERS):
        part = table[table["payer"] == payer].pivot(index="arm", columns="category", values="cost")
        up = np.zeros(len(part.index))
        down = np.zeros(len(part.index))
        for category in categories:
            values = part[category].to_numpy() if category in part else np.zeros(len(part.index))
            start = np.where(values >= 0, up, down)
            ax.bar(part.index, values, bottom=start, color=CATEGORY_COLOURS[category],
                   label=category_name(category), width=0.6, edgecolor="white", linewidth=0.5)
            up += np.clip(values, 0, None)
            down += np.clip(values, None, 0)
        for x, total in enumerate(up + down):
            ax.annotate(f"total {short_money(total)}", (x, up[x]), ha="center", va="bottom", fontsize=8,
                        xytext=(0, 2), textcoords="offset points")
        ax.set_xticks(range(len(part.index)), [names.get(a, a).replace(": ", ":\n") for a in part.index])
        ax.set_title(f"Paid by {PAYER_NAMES[payer]}")
        ax.grid(True, axis="y", alpha=0.3)
        money_axis(ax.yaxis)
        highest = max(highest, float(up.max(initial=0)))
    axes[0].set_ylim(top=highest * 1.12 or 1)  # room for the totals above the tallest bar
    axes[0].set_ylabel(f"Cost over {years_text(years)} (£, undiscounted)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="outside right center", fontsize=8, title="Category")
    fig.suptitle("Who pays: mean cost over the run by payer, stacked by category")
    return fig


def payer_changes(comparison) -> pd.DataFrame:
    """Whole-run paired difference (B − A) in cost for each payer and in total, with intervals."""
    runs = comparison.runs
    rows = []
    for payer in (*PAYERS, "total"):
        column = f"cost_{payer}"
        per_rep = runs.groupby(["replication", "arm"])[column].sum().unstack("arm")
        rows.append({"payer": payer, **t_interval(per_rep["B"] - per_rep["A"])})
    return pd.DataFrame(rows)


def _change_colour(low: float, high: float, mean: float) -> str:
    if spans_zero(low, high):
        return CHANGE_COLOURS["unclear"]
    return CHANGE_COLOURS["up"] if mean > 0 else CHANGE_COLOURS["down"]


@literal_text
def cost_difference(comparison) -> Figure:
    """Which budget pays and which saves: the change (B − A) by payer with 95% intervals,
    and the change by category, split by payer."""
    names = scenario_names(comparison)
    years = int(comparison.runs["year"].nunique())
    fig = Figure(figsize=(10.5, 5.0), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.5])
    changes = payer_changes(comparison)
    labels = [title_case(PAYER_NAMES[p]) if p != "total" else "All payers" for p in changes["payer"]]
    y = np.arange(len(changes))[::-1]
    colours = [_change_colour(r.low, r.high, r.mean) for r in changes.itertuples()]
    err = np.vstack([changes["mean"] - changes["low"], changes["high"] - changes["mean"]])
    left.barh(y, changes["mean"], color=colours, xerr=np.nan_to_num(err), capsize=4, height=0.6)
    left.axvline(0, color="black", linewidth=0.8)
    left.set_yticks(y, labels)
    left.set_xlabel(f"Change in cost over {years_text(years)} (£)")
    left.set_title("By payer, with 95% interval")
    money_axis(left.xaxis)
    left.xaxis.set_major_locator(MaxNLocator(nbins=4))
    left.grid(True, axis="x", alpha=0.3)
    left.legend(handles=[Patch(color=CHANGE_COLOURS["up"], label="pays more"),
                         Patch(color=CHANGE_COLOURS["down"], label="saves"),
                         Patch(color=CHANGE_COLOURS["unclear"], label="interval spans zero:\nno distinguishable change")],
                fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)

    table = cost_table(comparison).pivot_table(index=["category", "payer"], columns="arm", values="cost")
    delta = (table["B"] - table["A"]).unstack("payer").reindex(columns=list(PAYERS)).fillna(0)
    delta = delta.loc[[c for c in CATEGORIES if c in delta.index and delta.loc[c].abs().sum() > 0.5]]
    yc = np.arange(len(delta))[::-1]
    up = np.zeros(len(delta))
    down = np.zeros(len(delta))
    for payer in PAYERS:
        values = delta[payer].to_numpy()
        right.barh(yc, values, left=np.where(values >= 0, up, down), color=PAYER_COLOURS[payer], height=0.6,
                   label=PAYER_NAMES[payer])
        up += np.clip(values, 0, None)
        down += np.clip(values, None, 0)
    right.axvline(0, color="black", linewidth=0.8)
    right.set_yticks(yc, [category_name(c) for c in delta.index])
    right.set_xlabel(f"Change in mean cost over {years_text(years)} (£)")
    right.set_title("By category, coloured by who pays (means)")
    money_axis(right.xaxis)
    low, high = min(down.min(initial=0), 0), max(up.max(initial=0), 0)
    pad = 0.06 * (high - low or 1)
    right.set_xlim(low - pad, high + pad)
    right.grid(True, axis="x", alpha=0.3)
    right.legend(fontsize=8, loc="best", title="Payer", title_fontsize=8)
    fig.suptitle(f"Change in cost, {names['B']} minus {names['A']}: left of zero saves, right of zero costs more")
    return fig


@literal_text
def duplicate_visits(comparison) -> Figure:
    """Duplicate visits by type: whole-run totals with intervals, and each year's mean by arm."""
    types = [c for c in ("duplicate_ot_visits", "duplicate_needs_assessments") if c in comparison.runs]
    return _breakdown(comparison, types, "duplicate_visits", "Duplicate visits by type",
                      "Duplicate visits over {years}", "Duplicate visits per year")


@literal_text
def delayed_bed_days(comparison) -> Figure:
    """Delayed bed days by cause (waiting for the NHS or for social care), whole run and by year."""
    causes = [c for c in ("delayed_bed_days_nhs", "delayed_bed_days_social_care") if c in comparison.runs]
    return _breakdown(comparison, causes, "delayed_bed_days", "Delayed bed days by cause of delay",
                      "Delayed bed days over {years}", "Delayed bed days per year")


_SHORT = {"duplicate_ot_visits": "OT (functional) visits", "duplicate_needs_assessments": "needs assessments",
          "delayed_bed_days_nhs": "waiting for NHS", "delayed_bed_days_social_care": "waiting for social care"}


def _legend_below(ax, columns: int, fontsize: int) -> None:
    """A legend under the axes, outside the plotting area, so it never covers a bar or its label."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=columns, fontsize=fontsize, frameon=False)


def _breakdown(comparison, parts: list[str], total: str, title: str, total_label: str,
               year_label: str) -> Figure:
    """Two panels for the parts of a total: whole-run means with 95% intervals, then each
    year's mean for each arm stacked by part, with the total's 95% interval."""
    runs = comparison.runs
    names = arm_names(comparison)
    years = int(runs["year"].nunique())
    fig = Figure(figsize=(10.5, 5.2), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
    per_rep = runs.groupby(["arm", "replication"])[parts].sum()
    width = 0.38
    x = np.arange(len(parts))
    for i, arm in enumerate(("A", "B")):
        cis = [t_interval(per_rep.loc[arm][p]) for p in parts]
        means = np.array([c["mean"] for c in cis])
        err = np.nan_to_num(np.array([c["half_width"] for c in cis]))
        offset = (i - 0.5) * width
        left.bar(x + offset, means, width, yerr=err, capsize=4, color=ARM_COLOURS[arm], label=names[arm])
        for xi, m, e in zip(x + offset, means, err):
            left.annotate(f"{m:,.0f}", (xi, m + e), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                          textcoords="offset points")
    left.set_xticks(x, [_SHORT.get(p, metric_name(p)) for p in parts])
    left.set_ylabel(total_label.format(years=years_text(years)))
    left.set_title("Whole run, mean and 95% interval")
    _count_axis(left)
    left.set_ylim(top=left.get_ylim()[1] * 1.12)  # room for the value printed above each bar
    _legend_below(left, columns=2, fontsize=8)

    hatches = ["", "///", "..", "xx"]
    for i, arm in enumerate(("A", "B")):
        mine = runs[runs["arm"] == arm]
        means = mine.groupby("year")[parts].mean()
        xs = means.index.to_numpy() + (i - 0.5) * width
        bottom = np.zeros(len(xs))
        for part, hatch in zip(parts, hatches):
            right.bar(xs, means[part], width, bottom=bottom, color=ARM_COLOURS[arm], hatch=hatch,
                      edgecolor="white", alpha=0.9 if not hatch else 0.55,
                      label=f"{names[arm]}: {_SHORT.get(part, metric_name(part))}")
            bottom += means[part].to_numpy()
        band = arm_bands(mine, total)
        right.errorbar(xs, band["mean"], yerr=np.nan_to_num(band["half_width"]), fmt="none", ecolor="black",
                       capsize=3, linewidth=1)
    right.set_ylabel(year_label)
    right.set_title(f"By year: A left, B right; bars show the total's 95% interval")
    _year_axis(right)
    _count_axis(right)
    _legend_below(right, columns=2, fontsize=7)
    fig.suptitle(title)
    if runs[parts].to_numpy().sum() == 0:
        for ax in (left, right):
            ax.set_ylim(0, 1)
            ax.text(0.5, 0.5, "none in either arm", transform=ax.transAxes, ha="center", color="#555555")
    return fig


@literal_text
def waterfall(attribution: pd.DataFrame, metric: str, option_name: str, base_name: str, ax=None) -> Figure:
    """Which lever does the work: each lever's Shapley value for one metric, stacked from the
    base (zero) to the option's whole effect, with each lever's 95% interval.

    `attribution` is one option's rows of `Comparison.attribution` (lever, metric, value, low, high).
    """
    fig, ax = _new_axes(ax, size=(8.0, 4.2))
    rows = attribution[attribution["metric"] == metric].reset_index(drop=True)
    values = rows["value"].to_numpy(dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(values)[:-1]])
    total = float(values.sum())
    x = np.arange(len(rows) + 1)
    colours = [_change_colour(r.low, r.high, r.value) for r in rows.itertuples()]
    ax.bar(x[:-1], values, bottom=starts, color=colours, width=0.6, edgecolor="black", linewidth=0.5)
    err = np.vstack([values - rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float) - values])
    ax.errorbar(x[:-1], starts + values, yerr=np.nan_to_num(np.abs(err)), fmt="none", ecolor="black", capsize=4,
                linewidth=0.8)
    ax.bar(x[-1], total, color=DIFF_COLOUR, width=0.6)
    for i in range(len(values)):
        ax.plot([x[i] + 0.3, x[i + 1] - 0.3], [starts[i] + values[i]] * 2, color="#666666", linewidth=0.7)
    ax.axhline(0, color="black", linewidth=0.8)
    labels = [title_case(name.replace("_", " ")) for name in rows["lever"]] + ["Whole effect"]
    ax.set_xticks(x, labels, rotation=20, ha="right", fontsize=8)
    _value_axis(ax, metric)
    ax.set_ylabel(f"Change in {metric_name(metric, short=True)}" + (" (£)" if is_money(metric) else ""))
    ax.set_title(f"{title_case(metric_name(metric, short=True))}: {option_name} against {base_name}, by lever",
                 fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(handles=[Patch(color=CHANGE_COLOURS["up"], label="raises it"),
                       Patch(color=CHANGE_COLOURS["down"], label="lowers it"),
                       Patch(color=CHANGE_COLOURS["unclear"], label="interval spans zero"),
                       Patch(color=DIFF_COLOUR, label="whole effect (sum)")],
              fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


@literal_text
def acceptability_curves(curves: dict[str, pd.DataFrame], unit_words: str, ax=None) -> Figure:
    """Cost-effectiveness acceptability curves: for each option (label -> table of value,
    probability), the probability it is worth its cost against the value placed on one
    `unit_words` (Fenwick, Claxton & Sculpher 2001)."""
    fig, ax = _new_axes(ax, size=(7.0, 4.0))
    palette = ["#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00", "#000000"]
    for i, (label, curve) in enumerate(curves.items()):
        ax.plot(curve["value"], curve["probability"], color=palette[i % len(palette)], linewidth=1.8,
                marker="o", markersize=2.5, label=label)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("Probability the option is worth its cost")
    ax.set_xlabel(f"Value placed on one {unit_words} (£)")
    money_axis(ax.xaxis)
    ax.grid(True, alpha=0.3)
    ax.axhline(0.5, color="#999999", linewidth=0.7, linestyle="--")
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"Acceptability: value per {unit_words}", fontsize=10)
    return fig
