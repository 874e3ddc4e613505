"""The same sweep on a Dask cluster (a real LocalCluster of worker processes on loopback)
gives exactly the local results; an unreachable scheduler is a one-line error."""
from __future__ import annotations

import pytest

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
