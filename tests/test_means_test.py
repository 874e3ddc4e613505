"""The means test: what capital counts, who pays, and spending down in a care home."""
import numpy as np

from model.api import build_model
from model.costs import Payer
from model.population import Package
from model.means_test import assessable_capital, is_self_funder, payer_of_care, tariff

UPPER, LOWER = 23_250, 14_250


def model_with_one_owner(lives_alone: bool, savings: float, home: float):
    m = build_model("siloed", patients=300, seed=5)
    ids = np.array([0])
    m.pop.capital[ids], m.pop.housing[ids], m.pop.lives_alone[ids] = savings, home, lives_alone
    return m, ids


def test_the_home_counts_only_for_a_care_home_and_only_when_nobody_else_lives_there():
    alone, ids = model_with_one_owner(lives_alone=True, savings=5_000, home=200_000)
    assert assessable_capital(alone, ids, care_home=True)[0] == 205_000
    assert assessable_capital(alone, ids, care_home=False)[0] == 5_000
    assert is_self_funder(alone, ids, True)[0] and not is_self_funder(alone, ids, False)[0]
    partner, ids = model_with_one_owner(lives_alone=False, savings=5_000, home=200_000)
    assert assessable_capital(partner, ids, care_home=True)[0] == 5_000
    assert payer_of_care(partner, ids, True)[0] == Payer.COUNCIL


def test_the_tariff_is_a_pound_a_week_per_250_between_the_limits():
    m, ids = model_with_one_owner(lives_alone=False, savings=LOWER + 2_600, home=0)
    ctx = m.config.area.context
    assert tariff(assessable_capital(m, ids, care_home=True), ctx)[0] == 10
    m.pop.capital[ids] = UPPER + 1
    assert tariff(assessable_capital(m, ids, care_home=True), ctx)[0] == 0  # a self-funder pays in full instead


def test_a_self_funder_in_a_care_home_spends_down_and_the_council_takes_over():
    m = build_model("siloed", patients=3000, seed=2)
    residents = np.flatnonzero(m.pop.view("alive") & (m.pop.view("package") == Package.RESIDENTIAL))
    assert len(residents) >= 3
    m.pop.capital[residents] = UPPER + 3_000  # about three weeks of fees above the limit
    m.pop.housing[residents] = 0.0
    m.pop.lives_alone[residents] = True
    home_care = np.flatnonzero(m.pop.view("alive") & (m.pop.view("package") == Package.HOME_CARE))
    m.pop.capital[home_care] = UPPER + 3_000
    m.run_for(8)
    still_there = residents[m.pop.alive[residents] & (m.pop.package[residents] == Package.RESIDENTIAL)]
    assert len(still_there) > 0
    assert (m.pop.capital[still_there] <= UPPER).all()  # spent down to the limit, then the tariff
    assert not is_self_funder(m, still_there, True).any()
    at_home = home_care[m.pop.alive[home_care] & (m.pop.package[home_care] == Package.HOME_CARE)]
    assert (m.pop.capital[at_home] == UPPER + 3_000).all()  # home-care charges do not spend capital
