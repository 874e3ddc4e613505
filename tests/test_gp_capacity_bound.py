"""GP practice capacity: the weekly shortcut that skips summing demand changes no number.

Why: consultations are thinned only when a practice's expected demand exceeds its
appointments. Each week the demand of the living outside hospital is bounded by the sum over
every row on the practice's list at the last risk refresh (model/primary_care.py), and when
that bound fits, the week's demand is not summed. These tests hold the bound to the demand
and the shortcut to the full computation, at capacities where it is taken, where it is not,
and where practices are full.
"""
import numpy as np
import pytest

from model import primary_care
from model.api import build_model, run
from model.population import living_outside_hospital
from model.risk import RiskFactors


@pytest.mark.parametrize("draws", ["compiled", "numpy"])
def test_the_bound_is_never_below_a_weeks_demand(monkeypatch, draws):
    """numpy sums every row; the compiled path counts rows by (practice, consultation code) and
    keeps the counts up to date (risk.RiskFactors._refresh_consultations)."""
    monkeypatch.setenv("CAREPATH_DRAWS", draws)
    m = build_model("siloed", patients=3000, seed=3, years=2)
    assert m.streams.compiled == (draws == "compiled")
    for _ in range(2 * 52):
        demand = primary_care.practice_demand(m, living_outside_hospital(m))
        assert (demand <= m.risks.consultations_by_practice).all()
        m.step()


# Appointments per 1,000 a week: practices full; between the demand (about 128) and the bound
# (about 129 at the start, growing as the dead keep their rows), so the shortcut is taken in
# the first weeks only; the default.
@pytest.mark.parametrize("draws", ["compiled", "numpy"])
@pytest.mark.parametrize("capacity", [120.0, 135.0, 210.0])
def test_the_shortcut_gives_the_full_computations_numbers(monkeypatch, capacity, draws):
    monkeypatch.setenv("CAREPATH_DRAWS", draws)
    overrides = {"area.primary_care.capacity_per_1000_per_week": capacity}
    shortcut = run("integrated", patients=3000, years=3, seed=5, overrides=overrides).by_year
    original = RiskFactors.refresh

    def never_fits(self, m):
        original(self, m)
        self.consultations_by_practice = np.full_like(self.consultations_by_practice, np.inf)

    monkeypatch.setattr(RiskFactors, "refresh", never_fits)
    full = run("integrated", patients=3000, years=3, seed=5, overrides=overrides).by_year
    assert shortcut.equals(full)
    assert (shortcut["gp_demand_unmet"].sum() > 0) == (capacity == 120.0)
