"""Parameter uncertainty: every uncertain parameter drawn per replication from its registry
range, the same draw in every arm, reproducibly from the seed; parameters the arms set
differently are kept; intervals and the report say which kind they are."""
from __future__ import annotations

import pandas as pd
import pytest

from experiments.compare import compare
from experiments.uncertainty import UncertaintyPlan, draw_value
from model.parameters import registry, uncertainties
from model.scenario import load_scenario


def test_draws_are_in_range_reproducible_and_vary_by_seed():
    plan = UncertaintyPlan.for_arms([load_scenario("siloed").values()])
    assert {p.path for p in plan.drawn} == set(uncertainties())
    first, again, other = plan.draw(1), plan.draw(1), plan.draw(2)
    assert first == again and first != other
    for path, value in first.items():
        low, high = uncertainties()[path].uncertainty
        assert low <= value <= high, path
    # a parameter's draw does not depend on which others are drawn
    param = uncertainties()["area.costs.emergency_admission"]
    assert first[param.path] == draw_value(param, 1)


def test_parameters_the_arms_set_differently_are_kept():
    siloed = load_scenario("siloed").values()
    other = load_scenario("siloed", {"area.context.partnership_quality": 0.6}).values()
    plan = UncertaintyPlan.for_arms([siloed, other])
    assert "area.context.partnership_quality" in plan.kept
    assert "area.context.partnership_quality" not in {p.path for p in plan.drawn}


@pytest.fixture(scope="module")
def uncertain():
    return compare("siloed", "integrated", replications=3, uncertainty=True, patients=200, years=1, workers=1)


@pytest.mark.slow
def test_every_arm_of_a_replication_gets_the_same_draw(uncertain):
    draws = uncertain.draws
    assert list(draws["replication"]) == [1, 2, 3] and list(draws["seed"]) == [1, 2, 3]
    assert draws["area.costs.emergency_admission"].nunique() == 3
    runs = uncertain.runs
    # the draw changes the runs: the same seed without uncertainty gives other numbers
    plain = compare("siloed", "integrated", replications=3, patients=200, years=1, workers=1)
    assert not runs["cost_total"].equals(plain.runs["cost_total"])
    # and the same request gives the same numbers again
    again = compare("siloed", "integrated", replications=3, uncertainty=True, patients=200, years=1, workers=1)
    pd.testing.assert_frame_equal(again.runs, runs)
    assert uncertain.meta["uncertainty"]["distribution"].startswith("uniform")
    assert set(uncertain.meta["uncertainty"]["drawn"]) <= set(registry())


@pytest.mark.slow
def test_the_drawn_costs_reach_the_model(uncertain):
    """An emergency admission's unit cost is drawn: the admission cost per admission follows it."""
    draws = uncertain.draws.set_index("replication")["area.costs.emergency_admission"]
    for arm in ("A", "B"):
        runs = uncertain.runs[uncertain.runs["arm"] == arm].set_index("replication")
        per_admission = runs["cost_inpatient__nhs"] / runs["emergency_admissions"]
        assert per_admission.to_numpy() == pytest.approx(draws.loc[runs.index].to_numpy()), arm


@pytest.mark.slow
def test_json_names_the_interval_kind_and_probabilities(uncertain):
    decision = uncertain.to_json()["options"]["B"]["decision"]
    assert "Monte Carlo + parameter uncertainty" in decision["interval"]
    assert set(decision["probability_saves"]) == {"nhs", "council", "self_funders", "total"}
    assert set(decision["acceptability"]) == {"admission_avoided", "bed_day_saved"}
