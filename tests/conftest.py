"""Shared fixtures: small real model runs, cached so each is made once per test session.

Also the order test files start in: longest first (docs/testing.md). With `--dist loadfile`
each file runs whole on one worker; a long file that starts last runs alone while the other
workers sit idle, so files are handed out by their measured seconds (tests/file_seconds.json),
largest first, the classic longest-processing-time rule. Write that file afresh with
`CAREPATH_TEST_SECONDS=write .venv/bin/python -m pytest`.
"""
from __future__ import annotations

import json
import os
import statistics
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from model.api import run


@lru_cache(maxsize=64)
def _cached_run(scenario: str, patients: int, years: int, seed: int, overrides: tuple, event_log: bool):
    return run(scenario, patients=patients, years=years, seed=seed, overrides=dict(overrides), event_log=event_log)


@pytest.fixture(scope="session")
def small_run():
    """`small_run(scenario, patients=..., years=..., seed=..., overrides={...}, event_log=...)`"""

    def make(scenario="siloed", patients=2000, years=2, seed=1, overrides=None, event_log=False):
        key = tuple(sorted((overrides or {}).items()))
        return _cached_run(scenario, patients, years, seed, key, event_log)

    return make


FILE_SECONDS = Path(__file__).with_name("file_seconds.json")
_measured: defaultdict[str, float] = defaultdict(float)
_recording = False  # set in pytest_configure


def _test_file(nodeid: str) -> str:
    return nodeid.split("::")[0]


def pytest_collection_modifyitems(config, items):
    """Longest files first; a file not yet measured counts as a typical one. The sort is
    stable, so each file's tests stay together and in their own order."""
    seconds = json.loads(FILE_SECONDS.read_text()) if FILE_SECONDS.exists() else {}
    typical = statistics.median(seconds.values()) if seconds else 0.0
    items.sort(key=lambda item: -seconds.get(_test_file(item.nodeid), typical))


def pytest_configure(config):
    """Only the process that sees every test's report (not an xdist worker) records seconds,
    and only when asked to."""
    global _recording
    _recording = os.environ.get("CAREPATH_TEST_SECONDS") == "write" and not hasattr(config, "workerinput")


def pytest_runtest_logreport(report):
    if _recording:
        _measured[_test_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session):
    if _recording and _measured:
        ordered = dict(sorted(((name, round(seconds, 1)) for name, seconds in _measured.items()),
                              key=lambda pair: -pair[1]))
        FILE_SECONDS.write_text(json.dumps(ordered, indent=1) + "\n")
