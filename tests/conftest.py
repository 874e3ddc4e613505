"""Shared fixtures: small real model runs, cached so each is made once per test session."""
from __future__ import annotations

from functools import lru_cache

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

