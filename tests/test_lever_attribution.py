"""Which lever does the work: an option's levers are the settings groups that differ from the
base, Shapley values average over every order, and the levers' values add up to the option's
whole effect on the same replications."""
from __future__ import annotations

import dataclasses
import itertools

import pytest

from experiments.attribution import OTHER, lever_of, option_levers, orders
from experiments.compare import compare
from model.scenario import load_scenario


def test_settings_group_into_levers_and_other_settings():
    assert lever_of("arrangement.shared_record.strength") == "shared_record"
    assert lever_of("arrangement.pooled_budget.share") == "pooled_budget"
    assert lever_of("area.context.austerity_cut") == OTHER
    assert lever_of("arrangement.condition_focus") == OTHER
    base = {"arrangement.name": "siloed", "arrangement.shared_record.strength": 0.0,
            "arrangement.rapid_response.strength": 0.0, "arrangement.rapid_response.start_year": 1,
            "area.context.austerity_cut": 0.0}
    option = {**base, "arrangement.name": "mine", "arrangement.rapid_response.strength": 0.5,
              "arrangement.rapid_response.start_year": 2, "area.context.austerity_cut": 0.2}
    assert option_levers(base, option) == {
        "rapid_response": ["arrangement.rapid_response.start_year", "arrangement.rapid_response.strength"],
        OTHER: ["area.context.austerity_cut"]}  # the name is a label, never a lever


def test_exact_up_to_five_levers_sampled_beyond_and_reproducible():
    five = [f"l{i}" for i in range(5)]
    every, how = orders(five, 24, seed=1)
    assert len(every) == 120 and set(every) == set(itertools.permutations(five)) and how.startswith("exact")
    seven = [f"l{i}" for i in range(7)]
    sampled, how = orders(seven, 24, seed=1)
    assert len(sampled) == 24 and "sampled" in how and all(sorted(o) == sorted(seven) for o in sampled)
    assert orders(seven, 24, seed=1)[0] == sampled and orders(seven, 24, seed=2)[0] != sampled


@pytest.mark.slow
def test_shapley_values_follow_the_formula_and_add_up_to_the_whole_effect():
    """A two-lever option: 2 coalitions beyond the base and the option, 2 replications."""
    option = "integrated_two_levers"
    overrides = {"arrangement.rapid_response.strength": 0.5, "arrangement.shared_record.strength": 0.8}
    two = dataclasses.replace(load_scenario("siloed", overrides), name=option)
    c = compare("siloed", two, replications=2, attribution=2, patients=300, years=2, workers=1)
    table = c.attribution
    assert set(table["lever"]) == {"rapid_response", "shared_record"}
    assert c.meta["attribution"]["B"]["method"] == "exact (every order)"
    totals = c.runs.groupby(["arm", "replication"])[["cost_total", "emergency_admissions", "bed_days"]].sum()
    whole = (totals.loc["B"] - totals.loc["A"]).mean()
    for metric in ("cost_total", "emergency_admissions", "bed_days"):
        shares = table[table["metric"] == metric]
        assert shares["value"].sum() == pytest.approx(whole[metric], abs=1e-6), metric
        assert (shares["low"] <= shares["value"]).all() and (shares["value"] <= shares["high"]).all()
    # with two levers the Shapley value is the mean of a lever's effect alone and its effect on top of
    # the other: check it against separate comparisons of each lever alone (same seeds, so same numbers)
    alone = {}
    for lever, path in (("rapid_response", "arrangement.rapid_response.strength"),
                        ("shared_record", "arrangement.shared_record.strength")):
        single = compare("siloed", load_scenario("siloed", {path: overrides[path]}), replications=2, patients=300,
                         years=2, workers=1)
        per_rep = single.runs.groupby(["arm", "replication"])["cost_total"].sum()
        alone[lever] = (per_rep.loc["B"] - per_rep.loc["A"]).mean()
    value = table[table["metric"] == "cost_total"].set_index("lever")["value"]
    whole_cost = whole["cost_total"]
    assert value["rapid_response"] == pytest.approx(
        (alone["rapid_response"] + whole_cost - alone["shared_record"]) / 2, rel=1e-9)
    assert value["shared_record"] == pytest.approx(
        (alone["shared_record"] + whole_cost - alone["rapid_response"]) / 2, rel=1e-9)
