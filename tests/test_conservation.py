"""Every person is in exactly one place at every step, and the books balance."""
import numpy as np

from model.api import build_model
import pytest

from model.discharge import WAITING_FOR_A_SERVICE
from model.needs import Stage
from model.population import NO_DAY, Location, Package, Place


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
        stage = pop.view("stage")
        # Nobody is stuck: an inpatient past their medically-fit day is on a service's waiting
        # list, or being assessed, or has a day to leave.
        fit_waiting = (place == Place.HOSPITAL) & (pop.view("fit_day") < model.week_start) \
            & (pop.view("discharge_day") == NO_DAY)
        allowed = WAITING_FOR_A_SERVICE[stage]
        assert allowed[fit_waiting].all(), np.unique(stage[fit_waiting & ~allowed])
        # Services under way are at home (or interrupted on a ward, which moves them on).
        in_service = np.isin(stage, (Stage.IN_REABLEMENT, Stage.IN_INTERMEDIATE_CARE))
        assert (place[in_service] == Place.HOME).all()
        locations = model.locations()
        assert (locations[place == Place.CARE_HOME] == Location.CARE_HOME).all()
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
    # Every person-day is spent at home, in hospital or in a care home (week-end snapshots).
    assert t["days_at_home"] + t["person_days_care_home"] < t["person_days"]
    assert t["person_days"] - t["days_at_home"] - t["person_days_care_home"] == pytest.approx(
        t["bed_days"], rel=0.05)
