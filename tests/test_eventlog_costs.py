"""The event log reconciles with the ledger: events' costs plus the weekly_cost rows (the costs
that are not events) add up to cost_total, by year and by payer."""
from __future__ import annotations

import numpy as np
import pytest

from model.eventlog import COSTS_NOT_EVENTS, EVENT_CATEGORIES

EVENT_ONLY = set(EVENT_CATEGORIES.values()) - set(COSTS_NOT_EVENTS) | {"assessments"}


@pytest.fixture(scope="module")
def logged(small_run):
    return small_run("integrated", patients=300, years=2, seed=2, event_log=True)


def test_events_and_weekly_rows_sum_to_cost_total_each_year_and_payer(logged):
    events, by_year = logged.events, logged.by_year
    year = events["day"] // 364 + 1
    for number, row in by_year.set_index("year").iterrows():
        these = events[year == number]
        assert these["cost"].sum() == pytest.approx(row["cost_total"], rel=1e-9)
        for payer in ("nhs", "council", "self_funded"):
            assert these.loc[these.payer == payer, "cost"].sum() == pytest.approx(row[f"cost_{payer}"], rel=1e-9,
                                                                                  abs=1e-6)


def test_events_alone_fall_short_and_weekly_rows_hold_only_costs_that_are_not_events(logged):
    events = logged.events
    weekly = events[events.kind == "weekly_cost"]
    assert events.loc[events.kind == "event", "cost"].sum() < logged.totals["cost_total"]
    assert set(weekly["category"].astype(str)) <= set(COSTS_NOT_EVENTS)
    assert not set(weekly["category"].astype(str)) & EVENT_ONLY
    assert (weekly["person_id"] == -1).all() and (weekly["day"] % 7 == 0).all()
    assert (weekly.loc[weekly.category != "pooled_budget_transfer", "cost"] > 0).all()


def test_event_costs_match_the_ledger_in_categories_that_are_all_events(logged):
    events, totals = logged.events, logged.totals
    for category in EVENT_ONLY:
        logged_cost = events.loc[(events.kind == "event") & (events.category == category), "cost"].sum()
        assert np.isclose(logged_cost, totals[f"cost_{category}"]), category
