"""The comparison in plain language: one sentence per headline metric, then who pays.

Why words: a planner reads "over 5 years, integration changed emergency admissions by −40
(95% CI −95 to 15): not distinguishable from no change" faster and more safely than a
table. Every sentence carries its interval, and an interval that spans zero is said to
show no distinguishable change, however large the mean difference looks.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.intervals import spans_zero
from analysis.labels import (HEADLINE, PAYER_NAMES, PAYERS, category_name, decimals, fmt, fmt_signed, is_money,
                             metric_name, title_case, years_text)

NO_CHANGE = "not distinguishable from no change"
ZERO = "no change"  # the difference was exactly zero in every replication


@dataclass(frozen=True)
class Difference:
    """One metric's paired difference (B − A) over a period, as the summary table gives it."""

    metric: str
    period: str
    mean_a: float
    mean_b: float
    diff: float
    low: float
    high: float
    n: int

    @property
    def clear(self) -> bool:
        """True when the 95% interval excludes zero."""
        return not spans_zero(self.low, self.high)

    @property
    def percent(self) -> float | None:
        return 100 * self.diff / self.mean_a if self.mean_a else None

    @property
    def places(self) -> int:
        return 0 if is_money(self.metric) else decimals([self.diff, self.low, self.high])

    def numbers(self) -> tuple[str, str, str]:
        """The difference (signed) and its interval bounds, printed to the same precision."""
        return (fmt_signed(self.diff, self.metric, self.places), fmt(self.low, self.metric, self.places),
                fmt(self.high, self.metric, self.places))

    @property
    def none_in_either(self) -> bool:
        return self.mean_a == 0 and self.mean_b == 0

    @property
    def zero(self) -> bool:
        """No difference at all: the paired difference was zero in every replication."""
        return self.diff == 0 and self.low == 0 and self.high == 0

    def interval_text(self) -> str:
        diff, low, high = self.numbers()
        if self.zero:
            return ZERO
        if self.n < 2:
            return f"{diff} (one replication: no interval)"
        return f"{diff} (95% CI {low} to {high})"

    def direction(self) -> str:
        """'fewer', 'more', 'lower', 'higher' or the no-change phrase."""
        if not self.clear:
            return NO_CHANGE
        if is_money(self.metric):
            return "higher" if self.diff > 0 else "lower"
        return "more" if self.diff > 0 else "fewer"


def difference(comparison, metric: str, period: str = "total") -> Difference | None:
    """The summary row for a metric and period ('total' or a year), or None if absent."""
    table = comparison.summary
    rows = table[(table["metric"] == metric) & (table["period"].astype(str) == str(period))]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return Difference(metric, str(period), float(r["mean_a"]), float(r["mean_b"]), float(r["diff"]),
                      float(r["ci_low"]), float(r["ci_high"]), int(r["n"]))


def headline_differences(comparison, metrics=HEADLINE) -> list[Difference]:
    return [d for d in (difference(comparison, m) for m in metrics) if d is not None]


def arm_scenarios(comparison) -> tuple[str, str]:
    """The two arms' plain labels (or names, for a comparison that recorded none)."""
    from analysis.plots import scenario_names

    names = scenario_names(comparison)
    return names["A"], names["B"]


def metric_sentence(d: Difference, a: str, b: str, years: int) -> str:
    """'Over 5 years, integrated changed emergency admissions by … compared with siloed: …'."""
    what = metric_name(d.metric)
    if d.none_in_either:
        return f"Over {years_text(years)} there were no {what} in either {a} or {b}."
    if d.zero:
        return f"Over {years_text(years)}, {what} did not change under {b} compared with {a} (the same in every replication)."
    text = f"Over {years_text(years)}, {b} changed {what} by {d.interval_text()} compared with {a}"
    if d.n < 2:
        return f"{text}; with one replication there is no measure of uncertainty."
    if not d.clear:
        return f"{text}: {NO_CHANGE} with {d.n} replications."
    base = fmt(d.mean_a, d.metric)
    share = f" ({abs(d.percent):.1f}% {'up on' if d.diff > 0 else 'down on'} {a}'s {base})" if d.percent else ""
    return f"{text}{share}: {d.direction()} {what} under {b}."


def budget_sentences(comparison, years: int) -> list[str]:
    """Which budget pays and which saves, with intervals, and the categories that move most."""
    a, b = arm_scenarios(comparison)
    pays, saves, unclear, same = [], [], [], []
    for payer in PAYERS:
        d = difference(comparison, f"cost_{payer}")
        if d is None:
            continue
        who = payer_words(payer)
        _, low, high = d.numbers()
        if d.zero:
            same.append(who)
        elif d.n < 2 or not d.clear:
            unclear.append(f"to {who}, {d.interval_text()}")
        elif d.diff > 0:
            pays.append(f"{who} pays {fmt(d.diff, d.metric)} more (95% CI {low} to {high})")
        else:
            saves.append(f"{who} saves {fmt(-d.diff, d.metric)} (95% CI of the change {low} to {high})")
    lines = []
    if pays or saves:
        lines.append(f"Who pays and who saves over {years_text(years)} under {b} rather than {a}: "
                     + "; ".join(pays + saves) + ".")
    if same:
        lines.append(f"The cost to {_join(same)} did not change.")
    if unclear:
        verb = "is" if len(unclear) == 1 else "are each"
        lines.append(f"The changes in cost {_join(unclear)} {verb} {NO_CHANGE}.")
    movers = category_movers(comparison)
    if movers:
        parts = [f"{category_name(c)} paid by {payer_words(p)} ({fmt_signed(v, 'cost_')})" for c, p, v in movers]
        lines.append(f"The largest changes in mean cost by category were {_join(parts)}.")
    return lines


def payer_words(payer: str) -> str:
    return "self-funders" if payer == "self_funded" else f"the {PAYER_NAMES[payer]}"


def category_movers(comparison, top: int = 3) -> list[tuple[str, str, float]]:
    """The categories x payers whose mean whole-run cost changed most: (category, payer, change)."""
    from analysis.plots import cost_table

    table = cost_table(comparison).pivot_table(index=["category", "payer"], columns="arm", values="cost")
    change = (table["B"] - table["A"])
    change = change[change.abs() > 0.5]
    order = change.abs().sort_values(ascending=False).index[:top]
    return [(c, p, float(change[(c, p)])) for c, p in order]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def first_year_sentence(comparison) -> str | None:
    """Emergency admissions in year 1 alone: the evidence says integration rarely moves them so soon."""
    d = difference(comparison, "emergency_admissions", "1")
    years = int(comparison.runs["year"].nunique())
    if d is None or years < 2 or d.n < 2:
        return None
    verdict = NO_CHANGE if not d.clear else f"{d.direction()} admissions"
    return f"In year 1 alone, emergency admissions changed by {d.interval_text()}: {verdict}."


def bed_pressure_sentence(comparison, a: str, b: str, years: int) -> str | None:
    """People A&E sent home because the beds were full: why bed days saved by shorter
    delays need not all show up as fewer bed days (freed beds are refilled)."""
    d = difference(comparison, "sent_home_no_bed")
    if d is None or d.none_in_either:
        return None
    sentence = metric_sentence(d, a, b, years)
    if d.clear and d.diff < 0:
        sentence += " Beds freed under " + b + " are partly refilled by admissions a full hospital would have refused."
    return sentence


def summary_sentences(comparison) -> list[str]:
    """The plain-language summary, headline metric by headline metric, then beds, then the budgets."""
    a, b = arm_scenarios(comparison)
    years = int(comparison.runs["year"].nunique())
    lines = [metric_sentence(d, a, b, years) for d in headline_differences(comparison)]
    extra = first_year_sentence(comparison)
    if extra:
        lines.insert(1, extra)
    beds = bed_pressure_sentence(comparison, a, b, years)
    return lines + ([beds] if beds else []) + budget_sentences(comparison, years)


def interval_label(comparison) -> str:
    """The interval columns' heading, naming which kind of interval it is."""
    from experiments.decision import interval_kind

    return f"95% CI ({interval_kind(comparison)})"


def headline_table(comparison, metrics=HEADLINE, patients: int | None = None, ci_label: str = "95% CI") -> pd.DataFrame:
    """The headline numbers as printed: means, difference, interval, per 1,000 people, verdict."""
    rows = []
    for d in headline_differences(comparison, metrics):
        diff = difference_cell(d)
        row = {"Metric": title_case(metric_name(d.metric)), "A (mean)": fmt(d.mean_a, d.metric), "B (mean)": fmt(d.mean_b, d.metric),
               "Difference B − A": diff, ci_label: interval_cell(d),
               "Change": f"{d.percent:+.1f}%".replace("-", "−") if d.percent is not None and not d.zero else "—",
               "Verdict": verdict(d)}
        if patients:
            row["Difference per 1,000 people at start"] = fmt_signed(d.diff * 1000 / patients, d.metric)
        rows.append(row)
    return pd.DataFrame(rows)


def difference_cell(d: Difference) -> str:
    """The difference as a table prints it: signed, or 'no change' when it is exactly zero."""
    return ZERO if d.zero else d.numbers()[0]


def interval_cell(d: Difference) -> str:
    """The 95% interval as a table prints it: '−5 to 12', '—' with no change, 'n/a' with one replication."""
    if d.zero:
        return "—"
    if d.n < 2:
        return "n/a"
    _, low, high = d.numbers()
    return f"{low} to {high}"


def verdict(d: Difference) -> str:
    if d.none_in_either:
        return "none in either arm"
    if d.zero:
        return ZERO
    return d.direction() if d.n > 1 else "one replication: no interval"
