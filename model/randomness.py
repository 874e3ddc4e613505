"""Common random numbers: one independent uniform per (seed, decision, step, person).

Why: two arrangements run with the same seed must face the same patients and the same
chances, differing only where the arrangement differs (as in Starsim). A draw here depends
on nothing but the seed, the decision's name, the step and the person's stable id, so
whether person 17 has a crisis in week 40 is the same in both worlds however many other
people were asked, and in whatever order. It is a counter-based generator: the splitmix64
finaliser applied to a key built from those four numbers, over many ids at once: compiled
with numba (model/draws_compiled.py) or in plain numpy (model/draws_numpy.py), same numbers.
"""
from __future__ import annotations

import os
import sys
import zlib

import numpy as np
from scipy import special

from model import draws_numpy
from model.timing import weekly_probability_in_place

_STEP_FACTOR = 0xD6E8FEB86659FD93  # spreads the step over the salt's 64 bits
_MASK64 = (1 << 64) - 1
_M1, _M2 = int(draws_numpy.M1), int(draws_numpy.M2)


# A run of fewer person-years takes the numpy path while the compiled kernels are not yet
# loaded in the process and the process has built fewer than COMPILED_AFTER_RUNS models:
# numba's start-up (about 0.7 s of CPU) would cost a one-off small run more than the kernels
# save, but a process that keeps running models (a sweep's worker, a comparison's
# replications, the workshop app, a test session) soon earns it back (docs/performance.md).
COMPILED_FROM_PERSON_YEARS = 50_000
COMPILED_AFTER_RUNS = 3
_runs_sized = 0

# How far above -x a draw must be to be surely above the chance 1 - e^x (RandomStreams.bernoulli_of_scaled_rate):
# a relative margin of a billionth, against the few units in the last place (about 1e-16 each) that expm1 may err by.
RATE_BOUND_MARGIN = 1.0 + 1e-9


# At a million people, branching on the draw in draws_compiled.ids_below_own costs 2.3 ms at
# p = 0.001 and 9 ms at p = 0.3, against 6.8 ms for a pass without branches (docs/performance.md).
MASKED_DRAW_BRANCH_BELOW = 0.125


def compiled_draws(person_years: float | None = None):
    """The compiled draws (model/draws_compiled.py), or None for the plain-numpy path.

    Both give the same numbers bit for bit, so the choice is about speed alone:
    CAREPATH_DRAWS=numpy or =compiled forces one; otherwise (auto) a run of at least
    COMPILED_FROM_PERSON_YEARS, any run once the kernels are loaded, and every run from a
    process's COMPILED_AFTER_RUNS-th on is compiled. `person_years` None means "use them if
    numba is there". A machine without numba takes the numpy path."""
    global _runs_sized
    choice = os.environ.get("CAREPATH_DRAWS", "auto")
    if choice == "numpy":
        return None
    if person_years is not None:
        _runs_sized += 1
    small = person_years is not None and person_years < COMPILED_FROM_PERSON_YEARS
    loaded = "model.draws_compiled" in sys.modules
    if choice == "auto" and small and not loaded and _runs_sized < COMPILED_AFTER_RUNS:
        return None
    try:
        from model import draws_compiled
    except ImportError:
        return None
    return draws_compiled


class RandomStreams:
    """Named, per-person random streams for one run (`person_years`: its size, which decides
    whether the compiled draws are worth their start-up; None: use them if numba is there)."""

    def __init__(self, seed: int, person_years: float | None = None):
        self.seed = int(seed)
        self._keys: dict[str, np.uint64] = {}
        self._step_term = (None, np.uint64(0))  # (step, its term of the salt), for the step last asked about
        self._weyl = np.array([], dtype=np.uint64)  # id * golden ratio, cached for whole-population draws
        self._compiled = compiled_draws(person_years)

    @property
    def compiled(self) -> bool:
        """Whether this run's draws (and the rates computed beside them) are compiled."""
        return self._compiled is not None

    def __getstate__(self) -> dict:
        """Copies and pickles (the app's checkpoints, sweep workers) carry which path, not the module."""
        state = dict(self.__dict__)
        state["_compiled"] = self._compiled is not None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._compiled = compiled_draws() if state["_compiled"] else None

    def _key(self, decision: str) -> np.uint64:
        tag = zlib.crc32(decision.encode()) | (zlib.crc32(decision[::-1].encode()) << 32)
        key = self._keys[decision] = np.uint64(_mix(_mix((self.seed * 0x2545F4914F6CDD1D + tag) & _MASK64)))
        return key

    def salt(self, decision: str, step: int) -> np.uint64:
        """The word that, with a person's id, keys their draw for this decision and step (for
        compiled passes that draw as they go, like passes_compiled.crisis_candidates).

        The decision's key and the step's term are each built once, in Python integers (array
        arithmetic on uint64 wraps silently), and kept as numpy words: a week asks for some
        seventy salts, and building a numpy word from a Python integer costs more than the rest."""
        key = self._keys.get(decision)
        if key is None:
            key = self._key(decision)
        last_step, term = self._step_term
        if step != last_step:
            term = np.uint64(((step + 1) * _STEP_FACTOR) & _MASK64)
            self._step_term = (step, term)
        return key ^ term

    def uniform(self, decision: str, step: int, ids: np.ndarray) -> np.ndarray:
        """Uniform [0, 1) draws, one per id, for this decision at this step."""
        salt = self.salt(decision, step)
        if self._compiled is not None:
            return self._compiled.uniform(_as_ids(ids), salt)
        return draws_numpy.uniform(self._keyed(ids, salt))

    def _keyed(self, ids, salt: np.uint64) -> np.ndarray:
        """A fresh array of id * golden ratio + salt (mod 2**64); the products are cached when
        ids are 0..n-1 (whole-population draws)."""
        ids = np.asarray(ids)
        n = len(ids)
        if n > 64 and ids[0] == 0 and ids[-1] == n - 1:
            if len(self._weyl) < n:
                self._weyl = np.arange(max(n, int(len(self._weyl) * 1.5)), dtype=np.uint64) * draws_numpy.GOLDEN
            return np.add(self._weyl[:n], salt)
        x = ids.astype(np.uint64)
        x *= draws_numpy.GOLDEN
        x += salt
        return x

    def bernoulli(self, decision: str, step: int, ids: np.ndarray, p) -> np.ndarray:
        """True where the person's draw falls below their probability."""
        salt = self.salt(decision, step)
        if self._compiled is None:
            return draws_numpy.below(self._keyed(ids, salt), p)
        ids = _as_ids(ids)
        if isinstance(p, float) or np.ndim(p) == 0:  # a float first: np.ndim of one costs more than the draws
            return self._compiled.below_all(ids, salt, float(p))
        p = np.asarray(p, dtype=np.float64)
        return self._compiled.below(ids, salt, p if p.shape == ids.shape else np.broadcast_to(p, ids.shape))

    def bernoulli_of_scaled_rate(self, decision: str, step: int, ids: np.ndarray, scaled: np.ndarray) -> np.ndarray:
        """Positions (in `ids`) of those whose draw falls below their chance -expm1(scaled): a
        Poisson rate's chance of an event (timing.weekly_probability) given the rate already
        times `timing.exponent_per_rate`. `scaled` may be overwritten.

        The same positions as `bernoulli` with that chance. The compiled path works expm1 out
        only for those whose draw falls below -scaled * RATE_BOUND_MARGIN (a few in a hundred
        a week): since 1 - e^x <= -x for every x <= 0, and a computed expm1 is within a few
        units in the last place of the true value, nobody whose draw is at or above that
        bound can fall below the chance, and for the rest the comparison is the usual one."""
        if self._compiled is None:
            return np.flatnonzero(self.bernoulli(decision, step, ids, weekly_probability_in_place(scaled, scaled=True)))
        positions, draws = self._compiled.below_rate_bound(_as_ids(ids), self.salt(decision, step),
                                                           np.asarray(scaled, dtype=np.float64), RATE_BOUND_MARGIN)
        return positions[draws < weekly_probability_in_place(scaled[positions], scaled=True)]

    def bernoulli_own(self, decision: str, step: int, ids: np.ndarray, p_of_everyone: np.ndarray) -> np.ndarray:
        """As `bernoulli`, with each person's probability looked up by their id in an array for
        the whole population (so the compiled path need not gather it first)."""
        if self._compiled is None:
            return draws_numpy.below(self._keyed(ids, self.salt(decision, step)), p_of_everyone[ids])
        return self._compiled.below_own(_as_ids(ids), self.salt(decision, step),
                                        np.asarray(p_of_everyone, dtype=np.float64))

    def bernoulli_own_where(self, decision: str, step: int, mask: np.ndarray, p_of_everyone: np.ndarray) -> np.ndarray:
        """Ids of those where `mask` (over everyone) holds whose draw falls below their own
        probability: `bernoulli_own` for np.flatnonzero(mask), the same ids."""
        if self._compiled is None:
            ids = np.flatnonzero(mask)
            return ids[self.bernoulli_own(decision, step, ids, p_of_everyone)]
        return self._compiled.ids_below_own(mask, self.salt(decision, step),
                                            np.asarray(p_of_everyone, dtype=np.float64))

    def bernoulli_where(self, decision: str, step: int, mask: np.ndarray, p: float) -> np.ndarray:
        """`bernoulli_own_where` with one probability for everyone the mask holds: the ids of
        np.flatnonzero(mask) whose draw falls below p, as `bernoulli` gives them.

        The compiled pass over everyone branches on the draw, which is cheap only while p is
        small; from MASKED_DRAW_BRANCH_BELOW up, the ids are found first and drawn for alone."""
        if p >= MASKED_DRAW_BRANCH_BELOW:
            ids = np.flatnonzero(mask)
            return ids[self.bernoulli(decision, step, ids, p)]
        return self.bernoulli_own_where(decision, step, mask, np.broadcast_to(np.float64(p), np.shape(mask)))

    def exponential(self, decision: str, step: int, ids: np.ndarray, mean) -> np.ndarray:
        return -np.log1p(-self.uniform(decision, step, ids)) * mean

    def normal(self, decision: str, step: int, ids: np.ndarray) -> np.ndarray:
        u = self.uniform(decision, step, ids)
        return special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))

    def poisson(self, decision: str, step: int, ids: np.ndarray, lam) -> np.ndarray:
        """Poisson counts by inversion (fast for the small weekly means used here)."""
        u = self.uniform(decision, step, ids)
        lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), u.shape)
        none = np.exp(-lam)  # in numpy on both paths, so both use the same exp
        return (self._compiled or draws_numpy).poisson_from_uniform(u, lam, none)

    def poisson_own_nonzero(self, decision: str, step: int, ids: np.ndarray, lam_of_everyone: np.ndarray,
                            none_of_everyone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As `poisson`, with each person's mean and its exp(-mean) looked up by id in arrays for
        the whole population (worked out once for many weeks); returns only those with a count
        above zero, as (ids, counts)."""
        if self._compiled is None:
            counts = draws_numpy.poisson_from_uniform(self.uniform(decision, step, ids), lam_of_everyone[ids],
                                                      none_of_everyone[ids])
            some = np.flatnonzero(counts)
            return np.asarray(ids)[some], counts[some]
        return self._compiled.poisson_own_nonzero(_as_ids(ids), self.salt(decision, step), lam_of_everyone,
                                                  none_of_everyone)

    def choice(self, decision: str, step: int, ids: np.ndarray, n: int) -> np.ndarray:
        """A whole number in [0, n) per id."""
        if self._compiled is not None:
            return self._compiled.choice(_as_ids(ids), self.salt(decision, step), int(n))
        return np.minimum((self.uniform(decision, step, ids) * n).astype(np.int64), n - 1)


def _mix(x: int) -> int:
    """draws_numpy.mix on one word, in Python integers (a run makes some 140 keys, and a
    one-element array costs more than the arithmetic); the same splitmix64 finaliser."""
    x ^= x >> 30
    x = (x * _M1) & _MASK64
    x ^= x >> 27
    x = (x * _M2) & _MASK64
    return x ^ (x >> 31)


def _as_ids(ids) -> np.ndarray:
    """Ids as the one integer type the compiled kernels are built for."""
    return np.ascontiguousarray(ids, dtype=np.int64)
