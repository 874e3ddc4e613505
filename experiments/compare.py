"""Compare a base scenario with one or more options on common random numbers, with paired
95% intervals.

    from experiments.compare import compare
    c = compare("siloed", "integrated", replications=10)
    c.summary[c.summary.period == "total"]
    several = compare("siloed", "austerity_pooled", "integrated", replications=10)
    several.versus("C").summary       # option C against the base, as a two-arm comparison

The base is arm A and the options are arms B, C, D, ... Replication r of every arm runs on
seed `seed0 + r - 1`, so all arms face the same people and the same chances and differ only
where the arrangements differ. The summary gives, for every option (column `option`), every
output column and the whole run ('total') and each year, the base's and the option's mean,
the mean paired difference option - base, and its t interval over replications.

`uncertainty=True` also draws, per replication, every uncertain parameter from its range in
the parameter registry, the same draw for every arm (experiments/uncertainty.py);
`attribution=R` splits each option's effect among its levers by Shapley values over the
first R replications (experiments/attribution.py).

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
from experiments.errors import ExperimentError
from experiments.stats import LEVEL, relative_half_width, summarise
from experiments.worker import ArmSpec, RunTask, arm_spec

if TYPE_CHECKING:  # imported where used, so importing this module stays cheap
    import pandas as pd

HEADLINE = ("cost_total", "emergency_admissions")
ID_COLUMNS = ["arm", "scenario", "replication", "seed", "year"]
MIN_REPLICATIONS = 3
ARMS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # A is the base; B onwards are the options
MAX_OPTIONS = len(ARMS) - 1
# Per-arm fields of the metadata: {arm: value}; a two-arm view keeps A and one option as B.
PER_ARM_META = ("scenarios", "origins", "hashes", "overrides", "value_sources", "sources", "values", "labels",
                "descriptions", "files")


@dataclass
class Comparison:
    """A base and its options' runs, the paired summary, and everything needed to reproduce them.

    `attribution` (Shapley values by lever) and `draws` (each replication's parameter draws)
    are empty unless the comparison was run with `attribution` or `uncertainty`;
    `runs_by_period` and `summary_by_period` are None unless it was run with resolution week or
    month.
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    meta: dict = field(default_factory=dict)
    attribution: pd.DataFrame | None = None
    draws: pd.DataFrame | None = None
    runs_by_period: pd.DataFrame | None = None  # with resolution week or month: runs by that period
    summary_by_period: pd.DataFrame | None = None  # and their paired summary, period 'total' then each

    def __post_init__(self):
        import pandas as pd

        self.attribution = pd.DataFrame() if self.attribution is None else self.attribution
        self.draws = pd.DataFrame() if self.draws is None else self.draws
        if "option" not in self.summary.columns:  # a comparison saved before options existed
            self.summary = self.summary.assign(option="B")
        if self.summary_by_period is not None and "option" not in self.summary_by_period.columns:
            self.summary_by_period = self.summary_by_period.assign(option="B")

    @property
    def options(self) -> list[str]:
        """The options' arm labels, in order: ['B'] for a two-arm comparison, ['B', 'C', ...]."""
        return sorted(a for a in self.runs["arm"].unique() if a != "A")

    def versus(self, option: str) -> "Comparison":
        """Option `option` against the base as a two-arm comparison (arms A and B), for the
        report's per-option sections and anything written for two arms."""
        if option not in self.options:
            raise ExperimentError(f"option {option!r}: this comparison's options are {', '.join(self.options)}")
        runs = self.runs[self.runs["arm"].isin(["A", option])].copy()
        runs["arm"] = runs["arm"].replace({option: "B"})
        summary = self.summary[self.summary["option"] == option].assign(option="B").reset_index(drop=True)
        meta = dict(self.meta)
        for key in PER_ARM_META:
            if isinstance(meta.get(key), dict) and option in meta[key]:
                meta[key] = {"A": meta[key].get("A"), "B": meta[key][option]}
        attribution = self.attribution
        if not attribution.empty:
            attribution = attribution[attribution["option"] == option].assign(option="B")
        by_period = summary_by_period = None
        if self.runs_by_period is not None:
            by_period = self.runs_by_period[self.runs_by_period["arm"].isin(["A", option])].copy()
            by_period["arm"] = by_period["arm"].replace({option: "B"})
            summary_by_period = (self.summary_by_period[self.summary_by_period["option"] == option]
                                 .assign(option="B").reset_index(drop=True))
        return Comparison(runs.reset_index(drop=True), summary, meta, attribution, self.draws,
                          by_period, summary_by_period)

    def to_json(self) -> dict:
        """One JSON-ready object: meta; for the first option (B), its totals by metric and each
        metric by year (and by period, for resolution week or month), as for a two-arm
        comparison; and under `options`, for every option, its scenario, totals, years and
        decision measures (experiments/decision.py)."""
        from experiments.decision import decision

        options = {}
        for option in self.options:
            view = self.versus(option)
            totals, by_year = _by_period(view.summary, "year")
            options[option] = {"scenario": view.meta.get("scenarios", {}).get("B", option), "totals": totals,
                               "by_year": by_year, "decision": _plain_tree(decision(view))}
            if view.summary_by_period is not None:
                options[option]["by_period"] = _by_period(view.summary_by_period, "period")[1]
            if not view.attribution.empty:
                options[option]["attribution"] = _plain_tree(view.attribution.drop(columns="option")
                                                             .to_dict("records"))
        first = options[self.options[0]]
        out = {"meta": self.meta, "totals": first["totals"], "by_year": first["by_year"]}
        if "by_period" in first:
            out["by_period"] = first["by_period"]
        return {**out, "options": options}

    def save(self, folder: str | Path, force: bool = False, format: str = "parquet") -> Path:
        """Write runs, summary (as .parquet or .csv) and meta.json into `folder`, all or nothing.

        An existing folder is replaced only if it holds an earlier comparison and `force`.
        """
        from experiments.output_folder import write_frame, write_output_folder

        def write(staging: Path) -> None:
            write_frame(self.runs, staging, "runs", format)
            write_frame(self.summary, staging, "summary", format)
            for name in ("attribution", "draws"):
                frame = getattr(self, name)
                if not frame.empty:
                    write_frame(frame, staging, name, format)
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

    return Comparison(read("runs"), read("summary"), meta, read("attribution"), read("draws"),
                      read("runs_by_period"), read("summary_by_period"))


def _by_period(summary: pd.DataFrame, label: str) -> tuple[dict, dict]:
    """One option's summary rows as JSON: the totals by metric, and each metric's periods as a list."""
    stat_columns = [c for c in summary.columns if c not in ("metric", "period", "option")]
    totals, periods = {}, {}
    for row in summary.to_dict("records"):
        values = {k: _plain(row[k]) for k in stat_columns}
        if row["period"] == "total":
            totals[row["metric"]] = values
        else:
            periods.setdefault(row["metric"], []).append({label: int(row["period"]), **values})
    return totals, periods


def _plain(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _plain_tree(value):
    """Nested dicts and lists with numpy numbers made plain and non-finite numbers made None."""
    if isinstance(value, dict):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_tree(v) for v in value]
    return _plain(value)


def summarise_options(runs: pd.DataFrame, by: str = "year") -> pd.DataFrame:
    """The paired summary of every option (arms B, C, ...) against the base (arm A), stacked
    with an `option` column; `by` names the column of periods (experiments.stats.summarise)."""
    import pandas as pd

    blocks = []
    for option in sorted(a for a in runs["arm"].unique() if a != "A"):
        pair = runs[runs["arm"].isin(["A", option])].copy()
        pair["arm"] = pair["arm"].replace({option: "B"})
        blocks.append(summarise(pair, by=by).assign(option=option))
    return pd.concat(blocks, ignore_index=True)


class _Runner:
    """Runs replications of every arm on a shared pool and keeps their rows.

    `draw(replication)` gives the parameter values that replication sets in every arm alike
    (parameter uncertainty); none by default.
    """

    def __init__(self, scenarios: dict, years: int, seed0: int, workers: int | None, progress: bool,
                 draw=None, resolution: str = "year"):
        self.specs = {arm: arm_spec(arm, sc) for arm, sc in scenarios.items()}
        self.years = years
        self.seed0 = seed0
        self.draw = draw
        self.backend = LocalBackend(workers)
        self.frames: dict[tuple[str, int], pd.DataFrame] = {}
        self.resolution = resolution
        self.period_frames: dict[tuple[str, int], pd.DataFrame] = {}
        self.versions: set[str] = set()
        self.bar = _bar(progress)

    def seed(self, replication: int) -> int:
        return self.seed0 + replication - 1

    def spec(self, arm: str, replication: int) -> ArmSpec:
        spec = self.specs[arm]
        if self.draw is None:
            return spec
        return ArmSpec(spec.arm, spec.name, spec.origin, {**spec.values, **self.draw(replication)})

    def run(self, replications: range, arms=None) -> None:
        """Run these replications of these arms (default: every arm not yet run)."""
        arms = list(arms or self.specs)
        jobs = [(arm, r) for r in replications for arm in arms if (arm, r) not in self.frames]
        tasks = [RunTask(i, self.seed(r), self.years, (self.spec(arm, r),), {"replication": r}, self.resolution)
                 for i, (arm, r) in enumerate(jobs)]
        self.bar.total = (self.bar.total or 0) + len(tasks)
        self.bar.refresh()
        for outcome in self.backend.run(tasks):
            arm, replication = jobs[outcome.run_id]
            if not outcome.ok:
                raise ExperimentError(f"{self.specs[arm].name} (arm {arm}), replication {replication}, "
                                      f"seed {self.seed(replication)}: run failed: {outcome.error}")
            self.frames[(arm, replication)] = outcome.table
            if outcome.periods is not None:
                self.period_frames[(arm, replication)] = outcome.periods
            self.versions.add(outcome.code_version)
            self.bar.update(1)

    def runs(self, upto: int | None = None, arms=None, frames: dict | None = None) -> pd.DataFrame:
        import pandas as pd

        frames = self.frames if frames is None else frames
        keys = sorted(k for k in frames if (upto is None or k[1] <= upto) and (arms is None or k[0] in arms))
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


def compare(base, *options, replications: int | None = None, precision: float | None = None, years: int = 5,
            patients: int | None = None, overrides: dict | None = None, workers: int | None = None, seed0: int = 1,
            headline=HEADLINE, max_replications: int = 100, progress: bool = False,
            value_sources: tuple[str, str] = ("overrides", "patients"), uncertainty: bool = False,
            attribution: int = 0, max_attribution_orders: int = 24, resolution: str = "year") -> Comparison:
    """Run `base` and each of `options` (names, files or Scenarios) on common random numbers;
    see the module doc. `compare("siloed", "integrated")` is the two-arm comparison.

    `patients=None` keeps each scenario's own population size. `replications`: how many
    (default 10); with `precision`, how many to start from (default 3, as on the command line).
    `uncertainty`: draw the uncertain parameters per replication. `attribution=R`: Shapley
    values of each option's levers over the first R replications (0: none). `resolution`
    "week" or "month" adds runs and a summary by that period (runs_by_period,
    summary_by_period); the yearly ones are always there.
    """
    import pandas as pd

    from model.api import resolve
    from model.timing import RESOLUTIONS
    from model.scenario import check_seed

    if not options:
        raise ExperimentError("compare: give a base scenario and at least one option")
    if len(options) > MAX_OPTIONS:
        raise ExperimentError(f"compare: at most {MAX_OPTIONS} options against one base, got {len(options)}")
    if replications is None:
        replications = MIN_REPLICATIONS if precision is not None else 10

    scenarios = {arm: resolve(sc, overrides, patients, value_sources)
                 for arm, sc in zip(ARMS, (base, *options))}
    if resolution not in RESOLUTIONS:
        raise ExperimentError(f"resolution: must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
    if precision is not None and not 0 < precision < 1:
        raise ExperimentError(f"precision: must be a fraction between 0 and 1 (e.g. 0.01 for 1%), got {precision}")
    if attribution < 0:
        raise ExperimentError(f"attribution: must be a whole number of replications, 0 or more, got {attribution}")
    last = max_replications if precision is not None else replications
    check_seed(seed0, "seed0")
    offset = max(last, MIN_REPLICATIONS) - 1
    check_seed(seed0 + offset, f"seed0 + {offset} (the last replication's seed)")
    if workers is None:
        workers = min(available_cores(), len(scenarios) * (replications if precision is None else MIN_REPLICATIONS))
    plan = None
    if uncertainty:
        from experiments.uncertainty import UncertaintyPlan

        plan = UncertaintyPlan.for_arms([sc.values() for sc in scenarios.values()])
    runner = _Runner(scenarios, years, seed0, workers, progress, draw=plan.draw_for(seed0) if plan else None,
                     resolution=resolution)
    shapley = pd.DataFrame()
    try:
        if precision is None:
            runner.run(range(1, replications + 1))
            runs, target = runner.runs(arms=set(ARMS)), None
        else:
            runs, target = _until_precise(runner, max(replications, MIN_REPLICATIONS), precision,
                                          tuple(headline), max_replications)
        if attribution:
            from experiments.attribution import attribute

            reps = min(attribution, int(runs["replication"].max()))
            shapley = attribute(runner, scenarios, reps, max_attribution_orders, seed0)
    finally:
        runner.close()
    summary = summarise_options(runs)
    meta = {**_meta(scenarios, runs, runner, years, seed0, target), "resolution": resolution}
    if plan is not None:
        meta["uncertainty"] = plan.describe()
    if attribution:
        meta["attribution"] = shapley.attrs.get("method", {})
    draws = plan.table(seed0, sorted(runs["replication"].unique())) if plan else pd.DataFrame()
    if resolution == "year":
        return Comparison(runs, summary, meta, shapley, draws)
    by_period = runner.runs(upto=int(runs["replication"].max()), arms=set(ARMS), frames=runner.period_frames)
    return Comparison(runs, summary, meta, shapley, draws, by_period, summarise_options(by_period, by="period"))


def _until_precise(runner: _Runner, start: int, precision: float, headline: tuple, limit: int):
    """Add replications until the headline intervals are precise enough (Hoad et al. 2010);
    with several options, every option's headline intervals."""
    runner.run(range(1, start + 1))
    n = start
    history = {}

    def precise_at(m: int) -> bool:
        summary = summarise_options(runner.runs(upto=m, arms=set(ARMS)))
        per_option = [relative_half_width(block, headline) for _, block in summary.groupby("option")]
        achieved = {metric: max(o[metric] for o in per_option) for metric in headline}
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
    return runner.runs(upto=n, arms=set(ARMS)), target


def _meta(scenarios: dict, runs: pd.DataFrame, runner: _Runner, years: int, seed0: int, precision) -> dict:
    reps = sorted(runs["replication"].unique())
    versions = sorted(runner.versions)
    return {
        "scenarios": {arm: sc.name for arm, sc in scenarios.items()},
        "origins": {arm: sc.origin for arm, sc in scenarios.items()},
        "hashes": {arm: sc.content_hash() for arm, sc in scenarios.items()},
        "overrides": {arm: sc.overrides for arm, sc in scenarios.items()},
        "value_sources": {arm: dict(sorted(sc.value_sources.items())) for arm, sc in scenarios.items()},
        "sources": {arm: list(sc.sources) for arm, sc in scenarios.items()},
        "values": {arm: sc.values() for arm, sc in scenarios.items()},
        "labels": {arm: sc.title for arm, sc in scenarios.items()},
        "descriptions": {arm: sc.description for arm, sc in scenarios.items()},
        "files": {arm: sc.file for arm, sc in scenarios.items()},
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
