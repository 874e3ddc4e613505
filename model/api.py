"""The Python API a researcher uses from a notebook.

    from model.api import run
    result = run("integrated", patients=10_000, years=5, seed=1)
    result.by_year, result.totals, result.per_1000()
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.scenario import Scenario, check_seed, list_scenarios, load_scenario, resolve  # noqa: F401 - re-exported
from model.timing import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from model.carepath_model import CarePathModel
    from model.results import RunResult


def build_model(scenario: str | Path | Scenario = "siloed", patients: int | None = None, seed: int = 1,
                years: int = 5, overrides: dict[str, Any] | None = None, event_log: bool = False) -> CarePathModel:
    """A model ready to step week by week (the workshop app and notebooks use this)."""
    # Imported here, not at the top: Mesa brings pandas, scipy and networkx with it, which
    # `carepath --help`, scenario checks and a sweep's coordinator need not pay for.
    from model.carepath_model import CarePathModel

    check_seed(seed)
    return CarePathModel(resolve(scenario, overrides, patients), seed=seed, years=years, event_log=event_log)


def run(scenario: str | Path | Scenario = "siloed", patients: int | None = None, years: int = 5,
        seed: int = 1, overrides: dict[str, Any] | None = None, event_log: bool = False) -> RunResult:
    """Run one scenario for `years` and return its results."""
    from model.results import RunResult, code_version, collect

    model = build_model(scenario, patients, seed, years, overrides, event_log)
    model.run_for(years * WEEKS_PER_YEAR)
    sc = model.config
    meta = {
        "scenario": sc.name,
        "scenario_origin": sc.origin,
        "scenario_hash": sc.content_hash(),
        "overrides": sc.overrides,
        "value_sources": dict(sorted(sc.value_sources.items())),
        "seed": seed,
        "patients": sc.area.population.patients,
        "years": years,
        "code_version": code_version(),
    }
    events = model.log.with_weekly_costs(model.collector.costs[: years * WEEKS_PER_YEAR]) if event_log else None
    weekly = model.collector.frame().iloc[: years * WEEKS_PER_YEAR]
    return RunResult(collect(model, years), meta, events, weekly)
