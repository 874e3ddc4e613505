"""The compiled draws and passes and their plain-numpy twins give the same numbers, bit for bit.

Why it matters: results must not depend on whether numba is there (model/randomness.py
falls back to numpy without it), and the golden baseline was made before the kernels
existed. Hypothesis varies seeds, steps, decisions, ids (whole populations 0..n-1, which
take numpy's cached path, and scattered ids), probabilities and Poisson means.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from model import draws_compiled
from model.api import run
from model.randomness import RandomStreams

ids_strategy = st.one_of(
    st.integers(0, 3000).map(np.arange),
    hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 2**40), unique=True),
)


def both(seed: int) -> tuple[RandomStreams, RandomStreams]:
    compiled, plain = RandomStreams(seed), RandomStreams(seed)
    assert compiled._compiled is draws_compiled, "numba is a dependency: the compiled path must be in use"
    plain._compiled = None
    return compiled, plain


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), step=st.integers(0, 600), decision=st.text(min_size=1, max_size=12),
       ids=ids_strategy, n=st.integers(1, 400), p=st.floats(0, 1))
def test_uniform_choice_and_bernoulli_agree(seed, step, decision, ids, n, p):
    compiled, plain = both(seed)
    for draw in (lambda s: s.uniform(decision, step, ids), lambda s: s.choice(decision, step, ids, n),
                 lambda s: s.bernoulli(decision, step, ids, p),
                 lambda s: s.bernoulli(decision, step, ids, np.linspace(0, 1, len(ids))),
                 lambda s: s.bernoulli_own(decision, step, ids % 5000, np.linspace(0, 1, 5000))):
        a, b = draw(compiled), draw(plain)
        assert a.dtype == b.dtype and np.array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31), step=st.integers(0, 600), mask=hnp.arrays(np.bool_, st.integers(0, 3000)),
       p=st.floats(0, 1))
def test_a_draw_for_everyone_a_mask_holds_is_the_draw_for_their_ids(seed, step, mask, p):
    compiled, plain = both(seed)
    chance = p * (1 + np.sin(np.arange(len(mask)))) / 2
    chosen = compiled.bernoulli_own_where("death", step, mask, chance)
    assert np.array_equal(chosen, plain.bernoulli_own_where("death", step, mask, chance))
    ids = np.flatnonzero(mask)
    assert np.array_equal(chosen, ids[plain.bernoulli("death", step, ids, chance[ids])])
    one_chance = compiled.bernoulli_where("carer", step, mask, p)
    assert np.array_equal(one_chance, plain.bernoulli_where("carer", step, mask, p))
    assert np.array_equal(one_chance, ids[plain.bernoulli("carer", step, ids, p)])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), step=st.integers(0, 600), ids=ids_strategy,
       scale=st.sampled_from([1e-4, 0.2, 3.0, 40.0]))
def test_poisson_counts_agree(seed, step, ids, scale):
    compiled, plain = both(seed)
    lam = scale * (1 + np.sin(np.arange(len(ids))))
    assert np.array_equal(compiled.poisson("gp", step, ids, lam), plain.poisson("gp", step, ids, lam))
    everyone = scale * (1 + np.cos(np.arange(5000)))
    own = ids % 5000
    kept, counts = compiled.poisson_own_nonzero("gp", step, own, everyone, np.exp(-everyone))
    plain_kept, plain_counts = plain.poisson_own_nonzero("gp", step, own, everyone, np.exp(-everyone))
    assert np.array_equal(kept, plain_kept) and np.array_equal(counts, plain_counts)
    # Looking the means up by id gives what passing them in does, zeros left out.
    passed_in = plain.poisson("gp", step, own, everyone[own])
    assert np.array_equal(kept, own[passed_in > 0]) and np.array_equal(counts, passed_in[passed_in > 0])


@pytest.mark.slow
def test_a_run_is_the_same_with_either_path(monkeypatch):
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    compiled = run("integrated", patients=600, years=2, seed=5, event_log=True)
    monkeypatch.setenv("CAREPATH_DRAWS", "numpy")
    plain = run("integrated", patients=600, years=2, seed=5, event_log=True)
    assert compiled.by_year.equals(plain.by_year)
    assert compiled.events.equals(plain.events)


def test_the_environment_variable_chooses_the_path(monkeypatch):
    """A guard on the test above: its two runs did not both take the same path."""
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    assert RandomStreams(1, person_years=10)._compiled is draws_compiled
    monkeypatch.setenv("CAREPATH_DRAWS", "numpy")
    assert RandomStreams(1, person_years=10**7)._compiled is None


def test_a_model_copies_and_pickles_on_either_path(monkeypatch):
    """The app copies worlds for its checkpoints; the copy goes on drawing on the same path."""
    import copy
    import pickle
    for path in ("compiled", "numpy"):
        monkeypatch.setenv("CAREPATH_DRAWS", path)
        streams = RandomStreams(3)
        for twin in (copy.deepcopy(streams), pickle.loads(pickle.dumps(streams))):
            assert (twin._compiled is None) == (path == "numpy")
            assert np.array_equal(twin.uniform("x", 1, np.arange(50)), streams.uniform("x", 1, np.arange(50)))


@pytest.mark.slow
def test_small_runs_skip_the_compiler_start_up_in_a_fresh_process():
    """Auto: the first small runs in a process that has not loaded the kernels stay in numpy
    (so a one-off 1,000-person run does not pay numba's start-up); a big run loads them, and
    so does a process that keeps running small ones."""
    import os
    import subprocess
    import sys
    code = ("import sys; from model.randomness import RandomStreams, COMPILED_AFTER_RUNS as n; "
            "first = [RandomStreams(1, person_years=5_000)._compiled is None for _ in range(n - 1)]; "
            "numba_before = 'numba' in sys.modules; "
            "later = RandomStreams(1, person_years=5_000)._compiled is not None; "
            "print(all(first), numba_before, later)")
    environment = {k: v for k, v in os.environ.items() if k != "CAREPATH_DRAWS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment)
    assert out.stdout.split() == ["True", "False", "True"]
    code = "from model.randomness import RandomStreams; print(RandomStreams(1, person_years=500_000)._compiled is not None)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment)
    assert out.stdout.split() == ["True"]


def test_the_compiled_passes_are_their_numpy_twins(monkeypatch):
    """passes_compiled's crisis_rate, headcount, practice_demand and care_home_probability
    against crisis.crisis_rate, headcount.headcount_numpy, np.bincount and
    care_decision.care_home_probability, mid-run, where every modifier, every count and
    every practice's demand is non-zero."""
    from model.api import build_model
    from model.care_decision import care_home_probability
    from model.crisis import crisis_rate
    from model.headcount import headcount, headcount_numpy
    from model.population import Place
    from model.needs import unmet_need
    from model.primary_care import practice_demand
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    m = build_model("integrated", patients=3000, seed=4, years=1)
    m.run_for(30)
    pop = m.pop
    ids = np.flatnonzero(pop.view("alive"))
    assert (m.week_start - pop.view("last_discharge_day")[ids] <= m.config.area.hospital.readmission_window_days).any()
    assert unmet_need(m)[ids].any() and pop.view("coordinator")[ids].any()
    compiled_rate, compiled_counts = crisis_rate(m, ids), headcount(m)
    compiled_demand = practice_demand(m, ids)
    compiled_care_home = care_home_probability(m, ids)
    assert all(count > 0 for count in compiled_counts) and (compiled_demand > 0).all()
    assert (compiled_care_home == 0).any() and ((compiled_care_home > 0) & (compiled_care_home < 1)).any()
    assert (pop.view("place")[ids] == Place.HOSPITAL).any() and pop.view("has_carer")[ids].any()
    m.streams._compiled = None
    assert np.array_equal(compiled_care_home, care_home_probability(m, ids))
    assert np.array_equal(compiled_rate, crisis_rate(m, ids))
    assert np.array_equal(compiled_demand, practice_demand(m, ids))
    assert compiled_counts == headcount(m) == headcount_numpy(m)


def test_this_weeks_crises_and_consultations_are_the_same_from_one_pass_and_from_the_numpy_steps(monkeypatch):
    """passes_compiled.crisis_candidates and .consultations (the living outside hospital and
    their draws in one pass over everyone) against the numpy steps, week by week: the same
    people with a crisis, the same consultations and nurse consultations, and the same deaths
    (drawn against each death rate's bound, the exact chance only below it, on the compiled path)."""
    from model.api import build_model
    from model.crisis import who_has_a_crisis
    from model.demography import who_dies
    from model.primary_care import who_consults
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    m = build_model("integrated", patients=3000, seed=4, years=1)
    m.run_for(20)
    compiled_path, crises, nurse_consultations, deaths = m.streams._compiled, 0, 0, 0
    for _ in range(10):
        m.week = m.steps  # the coming week, whose first step draws deaths (model.step)
        dying = who_dies(m)
        m.streams._compiled = None
        assert np.array_equal(dying, who_dies(m))
        m.streams._compiled = compiled_path
        m.step()
        assert not m.pop.alive[dying].any()
        compiled = who_has_a_crisis(m), who_consults(m)
        m.streams._compiled = None
        plain = who_has_a_crisis(m), who_consults(m)
        m.streams._compiled = compiled_path
        assert np.array_equal(compiled[0], plain[0])
        assert all(np.array_equal(a, b) for a, b in zip(compiled[1], plain[1], strict=True))
        crises += len(compiled[0])
        nurse_consultations += int(compiled[1][2].sum())
        deaths += len(dying)
    assert crises > 20 and nurse_consultations > 100 and deaths > 5


def test_the_slow_step_and_the_risk_refresh_are_the_same_on_either_path(monkeypatch):
    """The compiled risk refresh, new conditions, frailty progression and stratification (passes_compiled.py,
    per-person arithmetic in loops, tables of the numpy expressions) against their numpy
    twins: the same risks, and the same people gaining a condition, dementia or frailty."""
    import copy

    from model import coordination, demography
    from model.api import build_model
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    m = build_model("integrated", patients=4000, seed=9, years=1)
    m.run_for(30)
    assert m.pop.view("dementia").any() and (m.pop.view("sex") == 1).any() and (m.pop.view("age") < 65).any()
    compiled, plain = copy.deepcopy(m), copy.deepcopy(m)
    plain.streams._compiled = None
    for world in (compiled, plain):
        world.risks.__init__()  # empty: what is compared below is worked out here, by each path
        world.risks.refresh(world)
    for name in ("crisis", "weekly_consultations", "no_consultation", "death"):
        assert np.array_equal(getattr(compiled.risks, name), getattr(plain.risks, name)), name
        assert np.array_equal(getattr(compiled.risks, name), getattr(m.risks, name)), name
    # The practices' bound: from whole-number counts on the compiled path, a little above numpy's sum.
    bound, summed = compiled.risks.consultations_by_practice, plain.risks.consultations_by_practice
    assert (bound >= summed).all() and (bound <= summed * (1 + 1e-9)).all()
    assert np.array_equal(bound, m.risks.consultations_by_practice)  # counts kept up to date = counted afresh
    for step in (demography.new_conditions, demography.frailty_progression, coordination.stratify):
        compiled, plain = copy.deepcopy(m), copy.deepcopy(m)
        plain.streams._compiled = None
        step(compiled)
        step(plain)
        changed = 0
        for column in m.pop.columns():
            assert np.array_equal(compiled.pop.view(column), plain.pop.view(column)), column
            changed += int((compiled.pop.view(column) != m.pop.view(column)).sum())
        assert changed > 0, f"{step.__name__} changed nobody: the comparison would show nothing"


@settings(max_examples=300, deadline=None)
@given(risk=hnp.arrays(np.float64, st.integers(1, 80), elements=st.sampled_from([0.0, -0.0, 0.1, 0.25, 2.0, 7.5])
                       | st.floats(0, 10)), data=st.data())
def test_the_highest_risks_are_a_full_sorts_first_ones(risk, data):
    """coordination.highest_first partitions instead of sorting everyone: it must pick what
    a full sort by risk, ties by position, puts first, in that order."""
    from model.coordination import highest_first
    wanted = data.draw(st.integers(1, len(risk)))
    assert np.array_equal(highest_first(risk, wanted), np.lexsort((np.arange(len(risk)), -risk))[:wanted])


@settings(max_examples=200, deadline=None)
@given(word=st.integers(0, 2**64 - 1))
def test_a_keys_mixing_in_python_integers_is_the_numpy_finaliser(word):
    """randomness._mix makes each decision's key without a one-element array; it must be
    draws_numpy.mix exactly, or every draw of every run would change."""
    from model import draws_numpy
    from model.randomness import _mix
    assert _mix(word) == int(draws_numpy.mix(np.array([word], dtype=np.uint64))[0])


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=st.integers(0, 400))
def test_selections_of_the_few_are_the_masks_over_everyone(data, n):
    """population.holding (the rare column first, then the rest for the few; numpy's or the
    compiled pass that reads a column eight rows at a time) and the compiled living_outside
    find the ids the masks over everyone find, in the same order."""
    from model import passes_compiled
    from model.population import Package, Place, Population, compiled_holders, has_care_home_place, holding
    pop = Population(n + 3)
    pop.size = n
    column = lambda values, dtype: hnp.arrays(dtype, n, elements=st.sampled_from(values))  # noqa: E731
    pop.alive[:n] = data.draw(column([True, False], bool))
    pop.place[:n] = data.draw(column([int(p) for p in Place], np.int8))
    pop.package[:n] = data.draw(column([int(p) for p in Package], np.int8))
    pop.council[:n] = data.draw(column([0, 1, 2], np.int16))
    pop.coordinator[:n] = data.draw(column([True, False], bool))
    alive, place, package = pop.view("alive"), pop.view("place"), pop.view("package")
    expected = np.flatnonzero(alive & (package == Package.HOME_CARE) & (pop.view("council") == 1)
                              & (place == Place.HOME))
    for compiled in (False, True):  # numpy's masks, then passes_compiled.holders eight rows at a time
        pop.compiled = compiled
        assert np.array_equal(holding(pop, "package", Package.HOME_CARE, ("council", 1), ("place", Place.HOME)),
                              expected)
        assert np.array_equal(holding(pop, "coordinator", True), np.flatnonzero(alive & pop.view("coordinator")))
        assert np.array_equal(holding(pop, "place", Place.HOSPITAL), np.flatnonzero(alive & (place == Place.HOSPITAL)))
    assert np.array_equal(compiled_holders(pop, "package", Package.RESIDENTIAL, Package.NURSING),
                          np.flatnonzero(alive & has_care_home_place(package)))
    assert np.array_equal(passes_compiled.living_outside(alive, place, int(Place.HOSPITAL)),
                          np.flatnonzero(alive & (place != Place.HOSPITAL)))


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**31), step=st.integers(0, 600), ids=ids_strategy, data=st.data())
def test_an_event_at_a_rate_is_drawn_alike_with_or_without_the_bound(seed, step, ids, data):
    """bernoulli_of_scaled_rate works expm1 out only below the bound -x (1 - e^x <= -x) on the
    compiled path: the same people as comparing every draw with -expm1(x), whatever the rates
    (none, tiny, ordinary, near-certain)."""
    rates = data.draw(hnp.arrays(np.float64, len(ids), elements=st.sampled_from([0.0, 1e-300, 1e-12, 0.05, 0.5])
                                 | st.floats(0, 50)))
    compiled, plain = both(seed)
    scaled = rates * -0.0191649555
    expected = np.flatnonzero(plain.uniform("x", step, ids) < -np.expm1(scaled))
    assert np.array_equal(compiled.bernoulli_of_scaled_rate("x", step, ids, scaled.copy()), expected)
    assert np.array_equal(plain.bernoulli_of_scaled_rate("x", step, ids, scaled.copy()), expected)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31), step=st.integers(0, 600), data=st.data())
def test_deaths_against_a_byte_bound_are_everyone_a_mask_holds_whose_draw_is_below_their_chance(seed, step, data):
    """passes_compiled.ids_below_coded_bound over power_codes of -scaled x margin, then the
    exact chance for those it keeps (demography.who_dies): the people where the mask holds
    whose draw falls below -expm1(scaled), as comparing everyone's draw with it gives; and the
    draws it keeps are theirs."""
    from model import passes_compiled
    from model.randomness import RATE_BOUND_MARGIN
    n = data.draw(st.integers(0, 3000))
    mask = data.draw(hnp.arrays(np.bool_, n))
    scaled = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, -1e-300, -0.001, -0.05, -3.0])
                                  | st.floats(-50, 0)))
    compiled, plain = both(seed)
    codes = passes_compiled.power_codes(scaled, -RATE_BOUND_MARGIN)
    ids, draws = passes_compiled.ids_below_coded_bound(mask, compiled.salt("death", step), codes,
                                                       passes_compiled.POWER_CODE_TABLE)
    everyone = np.flatnonzero(mask)
    u = plain.uniform("death", step, everyone)
    assert np.array_equal(draws, plain.uniform("death", step, ids))
    chance = -np.expm1(scaled)
    assert np.array_equal(ids[draws < chance[ids]], everyone[u < chance[everyone]])


@settings(max_examples=500, deadline=None)
@given(x=st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 5e-324, 2.0**-127, 2.0**126,
                                                                           0.5, 1.0, 2.0**-60 * 3]))
def test_a_byte_code_bounds_its_value_within_a_factor_of_two(x):
    """power_code: the table's bound lies above every positive value (within a factor of two
    over the normal range) and is 0.0 where nothing can be below the value (0, negative, NaN)."""
    from model import passes_compiled
    code = passes_compiled.power_codes(np.array([x]), 1.0)[0]
    bound = passes_compiled.POWER_CODE_TABLE[int(code) + 128]
    if x > 0:
        assert x < bound or bound == np.inf  # so whatever draw lies below the value lies below the bound
        if 2.0**-127 <= x < 2.0**126:
            assert bound <= 2 * x
    else:
        assert bound == 0.0


def test_the_bound_holds_where_the_draw_and_the_chance_are_closest():
    """Draws just below and just above each person's chance -expm1(x): the bound must keep
    everyone whose draw is below the chance (a draw is compared with it as a float)."""
    from model import draws_compiled
    from model.randomness import RATE_BOUND_MARGIN
    scaled = -np.geomspace(1e-12, 30, 2000)
    chance = -np.expm1(scaled)
    for draws in (np.nextafter(chance, 0), chance, np.nextafter(chance, 1)):
        bound = -scaled * RATE_BOUND_MARGIN
        assert ((draws < chance) <= (draws < bound)).all()  # below the chance implies below the bound
    assert draws_compiled.below_rate_bound(np.arange(5), np.uint64(7), np.zeros(5), RATE_BOUND_MARGIN)[0].size == 0


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_visit_registry_judges_and_records_alike_compiled_or_not(data):
    """duplicates.VisitRegistry with and without its compiled loops: the same duplicates, the
    same answers to "served elsewhere?", the same tables, over a random run of visits (a
    person may be visited twice in one batch)."""
    from model.duplicates import ORGANISATIONS, PURPOSES, VisitRegistry
    people = data.draw(st.integers(1, 12))
    compiled, plain = VisitRegistry(people, window_days=28, compiled=True), VisitRegistry(people, window_days=28)
    for _ in range(data.draw(st.integers(1, 25))):
        ids = np.array(data.draw(st.lists(st.integers(0, people - 1), max_size=6)), dtype=np.int64)
        purpose = data.draw(st.sampled_from(PURPOSES))
        organisation = data.draw(st.sampled_from(ORGANISATIONS[1:]))
        per_visit = {"min_size": len(ids), "max_size": len(ids)}
        day = np.array(data.draw(st.lists(st.integers(0, 400), **per_visit)), dtype=np.int64)
        episode = np.array(data.draw(st.lists(st.integers(0, 3), **per_visit)), dtype=np.int64)
        assert np.array_equal(compiled.served_elsewhere(ids, purpose, organisation, episode),
                              plain.served_elsewhere(ids, purpose, organisation, episode))
        assert np.array_equal(compiled.record(ids, day, purpose, organisation, episode),
                              plain.record(ids, day, purpose, organisation, episode))
    assert np.array_equal(compiled.last_day, plain.last_day)
    assert np.array_equal(compiled.last_episode, plain.last_episode)


@settings(max_examples=500, deadline=None)
@given(x=st.one_of(st.floats(-1200, 1200), st.integers(-1100, 1100).map(float),
                   st.integers(-60, 60).map(lambda k: float(np.nextafter(k, -np.inf)))))
def test_the_power_of_two_above_is_well_above_exp2_and_exp(x):
    """The bound new conditions and dementia onset draw against: 2**(ceil(x) + 1) is at least
    1.9 times exp2(x), and, for x = y * log2(e), exp(y), as numpy computes them (or both are 0)."""
    from model.passes_compiled import LOG2_E, power_of_two_above
    with np.errstate(over="ignore", under="ignore"):
        bound, powered, y = power_of_two_above(x), np.exp2(x), x / LOG2_E
        assert bound >= 1.9 * powered or bound == powered == 0.0 or powered == np.inf == bound
        assert power_of_two_above(y * LOG2_E) >= 1.9 * np.exp(y) or np.exp(y) == 0.0 or np.exp(y) == np.inf


def test_new_conditions_and_dementia_onset_are_the_same_people_on_either_path(monkeypatch):
    """demography.new_conditions, whose compiled path draws against a bound and works out the
    exponentials only for those below it, against the numpy path, at every slow step of a year."""
    import copy

    from model import demography
    from model.api import build_model
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    m = build_model("integrated", patients=5000, seed=2, years=1)
    gained = onsets = 0
    for _ in range(13):
        m.run_for(4)
        compiled, plain = copy.deepcopy(m), copy.deepcopy(m)
        plain.streams._compiled = None
        demography.new_conditions(compiled)
        demography.new_conditions(plain)
        for column in ("n_conditions", "dementia", "copd", "heart_failure", "diabetes", "stroke"):
            assert np.array_equal(compiled.pop.view(column), plain.pop.view(column)), column
        gained += int((compiled.pop.view("n_conditions") != m.pop.view("n_conditions")).sum())
        onsets += int((compiled.pop.view("dementia") != m.pop.view("dementia")).sum())
    assert gained > 100 and onsets > 5


def test_a_week_of_care_charges_is_the_same_on_either_path(monkeypatch):
    """The means test's week of charges in one compiled pass (passes_compiled.week_of_charges)
    against its numpy steps: the same payments, self-funders, ledger and council budgets, for
    care homes and home care, with savings near the limits and people on either side of them."""
    import copy

    from model.api import build_model
    from model.means_test import charge_week_of_care
    monkeypatch.setenv("CAREPATH_DRAWS", "compiled")
    m = build_model("integrated", patients=3000, seed=5, years=1)
    m.run_for(3)
    ctx = m.config.area.context
    ids = np.arange(0, len(m.pop.view("alive")), 3)
    limits = [ctx.means_test_lower, ctx.means_test_upper, ctx.means_test_lower + 250, 0.0]
    m.pop.capital[ids[:40]] = np.repeat(limits, 10)  # exactly at, and just around, each limit
    m.pop.capital[ids[40:80]] = np.repeat(limits, 10) + np.tile([-0.01, 0.01], 20)
    amounts = np.linspace(0, 1500, len(ids))
    for care_home, premium in ((True, m.config.area.costs.self_funder_premium), (False, 0.0)):
        compiled, plain = copy.deepcopy(m), copy.deepcopy(m)
        plain.streams._compiled = None
        results = [charge_week_of_care(world, "care_homes", ids, amounts, premium, care_home)
                   for world in (compiled, plain)]
        assert all(np.array_equal(a, b) for a, b in zip(*results, strict=True))
        assert 0 < results[0][1].sum() < len(ids)  # self-funders and council-funded both
        assert np.array_equal(compiled.ledger.amounts, plain.ledger.amounts)
        assert [c.budget.spent for c in compiled.councils] == [c.budget.spent for c in plain.councils]


@settings(max_examples=500, deadline=None)
@given(numerator=st.floats(-1e6, 1e6) | st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 5e-324]),
       divisor=st.floats(1e-3, 1e3))
def test_the_quotient_above_is_never_below_the_computed_quotient(numerator, divisor):
    """passes_compiled.quotient_above(n, 1 / d) bounds n / d as numpy divides it: the death
    rate's bound takes it for the exponent instead of a division."""
    from model.passes_compiled import quotient_above
    assert quotient_above(numerator, 1.0 / divisor) >= np.float64(numerator) / np.float64(divisor)
