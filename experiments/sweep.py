"""Run an experiment's design: every point x replication, streamed to disk, resumable.

    from experiments.sweep import run_sweep
    report = run_sweep("experiments/integration_sensitivity.yaml", "out/sweep", workers=2)

Run ids are `point * replications + (replication - 1)` (with `precision:`, `replications` here
is `precision.max_replications`, so ids stay fixed however many replications a point needs). A run's seed depends only on the
experiment and its (point, replication), and a run's numbers only on its task, so any worker
count and either backend give the same results; the store writes each under its run id.
With `compare:` each run is a pair, the base arm (A) and the compared arm (B) on the same
seed, stored together so a pair is complete or absent, never half there.
"""
from __future__ import annotations

import hashlib
import sys
import time
import traceback as tb
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from experiments.backends import WORKER_WAIT, make_backend
from experiments.design import Design, build_design, point_values
from experiments.spec import Experiment, ExperimentError, load_experiment
from experiments.store import FORMAT, SweepStore, read_runs, write_table
from experiments.worker import ArmSpec, RunOutcome, RunTask, run_task
from model.outputs import whole_runs

MIN_REPLICATIONS = 3  # where a precision target starts, as in experiments.compare


@dataclass
class SweepReport:
    """What a sweep invocation did."""

    folder: Path
    runs: int
    completed: int
    ran: int
    failures: list[dict] = field(default_factory=list)
    elapsed: float = 0.0
    backend: str = ""

    @property
    def complete(self) -> bool:
        return self.completed == self.runs


def seed_for(experiment: Experiment, point: int, replication: int) -> int:
    """Replication r's seed. 'common': the same at every point (common random numbers)."""
    spec = experiment.spec
    if spec.seeds == "common":
        return spec.seed + replication - 1
    key = f"{spec.seed}:{point}:{replication}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "little") & 0x7FFFFFFF


def design_table(experiment: Experiment, design: Design) -> pd.DataFrame:
    """One row per point: the sample (x:PATH, in SALib's units) and the values runs use (PATH)."""
    table = pd.DataFrame({"point": range(design.points)})
    for column, varied in enumerate(experiment.varied):
        table[f"x:{varied.path}"] = design.samples[:, column]
        table[varied.path] = [varied.apply(x) for x in design.samples[:, column]]
    return table


class Plan:
    """The runs of an experiment and how to make each one's task."""

    def __init__(self, experiment: Experiment, resolution: str = "year"):
        self.experiment = experiment
        self.resolution = resolution
        self.design = build_design(experiment)
        precision = experiment.spec.precision
        # the run-id stride: every replication a point may get has its id from the start
        self.replications = precision.max_replications if precision else experiment.spec.replications
        self.start_replications = (max(experiment.spec.replications, MIN_REPLICATIONS) if precision
                                   else experiment.spec.replications)
        self.runs = self.design.points * self.replications
        self.scenarios = {"A": experiment.base, "B": experiment.compare}
        self.values = {arm: sc.values() for arm, sc in self.scenarios.items() if sc is not None}

    def locate(self, run_id: int) -> tuple[int, int]:
        """(point, replication) of a run id; replications count from 1."""
        point, rep = divmod(run_id, self.replications)
        return point, rep + 1

    def arm_changes(self, run_id: int) -> dict[str, dict]:
        """Each arm's varied values for a run (a lever may vary in one arm only)."""
        point, _ = self.locate(run_id)
        values = point_values(self.experiment, self.design.samples[point])
        return {arm: {v.path: values[v.path] for v in self.experiment.varied if arm in v.arms}
                for arm in self.experiment.arms}

    def task(self, run_id: int) -> RunTask:
        point, replication = self.locate(run_id)
        arms = []
        for arm, changes in self.arm_changes(run_id).items():
            scenario = self.scenarios[arm]
            arms.append(ArmSpec(arm, scenario.name, scenario.origin, {**self.values[arm], **changes}))
        columns = {"run_id": run_id, "point": point, "replication": replication}
        return RunTask(run_id, seed_for(self.experiment, point, replication), self.experiment.spec.years,
                       tuple(arms), columns, self.resolution)

    def tasks(self, run_ids: Iterable[int]) -> Iterator[RunTask]:
        for run_id in run_ids:
            yield self.task(run_id)

    def validate(self) -> None:
        """Build every point's scenarios once, so a bad combination fails before anything runs."""
        for point in range(self.design.points):
            for arm, changes in self.arm_changes(point * self.replications).items():
                self.scenarios[arm].with_overrides(changes)

    def label_rows(self, run_id: int, table: pd.DataFrame, code_version: str) -> pd.DataFrame:
        """Add the varied values each arm used and the code version, after the id columns."""
        changes = self.arm_changes(run_id)
        at = table.columns.get_loc("seed") + 1
        table.insert(at, "code_version", code_version)
        for offset, varied in enumerate(self.experiment.varied, start=1):
            base = {arm: self.values[arm][varied.path] for arm in changes}
            column = [changes[arm].get(varied.path, base[arm]) for arm in table["arm"]]
            table.insert(at + offset, varied.path, column)
        return table

    def manifest(self, code_version: str) -> dict:
        exp = self.experiment
        return {
            "format": FORMAT, "experiment": exp.name, "origin": exp.origin, "fingerprint": exp.fingerprint(),
            "code_version": code_version, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "method": self.design.method, "problem": self.design.problem,
            "second_order": exp.spec.design.second_order, "levels": exp.spec.design.levels,
            "design_seed": exp.spec.design.seed, "points": self.design.points,
            "replications": self.replications, "runs": self.runs, "arms": list(exp.arms),
            "scenarios": {arm: {"name": sc.name, "origin": sc.origin, "hash": sc.content_hash()}
                          for arm, sc in self.scenarios.items() if sc is not None},
            "varied": {v.path: sorted(v.arms) for v in exp.varied},
            "outputs": exp.spec.outputs, "years": exp.spec.years, "resolution": self.resolution,
            "patients": exp.base.area.population.patients,
            "seed": exp.spec.seed, "seeds": exp.spec.seeds, "status": "running", "code_versions": [code_version],
            "precision": exp.spec.precision.model_dump() if exp.spec.precision else None,
        }

    def run_id(self, point: int, replication: int) -> int:
        return point * self.replications + replication - 1


def _failure_record(plan: Plan, outcome: RunOutcome) -> dict:
    point, replication = plan.locate(outcome.run_id)
    return {"run_id": outcome.run_id, "point": point, "replication": replication,
            "seed": seed_for(plan.experiment, point, replication), "parameters": plan.arm_changes(outcome.run_id), "error": outcome.error,
            "traceback": outcome.traceback, "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def run_sweep(experiment: Experiment | str | Path, out: str | Path, workers: int | None = None,
              scheduler: str | None = None, progress: bool = True, runner=run_task,
              worker_wait: float = WORKER_WAIT, resolution: str = "year") -> SweepReport:
    """Run (or resume) an experiment into folder `out`; see the module docstring.

    `resolution` "week" or "month" also keeps each run's rows by that period (parts
    run-N.by_period.parquet, then runs_by_period.parquet); a sweep resumes only at its own.

    Everything that can be refused (the design's size, the folder, the scheduler and its
    workers) is checked before the folder is created or touched.
    """
    from experiments.output_folder import check_sweep_folder
    from model.results import code_version

    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    from model.timing import RESOLUTIONS

    if resolution not in RESOLUTIONS:
        raise ExperimentError(f"resolution: must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
    plan = Plan(exp, resolution)
    plan.validate()
    check_sweep_folder(out)
    version = code_version()
    backend = make_backend(workers, scheduler, worker_wait)
    store = SweepStore(out)
    try:
        store.create_or_resume(plan.manifest(version), design_table(exp, plan.design), exp.text)
    except BaseException:
        _safe(backend.close)
        raise
    damaged = store.remove_damaged_parts()
    if damaged:
        print(f"warning: {len(damaged)} damaged part file(s) in {out}/parts (runs {_ids(damaged)}) were removed; "
              "those runs are done again", file=sys.stderr)
    versions = set(store.manifest().get("code_versions", [version]))
    if version not in versions:
        print(f"warning: {out} was started with model code {', '.join(sorted(versions))}; this is {version} "
              "(each row records its code_version)", file=sys.stderr)
        versions.add(version)
    started = time.perf_counter()
    counts = {"ran": 0, "failed": 0}
    try:
        done = store.completed()
        precision = exp.spec.precision
        first = [run_id for run_id in range(plan.runs) if run_id not in done] if precision is None else []
        bar = _progress_bar(exp.name, plan.runs if precision is None else 0, len(done), progress)

        def record(outcome: RunOutcome) -> None:
            if outcome.ok:
                if outcome.code_version not in versions:
                    versions.add(outcome.code_version)
                    bar.write(f"warning: run {outcome.run_id} ran on model code {outcome.code_version}; "
                              f"this sweep has also seen {', '.join(sorted(versions - {outcome.code_version}))} "
                              "(each row records its code_version)", file=sys.stderr)
                periods = (None if outcome.periods is None else
                           plan.label_rows(outcome.run_id, outcome.periods.copy(), outcome.code_version))
                store.write_part(outcome.run_id, plan.label_rows(outcome.run_id, outcome.table.copy(),
                                                                 outcome.code_version), periods)
            else:
                counts["failed"] += 1
                failure = _failure_record(plan, outcome)
                store.write_failure(outcome.run_id, failure)
                bar.write(f"run {outcome.run_id} failed (seed {failure['seed']}): {outcome.error}", file=sys.stderr)
            counts["ran"] += 1
            bar.update(1)
            bar.set_postfix(failed=counts["failed"], refresh=False)

        def run_batch(run_ids: list[int]) -> None:
            unrecorded = None
            try:
                for outcome in backend.run(plan.tasks(run_ids), runner):
                    unrecorded = outcome
                    record(outcome)
                    unrecorded = None
            except KeyboardInterrupt:
                # Keep what already finished: the outcome being written, then the runs in flight.
                bar.write("carepath: interrupted; keeping the runs already under way (interrupt again to abandon "
                          "them)", file=sys.stderr)
                if unrecorded is not None:
                    record(unrecorded)
                for outcome in backend.drain():
                    record(outcome)
                raise

        try:
            if precision is None:
                run_batch(first)
                expected = set(range(plan.runs))
            else:
                expected = _until_precise(plan, store, bar, run_batch, counts)
        finally:
            bar.close()
        completed_ids = store.completed()
        failures = store.failures()
        store.write_failure_log(failures)
        finished = expected <= completed_ids
        if finished:
            store.consolidate(sorted(expected))
            if resolution != "year":
                store.consolidate(sorted(expected), by_period=True)
            if exp.compare is not None:
                write_table(Path(out) / "points.parquet", point_intervals(read_runs(out), exp, plan))
        status = "complete" if finished else "incomplete"
        completed = len(completed_ids & expected)
        store.update_manifest(status=status, completed=completed, failed=len(failures), code_versions=sorted(versions),
                              **({"runs": len(expected)} if precision is not None and finished else {}))
        total = len(expected) if precision is not None else plan.runs
        return SweepReport(Path(out), total, completed, counts["ran"], failures, time.perf_counter() - started,
                           backend.describe())
    except BaseException:
        _safe(lambda: store.update_manifest(status="interrupted", completed=len(store.completed())))
        raise
    finally:
        _safe(backend.close)
        store.close()


def _ids(run_ids: list[int]) -> str:
    shown = ", ".join(str(r) for r in run_ids[:10])
    return shown + (", ..." if len(run_ids) > 10 else "")


def _until_precise(plan: Plan, store: SweepStore, bar, run_batch, counts) -> set[int]:
    """Add replications point by point until each point's B - A intervals are precise (or the
    limit is reached); return the run ids that make up the finished sweep."""
    while True:
        wanted = {point: replications_wanted(plan, store, point) for point in range(plan.design.points)}
        expected = {plan.run_id(p, r) for p, (n, _) in wanted.items() for r in range(1, n + 1)}
        todo = sorted(expected - store.completed())
        if not todo:
            return expected
        bar.total = len(store.completed()) + len(todo)
        bar.refresh()
        before = counts["failed"]
        run_batch(todo)
        if counts["failed"] > before:
            return expected | set(todo)  # a failed run stops the point's evaluation: rerun to retry


def _point_totals(store: SweepStore, plan: Plan, point: int, replications: int) -> pd.DataFrame | None:
    frames = []
    for replication in range(1, replications + 1):
        path = store.part_path(plan.run_id(point, replication))
        if not path.exists():
            return None
        frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True)


def replications_wanted(plan: Plan, store: SweepStore, point: int) -> tuple[int, bool]:
    """How many replications `point` needs next, and whether it has converged: Hoad, Robinson &
    Davies' sequential rule with look-ahead, as experiments.compare applies it to a comparison."""
    from experiments.compare import look_ahead

    spec = plan.experiment.spec.precision
    start, limit = plan.start_replications, spec.max_replications
    n = start
    while n < limit and store.part_path(plan.run_id(point, n + 1)).exists():
        n += 1
    rows = _point_totals(store, plan, point, n)
    if rows is None:
        return n, False
    outputs = plan.experiment.spec.outputs
    precise = {m: all(v <= spec.target for v in relative_half_widths(rows[rows["replication"] <= m], outputs).values())
               for m in range(start, n + 1)}
    streak = None  # first m of the run of precise values that reaches n
    for m in range(start, n + 1):
        if precise[m]:
            streak = m if streak is None else streak
            if m >= streak + look_ahead(streak):
                return n, True
        else:
            streak = None
    if n >= limit:
        return n, False
    if streak is not None:
        return min(streak + look_ahead(streak), limit), False
    return n + 1, False


def relative_half_widths(rows: pd.DataFrame, outputs: list[str]) -> dict[str, float]:
    """Each output's paired B - A half-width over replications, relative to arm A's mean."""
    from experiments.stats import paired

    totals = whole_runs(rows, ["replication", "arm"], outputs).unstack("arm")
    stats = paired(totals.xs("A", axis=1, level="arm").to_numpy(), totals.xs("B", axis=1, level="arm").to_numpy())
    out = {}
    for i, name in enumerate(outputs):
        scale = abs(stats["mean_a"][i])
        half = stats["half_width"][i]
        out[name] = float(half / scale) if scale > 0 and half == half else float("inf")
    return out


def point_intervals(runs: pd.DataFrame, experiment: Experiment, plan: Plan) -> pd.DataFrame:
    """One row per design point x output of a paired sweep: each arm's mean whole-run total, the
    paired effect B - A and its 95% t interval over the point's replications."""
    from experiments.stats import paired

    outputs = list(experiment.spec.outputs)
    totals = whole_runs(runs, ["point", "replication", "arm"], outputs).unstack("arm")
    rows = []
    for point, block in totals.groupby(level="point"):
        stats = paired(block.xs("A", axis=1, level="arm").to_numpy(), block.xs("B", axis=1, level="arm").to_numpy())
        for i, name in enumerate(outputs):
            scale = abs(stats["mean_a"][i])
            rows.append({"point": int(point), "output": name, "mean_a": stats["mean_a"][i],
                         "mean_b": stats["mean_b"][i], "diff": stats["diff"][i], "ci_low": stats["ci_low"][i],
                         "ci_high": stats["ci_high"][i], "half_width": stats["half_width"][i],
                         "relative_half_width": stats["half_width"][i] / scale if scale > 0 else float("nan"),
                         "replications": int(stats["n"][i])})
    table = pd.DataFrame(rows)
    if experiment.spec.precision is not None:
        target = experiment.spec.precision.target
        table["precise"] = table["relative_half_width"] <= target
    return table


def _safe(action) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - tidying up after an interrupt must not hide it
        print(f"carepath: while stopping: {tb.format_exc(limit=1).splitlines()[-1]}", file=sys.stderr)


def _progress_bar(name: str, total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=name, unit="run", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, smoothing=0.1)


@dataclass
class Rerun:
    """One run of a sweep made again from the folder's recorded experiment, beside the stored rows."""

    run_id: int
    table: pd.DataFrame
    stored: pd.DataFrame | None
    code_version: str
    stored_version: str | None
    differences: list[str]

    @property
    def identical(self) -> bool:
        return self.stored is not None and not self.differences


def rerun(folder: str | Path, run_id: int) -> Rerun:
    """Reproduce run `run_id` of the sweep in `folder` from its provenance: the experiment file
    as it was run (experiment.yaml), its seed and its point's values; compare with what is stored."""
    from experiments.spec import ExperimentError, _read, parse_experiment
    from experiments.store import read_part

    folder = Path(folder)
    store = SweepStore(folder)
    manifest = store.manifest()
    if not 0 <= run_id < manifest["runs"]:
        raise ExperimentError(f"--rerun {run_id}: this sweep has runs 0 to {manifest['runs'] - 1}")
    data, text = _read(folder / "experiment.yaml", str(folder / "experiment.yaml"),
                       missing="missing (the experiment file as it was run)")
    origin = Path(manifest.get("origin", ""))
    exp = parse_experiment(data, manifest.get("origin", str(folder)), origin.parent if origin.suffix else folder, text)
    if exp.fingerprint() != manifest.get("fingerprint"):
        raise ExperimentError(f"{folder}: the scenarios the experiment names have changed since the sweep ran "
                              f"(fingerprint {exp.fingerprint()}, recorded {manifest.get('fingerprint')}); "
                              "a rerun would not be the same run")
    plan = Plan(exp)
    outcome = run_task(plan.task(run_id))
    if not outcome.ok:
        raise ExperimentError(f"--rerun {run_id}: the run failed: {outcome.error}")
    table = plan.label_rows(run_id, outcome.table, outcome.code_version)
    stored = read_part(folder, run_id)
    differences, stored_version = [], None
    if stored is not None:
        stored_version = str(stored["code_version"].iloc[0])
        for column in table.columns:
            if column == "code_version":
                continue
            if column not in stored.columns:
                differences.append(f"{column} (not stored)")
            elif not table[column].reset_index(drop=True).equals(stored[column].reset_index(drop=True)):
                differences.append(column)
    return Rerun(run_id, table, stored, outcome.code_version, stored_version, differences)
