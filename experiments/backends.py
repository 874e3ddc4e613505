"""Where runs execute: local processes (the default) or a Dask distributed cluster.

Both backends take an iterable of `RunTask`s and yield a `RunOutcome` for each as it
finishes, in whatever order they finish. Neither keeps more than a small window of tasks in
flight (twice the worker count), so a sweep of any length holds only that window in memory,
and neither lets one failed run stop the others: a model error comes back as a failed
outcome from the worker, and a lost worker process becomes a failed outcome here.
Results never depend on the backend or the worker count: a run's numbers depend only on
its task (see experiments/worker.py), and the caller writes each outcome under its run id.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from experiments.spec import ExperimentError
from experiments.worker import RunOutcome, RunTask, run_task

Runner = Callable[[RunTask], RunOutcome]
POOL_RESTARTS = 3  # a run in flight when the pool broke this many times is reported as failed


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def failed(task: RunTask, error: str) -> RunOutcome:
    return RunOutcome(task.run_id, False, error=error)


def _quiet_worker() -> None:
    """Workers ignore Ctrl-C: the coordinator alone decides what happens on an interrupt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _main_script_hidden(runner: Runner):
    """Start workers without re-running the user's main script in them.

    Why: to find functions defined in the main script, multiprocessing re-runs it (as
    `__mp_main__`) in every new worker. A notebook-style script without an
    `if __name__ == "__main__":` guard would then start its own comparison inside each
    worker, which dies, and a script on standard input cannot be re-run at all. Tasks are
    plain data and the runner lives in an importable module, so workers need nothing from
    the main script: while they start, its file and module name are hidden from
    multiprocessing. (A runner defined in the main script itself still needs the guard.)
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(runner, "__module__", None) == "__main__":
        yield
        return
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class LocalBackend:
    """Runs tasks in a pool of local processes (in this process when workers=1).

    The pool is started on first use and kept until close(), so several batches (as in a
    comparison adding replications) share one set of warm workers.
    """

    def __init__(self, workers: int | None = None):
        self.workers = workers or available_cores()
        self._pool: ProcessPoolExecutor | None = None

    def describe(self) -> str:
        return f"{self.workers} local process{'es' if self.workers > 1 else ''}"

    def run(self, tasks: Iterable[RunTask], runner: Runner = run_task) -> Iterator[RunOutcome]:
        if self.workers == 1:
            for task in tasks:
                try:
                    yield runner(task)
                except Exception as exc:  # noqa: BLE001 - a runner that raises fails only its run
                    yield failed(task, f"{type(exc).__name__}: {exc}")
            return
        yield from self._run_pool(iter(tasks), runner)

    def _pool_now(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers fork from a clean server that has imported the model once, so
            # start-up is cheap and nothing (threads, locks) is inherited from the coordinator.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["experiments.worker", "model.api"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_quiet_worker)
        return self._pool

    def _run_pool(self, tasks: Iterator[RunTask], runner: Runner) -> Iterator[RunOutcome]:
        retry: deque[RunTask] = deque()
        breaks: dict[int, int] = {}
        window = 2 * self.workers
        in_flight: dict = {}
        try:
            while True:
                pool = self._pool_now()
                broken = False
                while len(in_flight) < window:
                    task = retry.popleft() if retry else next(tasks, None)
                    if task is None:
                        break
                    with _main_script_hidden(runner):  # a submit may start a worker process
                        in_flight[pool.submit(runner, task)] = task
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    task = in_flight.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        breaks[task.run_id] = breaks.get(task.run_id, 0) + 1
                        if breaks[task.run_id] < POOL_RESTARTS:
                            retry.append(task)
                            continue
                        outcome = failed(task, "worker process died (killed or out of memory) "
                                               f"{POOL_RESTARTS} times while running this run")
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that would not pickle
                        outcome = failed(task, f"{type(exc).__name__}: {exc}")
                    yield outcome
                if broken:  # the rest of the window failed with it: run them again on a fresh pool
                    for future, task in in_flight.items():
                        future.cancel()
                        retry.append(task)
                    in_flight.clear()
                    self._shutdown()
        except BaseException:
            self._shutdown()  # interrupted or abandoned: drop what has not started
            raise

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        self._shutdown()


class DaskBackend:
    """Runs tasks on a Dask distributed cluster (`dask scheduler` + `dask worker`s)."""

    def __init__(self, address: str, timeout: float = 10):
        from distributed import Client

        self.address = address
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
            raise ExperimentError(f"--scheduler {address}: cannot reach a Dask scheduler there "
                                  f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def describe(self) -> str:
        return f"Dask cluster at {self.address} ({self.workers} worker threads)"

    def run(self, tasks: Iterable[RunTask], runner: Runner = run_task) -> Iterator[RunOutcome]:
        from distributed import as_completed

        tasks = iter(tasks)
        token = uuid.uuid4().hex[:8]
        queue = as_completed(loop=self.client.loop)
        by_key: dict[str, RunTask] = {}

        def top_up() -> None:
            window = 2 * max(self.workers, sum(self.client.nthreads().values()))
            while queue.count() < window:
                task = next(tasks, None)
                if task is None:
                    return
                # retries=0: the model is deterministic, so retrying an error repeats it; a lost
                # worker is handled by the scheduler, which reruns its tasks elsewhere.
                future = self.client.submit(runner, task, key=f"carepath-run-{task.run_id}-{token}", pure=False)
                by_key[future.key] = task
                queue.add(future)

        top_up()
        try:
            for future in queue:
                task = by_key.pop(future.key)
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError, ...
                    outcome = failed(task, f"{type(exc).__name__}: {exc}")
                future.release()
                yield outcome
                top_up()
        finally:
            pending = list(queue.futures)
            if pending:
                self.client.cancel(pending)

    def close(self) -> None:
        self.client.close()


def make_backend(workers: int | None = None, scheduler: str | None = None):
    return DaskBackend(scheduler) if scheduler else LocalBackend(workers)
