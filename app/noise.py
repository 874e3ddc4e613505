"""How big a difference chance alone makes: background replications of the same settings.

One run of a few hundred people is noisy: a difference of "42 more delayed bed days" can
come from who happened to fall ill, not from the arrangement. So, while the room watches
the live run, a worker process reruns the same settings (both worlds, same levers) with
other seeds, other people and other chances, out to year 5, and the page draws the band
those runs span. A tally is coloured only when every one of those runs puts the
difference on the same side of zero; otherwise it says "could be chance".

Reproducible: the replications' seeds are derived from the settings' seed alone
(`replication_seeds`), and each replication is a pure function of (settings, seed), so the
same settings give the same band whatever the number of worker processes.

Why a process, not a thread: replications are pure Python/numpy work; in a thread they
would hold the GIL and slow the live Step the room is watching.
"""
from __future__ import annotations

import atexit
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from app.settings import MAX_SEED, WorkshopSettings

REPLICATIONS = 10
HORIZON_WEEKS = 5 * 52
WORKERS = 1  # the app shares a laptop with the room's browser; one core is enough


def replication_seeds(seed: int, count: int = REPLICATIONS) -> list[int]:
    """Seeds for the background runs: fixed by the live seed, never equal to it."""
    seeds = np.random.SeedSequence([seed, 20_26]).generate_state(count + 1, dtype=np.uint32)
    return [int(s) % (MAX_SEED + 1) for s in seeds if int(s) != seed][:count]


def replication(settings: WorkshopSettings, seed: int, weeks: int = HORIZON_WEEKS) -> np.ndarray:
    """Integrated minus siloed, running tallies, weeks 0..`weeks`: an array [metric, week]
    in METRICS order. Both worlds run with `seed` and no event log (it is not needed)."""
    from app.twin_worlds import METRICS, WORLDS
    from model.api import build_model

    worlds = {w: build_model(settings.preset, patients=settings.patients, seed=seed,
                             overrides=settings.world_overrides(w), event_log=False) for w in WORLDS}
    out = np.zeros((len(METRICS), weeks + 1))
    for week in range(weeks + 1):
        if week:
            for world in worlds.values():
                world.step()
        tallies = {w: m.tallies() for w, m in worlds.items()}
        out[:, week] = [tallies["integrated"][key] - tallies["siloed"][key] for key, _, _ in METRICS]
    return out


@dataclass(frozen=True)
class Band:
    """Where the difference (integrated minus siloed) landed across the runs finished so far."""

    runs: int
    planned: int
    low: np.ndarray | None  # [metric, week], the lowest difference in any run
    high: np.ndarray | None  # [metric, week], the highest
    failed: str = ""  # why a background run failed, if one did (then nothing is coloured)

    @property
    def complete(self) -> bool:
        return self.runs == self.planned

    def verdict(self, metric: int, week: int) -> str:
        """"lower", "higher" (every run on that side of zero), "chance" or "pending"."""
        if not self.complete or self.failed or self.low is None or week >= self.low.shape[1]:
            return "pending"
        if self.high[metric, week] < 0:
            return "lower"
        if self.low[metric, week] > 0:
            return "higher"
        return "chance"


class NoiseBands:
    """Background replications per settings, computed once and kept for the session's life
    (going back to earlier settings shows their band at once)."""

    def __init__(self, workers: int = WORKERS, replications: int = REPLICATIONS):
        self.replications = replications
        self._workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._runs: dict[WorkshopSettings, list[Future]] = {}
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn: the app server runs threads, and forking a threaded process is unsafe
            self._executor = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(self._executor.shutdown, wait=False, cancel_futures=True)
        return self._executor

    def start(self, settings: WorkshopSettings) -> list[Future]:
        """Queue the replications for these settings (once); return their futures."""
        with self._lock:
            if settings not in self._runs:
                pool = self._pool()
                self._runs[settings] = [pool.submit(replication, settings, seed)
                                        for seed in replication_seeds(settings.seed, self.replications)]
            return self._runs[settings]

    def band(self, settings: WorkshopSettings) -> Band:
        """The band from the runs finished so far (low/high None before the first)."""
        futures = self.start(settings)
        done = [f.result() for f in futures if f.done() and not f.cancelled() and not f.exception()]
        failed = [f.exception() for f in futures if f.done() and not f.cancelled() and f.exception()]
        problem = f"{type(failed[0]).__name__}: {failed[0]}" if failed else ""
        if not done:
            return Band(0, self.replications, None, None, problem)
        stack = np.stack(done)
        return Band(len(done), self.replications, stack.min(axis=0), stack.max(axis=0), problem)


BANDS = NoiseBands()  # one pool for the whole server: sessions with the same settings share runs
