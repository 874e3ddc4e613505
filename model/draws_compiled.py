"""The counter-based draws compiled with numba: one pass over the ids, no temporaries.

Why: a run asks for some seventy sets of draws a week, most for a handful of people, and
in numpy each costs a dozen array operations and their allocations; compiled, a draw is
a loop over the ids. Only integer arithmetic and IEEE multiplication, addition, division
and comparison happen here, in the order model/draws_numpy.py does them (no fast-math, so
nothing is reordered or fused), so the numbers are the same bit for bit; exp and the like
stay in numpy for both paths. `numba` compiles each kernel on first use and caches it on disk.
"""
from __future__ import annotations

import numba
import numpy as np

from model.draws_numpy import GOLDEN, M1, M2, TO_UNIT

_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


@numba.njit(cache=True, nogil=True, inline="always")
def person_draw(person, salt):
    """One person's uniform: splitmix64 of id * golden ratio + salt, top 53 bits to [0, 1).

    53 bits fit a signed integer, so the conversion to float is exact either way."""
    x = np.uint64(person) * GOLDEN + salt
    x ^= x >> _S30
    x *= M1
    x ^= x >> _S27
    x *= M2
    x ^= x >> _S31
    return np.float64(np.int64(x >> _S11)) * TO_UNIT


@numba.njit(cache=True, nogil=True)
def uniform(ids, salt):
    out = np.empty(ids.shape[0], dtype=np.float64)
    for i in range(ids.shape[0]):
        out[i] = person_draw(ids[i], salt)
    return out


@numba.njit(cache=True, nogil=True)
def below(ids, salt, p):
    """True where the draw falls below p, one p per id."""
    out = np.empty(ids.shape[0], dtype=np.bool_)
    for i in range(ids.shape[0]):
        out[i] = person_draw(ids[i], salt) < p[i]
    return out


@numba.njit(cache=True, nogil=True)
def below_all(ids, salt, p):
    """True where the draw falls below p, one p for everyone."""
    out = np.empty(ids.shape[0], dtype=np.bool_)
    for i in range(ids.shape[0]):
        out[i] = person_draw(ids[i], salt) < p
    return out


@numba.njit(cache=True, nogil=True)
def below_own(ids, salt, p_of_everyone):
    """True where the draw falls below the person's own p, looked up by id."""
    out = np.empty(ids.shape[0], dtype=np.bool_)
    for i in range(ids.shape[0]):
        out[i] = person_draw(ids[i], salt) < p_of_everyone[ids[i]]
    return out


@numba.njit(cache=True, nogil=True)
def ids_below_own(mask, salt, p_of_everyone):
    """Ids of those where `mask` holds whose draw falls below their own p: `below_own` over
    np.flatnonzero(mask), without building those ids first."""
    ids = np.empty(mask.shape[0], dtype=np.int64)
    n = 0
    for person in range(mask.shape[0]):
        # Drawn for everyone, and the branch taken on the draw, which falls below a small p for
        # few and so is easy to predict; the mask, unpredictable from one row to the next where
        # it holds for some but not most, is then kept by adding 0 or 1, not by a branch.
        if person_draw(person, salt) < p_of_everyone[person]:
            ids[n] = person
            n += np.intp(mask[person])
    return ids[:n].copy()


@numba.njit(cache=True, nogil=True)
def choice(ids, salt, n):
    """A whole number in [0, n) per id: the draw times n, truncated, at most n - 1."""
    out = np.empty(ids.shape[0], dtype=np.int64)
    for i in range(ids.shape[0]):
        out[i] = min(np.int64(person_draw(ids[i], salt) * n), n - 1)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def poisson_count(u, lam, none):
    """A Poisson count by inversion: step up the CDF while the draw lies above it (at most 59
    steps, as the numpy path); `none` is exp(-lam), worked out in numpy for both paths."""
    t = none
    cdf = t
    if not u > cdf:
        return 0
    count = 1
    for k in range(1, 60):
        t = t * lam / k
        cdf += t
        if not u > cdf:
            break
        count += 1
    return count


@numba.njit(cache=True, nogil=True)
def poisson_from_uniform(u, lam, none):
    count = np.empty(u.shape[0], dtype=np.int64)
    for i in range(u.shape[0]):
        count[i] = poisson_count(u[i], lam[i], none[i])
    return count


@numba.njit(cache=True, nogil=True)
def poisson_own_nonzero(ids, salt, lam_of_everyone, none_of_everyone):
    """Poisson counts with each person's mean and exp(-mean) looked up by id; only the
    non-zero ones are kept, as (ids, counts) in the ids' order."""
    kept = np.empty(ids.shape[0], dtype=np.int64)
    count = np.empty(ids.shape[0], dtype=np.int64)
    n = 0
    for i in range(ids.shape[0]):
        person = ids[i]
        c = poisson_count(person_draw(person, salt), lam_of_everyone[person], none_of_everyone[person])
        if c > 0:
            kept[n] = person
            count[n] = c
            n += 1
    return kept[:n].copy(), count[:n].copy()


@numba.njit(cache=True, nogil=True)
def below_rate_bound(ids, salt, scaled, margin):
    """Positions and draws of those whose draw falls below -scaled * margin, an upper bound of
    their chance -expm1(scaled) (randomness.RandomStreams.bernoulli_of_scaled_rate says why):
    only they can have the event."""
    positions = np.empty(ids.shape[0], dtype=np.int64)
    draws = np.empty(ids.shape[0], dtype=np.float64)
    n = 0
    for i in range(ids.shape[0]):
        u = person_draw(ids[i], salt)
        if u < -scaled[i] * margin:
            positions[n] = i
            draws[n] = u
            n += 1
    return positions[:n], draws[:n]
