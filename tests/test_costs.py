"""Costs add up across payers and categories, and follow their unit costs."""
import numpy as np
import pytest

from model.costs import CATEGORIES, PAYER_NAMES


@pytest.mark.slow
def test_costs_add_up_across_payers_and_categories(small_run):
    by_year = small_run("integrated", patients=2000, years=3).by_year
    payers = by_year["cost_nhs"] + by_year["cost_council"] + by_year["cost_self_funded"]
    assert np.allclose(payers, by_year["cost_total"])
    categories = sum(by_year[f"cost_{c}"] for c in CATEGORIES)
    assert np.allclose(categories, by_year["cost_total"])
    for c in CATEGORIES:
        split = sum(by_year[f"cost_{c}__{p}"] for p in PAYER_NAMES.values())
        assert np.allclose(split, by_year[f"cost_{c}"])
    factors = 1 / 1.035 ** np.arange(len(by_year))
    assert np.allclose(by_year["cost_npv"], by_year["cost_total"] * factors)


def test_unit_costs_drive_category_costs(small_run):
    base = small_run("siloed", patients=1500, years=1).totals
    dearer = small_run("siloed", patients=1500, years=1, overrides={"area.costs.gp_consultation": 45.0,
                                                                   "area.costs.practice_nurse_consultation": 15.0}).totals
    expected = base["gp_doctor_consultations"] * 45 + base["practice_nurse_consultations"] * 15
    assert dearer["gp_consultations"] == base["gp_consultations"]
    assert np.isclose(dearer["cost_gp"], expected)
    assert np.isclose(base["cost_ae"], base["ae_attendances"] * 148)


def test_only_the_nhs_pays_for_hospital_and_only_people_and_councils_for_care(small_run):
    t = small_run("siloed", patients=2000, years=2).totals
    for c in ("gp", "ae", "inpatient", "excess_bed_days"):
        assert t[f"cost_{c}__council"] == 0 and t[f"cost_{c}__self_funded"] == 0
    assert t["cost_care_homes__nhs"] == 0 and t["cost_care_homes__self_funded"] > 0
