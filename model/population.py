"""People: one row per person in numpy columns, and the synthetic population generator.

Why columns, not Agent objects: a Python object per patient costs about 1 us per
agent-step even for a trivial step (measured with Mesa 3.5 on the development machine);
numpy columns cost about 2,000 times less, which is what makes 100,000 patients over ten
years a matter of seconds. A person's row index is their stable person id: rows are never
reused or reordered.
"""
from __future__ import annotations

from enum import IntEnum
from functools import cache

import numpy as np
from scipy import optimize, special

from model.randomness import RandomStreams

NO_DAY = -(10**8)  # "never": far enough in the past that no window reaches it


class Place(IntEnum):
    HOME = 0
    HOSPITAL = 1
    CARE_HOME = 2
    DEAD = 3


class Package(IntEnum):
    """Long-term care a person has (reablement is an episode stage, needs.Stage, not a package)."""

    NONE = 0
    HOME_CARE = 2
    RESIDENTIAL = 3
    NURSING = 4


def has_care_home_place(package: np.ndarray) -> np.ndarray:
    """Per entry: a residential or nursing placement (two comparisons; np.isin costs far more
    on the weekly path)."""
    return (package == int(Package.RESIDENTIAL)) | (package == int(Package.NURSING))


class Frailty(IntEnum):
    FIT = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3


class Location(IntEnum):
    """Where a person is, as the workshop app draws it."""

    HOME = 0
    HOME_WITH_CARE = 1
    GP = 2
    AE = 3
    WARD = 4
    DELAYED = 5
    CARE_HOME = 6
    DEAD = 7


CONDITION_FLAGS = ("dementia", "copd", "heart_failure", "diabetes", "stroke")
# Share of a person's conditions that are each flagged condition, at age 70, and its change
# per decade of age (assumption: rough proportions of the QOF disease registers). These
# flags are descriptive; dementia, which drives risks and care, has its own prevalence and
# incidence by age (dementia_prevalence, and demography.new_conditions).
FLAG_SHARE = {"copd": (0.08, 0.1), "heart_failure": (0.05, 0.3), "diabetes": (0.15, -0.1), "stroke": (0.06, 0.2)}
OLDEST_AGE = 101  # ages are drawn up to here (the 85+ band's upper end)


def _share_multimorbid(lam: np.ndarray) -> np.ndarray:
    """P(2+ conditions) for a Poisson count with mean lam."""
    return 1.0 - np.exp(-lam) * (1.0 + lam)


def dementia_rate(at_80: float, doubling_years: float, age: np.ndarray) -> np.ndarray:
    """A dementia rate (prevalence or incidence) that doubles every `doubling_years` of age."""
    rate = (age - 80.0) / doubling_years  # a fresh array, which the steps below work in
    np.exp2(rate, out=rate)
    rate *= at_80
    return np.minimum(rate, 0.9, out=rate)


def flag_share(flag: str, age: np.ndarray) -> np.ndarray:
    """Chance that one of a person's conditions is this flagged condition, at their age."""
    share70, per_decade = FLAG_SHARE[flag]
    return np.clip(share70 * np.exp(per_decade * (age - 70) / 10), 0, 0.9)


def deprivation_offsets(shift_years: float) -> np.ndarray:
    """Effective-age offsets by quintile 1..5 (most deprived oldest), averaging zero."""
    return shift_years * (np.arange(5) - 2.0) / 4.0


@cache
def prevalence_curve(p_65_74: float, p_85_plus: float, shift_years: float,
                     oldest_decay_years: float = 5.0) -> tuple[float, float]:
    """(alpha, beta) of lambda(age) = exp(alpha + beta (age - 70)), the mean condition count.

    Solved so that, averaged over deprivation quintiles and ages within each band, the
    share with 2+ conditions matches the published 65-74 and 85+ figures (area.prevalence.multimorbid_*).
    """
    offsets = deprivation_offsets(shift_years)
    young_old = np.linspace(65, 75, 21)[:-1] + 0.25
    oldest = 85 + np.arange(0, OLDEST_AGE - 85) + 0.5
    oldest_weights = np.exp(-oldest / oldest_decay_years)
    oldest_weights /= oldest_weights.sum()

    def band(alpha, beta, ages, weights):
        eff = ages[:, None] + offsets[None, :]
        share = _share_multimorbid(np.exp(alpha + beta * (eff - 70)))
        return float((share.mean(axis=1) * weights).sum())

    def equations(x):
        alpha, beta = x
        return [band(alpha, beta, young_old, np.full(20, 1 / 20)) - p_65_74,
                band(alpha, beta, oldest, oldest_weights) - p_85_plus]

    alpha, beta = optimize.fsolve(equations, x0=[0.4, 0.07])
    return float(alpha), float(beta)


class Population:
    """The people of one run, as numpy columns that grow when new people enter."""

    INT_COLUMNS = {
        "sex": np.int8, "deprivation": np.int8, "n_conditions": np.int16, "frailty": np.int8,
        "gp_practice": np.int16, "council": np.int16, "hospital": np.int16, "boundaries": np.int8,
        "place": np.int8, "package": np.int8, "stage": np.int8,
        "entered_day": np.int32, "death_day": np.int32, "admit_day": np.int32,
        "fit_day": np.int32, "discharge_day": np.int32, "last_discharge_day": np.int32,
        "episode": np.int32, "service_until": np.int32, "stay_delay_nhs": np.int32,
    }
    # Columns whose "nothing yet" value is NO_DAY rather than zero.
    DAY_COLUMNS = ("admit_day", "fit_day", "discharge_day", "last_discharge_day", "death_day", "service_until")
    FLOAT_COLUMNS = ("age", "capital", "housing", "home_care_hours")
    compiled = False  # whether `holding` takes its compiled pass: set where the run's draws are compiled
    BOOL_COLUMNS = ("alive", "lives_alone", "has_carer", "coordinator", "discharge_planned",
                    "planned_follow_up", "reablement_tried") + CONDITION_FLAGS

    def __init__(self, capacity: int, compiled: bool = False):
        self.size = 0
        self.compiled = compiled
        for name, dtype in self.INT_COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        for name in self.FLOAT_COLUMNS:
            setattr(self, name, np.zeros(capacity, dtype=np.float64))
        for name in self.BOOL_COLUMNS:
            setattr(self, name, np.zeros(capacity, dtype=bool))

    @property
    def capacity(self) -> int:
        return len(self.age)

    @property
    def person_id(self) -> np.ndarray:
        return np.arange(self.size)

    def columns(self) -> list[str]:
        return [*self.INT_COLUMNS, *self.FLOAT_COLUMNS, *self.BOOL_COLUMNS]

    def _grow(self, needed: int) -> None:
        new_cap = max(needed, int(self.capacity * 1.5) + 16)
        for name in self.columns():
            old = getattr(self, name)
            grown = np.zeros(new_cap, dtype=old.dtype)
            grown[: self.size] = old[: self.size]
            setattr(self, name, grown)

    def append(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """Add people; return their new ids. Unset columns take their 'nothing yet' value."""
        count = len(values["age"])
        if self.size + count > self.capacity:
            self._grow(self.size + count)
        ids = np.arange(self.size, self.size + count)
        for name in self.columns():
            column = getattr(self, name)
            if name in values:
                column[ids] = values[name]
            elif name in self.DAY_COLUMNS:
                column[ids] = NO_DAY
        self.size += count
        return ids

    def view(self, name: str) -> np.ndarray:
        """The live part of a column."""
        return getattr(self, name)[: self.size]


def holding(pop, column: str, value, *also: tuple[str, object]) -> np.ndarray:
    """Ids, in id order, of the living whose `column` is `value` and each (column, value) of
    `also`. Why this order of tests: few people hold any one package, stage or service, so
    the one column is compared over everyone and the rest only for those few, instead of
    combining several masks over the whole population each week; the same ids either way.

    Codes are compared as plain ints: numpy takes an IntEnum member for an int64 array and
    casts the whole int8 column to compare with it, which at 300,000 people costs twelve
    times the comparison (the same holds wherever a whole column meets an enum member)."""
    if pop.compiled:  # the same ids in one pass (passes_compiled.holders)
        return _also(pop, compiled_holders(pop, column, value, value), also)
    ids = np.flatnonzero(pop.view(column) == int(value))
    return _also(pop, ids[pop.alive[ids]], also)


def holding_either(pop, column: str, value, other_value) -> np.ndarray:
    """Ids, in id order, of the living whose one-byte `column` is `value` or `other_value`."""
    if pop.compiled:  # the same ids in one pass (passes_compiled.holders)
        return compiled_holders(pop, column, value, other_value)
    values = pop.view(column)
    ids = np.flatnonzero((values == int(value)) | (values == int(other_value)))
    return ids[pop.alive[ids]]


def compiled_holders(pop, column: str, value, other_value) -> np.ndarray:
    """passes_compiled.holders over a one-byte column (a flag read as its byte)."""
    from model import passes_compiled
    values = pop.view(column)
    return passes_compiled.holders(values.view(np.int8), int(value), int(other_value), pop.view("alive"))


def _also(pop, ids: np.ndarray, also: tuple[tuple[str, object], ...]) -> np.ndarray:
    """Those of `ids` whose column holds the value, for each (column, value) of `also`."""
    if not also:
        return ids
    keep = np.ones(len(ids), dtype=bool)
    for other, other_value in also:
        keep &= getattr(pop, other)[ids] == int(other_value)
    return ids[keep]


def living_outside_hospital(m) -> np.ndarray:
    """Ids of the living not in hospital: who can have a crisis or consult a GP this week."""
    pop = m.pop
    if m.streams.compiled:  # the same ids in one pass (passes_compiled.py)
        from model import passes_compiled
        return passes_compiled.living_outside(pop.view("alive"), pop.view("place"), int(Place.HOSPITAL))
    return np.flatnonzero(pop.view("alive") & (pop.view("place") != int(Place.HOSPITAL)))


def per_person(value, n: int, dtype=None) -> np.ndarray:
    """`value` as one entry per person: an array of n as it is, a single value repeated.

    Why not np.broadcast_to: mechanisms call this thousands of times a week on small batches,
    where broadcast_to's Python-level checks cost more than the work."""
    value = np.asarray(value, dtype=dtype)
    if value.ndim == 0:
        return np.full(n, value)
    if value.shape != (n,):
        raise ValueError(f"expected {n} values, one per person, got an array of shape {value.shape}")
    return value


def generate_people(area, streams: RandomStreams, count: int, first_candidate: int,
                    day: int) -> tuple[dict[str, np.ndarray], int]:
    """Draw `count` adults with one or more LTCs; return their columns and the next candidate.

    Adults are drawn from the general adult age structure and kept if they have at least
    one condition, so the kept people's ages and condition counts reproduce prevalence by
    age in the population they come from. Every draw is keyed by a candidate number, so
    the same seed always yields the same people.
    """
    pop, prev = area.population, area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus,
                                   prev.deprivation_shift_years, pop.oldest_age_decay_years)
    offsets = deprivation_offsets(prev.deprivation_shift_years)
    # Candidates are drawn in batches of twice the number still wanted (at least 64) until
    # enough are kept; the next run of entrants starts after the last batch. Each draw is
    # keyed by the candidate's number, so the candidates are drawn here in one or two larger
    # blocks and the batches are counted afterwards: the same people, the same next candidate.
    drawn = [draw_age_and_conditions(area, streams, np.arange(first_candidate, first_candidate + 2 * count + 512),
                                     alpha, beta, offsets)]
    while (consumed := candidates_consumed(np.concatenate([d[2] for d in drawn]) >= 1, count)) is None:
        start = first_candidate + sum(len(d[0]) for d in drawn)
        more = max(count // 2, 512)  # a later batch wants twice the few still missing
        drawn.append(draw_age_and_conditions(area, streams, np.arange(start, start + more), alpha, beta, offsets))
    age, deprivation, n_conditions = (np.concatenate([d[i] for d in drawn])[:consumed] for i in range(3))
    ids = np.flatnonzero(n_conditions >= 1)[:count]
    # The rest of a person is drawn once, for those kept.
    people = draw_adults(area, streams, first_candidate + ids, age[ids], deprivation[ids], n_conditions[ids])
    people["entered_day"] = np.full(count, day, dtype=np.int32)
    return people, first_candidate + consumed


def candidates_consumed(keep: np.ndarray, count: int) -> int | None:
    """How many candidates batches of max(2 x (count still wanted), 64) take to keep `count`,
    given whether each candidate in order is kept; None if `keep` runs out first."""
    total = consumed = 0
    kept_so_far = np.concatenate([[0], np.cumsum(keep)])
    while total < count:
        consumed += max(2 * (count - total), 64)
        if consumed > len(keep):
            return None
        total = int(kept_so_far[consumed])
    return consumed


def draw_age_and_conditions(area, streams: RandomStreams, ids: np.ndarray, alpha: float, beta: float,
                            offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Age, deprivation quintile and condition count of adults from the general population
    (before keeping those with conditions)."""
    pop = area.population
    u = lambda name: streams.uniform(f"init.{name}", 0, ids)  # noqa: E731 - local shorthand
    old = u("is_old") < pop.age_structure_65_plus
    shares = np.array([pop.share_65_74_of_65_plus, pop.share_75_84_of_65_plus])
    cum = np.concatenate([np.cumsum(shares), [1.0]])
    band = np.searchsorted(cum, u("band"), side="right").clip(0, 2)
    lows = np.array([65, 75, 85])[band]
    within = u("age_within")
    decay = pop.oldest_age_decay_years  # 85+: ages thin out exponentially up to OLDEST_AGE
    oldest = 85 - decay * np.log1p(-within * (1 - np.exp(-(OLDEST_AGE - 85) / decay)))
    old_age = np.where(band == 2, oldest, lows + within * 10.0)
    young_age = pop.min_age + u("young_age") * (65 - pop.min_age)
    age = np.where(old, old_age, young_age)
    age = np.maximum(age, pop.min_age)
    deprivation = (u("deprivation") * 5).astype(np.int8).clip(0, 4) + 1
    eff_age = age + offsets[deprivation - 1]
    lam = np.exp(alpha + beta * (eff_age - 70))
    n_conditions = streams.poisson("init.conditions", 0, ids, lam).astype(np.int16)
    return age, deprivation, n_conditions


def draw_adults(area, streams: RandomStreams, ids: np.ndarray, age: np.ndarray, deprivation: np.ndarray,
                n_conditions: np.ndarray) -> dict[str, np.ndarray]:
    """Everything else about adults of this age, deprivation and condition count."""
    pop, prev, org = area.population, area.prevalence, area.organisations
    u = lambda name: streams.uniform(f"init.{name}", 0, ids)  # noqa: E731 - local shorthand
    older_share = np.clip((age - 65) / 25, 0, 1)  # women outnumber men more with age, to 90
    female = u("sex") < pop.female_share_under_65 + (pop.female_share_at_90 - pop.female_share_under_65) * older_share
    latent = (prev.frailty_age_slope * (age - 75) + prev.frailty_condition_slope * (n_conditions - 2)
              + np.log(u("frailty") / (1 - u("frailty") + 1e-12) + 1e-12))
    cuts = np.array([prev.frailty_cut_mild, prev.frailty_cut_moderate, prev.frailty_cut_severe])
    frailty = np.searchsorted(cuts, latent).astype(np.int8)
    upper = area.context.means_test_upper
    z = special.ndtri(1 - pop.share_capital_above_upper)
    log_mu = np.log(max(upper, 1.0)) - z * pop.capital_log_sd
    capital = np.exp(log_mu - 0.25 * (deprivation - 3) + pop.capital_log_sd * streams.normal("init.capital", 0, ids))
    owner = u("home_owner") < pop.home_ownership
    housing = np.where(owner, np.exp(np.log(pop.home_value_median) - 0.25 * (deprivation - 3)
                                     + pop.home_value_log_sd * streams.normal("init.housing", 0, ids)), 0.0)
    lives_alone = u("alone") < pop.share_living_alone
    councils, hospitals = org.councils, org.hospitals
    council = streams.choice("init.council", 0, ids, councils).astype(np.int16)
    hospital = streams.choice("init.hospital", 0, ids, hospitals).astype(np.int16)
    people = {
        "age": age, "sex": female.astype(np.int8), "deprivation": deprivation,
        "n_conditions": n_conditions, "frailty": frailty, "capital": capital, "housing": housing,
        "lives_alone": lives_alone, "has_carer": ~lives_alone,
        "gp_practice": streams.choice("init.practice", 0, ids, pop.gp_practices).astype(np.int16),
        "council": council, "hospital": hospital,
        "boundaries": boundaries_crossed(council, hospital, councils),
        "alive": np.ones(len(ids), dtype=bool),
    }
    for flag in FLAG_SHARE:
        people[flag] = u(flag) < 1 - (1 - flag_share(flag, age)) ** n_conditions
    people["dementia"] = (u("dementia") < dementia_rate(prev.dementia_prevalence_at_80,
                                                        prev.dementia_prevalence_doubling_years, age)) \
        & (n_conditions >= 1)
    return people


def boundaries_crossed(council: np.ndarray, hospital: np.ndarray, councils: int) -> np.ndarray:
    """Organisational boundaries a person's care crosses (0 where everything is coterminous).

    One when their hospital's home patch (hospital number modulo councils) is another
    council's; one more when the community provider serves several councils.
    """
    crossed = (hospital % councils != council).astype(np.int8)
    return crossed + np.int8(councils > 1)


def initial_care(area, streams: RandomStreams, people: dict[str, np.ndarray], ids: np.ndarray) -> None:
    """Put some frail people in care homes or home care, so a run starts near steady state."""
    pop = area.population
    frailty, age = people["frailty"], people["age"]
    u_home = streams.uniform("init.care_home", 0, ids)
    u_care = streams.uniform("init.home_care", 0, ids)
    in_home = (frailty == Frailty.SEVERE) & (age >= pop.initial_care_home_min_age) \
        & (u_home < pop.initial_care_home_share_severe)
    p_care = np.where(frailty == Frailty.SEVERE, pop.initial_home_care_share_severe,
                      np.where(frailty == Frailty.MODERATE, pop.initial_home_care_share_moderate, 0.0))
    with_care = ~in_home & (u_care < p_care)
    nursing = streams.uniform("init.nursing", 0, ids) < area.social_care.care_home_nursing_share
    people["place"] = np.where(in_home, Place.CARE_HOME, Place.HOME).astype(np.int8)
    people["package"] = np.select(
        [in_home & nursing, in_home, with_care],
        [Package.NURSING, Package.RESIDENTIAL, Package.HOME_CARE], Package.NONE).astype(np.int8)
    people["home_care_hours"] = np.where(with_care, area.social_care.home_care_hours_mean, 0.0)
