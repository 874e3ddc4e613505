"""The noise band: background runs of the same settings, and when a difference is coloured."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future

import numpy as np
import pytest

from app.noise import Band, NoiseBands, replication, replication_seeds, watch_runs
from app.settings import WorkshopSettings
from app.twin_worlds import METRICS

DELAYED = [k for k, _, _ in METRICS].index("delayed_bed_days")
DUPLICATES = [k for k, _, _ in METRICS].index("duplicate_visits")


def test_replication_seeds_are_fixed_by_the_seed_and_never_the_live_one():
    assert replication_seeds(1) == replication_seeds(1)
    assert replication_seeds(1) != replication_seeds(2)
    assert 1 not in replication_seeds(1) and len(set(replication_seeds(1))) == len(replication_seeds(1))


def test_a_replication_is_the_same_whichever_process_runs_it():
    settings = WorkshopSettings.from_preset(patients=100, seed=3)
    assert np.array_equal(replication(settings, 11, weeks=8), replication(settings, 11, weeks=8))


def test_with_the_siloed_preset_every_run_shows_no_difference():
    settings = WorkshopSettings.from_preset("siloed", patients=100)
    assert not replication(settings, 5, weeks=10).any()


def test_verdicts_colour_only_when_every_run_agrees_on_the_side_of_zero():
    low = np.array([[-5.0, 1.0, -3.0]])
    high = np.array([[-1.0, 4.0, 2.0]])
    band = Band(runs=3, planned=3, low=low, high=high)
    assert [band.verdict(0, week) for week in range(3)] == ["lower", "higher", "chance"]
    assert Band(runs=2, planned=3, low=low, high=high).verdict(0, 0) == "pending"
    assert Band(3, 3, low, high, failed="boom").verdict(0, 0) == "pending"


def test_the_band_watcher_counts_finished_and_cancelled_runs():
    runs = [Future() for _ in range(3)]
    runs[0].set_result(np.zeros(1))
    runs[1].cancel()  # a run dropped before it started: never reported by the pool until its turn
    seen = []
    watcher = threading.Thread(target=watch_runs, args=(runs, threading.Event(), lambda: seen.append(1), 0.05))
    watcher.start()
    time.sleep(0.3)
    assert len(seen) == 2 and watcher.is_alive()  # still waiting for the third
    runs[2].set_result(np.zeros(1))
    watcher.join(timeout=5)
    assert not watcher.is_alive() and len(seen) == 3


def test_the_band_watcher_leaves_promptly_when_the_page_moves_on_to_other_settings():
    """A watcher for settings the page has left used to wait for a run still computing in
    the worker, and held up the watcher for the new settings; now it leaves at once."""
    still_running = [Future() for _ in range(2)]
    for run in still_running:
        run.set_running_or_notify_cancel()
    moved_on = threading.Event()
    seen = []
    watcher = threading.Thread(target=watch_runs, args=(still_running, moved_on, lambda: seen.append(1), 0.05))
    watcher.start()
    time.sleep(0.2)
    moved_on.set()
    watcher.join(timeout=2)
    assert not watcher.is_alive() and seen == []


@pytest.mark.slow
def test_the_reviewers_year_one_example_is_called_chance_and_duplicates_are_not():
    """The review's "42 more (59%) delayed bed days" after a year at 500 people without
    full strength: across the background runs the year-1 difference in delayed bed days
    falls on both sides of zero; by year 5 the fall in second visits holds in every run."""
    settings = WorkshopSettings.from_preset("integrated", patients=500, full_strength_now=False)
    runs = np.stack([replication(settings, seed, weeks=260) for seed in replication_seeds(settings.seed, 6)])
    band = Band(len(runs), len(runs), runs.min(axis=0), runs.max(axis=0))
    assert band.verdict(DELAYED, 52) == "chance"
    assert band.verdict(DUPLICATES, 260) == "lower"


@pytest.mark.slow
def test_background_runs_in_a_worker_process_give_the_band():
    bands = NoiseBands(workers=1, replications=2)
    settings = WorkshopSettings.from_preset("siloed", patients=60)
    for future in bands.start(settings):
        future.result(timeout=120)
    band = bands.band(settings)
    assert band.complete and band.runs == 2 and not band.failed
    assert not band.low.any() and not band.high.any()
    assert bands.start(settings) is bands.start(settings)  # computed once per settings


@pytest.mark.slow
def test_a_killed_worker_delays_the_band_but_never_breaks_it():
    """A background worker that dies (killed, out of memory) once broke the whole page."""
    import os
    import signal

    bands = NoiseBands(workers=1, replications=2)
    settings = WorkshopSettings.from_preset("siloed", patients=60)
    first = bands.start(settings)
    bands._executor.submit(os.getpid).result(timeout=120)  # the worker is up
    for pid in list(bands._executor._processes):
        os.kill(pid, signal.SIGKILL)
    for future in first:
        try:
            future.result(timeout=120)
        except Exception:  # noqa: BLE001 - the broken pool is what this test is about
            pass
    band = bands.band(settings)  # must not raise; queues the lost runs again
    for future in bands.start(settings):
        future.result(timeout=120)
    band = bands.band(settings)
    assert band.complete and not band.failed


@pytest.mark.slow
def test_switching_settings_cancels_runs_nobody_waits_for():
    bands = NoiseBands(workers=1, replications=3)
    first = bands.start(WorkshopSettings.from_preset("siloed", patients=60, seed=1))
    second = bands.start(WorkshopSettings.from_preset("siloed", patients=60, seed=2))
    assert any(f.cancelled() for f in first)
    for future in second:
        future.result(timeout=120)
    bands._executor.shutdown(cancel_futures=True)


@pytest.mark.slow
def test_background_workers_stop_when_the_app_stops():
    """Workers must not outlive the app (they once ignored its SIGTERM and kept computing)."""
    import subprocess
    import sys
    import time

    script = ("import time\n"
              "from app.noise import NoiseBands\nfrom app.settings import WorkshopSettings\n"
              "if __name__ == '__main__':\n"
              "    bands = NoiseBands(workers=1, replications=4)\n"
              "    bands.start(WorkshopSettings.from_preset('integrated', patients=500))\n"
              "    print(list(bands._executor._processes), flush=True)\n"
              "    time.sleep(600)\n")
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = eval(app.stdout.readline())
    app.kill()  # the hardest stop: no clean-up code runs
    app.wait()
    deadline = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(1)
        alive = [pid for pid in workers if _running(pid)]
    assert not alive


def _running(pid: int) -> bool:
    import os
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    finally:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
