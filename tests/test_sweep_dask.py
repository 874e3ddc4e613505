"""The same sweep on a Dask cluster (a real LocalCluster of worker processes on loopback)
gives exactly the local results; an unreachable scheduler is a one-line error."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # starts local Dask clusters

from experiments.spec import ExperimentError
from experiments.sweep import run_sweep
from test_sweep import carepath, same_files, write_experiment

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as local:
        yield local


def test_dask_and_local_sweeps_are_identical(cluster, tmp_path):
    path = write_experiment(tmp_path, design={"method": "morris", "samples": 2, "seed": 3}, replications=1)
    local = run_sweep(path, tmp_path / "local", workers=2, progress=False)
    assert local.complete and local.ran == 8
    on_dask = run_sweep(path, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert on_dask.complete and on_dask.ran == 8 and on_dask.backend.startswith("Dask cluster")
    same_files(tmp_path / "local", tmp_path / "dask")


def test_cli_sweep_on_a_scheduler_resumes_a_local_sweep(cluster, tmp_path):
    """Half a sweep run locally, finished on the cluster through the command line."""
    from experiments.store import SweepStore

    path = write_experiment(tmp_path, replications=1, patients=300, years=1)
    reference = run_sweep(path, tmp_path / "ref", workers=1, progress=False)
    assert reference.complete
    partial = tmp_path / "mixed"
    run_sweep(path, partial, workers=1, progress=False)
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


def test_a_worker_lost_mid_sweep_loses_no_run(tmp_path):
    """Kill one of two worker processes while runs are in flight: the scheduler reruns its
    tasks on the other (or on the worker its nanny restarts), and the sweep still ends with
    exactly one result per run, identical to a local sweep."""
    import os
    import signal
    import threading
    import time

    path = write_experiment(tmp_path, design={"method": "latin", "samples": 6, "seed": 9}, replications=1,
                            patients=3000, years=3)
    reference = run_sweep(path, tmp_path / "local", workers=2, progress=False)
    assert reference.complete and reference.ran == 6
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
    same_files(tmp_path / "local", tmp_path / "dask")
