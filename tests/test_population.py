"""The synthetic population reproduces published multimorbidity by age (parameters.csv)."""
import numpy as np

from model.population import _deprivation_offsets, draw_adults, generate_people, prevalence_curve
from model.randomness import RandomStreams
from model.scenario import load_scenario


def general_adults(n=200_000, seed=3):
    area = load_scenario("siloed").area
    prev = area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus, prev.deprivation_shift_years)
    people = draw_adults(area, RandomStreams(seed), np.arange(n), alpha, beta,
                         _deprivation_offsets(prev.deprivation_shift_years))
    return area, people


def share_multimorbid(people, mask):
    return float((people["n_conditions"][mask] >= 2).mean())


def test_prevalence_by_age_matches_the_published_figures():
    area, p = general_adults()
    age = p["age"]
    assert abs(share_multimorbid(p, (age >= 65) & (age < 75)) - 0.46) < 0.02  # row 18
    assert abs(share_multimorbid(p, age >= 85) - 0.93) < 0.02  # row 19
    assert abs(share_multimorbid(p, age >= 65) - 0.66) < 0.06  # row 19, two-thirds of 65+ (emergent)


def test_onset_is_about_ten_years_earlier_in_the_most_deprived_quintile():
    _, p = general_adults()
    age, dep = p["age"], p["deprivation"]
    most_deprived_at_60 = share_multimorbid(p, (dep == 5) & (abs(age - 60) < 2.5))
    least_deprived_at_70 = share_multimorbid(p, (dep == 1) & (abs(age - 70) < 2.5))
    least_deprived_at_60 = share_multimorbid(p, (dep == 1) & (abs(age - 60) < 2.5))
    assert abs(most_deprived_at_60 - least_deprived_at_70) < 0.05
    assert most_deprived_at_60 > least_deprived_at_60 + 0.1


def test_generated_people_are_adults_with_a_condition_and_reproducible():
    area = load_scenario("siloed").area
    a, _ = generate_people(area, RandomStreams(5), 3000, 0, day=0)
    b, _ = generate_people(area, RandomStreams(5), 3000, 0, day=0)
    assert (a["n_conditions"] >= 1).all() and (a["age"] >= 18).all()
    assert all(np.array_equal(a[k], b[k]) for k in a)
