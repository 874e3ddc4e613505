"""Where runs execute: local processes (the default) or a Dask distributed cluster.

Both backends take an iterable of `RunTask`s and yield a `RunOutcome` for each as it
finishes, in whatever order they finish. Neither keeps more than a small window of tasks in
flight (twice the worker count), so a sweep of any length holds only that window in memory,
and neither lets one failed run stop the others: a model error comes back as a failed
outcome from the worker, and a lost worker process becomes a failed outcome here.
Results never depend on the backend or the worker count: a run's numbers depend only on
its task (see experiments/worker.py), and the caller writes each outcome under its run id.

After an interrupt (Ctrl-C or SIGTERM) the caller asks `drain()` for the runs that were
already running: queued runs are cancelled, running ones finish and are handed back, so
no finished work is thrown away; a second interrupt abandons them. Local worker processes
never outlive their coordinator, however it ends: the kernel kills each one when its
parent (the pool's fork server, which itself exits with the coordinator) goes away.
"""
from __future__ import annotations

import os
import signal
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, CancelledError, as_completed, wait
from typing import TYPE_CHECKING

from experiments.errors import ExperimentError
from experiments.worker import RunOutcome, RunTask, run_task

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

Runner = Callable[[RunTask], RunOutcome]
POOL_RESTARTS = 3  # a run in flight when the pool broke this many times is reported as failed
WORKER_WAIT = 30.0  # seconds to wait for a Dask scheduler to have at least one worker
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def failed(task: RunTask, error: str) -> RunOutcome:
    return RunOutcome(task.run_id, False, error=error)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent exits (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _release_fork_server() -> None:
    """Close this worker's copy of the fork server's "alive" pipe.

    The fork server exits when every holder of that pipe has gone; each child it forks is
    handed a copy, so without this the workers keep the server alive after the coordinator
    dies, and the server (their parent) keeps them alive.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None


def _quiet_worker() -> None:
    """Workers ignore Ctrl-C (the coordinator alone decides what happens on an interrupt) and
    die with the coordinator: it holds the fork server's only "alive" pipe, so the server
    exits with it, and the kernel then kills each worker (their parent died)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _release_fork_server()
    _die_with_parent()


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
        self._in_flight: dict = {}

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
            # Imported here: a comparison run in this process (workers=1), a Dask sweep and
            # `import experiments.compare` need no process pool (docs/performance.md).
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # forkserver: workers fork from a clean server that has imported the model once, so
            # start-up is cheap and nothing (threads, locks) is inherited from the coordinator.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["experiments.worker", "model.api", "pydantic", "yaml"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_quiet_worker)
        return self._pool

    def _run_pool(self, tasks: Iterator[RunTask], runner: Runner) -> Iterator[RunOutcome]:
        from concurrent.futures.process import BrokenProcessPool

        retry: deque[RunTask] = deque()
        breaks: dict[int, int] = {}
        window = 2 * self.workers
        in_flight: dict = {}
        self._in_flight = in_flight
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
        except KeyboardInterrupt:
            raise  # the runs in flight stay in self._in_flight for drain()
        except BaseException:
            self._shutdown()  # abandoned: drop what has not started
            raise

    def drain(self) -> Iterator[RunOutcome]:
        """After an interrupt: cancel queued runs, wait for running ones, yield those that finished.

        A second interrupt while waiting abandons them (the worker processes are killed).
        """
        in_flight, self._in_flight = self._in_flight, {}
        if self.workers == 1 or not in_flight:
            self._shutdown()
            return
        running = [future for future in in_flight if not future.cancel()]
        try:
            for future in as_completed(running):
                try:
                    outcome = future.result()
                except Exception:  # noqa: BLE001 - a run lost with its worker is simply rerun next time
                    continue
                yield outcome
        except BaseException:
            self._kill()
            raise
        self._shutdown()

    def _kill(self) -> None:
        """Stop now: kill the worker processes rather than wait for their runs."""
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        self._in_flight = {}
        self._shutdown()


class DaskBackend:
    """Runs tasks on a Dask distributed cluster (`dask scheduler` + `dask worker`s)."""

    def __init__(self, address: str, timeout: float = 10, worker_wait: float = WORKER_WAIT):
        import logging

        from distributed import Client

        self.address = address
        self._pending: list = []
        # The client logs its reconnection attempts as errors; a lost scheduler is reported
        # once, in one line, by run() instead.
        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
            raise ExperimentError(f"--scheduler {address}: cannot reach a Dask scheduler there "
                                  f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        try:
            self.client.wait_for_workers(1, timeout=worker_wait)
        except Exception:  # noqa: BLE001 - TimeoutError, or the scheduler going away meanwhile
            self.client.close()
            raise ExperimentError(f"--scheduler {address}: the scheduler has no workers (waited {worker_wait:g} s); "
                                  f"start some with `dask worker {address} --nthreads 1`") from None
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

        try:
            top_up()
            for future in queue:
                task = by_key.pop(future.key)
                try:
                    outcome = future.result()
                except CancelledError:  # only the scheduler going away cancels our runs
                    raise self._lost() from None
                except Exception as exc:  # noqa: BLE001 - KilledWorker, an error while unpickling, ...
                    if self._scheduler_lost():
                        raise self._lost() from None
                    outcome = failed(task, f"{type(exc).__name__}: {exc}")
                future.release()
                yield outcome
                top_up()
        except KeyboardInterrupt:
            self._pending = list(queue.futures)
            raise
        except ExperimentError:
            raise
        except Exception as exc:  # noqa: BLE001 - the connection to the scheduler failed mid-sweep
            if self._scheduler_lost() or isinstance(exc, (OSError, TimeoutError)):
                raise self._lost() from None
            raise
        finally:
            pending = [f for f in queue.futures if f not in self._pending]
            if pending and not self._scheduler_lost():
                self.client.cancel(pending)

    def _scheduler_lost(self) -> bool:
        return self.client.status not in ("running", "connecting", "newly-created")

    def _lost(self) -> ExperimentError:
        return ExperimentError(f"--scheduler {self.address}: lost the connection to the Dask scheduler; finished "
                               "runs are kept: run the same command again (with a scheduler running) to resume")

    def drain(self) -> Iterator[RunOutcome]:
        """After an interrupt: keep the runs that already finished on the cluster, cancel the rest."""
        pending, self._pending = self._pending, []
        finished = [f for f in pending if f.status == "finished"]
        rest = [f for f in pending if f.status != "finished"]
        if rest and not self._scheduler_lost():
            self.client.cancel(rest)
        for future in finished:
            try:
                yield future.result(timeout=10)
            except Exception:  # noqa: BLE001 - not retrievable now: it is rerun next time
                continue

    def close(self) -> None:
        self.client.close()


def make_backend(workers: int | None = None, scheduler: str | None = None, worker_wait: float = WORKER_WAIT):
    return DaskBackend(scheduler, worker_wait=worker_wait) if scheduler else LocalBackend(workers)
