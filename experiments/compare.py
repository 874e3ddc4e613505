"""Compare two scenarios on common random numbers, with paired 95% intervals.

    from experiments.compare import compare
    c = compare("siloed", "integrated", replications=10)
    c.summary[c.summary.period == "total"]

Replication r of both arms runs on seed `seed0 + r - 1`, so the arms face the same people
and the same chances and differ only where the arrangements differ. The summary gives, for
every output column and for the whole run ('total') and each year, each arm's mean, the
mean paired difference B - A, and its t interval over replications.

With `precision=P`, replications are added one at a time (both arms in parallel) until the
interval's half-width on each headline metric's total is within P of arm A's mean, and stays
so over a look-ahead of further replications (the sequential procedure of Hoad, Robinson &
Davies 2010, applied to the paired difference; docs/experiments.md says why).
"""
from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from experiments.backends import LocalBackend, available_cores
from experiments.spec import ExperimentError
from experiments.stats import LEVEL, relative_half_width, summarise
from experiments.worker import RunTask, arm_spec

if TYPE_CHECKING:  # imported where used, so importing this module stays cheap
    import pandas as pd

HEADLINE = ("cost_total", "emergency_admissions")
ID_COLUMNS = ["arm", "scenario", "replication", "seed", "year"]
MIN_REPLICATIONS = 3


@dataclass
class Comparison:
    """Two scenarios' runs, the paired summary, and everything needed to reproduce them."""

    runs: pd.DataFrame
    summary: pd.DataFrame
    meta: dict = field(default_factory=dict)
    runs_by_period: pd.DataFrame | None = None  # with resolution week or month: runs by that period
    summary_by_period: pd.DataFrame | None = None  # and their paired summary, period 'total' then each

    def to_json(self) -> dict:
        """One JSON-ready object: meta, the totals by metric, and each metric by year (and by
        period, for resolution week or month)."""
        totals, by_year = _by_period(self.summary, "year")
        out = {"meta": self.meta, "totals": totals, "by_year": by_year}
        if self.summary_by_period is not None:
            out["by_period"] = _by_period(self.summary_by_period, "period")[1]
        return out

    def save(self, folder: str | Path, force: bool = False, format: str = "parquet") -> Path:
        """Write runs, summary (as .parquet or .csv) and meta.json into `folder`, all or nothing.

        An existing folder is replaced only if it holds an earlier comparison and `force`.
        """
        from experiments.output_folder import write_frame, write_output_folder

        def write(staging: Path) -> None:
            write_frame(self.runs, staging, "runs", format)
            write_frame(self.summary, staging, "summary", format)
            if self.runs_by_period is not None:
                write_frame(self.runs_by_period, staging, "runs_by_period", format)
                write_frame(self.summary_by_period, staging, "summary_by_period", format)
            (staging / "meta.json").write_text(json.dumps(self.meta, indent=2, default=str), encoding="utf-8")

        write_output_folder(folder, "comparison", write, force)
        return Path(folder)


def load_comparison(folder: str | Path) -> Comparison:
    """A comparison written by Comparison.save (or `carepath compare --out DIR`)."""
    folder = Path(folder)
    fmt = "csv" if (folder / "runs.csv").exists() and not (folder / "runs.parquet").exists() else "parquet"
    missing = [n for n in (f"runs.{fmt}", f"summary.{fmt}", "meta.json") if not (folder / n).exists()]
    if missing:
        raise ExperimentError(f"{folder}: not a comparison folder (missing {', '.join(missing)})")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    import pandas as pd

    def read(name: str) -> pd.DataFrame | None:
        path = folder / f"{name}.{fmt}"
        if not path.exists():
            return None
        return pd.read_csv(path, dtype={"period": str} if name.startswith("summary") else None) if fmt == "csv" \
            else pd.read_parquet(path)

    return Comparison(read("runs"), read("summary"), meta, read("runs_by_period"), read("summary_by_period"))


def _by_period(summary: pd.DataFrame, label: str) -> tuple[dict, dict]:
    """A summary's rows as JSON: the totals by metric, and each metric's periods as a list."""
    stat_columns = [c for c in summary.columns if c not in ("metric", "period")]
    totals, periods = {}, {}
    for row in summary.to_dict("records"):
        values = {k: _plain(row[k]) for k in stat_columns}
        if row["period"] == "total":
            totals[row["metric"]] = values
        else:
            periods.setdefault(row["metric"], []).append({label: int(row["period"]), **values})
    return totals, periods


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


class _Runner:
    """Runs replications of both arms on a shared pool and keeps their rows."""

    def __init__(self, scenarios: dict, years: int, seed0: int, workers: int | None, progress: bool,
                 resolution: str = "year"):
        self.specs = {arm: arm_spec(arm, sc) for arm, sc in scenarios.items()}
        self.years = years
        self.seed0 = seed0
        self.backend = LocalBackend(workers)
        self.frames: dict[tuple[str, int], pd.DataFrame] = {}
        self.resolution = resolution
        self.period_frames: dict[tuple[str, int], pd.DataFrame] = {}
        self.versions: set[str] = set()
        self.bar = _bar(progress)

    def seed(self, replication: int) -> int:
        return self.seed0 + replication - 1

    def run(self, replications: range) -> None:
        tasks = [RunTask(2 * r + (arm == "B"), self.seed(r), self.years, (self.specs[arm],), {"replication": r},
                         self.resolution)
                 for r in replications for arm in ("A", "B")]
        self.bar.total = (self.bar.total or 0) + len(tasks)
        self.bar.refresh()
        for outcome in self.backend.run(tasks):
            replication, arm = outcome.run_id // 2, "AB"[outcome.run_id % 2]
            if not outcome.ok:
                raise ExperimentError(f"{self.specs[arm].name} (arm {arm}), replication {replication}, "
                                      f"seed {self.seed(replication)}: run failed: {outcome.error}")
            self.frames[(arm, replication)] = outcome.table
            if outcome.periods is not None:
                self.period_frames[(arm, replication)] = outcome.periods
            self.versions.add(outcome.code_version)
            self.bar.update(1)

    def runs(self, upto: int | None = None, frames: dict | None = None) -> pd.DataFrame:
        import pandas as pd

        frames = self.frames if frames is None else frames
        keys = sorted(k for k in frames if upto is None or k[1] <= upto)
        table = pd.concat([frames[k] for k in keys], ignore_index=True)
        table = table.drop(columns=["scenario_hash"])
        return table[ID_COLUMNS + [c for c in table.columns if c not in ID_COLUMNS]]

    def close(self) -> None:
        self.bar.close()
        self.backend.close()


def _bar(enabled: bool):
    from tqdm import tqdm

    return tqdm(total=0, desc="compare", unit="run", file=sys.stderr, disable=not enabled, dynamic_ncols=True)


def look_ahead(n: int) -> int:
    """Hoad et al.'s kLimit: 5 more replications up to 100, then 5% of n."""
    return 5 if n <= 100 else n * 5 // 100


def compare(a, b, replications: int | None = None, precision: float | None = None, years: int = 5,
            patients: int | None = None, overrides: dict | None = None, workers: int | None = None, seed0: int = 1, *,
            headline=HEADLINE, max_replications: int = 100, progress: bool = False,
            value_sources: tuple[str, str] = ("overrides", "patients"), resolution: str = "year") -> Comparison:
    """Run scenarios `a` and `b` (names, files or Scenarios) on common random numbers; see module doc.

    `patients=None` keeps each scenario's own population size. `replications`: how many
    (default 10); with `precision`, how many to start from (default 3, as on the command line).
    `resolution` "week" or "month" adds runs and a summary by that period (runs_by_period,
    summary_by_period); the yearly ones are always there.
    """
    from model.collector import RESOLUTIONS
    from model.api import resolve
    from model.scenario import check_seed

    if replications is None:
        replications = MIN_REPLICATIONS if precision is not None else 10

    scenarios = {"A": resolve(a, overrides, patients, value_sources), "B": resolve(b, overrides, patients, value_sources)}
    if resolution not in RESOLUTIONS:
        raise ExperimentError(f"resolution: must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
    if precision is not None and not 0 < precision < 1:
        raise ExperimentError(f"precision: must be a fraction between 0 and 1 (e.g. 0.01 for 1%), got {precision}")
    last = max_replications if precision is not None else replications
    check_seed(seed0, "seed0")
    offset = max(last, MIN_REPLICATIONS) - 1
    check_seed(seed0 + offset, f"seed0 + {offset} (the last replication's seed)")
    if workers is None:
        workers = min(available_cores(), 2 * (replications if precision is None else MIN_REPLICATIONS))
    runner = _Runner(scenarios, years, seed0, workers, progress, resolution)
    try:
        if precision is None:
            runner.run(range(1, replications + 1))
            runs, target = runner.runs(), None
        else:
            runs, target = _until_precise(runner, max(replications, MIN_REPLICATIONS), precision,
                                          tuple(headline), max_replications)
    finally:
        runner.close()
    summary = summarise(runs)
    meta = {**_meta(scenarios, runs, runner, years, seed0, target), "resolution": resolution}
    if resolution == "year":
        return Comparison(runs, summary, meta)
    by_period = runner.runs(upto=int(runs["replication"].max()), frames=runner.period_frames)
    return Comparison(runs, summary, meta, by_period, summarise(by_period, by="period"))


def _until_precise(runner: _Runner, start: int, precision: float, headline: tuple, limit: int):
    """Add replications until the headline intervals are precise enough (Hoad et al. 2010)."""
    runner.run(range(1, start + 1))
    n = start
    history = {}

    def precise_at(m: int) -> bool:
        achieved = relative_half_width(summarise(runner.runs(upto=m)), headline)
        history[m] = achieved
        return all(v <= precision for v in achieved.values())

    converged = False
    while True:
        if precise_at(n):
            ahead = min(look_ahead(n), limit - n)
            runner.run(range(n + 1, n + ahead + 1))
            stays = all([precise_at(m) for m in range(n + 1, n + ahead + 1)])
            n += ahead
            if stays:
                converged = True
                break
            continue
        if n >= limit:
            break
        runner.run(range(n + 1, n + 2))
        n += 1
    target = {"target": precision, "headline": list(headline), "converged": converged,
              "achieved": history[n], "max_replications": limit, "method": "Hoad, Robinson & Davies (2010) "
              "sequential procedure on the paired difference, relative to arm A's mean, with look-ahead"}
    return runner.runs(upto=n), target


def _meta(scenarios: dict, runs: pd.DataFrame, runner: _Runner, years: int, seed0: int, precision) -> dict:
    reps = sorted(runs["replication"].unique())
    versions = sorted(runner.versions)
    return {
        "scenarios": {arm: sc.name for arm, sc in scenarios.items()},
        "labels": {arm: sc.title for arm, sc in scenarios.items()},
        "descriptions": {arm: sc.description for arm, sc in scenarios.items()},
        "files": {arm: sc.file for arm, sc in scenarios.items()},
        "origins": {arm: sc.origin for arm, sc in scenarios.items()},
        "hashes": {arm: sc.content_hash() for arm, sc in scenarios.items()},
        "overrides": {arm: sc.overrides for arm, sc in scenarios.items()},
        "value_sources": {arm: dict(sorted(sc.value_sources.items())) for arm, sc in scenarios.items()},
        "sources": {arm: list(sc.sources) for arm, sc in scenarios.items()},
        "values": {arm: sc.values() for arm, sc in scenarios.items()},
        "seeds": [runner.seed(int(r)) for r in reps],
        "seed0": seed0,
        "replications": len(reps),
        "years": years,
        "patients": scenarios["A"].area.population.patients,
        "level": LEVEL,
        "precision": precision,
        "code_version": versions[0] if len(versions) == 1 else versions,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
