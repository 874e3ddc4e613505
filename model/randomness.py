"""Common random numbers: one independent uniform per (seed, decision, step, person).

Why: two arrangements run with the same seed must face the same patients and the same
chances, differing only where the arrangement differs (as in Starsim). A draw here depends
on nothing but the seed, the decision's name, the step and the person's stable id, so
whether person 17 has a crisis in week 40 is the same in both worlds however many other
people were asked, and in whatever order. It is a counter-based generator: the splitmix64
finaliser applied to a key built from those four numbers, vectorised over ids in numpy.
"""
from __future__ import annotations

import zlib

import numpy as np
from scipy import special

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STEP_MUL = np.uint64(0xD6E8FEB86659FD93)
_TO_UNIT = 1.0 / float(1 << 53)


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a bijective avalanche on uint64 (wraps modulo 2**64)."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


class RandomStreams:
    """Named, per-person random streams for one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._keys: dict[str, np.uint64] = {}

    def _key(self, decision: str) -> np.uint64:
        key = self._keys.get(decision)
        if key is None:
            tag = zlib.crc32(decision.encode()) | (zlib.crc32(decision[::-1].encode()) << 32)
            base = np.array([(self.seed * 0x2545F4914F6CDD1D + tag) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
            key = self._keys[decision] = _mix(base)[0]
        return key

    def uniform(self, decision: str, step: int, ids: np.ndarray) -> np.ndarray:
        """Uniform [0, 1) draws, one per id, for this decision at this step."""
        with np.errstate(over="ignore"):
            salt = self._key(decision) ^ (np.uint64(step + 1) * _STEP_MUL)
            x = ids.astype(np.uint64) * _GOLDEN + salt
            bits = _mix(_mix(x))
        return (bits >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    def bernoulli(self, decision: str, step: int, ids: np.ndarray, p) -> np.ndarray:
        """True where the person's draw falls below their probability."""
        return self.uniform(decision, step, ids) < p

    def exponential(self, decision: str, step: int, ids: np.ndarray, mean) -> np.ndarray:
        return -np.log1p(-self.uniform(decision, step, ids)) * mean

    def normal(self, decision: str, step: int, ids: np.ndarray) -> np.ndarray:
        u = self.uniform(decision, step, ids)
        return special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))

    def poisson(self, decision: str, step: int, ids: np.ndarray, lam: np.ndarray) -> np.ndarray:
        """Poisson counts by inversion (fast for the small weekly means used here)."""
        u = self.uniform(decision, step, ids)
        lam = np.broadcast_to(np.asarray(lam, dtype=float), u.shape)
        term = np.exp(-lam)
        cdf = term.copy()
        count = np.zeros(u.shape, dtype=np.int64)
        for k in range(1, 30):
            above = u > cdf
            if not above.any():
                break
            count += above
            term = term * lam / k
            cdf = cdf + term
        return count

    def choice(self, decision: str, step: int, ids: np.ndarray, n: int) -> np.ndarray:
        """A whole number in [0, n) per id."""
        return np.minimum((self.uniform(decision, step, ids) * n).astype(np.int64), n - 1)
