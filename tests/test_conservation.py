"""Every person is in exactly one place at every step, and the books balance."""
import numpy as np

from model.api import build_model
from model.population import Location, Package, Place


def test_everyone_is_in_exactly_one_valid_place_at_every_step():
    model = build_model("integrated", patients=1500, seed=4, years=2)
    start = model.pop.size
    for _ in range(104):
        model.step()
        pop = model.pop
        place = pop.view("place")
        alive = pop.view("alive")
        assert set(np.unique(place)) <= {p.value for p in Place}
        assert np.array_equal(alive, place != Place.DEAD)
        locations = model.locations()
        assert len(locations) == pop.size
        assert np.bincount(locations, minlength=len(Location)).sum() == pop.size
        in_hospital = place == Place.HOSPITAL
        assert (pop.view("admit_day")[in_hospital] < model.week_end).all()
        in_care_home = place == Place.CARE_HOME
        assert np.isin(pop.view("package")[in_care_home], (Package.RESIDENTIAL, Package.NURSING)).all()
        assert (pop.view("home_care_hours")[~alive] == 0).all()
    totals = model.tallies()
    assert pop.size == start + totals["entrants"]
    assert int(alive.sum()) == pop.size - totals["deaths"]


def test_hospital_stays_are_counted_day_by_day(small_run):
    t = small_run("siloed", patients=3000, years=2).totals
    assert t["delayed_bed_days"] == t["delayed_bed_days_nhs"] + t["delayed_bed_days_social_care"]
    assert t["delayed_bed_days"] <= t["bed_days"]
    # Bed days are the clinical days plus the delayed ones, give or take stays still open
    # at the end or cut short by death.
    assert abs(t["bed_days"] - (t["clinical_bed_days"] + t["delayed_bed_days"])) < 0.05 * t["bed_days"]
    assert t["days_at_home"] < t["person_days"]
