"""Calibration: fit named parameters to targets with Optuna, resumably, on common random numbers.

    carepath calibrate my_area_calibration.yaml --out out/calibrations/my_area

A calibration file names a scenario, the parameters to fit (each within its registry range,
or a narrower `low`/`high`), and targets: any output column of a run expressed per 1,000
person-years (the unit of `RunResult.per_1000()`: the whole-run total over the person-years
lived), or one of the named facts of model/validation.py (shares and rates, in their own
units). Each trial runs `replications` runs on seeds seed, seed+1, ... -- the same seeds in
every trial (common random numbers), so trials differ only by their parameters and the fit
is a smooth function of them rather than of the noise -- and scores

    loss = sum over targets of weight * ((simulated - value) / scale) ** 2

where scale is the target's `tolerance` when given, else |value| (a relative error).

Why Optuna's TPE sampler: it is the field's standard (Starsim calibrates with it), needs no
gradients, and handles a handful of parameters in tens to hundreds of trials. The study is
an SQLite file in the output folder, so an interrupted calibration resumes where it stopped.
Each trial's sampler is seeded from (seed, number of trials completed), so a resumed
calibration proposes exactly what an uninterrupted one would (tested).
"""
from __future__ import annotations

import hashlib
import json
import math
import sys
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.spec import ExperimentError, _error_line, _read
from experiments.store import atomic_write, write_json

FORMAT = "carepath-calibration/1"
STUDY_FILE = "study.db"
OUTPUT_FILES = {"calibration.yaml", "manifest.json", STUDY_FILE, "best_scenario.yaml", "fit.csv", "fit.png",
                "trials.csv"}

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class FitRange(BaseModel):
    """Where a parameter may be searched: its registry range unless narrowed."""

    model_config = _STRICT
    low: float | None = None
    high: float | None = None


class Target(BaseModel):
    """A figure to match: its value, and optionally its weight and tolerance (same unit)."""

    model_config = _STRICT
    value: float
    weight: float = Field(1.0, gt=0)
    tolerance: float | None = Field(None, gt=0)


class CalibrationSpec(BaseModel):
    """A calibration file's fields."""

    model_config = _STRICT
    name: str
    description: str = ""
    sources: list[str] = []
    scenario: str
    parameters: dict[str, FitRange] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)
    trials: int = Field(50, ge=1, le=100_000)
    replications: int = Field(2, ge=1, le=1000)
    patients: int = Field(10_000, ge=10)
    years: int = Field(5, ge=1, le=50)
    seed: int = Field(1, ge=0)
    overrides: dict[str, object] = {}


_MODELS = {"": CalibrationSpec, "parameters.*": FitRange, "targets.*": Target}


@dataclass(frozen=True)
class Fitted:
    """One parameter to fit, checked against the registry."""

    path: str
    kind: type
    low: float
    high: float


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file: its fields, its base scenario and what to fit."""

    spec: CalibrationSpec
    origin: str
    text: str
    folder: Path
    base: object  # model.scenario.Scenario, with overrides and patients applied
    fitted: tuple[Fitted, ...]

    @property
    def name(self) -> str:
        return self.spec.name

    def fingerprint(self) -> str:
        """A hash of everything that decides the trials' numbers."""
        fields = self.spec.model_dump(mode="json", exclude={"description", "sources", "name", "trials"})
        fields["base_hash"] = self.base.content_hash()
        return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:16]


@cache
def output_columns() -> tuple[str, ...]:
    """Every output column of a run, read off a tiny run, so new model outputs are targets at once."""
    from model.api import run

    by_year = run("siloed", patients=10, years=1, seed=1).by_year
    return tuple(c for c in by_year.columns if c not in ("year", "people_end"))


@cache
def fact_names() -> tuple[str, ...]:
    """The named facts of model/validation.py."""
    from model.api import run
    from model.validation import facts

    with np.errstate(all="ignore"):
        return tuple(facts(run("siloed", patients=10, years=2, seed=1).by_year))


def simulated_values(by_year: pd.DataFrame, targets) -> dict[str, float]:
    """Each target's value in a run: a fact, or a column's whole-run total per 1,000 person-years."""
    from model.validation import DAYS_PER_YEAR, facts

    wanted_facts = [t for t in targets if t in fact_names()]
    known = facts(by_year) if wanted_facts else {}
    person_years = by_year["person_days"].sum() / DAYS_PER_YEAR
    out = {}
    for name in targets:
        out[name] = float(known[name]) if name in known else float(by_year[name].sum() / person_years * 1000)
    return out


def loss_of(simulated: dict[str, float], targets: dict[str, Target]) -> float:
    total = 0.0
    for name, target in targets.items():
        scale = target.tolerance or (abs(target.value) if target.value else 1.0)
        total += target.weight * ((simulated[name] - target.value) / scale) ** 2
    return total


def _check_parameter(path: str, fit: FitRange, origin: str) -> Fitted:
    import difflib

    from model.parameters import registry

    where = f"{origin}: parameters.{path}"
    param = registry().get(path)
    if param is None:
        close = difflib.get_close_matches(path, registry().keys(), n=1)
        raise ExperimentError(f"{where}: unknown parameter ({f'did you mean {close[0]}?' if close else 'see docs/parameters.md'})")
    if param.type not in (int, float):
        raise ExperimentError(f"{where}: only numeric parameters can be calibrated ({param.allowed})")
    low = param.low if fit.low is None else fit.low
    high = param.high if fit.high is None else fit.high
    if low is None or high is None:
        raise ExperimentError(f"{where}: the registry gives no range; give low and high")
    for name, value in (("low", low), ("high", high)):
        if (param.low is not None and value < param.low) or (param.high is not None and value > param.high):
            raise ExperimentError(f"{where}.{name}: {value:g} is outside the allowed range ({param.allowed})")
    if not low < high:
        raise ExperimentError(f"{where}: low ({low:g}) must be below high ({high:g})")
    return Fitted(path, param.type, float(low), float(high))


def _check_targets(spec: CalibrationSpec, origin: str) -> None:
    outputs, named = output_columns(), fact_names()
    for name in spec.targets:
        if name not in outputs and name not in named:
            import difflib

            close = difflib.get_close_matches(name, [*outputs, *named], n=1)
            hint = f"did you mean {close[0]}?" if close else "an output column (docs/parameters.md) or a fact of model/validation.py"
            raise ExperimentError(f"{origin}: targets.{name}: unknown target ({hint})")


def parse_calibration(data: dict, origin: str, folder: Path, text: str = "") -> Calibration:
    """Validate a calibration's fields (already read from YAML) and resolve its scenario."""
    from experiments.spec import _scenario

    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(_error_line(origin, exc.errors()[0], _MODELS)) from None
    fitted = tuple(_check_parameter(path, fit, origin) for path, fit in spec.parameters.items())
    for item in fitted:
        if item.path in spec.overrides:
            raise ExperimentError(f"{origin}: parameters.{item.path}: also fixed in overrides; fit it or fix it")
    _check_targets(spec, origin)
    base = _scenario(spec.scenario, folder, origin, "scenario",
                     {**spec.overrides, "area.population.patients": spec.patients})
    return Calibration(spec, origin, text, folder, base, fitted)


def load_calibration(path: str | Path) -> Calibration:
    """Load and validate a calibration file."""
    path = Path(path)
    data, text = _read(path, str(path), missing="no such calibration file")
    return parse_calibration(data, str(path), path.parent, text)


# -- running ----------------------------------------------------------------------------------
@dataclass
class CalibrationResult:
    """What a calibration found: the best trial's values, the fit table and every trial."""

    folder: Path
    best: dict[str, float]
    fit: pd.DataFrame  # one row per target: target, value, simulated, error, relative_error, tolerance, within
    trials: pd.DataFrame
    completed: int
    ran: int


def _check_folder(folder: Path, calibration: Calibration) -> bool:
    """True if resuming this calibration's folder; refuses another's, or a foreign folder, in one line."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if old.get("format") != FORMAT or old.get("fingerprint") != calibration.fingerprint():
            raise ExperimentError(f"--out {folder}: holds a different calibration ({old.get('origin')}); "
                                  "use another --out folder or delete this one")
        return True
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExperimentError(f"--out {folder}: exists and is not a calibration folder; carepath never removes "
                              "files it did not write (choose a new or empty folder)")
    return False


def _study(folder: Path, calibration: Calibration, sampler=None):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.create_study(study_name=calibration.name, storage=f"sqlite:///{folder / STUDY_FILE}",
                               direction="minimize", load_if_exists=True, sampler=sampler)


def _sampler(seed: int, completed: int):
    """TPE seeded from (seed, trials completed): a resumed study proposes what an unbroken one would."""
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # experimental-feature notices
        return optuna.samplers.TPESampler(seed=(seed * 1_000_003 + completed) % 2**32)


def _abandon_stale(study) -> None:
    """Trials left RUNNING by a killed calibration are marked failed (their runs are not kept)."""
    from optuna.trial import TrialState

    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)


class _TrialRunner:
    """Runs one trial's replications on a shared pool of warm workers."""

    def __init__(self, calibration: Calibration, workers: int | None):
        from experiments.backends import LocalBackend, available_cores

        self.calibration = calibration
        self.values = calibration.base.values()
        reps = calibration.spec.replications
        self.backend = LocalBackend(workers or min(available_cores(), reps))

    def simulate(self, params: dict) -> dict[str, float]:
        from experiments.worker import ArmSpec, RunTask

        spec = self.calibration.spec
        arm = ArmSpec("A", self.calibration.base.name, self.calibration.base.origin, {**self.values, **params})
        tasks = [RunTask(r, spec.seed + r, spec.years, (arm,)) for r in range(spec.replications)]
        per_run = {}
        for outcome in self.backend.run(tasks):
            if not outcome.ok:
                raise ExperimentError(f"trial with {params}: run on seed {spec.seed + outcome.run_id} failed: "
                                      f"{outcome.error}")
            by_year = outcome.table.drop(columns=["arm", "scenario", "scenario_hash", "seed"])
            per_run[outcome.run_id] = simulated_values(by_year, spec.targets)
        return {name: float(np.mean([per_run[r][name] for r in sorted(per_run)])) for name in spec.targets}

    def close(self) -> None:
        self.backend.close()


def calibrate(calibration: Calibration | str | Path, out: str | Path, workers: int | None = None,
              progress: bool = True) -> CalibrationResult:
    """Run (or resume) a calibration into folder `out`; see the module docstring."""
    from optuna.trial import TrialState

    from model.results import code_version

    cal = calibration if isinstance(calibration, Calibration) else load_calibration(calibration)
    folder = Path(out)
    resuming = _check_folder(folder, cal)
    folder.mkdir(parents=True, exist_ok=True)
    if not resuming:
        atomic_write(folder / "calibration.yaml", lambda p: p.write_text(cal.text, encoding="utf-8"))
        write_json(folder / "manifest.json", {
            "format": FORMAT, "calibration": cal.name, "origin": cal.origin, "fingerprint": cal.fingerprint(),
            "scenario": {"name": cal.base.name, "origin": cal.base.origin, "hash": cal.base.content_hash()},
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "code_version": code_version()})
    study = _study(folder, cal)
    _abandon_stale(study)
    spec = cal.spec
    done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    runner = _TrialRunner(cal, workers)
    bar = _progress_bar(cal.name, spec.trials, done, progress)
    ran = 0
    try:
        while done < spec.trials:
            study = _study(folder, cal, _sampler(spec.seed, done))
            trial = study.ask()
            params = {f.path: (trial.suggest_int(f.path, int(math.ceil(f.low)), int(math.floor(f.high)))
                               if f.kind is int else trial.suggest_float(f.path, f.low, f.high))
                      for f in cal.fitted}
            try:
                simulated = runner.simulate(params)
            except BaseException:
                study.tell(trial, state=TrialState.FAIL)
                raise
            for name, value in simulated.items():
                trial.set_user_attr(f"simulated:{name}", value)
            study.tell(trial, loss_of(simulated, spec.targets))
            done += 1
            ran += 1
            bar.update(1)
            bar.set_postfix(best_loss=f"{study.best_value:.4g}", refresh=False)
    finally:
        bar.close()
        runner.close()
    return _finish(folder, cal, study, done, ran)


def _progress_bar(name: str, total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=f"calibrate {name}", unit="trial", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True)


def fit_table(simulated: dict[str, float], targets: dict[str, Target]) -> pd.DataFrame:
    rows = []
    for name, target in targets.items():
        error = simulated[name] - target.value
        rows.append({"target": name, "unit": "fact" if name in fact_names() else "per 1,000 person-years",
                     "value": target.value, "simulated": simulated[name], "error": error,
                     "relative_error": error / target.value if target.value else np.nan,
                     "weight": target.weight, "tolerance": target.tolerance,
                     "within_tolerance": (abs(error) <= target.tolerance) if target.tolerance else None})
    return pd.DataFrame(rows)


def _finish(folder: Path, cal: Calibration, study, completed: int, ran: int) -> CalibrationResult:
    best = study.best_trial
    values = {f.path: best.params[f.path] for f in cal.fitted}
    simulated = {name: best.user_attrs[f"simulated:{name}"] for name in cal.spec.targets}
    fit = fit_table(simulated, cal.spec.targets)
    trials = study.trials_dataframe()
    atomic_write(folder / "best_scenario.yaml",
                 lambda p: p.write_text(best_scenario_text(cal, values, best.number, best.value), encoding="utf-8"))
    atomic_write(folder / "fit.csv", lambda p: fit.to_csv(p, index=False))
    atomic_write(folder / "trials.csv", lambda p: trials.to_csv(p, index=False))
    atomic_write(folder / "fit.png", lambda p: fit_figure(fit, cal.name).savefig(p, format="png"))
    return CalibrationResult(folder, values, fit, trials, completed, ran)


def best_scenario_text(cal: Calibration, values: dict[str, float], trial: int, loss: float) -> str:
    """The best values as a scenario file that `extends:` the calibrated scenario."""
    from model.scenario import SCENARIO_DIR, scenario_path

    base = cal.base
    path = scenario_path(cal.spec.scenario)
    if not path.is_file():
        path = cal.folder / cal.spec.scenario
    parent = path.stem if path.resolve().parent == SCENARIO_DIR.resolve() else str(path.resolve())
    tree: dict = {}
    for dotted, value in {**cal.spec.overrides, **values}.items():
        node = tree
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    header = {"name": f"{base.name}_calibrated",
              "description": f"{base.name} with {', '.join(values)} fitted by `carepath calibrate {cal.origin}` "
                             f"(trial {trial} of the study, loss {loss:.4g}; {cal.spec.replications} replication(s) "
                             f"of {cal.spec.patients} people over {cal.spec.years} years per trial).",
              "extends": parent,
              "sources": [*cal.spec.sources, f"calibrated to targets: {', '.join(cal.spec.targets)}"]}
    return yaml.safe_dump({**header, **tree}, sort_keys=False, allow_unicode=True)


def fit_figure(fit: pd.DataFrame, name: str) -> Figure:
    """Each target's simulated value as a share of its target value (1 = exact), with tolerances."""
    fig = Figure(figsize=(7.5, 1.4 + 0.5 * len(fit)), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(fit))
    scale = fit["value"].where(fit["value"] != 0, 1.0)
    ratio = fit["simulated"] / scale
    labelled = False
    for i, row in fit.iterrows():
        if row["tolerance"] and row["tolerance"] == row["tolerance"]:
            band = row["tolerance"] / abs(scale[i])
            ax.plot([1 - band, 1 + band], [i, i], color="#D55E00", linewidth=8, alpha=0.35, solid_capstyle="butt",
                    label=None if labelled else "target ± tolerance")
            labelled = True
    ax.scatter(ratio, y, color="#0072B2", s=60, zorder=3, label="simulated (best trial)")
    for i, value in enumerate(ratio):
        ax.annotate(f"{fit['simulated'].iloc[i]:.4g} (target {fit['value'].iloc[i]:.4g})", (value, i),
                    textcoords="offset points", xytext=(0, 9), ha="center", fontsize=8)
    reach = max(float(np.nanmax(np.abs(ratio - 1))), 0.1) * 1.3
    ax.set_xlim(1 - reach, 1 + reach)
    ax.set_ylim(-0.7, len(fit) - 0.3)
    ax.axvline(1, color="black", linewidth=1, label="target")
    ax.set_yticks(y, fit["target"])
    ax.set_xlabel("simulated value as a share of the target (1 = exact)")
    ax.set_title(f"Calibration {name}: fit against target", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def format_result(result: CalibrationResult, cal: Calibration) -> str:
    lines = [f"carepath calibrate: {cal.name}: {result.completed} trials ({result.ran} run now), "
             f"{cal.spec.replications} replication(s) each on seeds {cal.spec.seed}-{cal.spec.seed + cal.spec.replications - 1}"]
    lines.append("best parameters:")
    for path, value in result.best.items():
        lines.append(f"  {path:48s} {value:.6g}")
    lines.append("fit (targets: facts in their own units, outputs per 1,000 person-years):")
    lines.append(f"  {'target':40s}{'target value':>14s}{'simulated':>14s}{'error':>10s}")
    for row in result.fit.itertuples(index=False):
        rel = f"{row.relative_error:+.1%}" if row.relative_error == row.relative_error else "n/a"
        lines.append(f"  {row.target:40s}{row.value:>14.5g}{row.simulated:>14.5g}{rel:>10s}")
    return "\n".join(lines)
