"""Run an experiment's design: every point x replication, streamed to disk, resumable.

    from experiments.sweep import run_sweep
    report = run_sweep("experiments/integration_sensitivity.yaml", "out/sweep", workers=2)

Run ids are `point * replications + (replication - 1)`. A run's seed depends only on the
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
from experiments.spec import Experiment, load_experiment
from experiments.store import FORMAT, SweepStore
from experiments.worker import ArmSpec, RunOutcome, RunTask, run_task


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

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self.design = build_design(experiment)
        self.replications = experiment.spec.replications
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
                       tuple(arms), columns)

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
            "outputs": exp.spec.outputs, "years": exp.spec.years,
            "patients": exp.base.area.population.patients,
            "seed": exp.spec.seed, "seeds": exp.spec.seeds, "status": "running", "code_versions": [code_version],
        }


def _failure_record(plan: Plan, outcome: RunOutcome) -> dict:
    point, replication = plan.locate(outcome.run_id)
    return {"run_id": outcome.run_id, "point": point, "replication": replication,
            "seed": seed_for(plan.experiment, point, replication), "parameters": plan.arm_changes(outcome.run_id), "error": outcome.error,
            "traceback": outcome.traceback, "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def run_sweep(experiment: Experiment | str | Path, out: str | Path, workers: int | None = None,
              scheduler: str | None = None, progress: bool = True, runner=run_task,
              worker_wait: float = WORKER_WAIT) -> SweepReport:
    """Run (or resume) an experiment into folder `out`; see the module docstring.

    Everything that can be refused (the design's size, the folder, the scheduler and its
    workers) is checked before the folder is created or touched.
    """
    from experiments.output_folder import check_sweep_folder
    from model.results import code_version

    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    plan = Plan(exp)
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
    ran = 0
    try:
        done = store.completed()
        todo = [run_id for run_id in range(plan.runs) if run_id not in done]
        bar = _progress_bar(exp.name, plan.runs, len(done), progress)
        failed = 0

        def record(outcome: RunOutcome) -> None:
            nonlocal failed, ran
            if outcome.ok:
                if outcome.code_version not in versions:
                    versions.add(outcome.code_version)
                    bar.write(f"warning: run {outcome.run_id} ran on model code {outcome.code_version}; "
                              f"this sweep has also seen {', '.join(sorted(versions - {outcome.code_version}))} "
                              "(each row records its code_version)", file=sys.stderr)
                store.write_part(outcome.run_id, plan.label_rows(outcome.run_id, outcome.table.copy(),
                                                                 outcome.code_version))
            else:
                failed += 1
                failure = _failure_record(plan, outcome)
                store.write_failure(outcome.run_id, failure)
                bar.write(f"run {outcome.run_id} failed (seed {failure['seed']}): {outcome.error}", file=sys.stderr)
            ran += 1
            bar.update(1)
            bar.set_postfix(failed=failed, refresh=False)

        unrecorded = None
        try:
            for outcome in backend.run(plan.tasks(todo), runner):
                unrecorded = outcome
                record(outcome)
                unrecorded = None
        except KeyboardInterrupt:
            # Keep what already finished: the outcome being written, then the runs in flight.
            bar.write("carepath: interrupted; keeping the runs already under way (interrupt again to abandon them)",
                      file=sys.stderr)
            if unrecorded is not None:
                record(unrecorded)
            for outcome in backend.drain():
                record(outcome)
            raise
        finally:
            bar.close()
        completed = len(store.completed())
        failures = store.failures()
        store.write_failure_log(failures)
        if completed == plan.runs:
            store.consolidate(plan.runs)
        status = "complete" if completed == plan.runs else "incomplete"
        store.update_manifest(status=status, completed=completed, failed=len(failures), code_versions=sorted(versions))
        return SweepReport(Path(out), plan.runs, completed, ran, failures, time.perf_counter() - started,
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


def _safe(action) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - tidying up after an interrupt must not hide it
        print(f"carepath: while stopping: {tb.format_exc(limit=1).splitlines()[-1]}", file=sys.stderr)


def _progress_bar(name: str, total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=name, unit="run", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, smoothing=0.1)
