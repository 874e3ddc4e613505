"""Risk belongs to the person: care-home residents are admitted and die more often because of
who they are, and nothing multiplies a risk by where someone happens to live."""
import numpy as np
import pytest

from model.api import build_model
from model.population import Package, Place


def test_moving_someone_into_a_care_home_does_not_change_their_risks():
    m = build_model("siloed", patients=2000, seed=3)
    pop = m.pop
    at_home = np.flatnonzero(pop.view("alive") & (pop.view("place") == Place.HOME))[:200]
    crisis_before, death_before = m.risks.crisis[at_home].copy(), m.risks.death[at_home].copy()
    from model.crisis import crisis_rate
    rate_before = crisis_rate(m, at_home).copy()
    pop.place[at_home] = Place.CARE_HOME
    pop.package[at_home] = Package.RESIDENTIAL
    m.risks.refresh(m)
    np.testing.assert_array_equal(m.risks.crisis[at_home], crisis_before)
    np.testing.assert_array_equal(m.risks.death[at_home], death_before)
    np.testing.assert_array_equal(crisis_rate(m, at_home), rate_before)


def test_care_home_residents_are_as_old_frail_and_short_lived_as_real_ones():
    """Residents average about 85 and about a third die each year (ONS; LaingBuisson): here
    because those placed are old, frail and often have dementia, not because of the place."""
    m = build_model("siloed", patients=6000, seed=4)
    m.run_for(2 * 52)
    pop = m.pop
    residents = np.flatnonzero(pop.view("alive") & np.isin(pop.view("package"), (Package.RESIDENTIAL, Package.NURSING)))
    others = np.flatnonzero(pop.view("alive") & (pop.view("place") == Place.HOME) & (pop.view("age") >= 65))
    assert len(residents) > 40
    assert 78 < pop.age[residents].mean() < 90
    yearly_death = 1 - (1 - m.risks.death[residents]) ** 52
    assert 0.2 < yearly_death.mean() < 0.5
    assert pop.dementia[residents].mean() > 2 * pop.dementia[others].mean()
    assert pop.frailty[residents].mean() > pop.frailty[others].mean() + 1


@pytest.mark.slow
def test_integration_changes_no_ones_death_when_no_mechanism_acts_on_death(small_run):
    """No evaluation found integration changing mortality (Stokes et al. 2015; ICP evaluation
    2012). Deaths here depend only on the person, so with the same people and chances the
    arms' deaths match exactly, and where they die (hospital or not) differs only through
    the pathway."""
    for seed in (1, 2, 3):
        siloed = small_run("siloed", patients=2000, years=2, seed=seed).totals
        integrated = small_run("integrated", patients=2000, years=2, seed=seed).totals
        assert integrated["deaths"] == siloed["deaths"]
        assert siloed["deaths_in_hospital"] > 0.3 * siloed["deaths"]


@pytest.mark.slow
def test_a_higher_risk_of_dying_in_hospital_at_the_end_of_life_moves_deaths_into_hospital(small_run):
    low = small_run("siloed", patients=2000, years=2, overrides={"area.mortality.end_of_life_admission_share": 0.1}).totals
    high = small_run("siloed", patients=2000, years=2, overrides={"area.mortality.end_of_life_admission_share": 0.7}).totals
    assert low["deaths"] == high["deaths"]
    assert high["deaths_in_hospital"] > low["deaths_in_hospital"] + 0.3 * low["deaths"]
    assert high["emergency_admissions"] > low["emergency_admissions"]
