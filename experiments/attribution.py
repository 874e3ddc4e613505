"""Which lever does the work: each option's effect split among its levers by Shapley values.

Why Shapley values: levers interact (discharge to assess needs the reablement places joint
assessment brings; a shared record matters less once one team assesses), so "switch one
lever off" and "switch one lever on" give different answers and neither adds up to the
whole effect. The Shapley value (Shapley 1953, "A value for n-person games"; as a
decomposition of a change, Shorrocks 2013, J Econ Inequality 11:99-126) averages a lever's
marginal effect over every order in which the levers could be switched on from the base,
and the levers' values add up exactly to the option's whole effect.

An option's levers are the groups of settings that differ from the base: each lever of the
registry `model.levers.LEVERS` (its `arrangement.<lever>.*` settings), the pooled budget
(`arrangement.pooled_budget.*`), and any other differing setting together as "other
settings". With up to EXACT_LIMIT levers every order is used (exact); beyond, a fixed number
of orders is sampled reproducibly from the seed (an unbiased estimate; Castro, Gomez &
Tejada 2009). Each coalition of levers is run on the same seeds as the comparison (common
random numbers), so values are paired by replication and carry t intervals over them.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from analysis.intervals import t_interval
from experiments.worker import ArmSpec
from model.levers import LEVERS

EXACT_LIMIT = 5
OTHER = "other settings"
LABEL_PATHS = ("arrangement.name",)  # names, not behaviour: never a lever
ATTRIBUTED_METRICS = ("cost_total", "cost_nhs", "cost_council", "cost_self_funded", "emergency_admissions",
                      "bed_days", "delayed_bed_days", "duplicate_visits")
LEVER_GROUPS = (*LEVERS, "pooled_budget")


def lever_of(path: str) -> str:
    """The lever a setting belongs to, or OTHER."""
    parts = path.split(".")
    if len(parts) >= 3 and parts[0] == "arrangement" and parts[1] in LEVER_GROUPS:
        return parts[1]
    return OTHER


def option_levers(base: dict, option: dict) -> dict[str, list[str]]:
    """The option's levers: lever -> the setting paths where the option differs from the base."""
    groups: dict[str, list[str]] = {}
    for path in sorted(set(base) | set(option)):
        if path in LABEL_PATHS or base.get(path) == option.get(path):
            continue
        groups.setdefault(lever_of(path), []).append(path)
    order = [*LEVER_GROUPS, OTHER]
    return {lever: groups[lever] for lever in order if lever in groups}


def orders(levers: list[str], max_orders: int, seed: int) -> tuple[list[tuple[str, ...]], str]:
    """Every order of the levers (exact), or `max_orders` sampled ones when there are too many."""
    if len(levers) <= EXACT_LIMIT or math.factorial(len(levers)) <= max_orders:
        return list(itertools.permutations(levers)), "exact (every order)"
    rng = np.random.default_rng(np.random.SeedSequence(entropy=int(seed), spawn_key=(len(levers),)))
    return ([tuple(levers[i] for i in rng.permutation(len(levers))) for _ in range(max_orders)],
            f"estimated from {max_orders} orders sampled from the seed")


def attribute(runner, scenarios: dict, replications: int, max_orders: int, seed0: int) -> pd.DataFrame:
    """Shapley values of every option's levers over replications 1..`replications`.

    Runs each needed coalition (the base with some of the option's levers) on the runner, so
    on the comparison's seeds and parameter draws. Returns rows: option, lever, metric,
    value (mean over replications), low, high, n, settings; `.attrs['method']` says how.
    """
    base_values = runner.specs["A"].values
    reps = range(1, replications + 1)
    rows, methods = [], {}
    for option in [arm for arm in scenarios if arm != "A"]:
        option_values = runner.specs[option].values
        levers = option_levers(base_values, option_values)
        names = list(levers)
        if not names:
            continue
        sequence, method = orders(names, max_orders, seed0)
        methods[option] = {"levers": names, "method": method, "orders": len(sequence), "replications": replications}
        coalitions = {frozenset(order[:i]) for order in sequence for i in range(len(names) + 1)}
        labels = {}
        for coalition in coalitions:
            labels[coalition] = _coalition_arm(runner, option, coalition, levers, names, base_values, option_values)
        runner.run(reps, arms=sorted(set(labels.values()) - {"A", option}))
        totals = {c: _totals(runner, label, replications) for c, label in labels.items()}
        for lever in names:
            marginal = sum(totals[frozenset(o[:o.index(lever) + 1])] - totals[frozenset(o[:o.index(lever)])]
                           for o in sequence) / len(sequence)
            for metric in ATTRIBUTED_METRICS:
                ci = t_interval(marginal[metric].to_numpy())
                rows.append({"option": option, "lever": lever, "metric": metric, "value": ci["mean"],
                             "low": ci["low"], "high": ci["high"], "n": ci["n"], "settings": ", ".join(levers[lever])})
    table = pd.DataFrame(rows, columns=["option", "lever", "metric", "value", "low", "high", "n", "settings"])
    table.attrs["method"] = methods
    return table


def _coalition_arm(runner, option: str, coalition: frozenset, levers: dict, names: list[str],
                   base_values: dict, option_values: dict) -> str:
    """The runner's arm for the base with this coalition's levers set as in the option."""
    if not coalition:
        return "A"
    if len(coalition) == len(names):
        return option
    label = option + ":" + "+".join(n for n in names if n in coalition)
    if label not in runner.specs:
        values = dict(base_values)
        for lever in coalition:
            values.update({path: option_values[path] for path in levers[lever] if path in option_values})
        name = f"{runner.specs['A'].name} + " + ", ".join(n for n in names if n in coalition)
        runner.specs[label] = ArmSpec(label, name, runner.specs["A"].origin, values)
    return label


def _totals(runner, arm: str, replications: int) -> pd.DataFrame:
    """Whole-run totals of the attributed metrics, one row per replication."""
    runs = runner.runs(upto=replications, arms={arm})
    return runs.groupby("replication")[list(ATTRIBUTED_METRICS)].sum().sort_index()
