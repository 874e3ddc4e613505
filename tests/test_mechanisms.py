"""Each mechanism does what the model description says, seen through its outputs."""
import numpy as np
import pytest

from model.queues import ServiceQueue
from model.duplicates import VisitRegistry
from model.eventlog import Organisation, Purpose

NO_CRISES = {"area.crisis.rate_at_75": 0.0, "area.crisis.rate_under_65": 0.0,
             "area.mortality.end_of_life_admission_share": 0.0}
FULL_ASSESSMENT_INTEGRATION = {
    "arrangement.joint_assessment.strength": 1.0, "arrangement.joint_assessment.ramp_years": 0.0,
    "arrangement.shared_record.strength": 1.0, "arrangement.shared_record.ramp_years": 0.0,
    "arrangement.integrated_discharge.strength": 1.0, "arrangement.integrated_discharge.ramp_years": 0.0,
    "area.assessment.repeat_probability_integrated": 0.0,
}


def test_no_crises_means_no_admissions_or_hospital_days(small_run):
    t = small_run("siloed", patients=2000, years=2, overrides=NO_CRISES).totals
    assert t["ae_attendances"] == 0 and t["emergency_admissions"] == 0
    assert t["bed_days"] == 0 and t["delayed_bed_days"] == 0 and t["cost_inpatient"] == 0
    assert t["gp_consultations"] > 0  # the rest of the world goes on


@pytest.mark.slow
def test_integration_removes_the_duplicate_assessments_siloed_care_makes(small_run):
    siloed = small_run("siloed", patients=3000, years=2).totals
    joined = small_run("siloed", patients=3000, years=2, overrides=FULL_ASSESSMENT_INTEGRATION).totals
    assert siloed["duplicate_visits"] > 50
    assert siloed["duplicate_ot_visits"] > 0 and siloed["duplicate_needs_assessments"] > 0
    assert joined["duplicate_visits"] == 0
    assert joined["assessments_joint"] > 0


@pytest.mark.slow
def test_a_wider_duplicate_window_finds_at_least_as_many_duplicates(small_run):
    narrow = small_run("siloed", patients=3000, years=2, overrides={"area.assessment.duplicate_window_days": 7}).totals
    wide = small_run("siloed", patients=3000, years=2).totals
    assert wide["duplicate_visits"] > narrow["duplicate_visits"]
    assert wide["assessments"] == narrow["assessments"]  # the window judges visits, it makes none


@pytest.mark.slow
def test_case_management_moves_admissions_only_as_far_as_its_relative_risk_says(small_run):
    """Coordinators reach the top-risk people; the relative risk of a crisis with one is the
    evidence's range (0.95-1.03, Stokes et al. 2015). At 0.95 admissions fall, at 1.03 they
    rise, and either way by little: the effect is confined to the few people managed."""
    def admissions(rr):
        return sum(small_run("siloed", patients=3000, years=2, seed=s, overrides={
            "arrangement.case_management.coverage": 0.05, "arrangement.case_management.admission_rr": rr}
        ).totals["emergency_admissions"] for s in (1, 2))

    low, neutral, high = admissions(0.95), admissions(1.0), admissions(1.03)
    assert low < neutral < high
    assert (neutral - low) / neutral < 0.03 and (high - neutral) / neutral < 0.02


@pytest.mark.slow
def test_rapid_response_is_a_team_that_meets_only_as_many_crises_as_it_has_staff_for(small_run):
    def run_with(per_1000):
        return small_run("siloed", patients=3000, years=2, overrides={
            "arrangement.rapid_response.strength": 1.0, "arrangement.rapid_response.ramp_years": 0.0,
            "area.capacity.rapid_response_per_1000_per_week": per_1000}).totals

    off = small_run("siloed", patients=3000, years=2).totals
    small, large = run_with(0.3), run_with(3.0)
    weeks = 2 * 52
    assert 0 < small["rapid_response_contacts"] <= 0.3 * 3 * weeks + 1  # never more than its staff allow
    assert large["rapid_response_contacts"] > small["rapid_response_contacts"]
    assert large["ae_attendances"] < small["ae_attendances"] < off["ae_attendances"]
    # The crises it meets are the less acute ones, so admissions fall far less than A&E visits.
    ae_cut = 1 - large["ae_attendances"] / off["ae_attendances"]
    admissions_cut = 1 - large["emergency_admissions"] / off["emergency_admissions"]
    assert 0 < admissions_cut < 0.5 * ae_cut


@pytest.mark.slow
def test_discharge_to_assess_cuts_delayed_days_when_reablement_capacity_comes_with_it(small_run):
    off = small_run("siloed", patients=3000, years=2).totals
    on = small_run("siloed", patients=3000, years=2, overrides={
        "arrangement.integrated_discharge.strength": 1.0, "arrangement.integrated_discharge.ramp_years": 0.0}).totals
    starved = small_run("siloed", patients=3000, years=2, overrides={
        "arrangement.integrated_discharge.strength": 1.0, "arrangement.integrated_discharge.ramp_years": 0.0,
        "arrangement.integrated_discharge.reablement_places_per_1000": 0.0}).totals
    assert on["delayed_bed_days_social_care"] < off["delayed_bed_days_social_care"]
    assert starved["delayed_bed_days_social_care"] > on["delayed_bed_days_social_care"]


@pytest.mark.slow
def test_a_full_hospital_shortens_clinical_stays(small_run):
    roomy = small_run("siloed", patients=3000, years=2, overrides={"area.capacity.beds_per_1000": 20.0}).totals
    tight = small_run("siloed", patients=3000, years=2, overrides={"area.capacity.beds_per_1000": 1.5}).totals
    no_response = small_run("siloed", patients=3000, years=2, overrides={
        "area.capacity.beds_per_1000": 1.5, "area.hospital.stay_cut_per_occupancy": 0.0}).totals
    per_stay = lambda t: t["clinical_bed_days"] / t["overnight_admissions"]  # noqa: E731
    assert per_stay(tight) < 0.95 * per_stay(roomy)
    assert abs(per_stay(no_response) / per_stay(roomy) - 1) < 0.03


@pytest.mark.slow
def test_fewer_beds_mean_more_people_sent_home_from_a_and_e_and_more_days_over_capacity(small_run):
    roomy = small_run("siloed", patients=3000, years=2, overrides={"area.capacity.beds_per_1000": 20.0}).totals
    tight = small_run("siloed", patients=3000, years=2, overrides={"area.capacity.beds_per_1000": 1.5}).totals
    assert roomy["sent_home_no_bed"] == 0 and roomy["over_capacity_bed_days"] == 0
    assert tight["sent_home_no_bed"] > 20 and tight["over_capacity_bed_days"] > 100
    assert tight["emergency_admissions"] < roomy["emergency_admissions"]
    assert tight["bed_days"] / tight["bed_capacity_days"] > 1.0 > 0.2 > roomy["bed_days"] / roomy["bed_capacity_days"]


@pytest.mark.slow
def test_without_an_admission_response_a_full_hospital_still_admits_everyone_it_would(small_run):
    """Beds then only measure the overflow: the same admissions as with unlimited beds."""
    no_response = {"area.hospital.admission_cut_per_occupancy": 0.0, "area.hospital.stay_cut_per_occupancy": 0.0}
    tight = small_run("siloed", patients=3000, years=2,
                      overrides={**no_response, "area.capacity.beds_per_1000": 1.5}).totals
    roomy = small_run("siloed", patients=3000, years=2,
                      overrides={**no_response, "area.capacity.beds_per_1000": 20.0}).totals
    assert tight["sent_home_no_bed"] == 0 and tight["over_capacity_bed_days"] > 100
    assert tight["emergency_admissions"] == roomy["emergency_admissions"]


def test_a_queue_serves_in_order_of_readiness_up_to_capacity():
    queue = ServiceQueue("test")
    queue.add(np.array([5, 1, 3, 2]), np.array([3, 1, 1, 9]), np.zeros(4, int), 0)
    waiting = lambda ids: np.ones(len(ids), bool)  # noqa: E731 - everyone on the list still waits
    episode = np.zeros(10, int)
    person, day, *_ = queue.serve(0, 7, capacity=2, still_waiting=waiting, current_episode=episode)
    assert list(person) == [1, 3] and list(day) == [1, 1]
    person, day, *_ = queue.serve(7, 14, capacity=5, still_waiting=waiting, current_episode=episode)
    assert list(person) == [5, 2] and list(day) == [7, 9]  # 5 waited into the next week
    assert len(queue) == 0


def test_a_duplicate_is_another_organisations_visit_for_the_same_episode_within_the_window():
    reg = VisitRegistry(capacity=4, window_days=28)
    one = np.array([0])
    assert not reg.record(one, 0, Purpose.FUNCTIONAL, Organisation.COMMUNITY_HEALTH, 1)[0]
    assert not reg.record(one, 5, Purpose.NEEDS, Organisation.COUNCIL, 1)[0]  # another purpose
    assert reg.record(one, 10, Purpose.FUNCTIONAL, Organisation.COUNCIL, 1)[0]  # repeat within 28 days
    assert reg.record(one, 12, Purpose.FUNCTIONAL, Organisation.COMMUNITY_HEALTH, 1)[0]  # council served it at day 10
    assert not reg.record(one, 60, Purpose.FUNCTIONAL, Organisation.COUNCIL, 1)[0]  # outside the window
    assert not reg.record(one, 61, Purpose.FUNCTIONAL, Organisation.COMMUNITY_HEALTH, 2)[0]  # a new episode
