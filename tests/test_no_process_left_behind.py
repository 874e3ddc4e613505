"""Stopping carepath, however it is stopped, leaves no worker or server process behind."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CARE_PATH = str(REPO / ".venv" / "bin" / "carepath")
EXPERIMENT = {"name": "orphans", "base": "siloed",
              "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3},
                             "area.hospital.length_of_stay_mean": {"low": 6, "high": 13}},
              "design": {"method": "latin", "samples": 8, "seed": 2}, "years": 3, "patients": 3000}


def start(argv, cwd) -> subprocess.Popen:
    return subprocess.Popen([CARE_PATH, *argv], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 120) -> list[psutil.Process]:
    """The coordinator's descendants, once `count` worker processes (forked by the pool's fork
    server, so grandchildren of the coordinator) exist and have had time to start a run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            family = psutil.Process(proc.pid).children(recursive=True)
            workers = [p for p in family if p.ppid() != proc.pid]
        except psutil.Error:
            workers = []
        if len(workers) >= count:
            time.sleep(2)
            return psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.2)
    raise AssertionError(f"no {count} workers appeared: {proc.stderr.read() if proc.poll() is not None else ''}")


def assert_all_gone(processes: list[psutil.Process], timeout: float = 20) -> None:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    for process in alive:  # do not leave them for the next test either
        process.kill()
    assert not alive, f"still alive after the coordinator stopped: {[p.pid for p in alive]}"


def cleanup(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_no_sweep_worker_outlives_a_coordinator_killed_with_sigkill(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(EXPERIMENT))
    sweep = start(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress"], tmp_path)
    try:
        family = wait_for_workers(sweep, 2)
        assert len(family) >= 3  # the fork server and two workers
        sweep.kill()  # SIGKILL to the coordinator alone, as `kill -9 PID` does
        sweep.wait(timeout=10)
        assert_all_gone(family)
    finally:
        cleanup(sweep)


@pytest.mark.slow
def test_sigterm_stops_a_sweep_like_ctrl_c(tmp_path):
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(EXPERIMENT))
    sweep = start(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "2", "--no-progress"], tmp_path)
    try:
        family = wait_for_workers(sweep, 2)
        sweep.terminate()
        _, err = sweep.communicate(timeout=180)
        assert sweep.returncode == 130, err
        assert_all_gone(family)
    finally:
        cleanup(sweep)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert "run the same command again to resume" in err


@pytest.mark.slow
def test_no_compare_worker_outlives_a_coordinator_killed_with_sigkill(tmp_path):
    compare = start(["compare", "siloed", "integrated", "--patients", "3000", "--years", "3", "--replications", "4",
                     "--workers", "2", "--no-progress"], tmp_path)
    try:
        family = wait_for_workers(compare, 2)
        compare.kill()
        compare.wait(timeout=10)
        assert_all_gone(family)
    finally:
        cleanup(compare)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
def test_killing_carepath_app_stops_its_server_and_frees_the_port(tmp_path):
    port = free_port()
    app = start(["app", "--port", str(port)], tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not serving(port) and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
        assert serving(port), app.stderr.read() if app.poll() is not None else "app did not start"
        family = [psutil.Process(app.pid), *psutil.Process(app.pid).children(recursive=True)]
        app.terminate()  # `kill PID`
        app.wait(timeout=30)
        assert_all_gone(family)
        assert not serving(port)
    finally:
        cleanup(app)


def test_a_port_in_use_is_reported_before_serving(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([CARE_PATH, "app", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port} is in use" in lines[0] and "serving" not in result.stderr
