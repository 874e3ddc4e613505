"""The decision box's measures, checked on comparisons whose answers are known: net cost by
payer, cost per unit avoided with Fieller's interval (and "not meaningful" when the
denominator's interval includes zero), and the payback year."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.compare import Comparison, summarise_options
from experiments.decision import acceptability, cost_per_gain, decision, fieller, paired_totals, payback


def synthetic(cost_b_by_year, admissions_b, years=3, reps=5, uncertainty=False):
    """Arm A costs 1,000 a year with 100 admissions; arm B as given, replication by replication."""
    rows = []
    for r in range(1, reps + 1):
        for y in range(1, years + 1):
            base = {"cost_total": 1000.0, "cost_nhs": 600.0, "cost_council": 300.0, "cost_self_funded": 100.0,
                    "emergency_admissions": 100.0, "bed_days": 500.0, "duplicate_visits": 50.0}
            rows.append({"arm": "A", "scenario": "base", "replication": r, "seed": r, "year": y, **base})
            cost = cost_b_by_year(r, y)
            option = {**base, "cost_total": cost, "cost_nhs": 600.0 + (cost - 1000.0),
                      "emergency_admissions": admissions_b(r, y), "bed_days": 500.0 - r, "duplicate_visits": 50.0}
            rows.append({"arm": "B", "scenario": "option", "replication": r, "seed": r, "year": y, **option})
    runs = pd.DataFrame(rows)
    meta = {"scenarios": {"A": "base", "B": "option"}}
    if uncertainty:
        meta["uncertainty"] = {"distribution": "uniform", "drawn": {}, "kept": []}
    return Comparison(runs, summarise_options(runs), meta)


def test_net_cost_per_payer_is_the_paired_difference_with_its_t_interval():
    c = synthetic(lambda r, y: 1000.0 + 10 * r, lambda r, y: 100.0 - r)
    d = decision(c)
    per_rep = np.array([30.0 * r for r in range(1, 6)])  # 10 r a year over 3 years
    half = stats.t.ppf(0.975, 4) * per_rep.std(ddof=1) / np.sqrt(5)
    assert d["net_cost_nhs"]["value"] == pytest.approx(per_rep.mean())
    assert d["net_cost_nhs"]["low"] == pytest.approx(per_rep.mean() - half)
    assert d["net_cost_council"]["value"] == 0 and d["net_cost_self_funders"]["value"] == 0
    assert "Monte Carlo only" in d["interval"]


def test_cost_per_admission_avoided_uses_fiellers_interval():
    c = synthetic(lambda r, y: 1000.0 + 10 * r + y, lambda r, y: 100.0 - r - 0.5 * (y == 2))
    d = decision(c)["cost_per_admission_avoided"]
    totals = paired_totals(c)
    cost, gain = totals["cost_total"].to_numpy(), -totals["emergency_admissions"].to_numpy()
    assert d["meaningful"] and d["value"] == pytest.approx(cost.mean() / gain.mean())
    low, high = d["low"], d["high"]
    assert low < d["value"] < high
    # Fieller's bounds are the ratios R at which the t statistic of mean(cost - R gain) is exactly t*
    t = stats.t.ppf(0.975, len(cost) - 1)
    for bound in (low, high):
        z = cost - bound * gain
        assert abs(z.mean()) / (z.std(ddof=1) / np.sqrt(len(z))) == pytest.approx(t, rel=1e-6)


def test_a_ratio_whose_denominator_may_be_zero_is_not_meaningful():
    c = synthetic(lambda r, y: 1000.0 + 50, lambda r, y: 100.0 + (-1) ** r * 3 * r)
    d = decision(c)["cost_per_admission_avoided"]
    assert not d["meaningful"] and d["value"] is None and d["low"] is None
    assert "not meaningful" in d["note"] and "includes zero" in d["note"]
    assert fieller(np.array([1.0, 2.0, 3.0]), np.array([-1.0, 1.0, 0.5])) is None


def test_payback_year_and_its_interval():
    # costs 300 more in year 1, then saves 200 a year: cumulative +300, +100, -100, -300 -> pays back in year 3
    c = synthetic(lambda r, y: 1300.0 + r if y == 1 else 800.0 - r, lambda r, y: 99.0 - r % 2, years=4)
    back = payback(c, uncertain=False)
    assert back["year"] == 3 and back["latest"] in (3, 4) and back["earliest"] in (2, 3)
    assert back["text"] == "pays back in year 3"
    never = payback(synthetic(lambda r, y: 1100.0 + r, lambda r, y: 100.0), uncertain=False)
    assert never["year"] is None and never["text"] == "no payback within 3 years"
    assert decision(synthetic(lambda r, y: 900.0 - r, lambda r, y: 100.0))["payback"]["text"] == "saves money from year 1"


def test_with_parameter_uncertainty_intervals_are_percentiles_and_probabilities_are_shares():
    c = synthetic(lambda r, y: 1000.0 + 40 * (r - 2), lambda r, y: 100.0 - r, uncertainty=True)
    d = decision(c)
    per_rep = np.array([120.0 * (r - 2) for r in range(1, 6)])
    assert d["net_cost_total"]["low"] == pytest.approx(np.percentile(per_rep, 2.5))
    assert d["net_cost_total"]["high"] == pytest.approx(np.percentile(per_rep, 97.5))
    assert d["probability_saves"]["total"] == pytest.approx(1 / 5)  # only replication 1 saves
    assert "parameter uncertainty" in d["interval"]
    curve = pd.DataFrame(d["acceptability"]["bed_day_saved"])
    assert curve["probability"].is_monotonic_increasing  # every replication saves bed days
    assert curve["probability"].iloc[0] == pytest.approx(1 / 5) and curve["probability"].iloc[-1] == 1.0


def test_acceptability_is_the_share_with_positive_net_benefit():
    totals = pd.DataFrame({"cost_total": [100.0, 300.0, -50.0], "bed_days": [-1.0, -1.0, 2.0]})
    curve = acceptability(totals, "bed_days", [0, 150, 400])
    # net benefit at 0: -100, -300, 50; at 150: 50, -150, -250; at 400: 300, 100, -750
    assert curve["probability"].tolist() == pytest.approx([1 / 3, 1 / 3, 2 / 3])


def test_a_gain_that_is_a_loss_is_flagged():
    totals = pd.DataFrame({"cost_total": [100.0, 110.0, 90.0], "emergency_admissions": [5.0, 6.0, 5.5]})
    out = cost_per_gain(totals, "emergency_admissions", "emergency admission avoided", uncertain=False)
    assert out["meaningful"] and "increases" in out["note"]


def test_one_replication_gives_values_without_intervals_or_ratios():
    from analysis.decision_report import decision_table

    c = synthetic(lambda r, y: 1100.0, lambda r, y: 99.0, reps=1)
    d = decision(c)
    assert d["net_cost_total"]["value"] == 300 and np.isnan(d["net_cost_total"]["low"])
    assert not d["cost_per_admission_avoided"]["meaningful"]
    assert d["cost_per_admission_avoided"]["note"].startswith("one replication")
    table = decision_table([("B", c)]).set_index("Measure")["option"]
    assert table["Cost per emergency admission avoided"] == "not given: one replication has no interval"
    assert table["Payback (break-even) year"] == "No payback within 3 years (one replication: no interval)"
    assert table["Net cost to all payers"] == "£300 (one replication: no interval)"


def test_the_case_management_note_says_what_this_comparison_assumes():
    from analysis.decision_report import case_management_note

    c = synthetic(lambda r, y: 1000.0, lambda r, y: 100.0)
    path = "arrangement.case_management.admission_rr"
    c.meta["values"] = {"A": {path: 1.0}, "B": {path: 1.0}}
    assert "no effect on emergency admissions in this model by design" in case_management_note(c)
    assert "In this comparison" not in case_management_note(c)
    c.meta["values"]["B"][path] = 0.97
    assert "set to 0.97 in arm B, so there case management does change admissions" in case_management_note(c)
    c.meta["uncertainty"] = {"drawn": {path: [0.95, 1.03]}}
    assert "drawn per replication from 0.95 to 1.03" in case_management_note(c)
