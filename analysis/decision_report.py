"""The report's decision sections: the decision box on page one, which lever does the work
(Shapley waterfalls) and uncertainty about the world (probabilities and acceptability curves).

Why a file of their own: they read every option of a comparison at once, while the other
sections of analysis/report.py describe one option against the base; keeping them apart
keeps each simple. The figures come from experiments/decision.py, so the report and
`carepath compare --json` always agree.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis import plots
from analysis.labels import decimals, fmt, is_money, metric_name, title_case
from experiments.attribution import ATTRIBUTED_METRICS
from experiments.decision import (GAINS, PAYER_COSTS, acceptability, decision, interval_kind, paired_totals, value_grid,
                                 with_parameter_uncertainty)

PAYER_ROWS = {"nhs": "Net cost to the NHS", "council": "Net cost to the council",
              "self_funders": "Net cost to self-funders", "total": "Net cost to all payers"}
GAIN_ROWS = {"admission_avoided": "Cost per emergency admission avoided",
             "bed_day_saved": "Cost per bed day saved",
             "duplicate_visit_avoided": "Cost per duplicate visit avoided"}
WATERFALL_METRICS = ("cost_total", "emergency_admissions", "bed_days")
SAVES_COLUMNS = {"NHS saves": "cost_nhs", "Council saves": "cost_council", "Self-funders save": "cost_self_funded",
                 "All payers save": "cost_total"}


def option_views(comparison) -> list[tuple[str, object]]:
    """(option label, the option against the base as a two-arm comparison), for every option."""
    if hasattr(comparison, "versus"):
        return [(option, comparison.versus(option)) for option in comparison.options]
    return [("B", comparison)]


def option_name(view) -> str:
    return plots.scenario_names(view)["B"]


def _money(value) -> str:
    return fmt(value, "cost_total") if value is not None else "n/a"


def _with_interval(measure: dict, metric: str) -> str:
    places = None if is_money(metric) else decimals([measure["value"], measure["low"], measure["high"]])
    value = fmt(measure["value"], metric, places)
    if measure.get("n", 2) < 2:
        return f"{value} (one replication: no interval)"
    return f"{value} ({fmt(measure['low'], metric, places)} to {fmt(measure['high'], metric, places)})"


def _ratio_cell(measure: dict) -> str:
    if not measure["meaningful"] and measure["gain"]["n"] < 2:
        return "not given: one replication has no interval"
    if not measure["meaningful"]:
        return "not meaningful: the change it divides by may be zero (its interval includes zero)"
    text = f"{_money(measure['value'])} ({_money(measure['low'])} to {_money(measure['high'])})"
    return f"{text}; {measure['note']}" if measure["note"] else text


def payback_cell(back: dict) -> str:
    """The payback text with its interval in words."""
    horizon = back["horizon"]
    if back.get("n", 2) < 2:
        return f"{back['text'].capitalize()} (one replication: no interval)"
    if back["latest"] is not None:
        span = f"surely by year {back['latest']}"
    else:
        span = f"not surely within {horizon} year{'s' if horizon != 1 else ''}"
    if back["earliest"] is None:
        span = f"no payback within {horizon} year{'s' if horizon != 1 else ''} even at the interval's best"
    elif back["earliest"] != back["latest"]:
        span = f"the interval allows payback from year {back['earliest']}; {span}"
    return f"{back['text'].capitalize()} ({span})"


def decision_table(views) -> pd.DataFrame:
    """The decision box as a table: a row per measure, a column per option."""
    rows: dict[str, dict[str, str]] = {}
    for _, view in views:
        d = decision(view)
        column = option_name(view)
        for payer, label in PAYER_ROWS.items():
            rows.setdefault(label, {})[column] = _with_interval(d[f"net_cost_{payer}"], PAYER_COSTS[payer])
        for key, (metric, _) in GAINS.items():
            rows.setdefault(f"Change in {metric_name(metric)}", {})[column] = _with_interval(d[f"{metric}_change"], metric)
        for key, label in GAIN_ROWS.items():
            rows.setdefault(label, {})[column] = _ratio_cell(d[f"cost_per_{key}"])
        rows.setdefault("Payback (break-even) year", {})[column] = payback_cell(d["payback"])
    return pd.DataFrame([{"Measure": label, **cells} for label, cells in rows.items()])


def case_management_note(comparison) -> str:
    """What case management ('coordination' costs) does to admissions in this comparison, truthfully."""
    meta = comparison.meta or {}
    values = meta.get("values") or {}
    path = "arrangement.case_management.admission_rr"
    drawn = ((meta.get("uncertainty") or {}).get("drawn") or {}).get(path)
    set_to = {arm: v.get(path) for arm, v in values.items() if v.get(path) not in (None, 1.0, 1)}
    text = ("Case management (the \u201ccoordination\u201d cost line) has no effect on emergency admissions in "
            "this model by design: a coordinated person's crisis rate is multiplied by a relative risk of 1.00 by "
            "default, because the evidence finds no significant effect on admissions, costs or mortality (Stokes "
            "et al., PLoS ONE 2015, 36 studies; docs/ODD.md, section 7.14). Its value is in people's experience "
            "of care, which the model does not measure, so by default its cost buys no saving here.")
    if drawn:
        text += (f" With parameter uncertainty on, that relative risk is drawn per replication from {_range(drawn)}, "
                 "so case management may then raise or lower admissions a little.")
    elif set_to:
        text += (" In this comparison the relative risk is set to "
                 + ", ".join(f"{v:g} in arm {a}" for a, v in set_to.items())
                 + ", so there case management does change admissions.")
    return text


def decision_section(comparison, table_html, esc) -> str:
    """Page one: the decision box for every option, how to read it, and the case management note."""
    views = option_views(comparison)
    kind = interval_kind(comparison)
    uncertain = with_parameter_uncertainty(comparison)
    table = decision_table(views)
    base = plots.scenario_names(views[0][1])["A"]
    spread = ("the 2.5th to 97.5th percentiles of the replications' values, each replication a draw of the "
              "uncertain parameters" if uncertain else
              "95% confidence intervals of the mean over replications, paired by replication")
    return f"""
<h2 id="decision">The decision</h2>
<div class="decision-box">
<p>Each option against <strong>{esc(base)}</strong> over the whole run, for the whole area. A net cost above
zero means the payer spends more under the option; below zero, it saves. In brackets: 95% interval
(<strong>{esc(kind)}</strong>): {esc(spread)}.</p>
{table_html(table)}
<p class="note"><strong>How to read it.</strong> A cost per admission avoided, bed day saved or duplicate visit
avoided is the net cost to all payers divided by how many fewer there were. When the interval of that
change includes zero, the option may not change it at all, and the ratio is then not meaningful (it could be
any size, of either sign): the box says so instead of printing a huge number. The payback year is the first
year from which the cumulative change in total cost stays at or below zero; its interval says from which
year it could have paid back (lower bound) and by which year it surely has (upper bound).</p>
<p class="note">{esc(case_management_note(comparison))}</p>
</div>"""


def attribution_section(comparison, figure_html, esc) -> str:
    """Which lever does the work: a waterfall per option and metric, or how to ask for one."""
    views = option_views(comparison)
    frame = getattr(comparison, "attribution", pd.DataFrame())
    if frame is None or frame.empty:
        return """
<h2 id="levers">Which lever does the work</h2>
<p>Not computed for this comparison: run <code>carepath compare ... --attribution</code> to split each option's
effect among its levers (it costs extra runs: up to 2<sup>k</sup> − 2 per replication for an option with k
levers).</p>"""
    method = (comparison.meta or {}).get("attribution") or {}
    parts = []
    for option, view in views:
        rows = frame[frame["option"] == option]
        if rows.empty:
            continue
        how = method.get(option) or {}
        name = option_name(view)
        parts.append(f"<h3>{esc(title_case(name))}</h3><p>Levers: {esc(', '.join(how.get('levers', [])))}. "
                     f"Shapley values {esc(how.get('method', ''))}, over {esc(how.get('replications', '?'))} "
                     f"replications; error bars: 95% confidence intervals over those replications "
                     f"({esc(interval_kind(comparison))}).</p>")
        base = plots.scenario_names(view)["A"]
        for metric in WATERFALL_METRICS:
            fig = plots.waterfall(rows, metric, name, base)
            title = f"{title_case(metric_name(metric))} by lever: {name}"
            parts.append(figure_html(fig, title, f"Each bar is one lever's share of the change in "
                                     f"{metric_name(metric)}; the last bar is the whole effect (their sum)."))
    listed = ", ".join(metric_name(m) for m in ATTRIBUTED_METRICS)
    return f"""
<h2 id="levers">Which lever does the work</h2>
<p>Each option's effect is split among its levers (the groups of settings in which it differs from the base)
by Shapley values: every lever is switched on from the base in every possible order, and its share is its
average added effect. The shares add up to the option's whole effect over the same replications. Computed
for {esc(listed)}; the waterfalls show three of them.</p>
{''.join(parts)}"""


def uncertainty_section(comparison, table_html, figure_html, esc) -> str:
    """Probabilities of saving each payer money and acceptability curves, with parameter uncertainty."""
    meta = comparison.meta or {}
    described = meta.get("uncertainty")
    if not described:
        return """
<h2 id="uncertainty">Uncertainty about the world</h2>
<p class="note">Every interval in this report is <strong>Monte Carlo only</strong>: it measures chance, with lever
strengths, costs, siloed frictions and effect sizes fixed at their defaults, although those are the largest
unknowns. Run <code>carepath compare ... --uncertainty</code> (with 30 or more replications) to draw them from
their ranges in each replication, for intervals that include them, the probability each option saves each payer
money, and acceptability curves.</p>"""
    views = option_views(comparison)
    totals = {option_name(view): paired_totals(view) for _, view in views}
    rows = [{"Option": name, **{column: f"{(t[metric] < 0).mean():.0%}" for column, metric in SAVES_COLUMNS.items()}}
            for name, t in totals.items()]
    curves = {}
    for key in (k for k in GAINS if k != "duplicate_visit_avoided"):
        metric = GAINS[key][0]
        # one value axis for every option, wide enough for the widest of their own ranges
        grid = max((value_grid(t, metric) for t in totals.values()), key=lambda g: g[-1])
        curves[key] = {name: acceptability(t, metric, grid) for name, t in totals.items()}
    n = int(comparison.runs["replication"].nunique())
    figures = "".join(
        figure_html(plots.acceptability_curves(curves[key], GAINS[key][1]),
                    f"Acceptability curve: value per {GAINS[key][1]}",
                    f"For each value a board places on one {GAINS[key][1]}, the share of the {n} replications "
                    f"(each a draw of the uncertain parameters) in which that value of the "
                    f"{metric_name(GAINS[key][0])} avoided is more than the option's net cost to all payers.")
        for key in curves)
    drawn = described.get("drawn") or {}
    listed = "".join(f"<li><code>{esc(p)}</code>: {esc(_range(r))}</li>" for p, r in drawn.items())
    kept = described.get("kept") or []
    kept_html = (f"<p>Kept at each arm's own value, because the arms set them differently (they are part of what "
                 f"the options are): {esc(', '.join(kept))}.</p>" if kept else "")
    return f"""
<h2 id="uncertainty">Uncertainty about the world</h2>
<p>In this comparison each of the {n} replications drew every uncertain parameter from its range in the
parameter registry ({esc(described.get('distribution', ''))}), the same draw for every arm, so every interval
in this report is <strong>Monte Carlo + parameter uncertainty</strong>. The probabilities below are the share of
replications in which the option costs the payer less than the base; with few replications they are rough
(each replication moves them by {1 / max(n, 1):.0%}).</p>
<h3>Probability that each option saves each payer money</h3>
{table_html(pd.DataFrame(rows), numeric=[c for c in rows[0] if c != 'Option'])}
<h3>Cost-effectiveness acceptability curves</h3>
<p>How to read them (Fenwick, Claxton &amp; Sculpher 2001): pick the value the board places on one bed day saved
(or one emergency admission avoided) on the horizontal axis; the curve's height is the probability that the
option is worth its net cost at that value. Where a curve stays low whatever the value, the option does not
reliably save bed days (or admissions) at all.</p>
{figures}
<details><summary>Parameters drawn ({len(drawn)})</summary><ul>{listed}</ul></details>
{kept_html}
<p>The draws depend only on each replication's seed, so the same command with <code>--uncertainty</code> and the
same seeds draws them again.</p>"""


def _range(bounds) -> str:
    low, high = bounds
    return f"{low:g} to {high:g}" if all(isinstance(b, (int, float)) and math.isfinite(b) for b in bounds) else str(bounds)
