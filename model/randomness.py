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
_MASK64 = (1 << 64) - 1


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, in place: a bijective avalanche on uint64 (wraps mod 2**64).

    One scratch array serves the three shifts, so a call allocates once, not three times.
    """
    shifted = np.right_shift(x, np.uint64(30))
    x ^= shifted
    x *= _M1
    x ^= np.right_shift(x, np.uint64(27), out=shifted)
    x *= _M2
    x ^= np.right_shift(x, np.uint64(31), out=shifted)
    return x


class RandomStreams:
    """Named, per-person random streams for one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._keys: dict[str, np.uint64] = {}
        self._weyl = np.array([], dtype=np.uint64)  # id * golden ratio, cached for whole-population draws

    def _key(self, decision: str) -> np.uint64:
        key = self._keys.get(decision)
        if key is None:
            tag = zlib.crc32(decision.encode()) | (zlib.crc32(decision[::-1].encode()) << 32)
            base = np.array([(self.seed * 0x2545F4914F6CDD1D + tag) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
            with np.errstate(over="ignore"):
                key = self._keys[decision] = _mix(_mix(base))[0]
        return key

    def uniform(self, decision: str, step: int, ids: np.ndarray) -> np.ndarray:
        """Uniform [0, 1) draws, one per id, for this decision at this step."""
        # Array arithmetic on uint64 wraps silently; only the scalar salt is built in Python ints.
        salt = np.uint64(int(self._key(decision)) ^ (((step + 1) * int(_STEP_MUL)) & _MASK64))
        x = self._keyed(ids, salt)
        _mix(x)
        x >>= np.uint64(11)
        # The float result overwrites the integers it is made from, element by element.
        return np.multiply(x, _TO_UNIT, out=x.view(np.float64))

    def _keyed(self, ids, salt: np.uint64) -> np.ndarray:
        """A fresh array of id * golden ratio + salt (mod 2**64); the products are cached when
        ids are 0..n-1 (whole-population draws)."""
        ids = np.asarray(ids)
        n = len(ids)
        if n > 64 and ids[0] == 0 and ids[-1] == n - 1:
            if len(self._weyl) < n:
                self._weyl = np.arange(max(n, int(len(self._weyl) * 1.5)), dtype=np.uint64) * _GOLDEN
            return np.add(self._weyl[:n], salt)
        x = ids.astype(np.uint64)
        x *= _GOLDEN
        x += salt
        return x

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

    def choice(self, decision: str, step: int, ids: np.ndarray, n: int) -> np.ndarray:
        """A whole number in [0, n) per id."""
        return np.minimum((self.uniform(decision, step, ids) * n).astype(np.int64), n - 1)
