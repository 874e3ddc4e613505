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
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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


def _worker_start(parent: int) -> None:
    """In each worker: die with the app. A worker started from one of the server's threads
    inherits that thread's blocked signals, so it ignored the server's SIGTERM and lived on,
    computing, after the app stopped; unblock them, and leave if the app is gone."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(2)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()


def watch_runs(futures: list[Future], cancelled: threading.Event, on_finished, poll_seconds: float = 0.5) -> None:
    """Call `on_finished()` as each run finishes (cancelled runs too), until all have, or
    until `cancelled` is set (the page moved on to other settings).

    Why a poll and not `as_completed`: a run cancelled before it started is only reported
    finished once the worker reaches it in the queue, so a watcher for settings the page
    has left waited on a run still computing, and the watcher for the new settings waited
    for that one to end. Waiting a little at a time, it leaves within `poll_seconds`."""
    pending = set(futures)
    while pending and not cancelled.is_set():
        done, pending = wait(pending, timeout=poll_seconds, return_when=FIRST_COMPLETED)
        cancelled_now = {f for f in pending if f.cancelled()}
        pending -= cancelled_now
        for _ in range(len(done) + len(cancelled_now)):
            if cancelled.is_set():
                return
            on_finished()


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
            self._executor = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_start, initargs=(os.getpid(),))
            atexit.register(self._executor.shutdown, wait=False, cancel_futures=True)
        return self._executor

    def start(self, settings: WorkshopSettings) -> list[Future]:
        """Queue the replications for these settings (once); return their futures.

        Settings looked at now go first: runs still waiting for settings nobody is looking
        at are cancelled (and queued again if someone comes back to them). A worker that
        died (killed, out of memory) gets the pool rebuilt and its runs queued again, so
        the band comes late rather than never, and the page never breaks over it."""
        with self._lock:
            for other, futures in self._runs.items():
                if other != settings:
                    for future in futures:
                        future.cancel()  # only succeeds for runs not yet started
            futures = self._runs.get(settings)
            if futures is None or any(self._lost(f) for f in futures):
                seeds = replication_seeds(settings.seed, self.replications)
                futures = [f if futures is not None and not self._lost(f) else self._submit(settings, seed)
                           for f, seed in zip(futures or [None] * len(seeds), seeds)]
                self._runs[settings] = futures
            return futures

    @staticmethod
    def _lost(future: Future | None) -> bool:
        if future is None or future.cancelled():
            return True
        return future.done() and isinstance(future.exception(), BrokenProcessPool)

    def _submit(self, settings: WorkshopSettings, seed: int) -> Future:
        try:
            return self._pool().submit(replication, settings, seed)
        except BrokenProcessPool:
            self._executor = None  # a worker died: start a new pool
            return self._pool().submit(replication, settings, seed)

    def band(self, settings: WorkshopSettings) -> Band:
        """The band from the runs finished so far (low/high None before the first)."""
        try:
            futures = self.start(settings)
        except Exception as problem:  # noqa: BLE001 - no band is a line on screen, not a broken page
            return Band(0, self.replications, None, None, f"{type(problem).__name__}: {problem}")
        finished = [f for f in futures if f.done() and not f.cancelled()]
        done = [f.result() for f in finished if not f.exception()]
        failed = [f.exception() for f in finished if f.exception()]
        problem = f"{type(failed[0]).__name__}: {failed[0]}" if failed else ""
        if not done:
            return Band(0, self.replications, None, None, problem)
        stack = np.stack(done)
        return Band(len(done), self.replications, stack.min(axis=0), stack.max(axis=0), problem)


BANDS = NoiseBands()  # one pool for the whole server: sessions with the same settings share runs
