"""Sweeps recover from what a crash, a full disk or an impatient user leaves behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from experiments.spec import ExperimentError
from experiments.store import SweepStore
from experiments.sweep import run_sweep

REPO = Path(__file__).resolve().parent.parent
CARE_PATH = str(REPO / ".venv" / "bin" / "carepath")
SMALL = {"name": "recovery", "base": "siloed",
         "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3},
                        "area.hospital.length_of_stay_mean": {"low": 6, "high": 13}},
         "design": {"method": "latin", "samples": 4, "seed": 2}, "years": 1, "patients": 150}


def experiment(folder: Path, **changes) -> Path:
    path = folder / "exp.yaml"
    path.write_text(yaml.safe_dump({**SMALL, **changes}, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    folder = tmp_path_factory.mktemp("finished")
    path = experiment(folder)
    assert run_sweep(path, folder / "out", workers=1, progress=False).complete
    return path, folder / "out"


def copy_of(folder: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(folder, target)
    (target / ".lock").unlink(missing_ok=True)
    return target


@pytest.mark.slow
def test_truncated_and_empty_parts_are_rerun_on_resume(finished, tmp_path, capsys):
    path, out = finished
    damaged = copy_of(out, tmp_path / "damaged")
    store = SweepStore(damaged)
    whole = store.part_path(1).read_bytes()
    store.part_path(1).write_bytes(whole[: len(whole) // 2])
    store.part_path(2).write_bytes(b"")
    (damaged / "runs.parquet").unlink()
    report = run_sweep(path, damaged, workers=1, progress=False)
    assert report.complete and report.ran == 2
    assert "2 damaged part file(s)" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet(damaged / "runs.parquet").drop(columns="code_version"),
                                  pd.read_parquet(out / "runs.parquet").drop(columns="code_version"))
    from carepath_cli import main

    assert main(["report", str(damaged)]) == 0


@pytest.mark.slow
def test_a_sweep_killed_before_its_manifest_can_be_started_again(tmp_path):
    path = experiment(tmp_path)
    folder = tmp_path / "started"
    for name in ("parts", "failures"):
        (folder / name).mkdir(parents=True)
    (folder / ".lock").write_text("")
    (folder / ".experiment.yaml.123.tmp").write_text("half")
    report = run_sweep(path, folder, workers=1, progress=False)
    assert report.complete and json.loads((folder / "manifest.json").read_text())["status"] == "complete"


def test_an_unreachable_scheduler_leaves_nothing_behind(tmp_path, capsys, monkeypatch):
    from functools import partial

    from carepath_cli import main
    from experiments import backends

    # Give up connecting after 1 s rather than the default 10 s: nothing listens on port 9, so
    # the refusal is the same, only sooner.
    monkeypatch.setattr(backends, "DaskBackend", partial(backends.DaskBackend, timeout=1))
    path = experiment(tmp_path)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot reach a Dask scheduler" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_scheduler_without_workers_is_reported_within_the_wait(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = experiment(tmp_path)
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None, silence_logs=50) as cluster:
        started = time.monotonic()
        with pytest.raises(ExperimentError, match="has no workers \\(waited 2 s\\)"):
            run_sweep(path, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False, worker_wait=2)
        assert time.monotonic() - started < 30
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_lost_scheduler_is_one_line_and_the_sweep_resumes(tmp_path):
    """Kill the scheduler mid-sweep: one line, exit 2, the finished parts kept; resuming completes."""
    path = experiment(tmp_path, patients=1500, years=2, design={"method": "latin", "samples": 8, "seed": 2})
    scheduler = subprocess.Popen([str(REPO / ".venv" / "bin" / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard", "--scheduler-file", str(tmp_path / "s.json")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "s.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads((tmp_path / "s.json").read_text())["address"]
        worker = subprocess.Popen([str(REPO / ".venv" / "bin" / "dask"), "worker", address, "--nthreads", "1",
                                   "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        sweep = subprocess.Popen([CARE_PATH, "sweep", str(path), "--out", str(tmp_path / "out"), "--scheduler",
                                  address, "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        parts = tmp_path / "out" / "parts"
        deadline = time.monotonic() + 120
        while not (parts.exists() and any(parts.glob("run-*.parquet"))) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(scheduler.pid, signal.SIGKILL)
        _, err = sweep.communicate(timeout=120)
    finally:
        for proc in (scheduler, worker):
            if proc is not None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
    kept = len(list(parts.glob("run-*.parquet")))
    assert sweep.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "lost the connection to the Dask scheduler" in lines[0], err
    assert 1 <= kept < 8
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "interrupted"
    resumed = run_sweep(path, tmp_path / "out", workers=2, progress=False)
    assert resumed.complete and resumed.ran == 8 - kept


@pytest.mark.slow
def test_ctrl_c_keeps_the_runs_already_under_way(tmp_path):
    path = experiment(tmp_path, patients=1500, years=2, design={"method": "latin", "samples": 8, "seed": 2})
    folder = tmp_path / "out"
    sweep = subprocess.Popen([CARE_PATH, "sweep", str(path), "--out", str(folder), "--workers", "2",
                              "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parts = folder / "parts"
    deadline = time.monotonic() + 120
    while not (parts.exists() and any(parts.glob("run-*.parquet"))) and time.monotonic() < deadline:
        time.sleep(0.02)
    at_interrupt = len(list(parts.glob("run-*.parquet")))
    sweep.send_signal(signal.SIGINT)
    _, err = sweep.communicate(timeout=180)
    kept = len(list(parts.glob("run-*.parquet")))
    assert sweep.returncode == 130, err
    assert kept > at_interrupt, "the run under way on the other worker was thrown away"
    assert kept < 8
    assert "keeping the runs already under way" in err and "run the same command again to resume" in err
    assert json.loads((folder / "manifest.json").read_text())["status"] == "interrupted"
    assert run_sweep(path, folder, workers=2, progress=False).ran == 8 - kept
