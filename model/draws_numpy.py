"""The counter-based draws in plain numpy: the reference path (model/randomness.py).

Each function takes the already-built key words (`x`: id * golden ratio + salt, a fresh
uint64 array it may overwrite) and returns what model/draws_compiled.py returns for the
same input, bit for bit; tests/test_compiled_paths.py holds the two paths to that.
"""
from __future__ import annotations

import numpy as np

# The generator's constants, shared with model/draws_compiled.py and model/randomness.py.
GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # id * golden ratio spreads consecutive ids over the 64 bits
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
TO_UNIT = 1.0 / float(1 << 53)  # the top 53 bits of a word as a float in [0, 1)


def mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, in place: a bijective avalanche on uint64 (wraps mod 2**64).

    One scratch array serves the three shifts, so a call allocates once, not three times.
    """
    shifted = np.right_shift(x, np.uint64(30))
    x ^= shifted
    x *= M1
    x ^= np.right_shift(x, np.uint64(27), out=shifted)
    x *= M2
    x ^= np.right_shift(x, np.uint64(31), out=shifted)
    return x


def uniform(x: np.ndarray) -> np.ndarray:
    """Hash the key words and map the top 53 bits to [0, 1); the floats overwrite the words."""
    mix(x)
    x >>= np.uint64(11)
    return np.multiply(x, TO_UNIT, out=x.view(np.float64))


def below(x: np.ndarray, p) -> np.ndarray:
    """True where the draw falls below p (a number, or one per key)."""
    return uniform(x) < p


def poisson_from_uniform(u: np.ndarray, lam: np.ndarray, term: np.ndarray) -> np.ndarray:
    """Poisson counts by inversion (fast for the small weekly means used here); `term` is
    exp(-lam), the chance of none, worked out by the caller in numpy for both paths."""
    count = (u > term).astype(np.int64)
    # Only people past the first step of the inverse CDF need more work.
    active = np.flatnonzero(count)
    u, lam, term = u[active], lam[active], term[active]
    cdf = term.copy()
    for k in range(1, 60):
        term = term * lam / k
        cdf += term
        more = u > cdf
        if not more.any():
            break
        count[active[more]] += 1
        keep = np.flatnonzero(more)
        active, u, lam, term, cdf = active[keep], u[keep], lam[keep], term[keep], cdf[keep]
    return count
