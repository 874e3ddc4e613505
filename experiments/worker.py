"""What a worker runs: one model run (one or two arms on one seed) from plain, picklable data.

Why plain data: a `Scenario` holds a pydantic model generated at import time, which does not
pickle, and a Dask worker may not see the coordinator's files. A task therefore carries every
parameter value by dotted path; the worker rebuilds and re-validates the scenario from them,
so the run depends on nothing but the task (the same task gives the same numbers anywhere).
"""
from __future__ import annotations

import dataclasses
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ArmSpec:
    """One arm's scenario as plain data: its label, name, origin and every parameter value."""

    arm: str
    name: str
    origin: str
    values: dict[str, Any]


@dataclass(frozen=True)
class RunTask:
    """One unit of work: every arm run for `years` on the same `seed` (so arms are paired)."""

    run_id: int
    seed: int
    years: int
    arms: tuple[ArmSpec, ...]
    columns: dict[str, Any] = field(default_factory=dict)  # constant id columns put on every row
    resolution: str = "year"  # week or month: the outcome also carries rows by that period


@dataclass
class RunOutcome:
    """What came back: the rows of the run (ok) or the error and the end of its traceback."""

    run_id: int
    ok: bool
    table: pd.DataFrame | None = None
    code_version: str = ""
    error: str = ""
    traceback: str = ""
    periods: pd.DataFrame | None = None  # rows by week or month, when the task asked for them


def arm_spec(arm: str, scenario) -> ArmSpec:
    """The plain-data form of a resolved `model.scenario.Scenario`."""
    return ArmSpec(arm, scenario.name, scenario.origin, scenario.values())


def build_scenario(spec: ArmSpec):
    """Rebuild (and re-validate) a Scenario from its plain-data form."""
    from model.scenario import default_scenario

    scenario = default_scenario().with_overrides(spec.values)
    return dataclasses.replace(scenario, name=spec.name, origin=spec.origin, overrides={})


def run_task(task: RunTask) -> RunOutcome:
    """Run every arm of a task; never raises for a model error (the outcome carries it)."""
    import pandas as pd

    from model.api import run

    try:
        frames, periods = [], []
        version = ""
        for spec in task.arms:
            result = run(build_scenario(spec), years=task.years, seed=task.seed)
            version = result.meta["code_version"]
            ids = {**task.columns, "arm": spec.arm, "scenario": spec.name,
                   "scenario_hash": result.meta["scenario_hash"], "seed": task.seed}
            frames.append(_labelled(ids, result.by_year))
            if task.resolution != "year":
                periods.append(_labelled(ids, result.by_period(task.resolution)))
        table = pd.concat(frames, ignore_index=True)
        by_period = pd.concat(periods, ignore_index=True) if periods else None
        return RunOutcome(task.run_id, True, table, version, periods=by_period)
    except Exception as exc:  # noqa: BLE001 - any model error is reported against its run
        summary = "".join(traceback.format_exception(exc)[-6:]).strip()
        return RunOutcome(task.run_id, False, error=f"{type(exc).__name__}: {exc}", traceback=summary)


def _labelled(ids: dict, table: pd.DataFrame) -> pd.DataFrame:
    """A run's table with the task's id columns in front of every row."""
    import pandas as pd

    head = pd.DataFrame({name: [value] * len(table) for name, value in ids.items()})
    return pd.concat([head, table.reset_index(drop=True)], axis=1)
