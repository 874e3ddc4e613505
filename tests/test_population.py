"""The synthetic population reproduces published multimorbidity by age (parameters.csv)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.population import deprivation_offsets, draw_age_and_conditions, generate_people, prevalence_curve
from model.randomness import RandomStreams
from model.scenario import load_scenario


def general_adults(n=200_000, seed=3):
    area = load_scenario("siloed").area
    prev = area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus, prev.deprivation_shift_years)
    age, deprivation, n_conditions = draw_age_and_conditions(area, RandomStreams(seed), np.arange(n), alpha, beta,
                                                             deprivation_offsets(prev.deprivation_shift_years))
    return area, {"age": age, "deprivation": deprivation, "n_conditions": n_conditions}


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


def test_men_die_at_a_higher_rate_than_women_of_the_same_age_and_frailty():
    """Row 33: life expectancy at 65 is 18.8 years for men and 21.1 for women; rate_at_75
    stays the rate for men and women together."""
    from model.api import build_model

    def weekly_death_chance(male_rr):
        m = build_model("siloed", patients=2000, seed=3, overrides={"area.mortality.male_rr": male_rr})
        pop = m.pop
        pop.age[:pop.size], pop.frailty[:pop.size], pop.dementia[:pop.size] = 80.0, 1, False
        m.risks.refresh(m)
        alive, sex = pop.view("alive"), pop.view("sex")
        return m.risks.death[alive & (sex == 0)], m.risks.death[alive & (sex == 1)]

    men, women = weekly_death_chance(1.25)
    assert len(men) > 100 and len(women) > 100
    np.testing.assert_allclose(men / women[0], 1.25, rtol=1e-3)
    np.testing.assert_allclose(women, women[0])
    same_men, same_women = weekly_death_chance(1.0)
    np.testing.assert_allclose(same_men, same_women[0])
    np.testing.assert_allclose((men[0] + women[0]) / 2, same_men[0], rtol=1e-3)


def batch_by_batch(area, streams, count, first_candidate, day):
    """generate_people as it was first written: each batch of candidates drawn in turn, the
    rest of a person drawn for each batch's kept, the first `count` kept taken."""
    from model.population import draw_adults
    prev = area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus, prev.deprivation_shift_years,
                                   area.population.oldest_age_decay_years)
    offsets = deprivation_offsets(prev.deprivation_shift_years)
    kept, total, candidate = [], 0, first_candidate
    while total < count:
        batch = max(2 * (count - total), 64)
        ids = np.arange(candidate, candidate + batch)
        candidate += batch
        age, deprivation, n_conditions = draw_age_and_conditions(area, streams, ids, alpha, beta, offsets)
        keep = n_conditions >= 1
        kept.append(draw_adults(area, streams, ids[keep], age[keep], deprivation[keep], n_conditions[keep]))
        total += int(keep.sum())
    merged = {k: np.concatenate([p[k] for p in kept])[:count] for k in kept[0]}
    merged["entered_day"] = np.full(count, day, dtype=np.int32)
    return merged, candidate


@settings(max_examples=25, deadline=None)
@given(count=st.integers(1, 3000), first_candidate=st.integers(0, 10**6), seed=st.integers(0, 2**31))
def test_people_drawn_in_blocks_are_those_drawn_batch_by_batch(count, first_candidate, seed):
    """generate_people draws its candidates in one or two blocks and counts the batches
    afterwards: the same people, the same next candidate, as drawing each batch in turn."""
    area = load_scenario("siloed").area
    people, after = generate_people(area, RandomStreams(seed), count, first_candidate, day=7)
    expected, expected_after = batch_by_batch(area, RandomStreams(seed), count, first_candidate, day=7)
    assert after == expected_after
    assert people.keys() == expected.keys()
    for name, column in expected.items():
        assert people[name].dtype == column.dtype and np.array_equal(people[name], column), name


@settings(max_examples=300, deadline=None)
@given(length=st.integers(0, 3000), density=st.floats(0, 1), seed=st.integers(0, 2**31), count=st.integers(0, 800))
def test_the_batches_counted_afterwards_are_the_batches_drawn_in_turn(length, density, seed, count):
    from model.population import candidates_consumed
    keep = np.random.default_rng(seed).random(length) < density
    total = consumed = 0
    while total < count and consumed <= len(keep):
        consumed += max(2 * (count - total), 64)
        total = int(keep[:consumed].sum())
    expected = consumed if total >= count and consumed <= len(keep) else None
    assert candidates_consumed(keep, count) == expected
