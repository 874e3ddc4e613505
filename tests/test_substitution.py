"""Whether a need ends in a care home, home care or reablement depends on what the system
offers when the decision is made, so integration can keep people out of care homes.

Each test compares paired runs (the same people and chances) that differ in one thing, and
checks the direction both ways where the mechanism has two."""
import numpy as np
import pytest

pytestmark = pytest.mark.slow  # each test compares several paired 3-year runs

SEEDS = (1, 2, 3)
PEOPLE, YEARS = 3000, 3


def total(small_run, column, scenario="siloed", **overrides):
    return sum(small_run(scenario, patients=PEOPLE, years=YEARS, seed=s, overrides=overrides or None).totals[column]
               for s in SEEDS)


def test_deciding_on_a_ward_rather_than_at_home_places_more_people_in_care_homes(small_run):
    key = "area.care_decision.ward_care_home_odds_ratio"
    neutral = total(small_run, "care_home_admissions", **{key: 1.0})
    default = total(small_run, "care_home_admissions")
    strong = total(small_run, "care_home_admissions", **{key: 3.0})
    assert neutral < default < strong


def test_discharge_to_assess_lowers_care_home_use_and_raises_reablement(small_run):
    d2a = {"arrangement.integrated_discharge.strength": 1.0, "arrangement.integrated_discharge.ramp_years": 0.0}
    assert total(small_run, "care_home_admissions", **d2a) < total(small_run, "care_home_admissions")
    assert total(small_run, "reablement_episodes", **d2a) > total(small_run, "reablement_episodes")


def test_home_first_integrated_teams_place_fewer_people_and_provide_more_home_care(small_run):
    teams = {"arrangement.joint_assessment.strength": 1.0, "arrangement.joint_assessment.ramp_years": 0.0}
    assert total(small_run, "care_home_admissions", **teams) < total(small_run, "care_home_admissions")
    assert total(small_run, "home_care_hours", **teams) > total(small_run, "home_care_hours")


def test_scarce_home_care_pushes_decisions_towards_care_homes(small_run):
    key = "area.capacity.home_care_hours_per_1000_per_week"
    from model.parameters import registry

    default_hours = registry()[key].default
    scarce = total(small_run, "care_home_decisions", **{key: 0.6 * default_hours})
    plenty = total(small_run, "care_home_decisions", **{key: 2.0 * default_hours})
    default = total(small_run, "care_home_decisions")
    assert scarce > default >= plenty
    neutral = total(small_run, "care_home_decisions",
                    **{key: 0.6 * default_hours, "area.care_decision.home_care_wait_odds_ratio_per_week": 1.0})
    assert neutral < scarce  # the push comes from the wait, not from anything else about scarcity


def test_a_carer_sharing_the_care_keeps_people_at_home(small_run):
    key = "area.care_decision.carer_care_home_odds_ratio"
    assert total(small_run, "care_home_admissions", **{key: 0.3}) < total(small_run, "care_home_admissions", **{key: 1.0})


def test_more_reablement_success_means_less_ongoing_home_care(small_run):
    key = "area.social_care.reablement_success"
    assert total(small_run, "home_care_hours", **{key: 0.68}) < total(small_run, "home_care_hours", **{key: 0.5})


def test_torbay_like_integration_uses_care_homes_less_and_home_care_more(small_run):
    """Torbay (Ham 2010; Thistlethwaite 2011) used care homes less and home care more."""
    siloed = [small_run("siloed", patients=PEOPLE, years=YEARS, seed=s).totals for s in SEEDS]
    torbay = [small_run("torbay_care_trust", patients=PEOPLE, years=YEARS, seed=s).totals for s in SEEDS]
    care_homes = np.array([t["care_home_admissions"] - s["care_home_admissions"] for s, t in zip(siloed, torbay)])
    home_care = np.array([t["home_care_hours"] - s["home_care_hours"] for s, t in zip(siloed, torbay)])
    assert (care_homes < 0).all() and (home_care > 0).all()
