"""The same sweep on a Dask cluster (a real LocalCluster of worker processes on loopback)
gives exactly the local results; an unreachable scheduler is a one-line error."""
from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.slow  # starts local Dask clusters

from experiments.spec import ExperimentError
from experiments.sweep import run_sweep
from test_sweep import carepath, same_files, write_experiment

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def local_reference(tmp_path_factory):
    """Six paired runs swept once by two local processes: what both Dask sweeps must equal.
    A run is two 1,000-person, 1-year model runs, about 0.9 s of CPU together (more under
    load), and the worker-lost test kills a worker within 50 ms of the first part landing: with
    five runs still to do, both workers then hold one, so the killed worker dies mid-run."""
    folder = tmp_path_factory.mktemp("local")
    path = write_experiment(folder, design={"method": "latin", "samples": 6, "seed": 9}, replications=1,
                            patients=1000, years=1)
    report = run_sweep(path, folder / "out", workers=2, progress=False)
    assert report.complete and report.ran == 6
    return path, folder / "out"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


def test_dask_and_local_sweeps_are_identical(cluster, local_reference, tmp_path):
    path, local = local_reference
    on_dask = run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert on_dask.complete and on_dask.ran == 6 and on_dask.backend.startswith("Dask cluster")
    same_files(local, tmp_path / "dask")


def test_cli_sweep_on_a_scheduler_resumes_a_local_sweep(cluster, tmp_path):
    """Half a sweep run locally, finished on the cluster through the command line."""
    from experiments.store import SweepStore

    path = write_experiment(tmp_path, replications=1, patients=300, years=1)
    reference = run_sweep(path, tmp_path / "ref", workers=1, progress=False)
    assert reference.complete
    partial = shutil.copytree(tmp_path / "ref", tmp_path / "mixed")  # the same local sweep, then half undone
    for run_id in (0, 2):
        SweepStore(partial).part_path(run_id).unlink()
    (partial / "runs.parquet").unlink()
    result = carepath("sweep", str(path), "--out", str(partial), "--scheduler", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert "2 runs in" in result.stdout and "3 of 3 complete" in result.stdout
    same_files(tmp_path / "ref", partial)


def test_an_unreachable_scheduler_is_a_clear_error():
    from experiments.backends import DaskBackend

    with pytest.raises(ExperimentError, match="--scheduler tcp://127.0.0.1:9: cannot reach a Dask scheduler"):
        DaskBackend("tcp://127.0.0.1:9", timeout=1)


def test_a_worker_lost_mid_sweep_loses_no_run(local_reference, tmp_path):
    """Kill one of two worker processes while runs are in flight: the scheduler reruns its
    tasks on the other (or on the worker its nanny restarts), and the sweep still ends with
    exactly one result per run, identical to a local sweep."""
    import os
    import signal
    import threading
    import time

    path, local = local_reference
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0", silence_logs=50) as cluster, \
            distributed.Client(cluster, set_as_default=False) as client:
        pids_before = set(client.run(os.getpid).values())
        outcome = {}
        sweeping = threading.Thread(target=lambda: outcome.update(
            report=run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)))
        sweeping.start()
        parts = tmp_path / "dask" / "parts"
        deadline = time.monotonic() + 120
        while not (parts.exists() and any(parts.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim = sorted(pids_before)[0]
        os.kill(victim, signal.SIGKILL)  # while runs are still in flight
        done_when_killed = len(list(parts.iterdir()))
        sweeping.join(timeout=300)
        assert not sweeping.is_alive()
        pids_after = set(client.run(os.getpid).values())
    assert done_when_killed < 6 and victim not in pids_after
    report = outcome["report"]
    assert report.complete and report.failures == []
    same_files(local, tmp_path / "dask")
