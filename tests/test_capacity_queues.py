"""Waits emerge from capacity meeting demand: each service's queue binds at the defaults.

For every capacity, halving it lengthens the mean wait for that service and doubling it
shortens the wait, on the same people and chances (paired seeds). Halving it also worsens
the consequence the wait feeds: delayed bed days for the services inpatients wait for,
unmet need at home for the council's assessors. Doubling a service that is the last link
(home care, care homes, intermediate care) cuts delayed days; doubling reablement does not,
because more people reabled without recovering then wait for home care: the queue moves on.
"""
import pytest

from model.parameters import registry

SEEDS = (1, 2)
PEOPLE, YEARS = 3000, 2

# capacity parameter -> (the service whose waits it sets, the outcome its waits feed)
CAPACITIES = {
    "area.capacity.reablement_places_per_1000": ("reablement", "delayed_bed_days"),
    "area.capacity.home_care_hours_per_1000_per_week": ("home_care", "delayed_bed_days"),
    "area.capacity.care_home_places_per_1000": ("care_home", "delayed_bed_days"),
    "area.capacity.intermediate_care_places_per_1000": ("intermediate_care", "delayed_bed_days_nhs"),
    "area.capacity.social_care_assessments_per_1000_per_week": ("council_assessment", "unmet_need_days"),
    "area.capacity.community_assessments_per_1000_per_week": ("community_assessment", None),
}


LAST_LINKS = ("area.capacity.home_care_hours_per_1000_per_week", "area.capacity.care_home_places_per_1000",
              "area.capacity.intermediate_care_places_per_1000")


def pooled(small_run, parameter, factor):
    """Totals summed over the paired seeds with the capacity scaled by `factor`. At factor 1 the
    capacity is its default, so those runs are the plain defaults, made once for every parameter."""
    overrides = None if factor == 1.0 else {parameter: registry()[parameter].default * factor}
    runs = [small_run("siloed", patients=PEOPLE, years=YEARS, seed=s, overrides=overrides).totals
            for s in SEEDS]
    return {k: sum(r[k] for r in runs) for k in runs[0].index}


def mean_wait(totals, service):
    return totals[f"wait_days_{service}"] / max(totals[f"started_{service}"], 1)


@pytest.mark.slow
@pytest.mark.parametrize("parameter", sorted(CAPACITIES))
def test_halving_a_capacity_lengthens_its_wait_and_doubling_shortens_it(small_run, parameter):
    service, outcome = CAPACITIES[parameter]
    half, default, double = (pooled(small_run, parameter, f) for f in (0.5, 1.0, 2.0))
    assert mean_wait(default, service) > 0, "the queue never binds at the default"
    assert mean_wait(half, service) > 1.5 * mean_wait(default, service)
    assert mean_wait(double, service) < mean_wait(default, service)
    if outcome is not None:
        assert half[outcome] > default[outcome]
        if parameter in LAST_LINKS:
            assert double[outcome] < default[outcome]


@pytest.mark.slow
def test_more_reablement_moves_the_queue_on_to_home_care(small_run):
    parameter = "area.capacity.reablement_places_per_1000"
    default, double = (pooled(small_run, parameter, f) for f in (1.0, 2.0))
    assert double["reablement_episodes"] > default["reablement_episodes"]
    assert mean_wait(double, "home_care") > mean_wait(default, "home_care")
