"""Budgets bind and pooling works through the same mechanism: money buys capacity.

A council's cut leaves it less money, so it buys fewer assessors, reablement places and
home-care hours; a pooled budget adds NHS money to the pooled part and shares overspends,
and everything the NHS puts in is an NHS cost, shown as its own category."""
import numpy as np
import pytest

from model.api import build_model

CUT = {"area.context.austerity_cut": 0.28, "area.context.austerity_years": 4}


def council_in_year(overrides, year):
    m = build_model("siloed", patients=1000, seed=1, years=year, overrides=overrides)
    m.run_for((year - 1) * 52 + 1)  # the year's capacities are set at its start
    return m, m.councils[0]


@pytest.mark.slow
def test_a_cut_buys_less_capacity_in_proportion_to_the_money_lost():
    _, whole = council_in_year({}, 4)
    m, cut = council_in_year(CUT, 4)
    share = m.config.area.context.austerity_capacity_share
    assert cut.budget.purchasing_power() == pytest.approx(1 - share * 0.28)
    for capacity in ("weekly_assessments", "reablement_places", "home_care_hours_capacity"):
        ratio = getattr(cut, capacity) / getattr(whole, capacity)
        assert ratio == pytest.approx(1 - share * 0.28, rel=0.03), capacity  # residents differ a little
    assert cut.care_home_places == pytest.approx(whole.care_home_places)  # a market, not bought capacity


@pytest.mark.slow
def test_pooling_adds_nhs_money_that_buys_capacity_and_is_charged_to_the_nhs():
    pooled = {**CUT, "arrangement.pooled_budget.share": 1.0, "arrangement.pooled_budget.nhs_contribution": 0.2}
    _, cut = council_in_year(CUT, 4)
    m, pool = council_in_year(pooled, 4)
    assert pool.budget.nhs_contribution == pytest.approx(0.2 * pool.budget.annual)
    assert pool.home_care_hours_capacity > cut.home_care_hours_capacity
    m.run_for(51)
    amounts = m.ledger.by_year()
    paid_in = amounts["cost_pooled_budget_transfer__nhs"][3]
    assert paid_in >= pool.budget.nhs_contribution * 51 / 52 * 0.999
    assert amounts["cost_pooled_budget_transfer__council"][3] == pytest.approx(-paid_in)
    nhs_categories = sum(v[3] for k, v in amounts.items() if k.endswith("__nhs"))
    assert amounts["cost_nhs"][3] == pytest.approx(nhs_categories)


@pytest.mark.slow
def test_a_pooled_budget_does_not_cancel_a_cut_by_construction(small_run):
    years = dict(patients=2000, years=5)
    whole = small_run("siloed", **years).totals
    cut = small_run("austerity_siloed", **years).totals
    pooled = small_run("austerity_pooled", **years).totals
    assert pooled["cost_pooled_budget_transfer__nhs"] > 0
    assert not np.isclose(pooled["delayed_bed_days_social_care"], whole["delayed_bed_days_social_care"])
    assert pooled["unmet_need_days"] != whole["unmet_need_days"]
    assert cut["unmet_need_days"] > whole["unmet_need_days"]


@pytest.mark.slow
def test_more_nhs_money_in_the_pool_means_fewer_social_care_delays_under_austerity(small_run):
    def delays(contribution):
        return sum(small_run("austerity_pooled", patients=3000, years=5, seed=s, overrides={
            "arrangement.pooled_budget.nhs_contribution": contribution}).totals["delayed_bed_days_social_care"]
            for s in (1, 2, 3))

    assert delays(0.0) > delays(0.3)
