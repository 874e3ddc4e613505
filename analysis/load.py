"""Load what `carepath run`, `carepath compare` and `carepath sweep` wrote into pandas tables.

A comparison folder holds runs.parquet (one row per arm x replication x year), summary.parquet
(one row per metric x period) and meta.json; a run folder holds by_year.parquet,
totals.parquet and meta.json. `load_results` tells them apart by their files. Made with
`--resolution week` or `month`, they also hold rows by that period (runs_by_period,
summary_by_period; a run's by_period): `load_by_period` reads them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from model.results import RunResult

ID_COLUMNS = ("arm", "scenario", "replication", "seed", "year")


class ResultsError(ValueError):
    """A results folder that cannot be read; the message is one line for the user."""


@dataclass
class ComparisonData:
    """A comparison as the analysis needs it: `.runs`, `.summary` and `.meta`.

    experiments.compare.Comparison has the same three attributes; either can be passed to
    the plots and the report.
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    meta: dict = field(default_factory=dict)
    runs_by_period: pd.DataFrame | None = None
    summary_by_period: pd.DataFrame | None = None


def _read_meta(folder: Path) -> dict:
    path = folder / "meta.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{folder}: no meta.json here") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _table(folder: Path, stem: str) -> Path:
    """`stem.parquet`, or `stem.csv` when only that was written (`--format csv`)."""
    csv = folder / f"{stem}.csv"
    return csv if csv.exists() and not (folder / f"{stem}.parquet").exists() else folder / f"{stem}.parquet"


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    except FileNotFoundError:
        raise ResultsError(f"{path.parent}: no {path.name} here") from None
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ResultsError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None


def load_comparison(folder: str | Path):
    """A comparison written by `carepath compare --out DIR` (or Comparison.save(DIR))."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    try:
        from experiments.compare import load_comparison as load_saved
    except ImportError:
        load_saved = None
    if load_saved is not None:
        try:
            return load_saved(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise ResultsError(f"{folder}: not a readable comparison ({exc})") from None
    runs = _read_table(folder / "runs.parquet")
    summary = _read_table(folder / "summary.parquet")
    return ComparisonData(runs, summary, _read_meta(folder))


def load_by_period(folder: str | Path) -> pd.DataFrame:
    """The rows by week or month of a run (by_period), a comparison or a sweep (runs_by_period)."""
    folder = Path(folder)
    for stem in ("by_period", "runs_by_period"):
        if _table(folder, stem).exists():
            return _read_table(_table(folder, stem))
    raise ResultsError(f"{folder}: no rows by week or month here (by_period or runs_by_period); "
                       "make the results with --resolution week or month")


def load_run(folder: str | Path) -> RunResult:
    """A single run written by `carepath run --out DIR`."""
    folder = Path(folder)
    by_year = _read_table(_table(folder, "by_year"))
    events = _table(folder, "events")
    return RunResult(by_year, _read_meta(folder), _read_table(events) if events.exists() else None)


def kind_of(folder: str | Path) -> str:
    """'comparison', 'run' or 'sweep', from the files a folder holds."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    if _table(folder, "runs").exists() and _table(folder, "summary").exists():
        return "comparison"
    if _table(folder, "by_year").exists():
        return "run"
    if is_sweep(folder):
        return "sweep"
    raise ResultsError(f"{folder}: not a results folder (expected runs.parquet and summary.parquet "
                       "from `carepath compare --out`, or by_year.parquet from `carepath run --out`)")


def is_sweep(folder: Path) -> bool:
    from analysis.sweep import looks_like_sweep

    return looks_like_sweep(folder)


def tidy(runs: pd.DataFrame, metrics=None) -> pd.DataFrame:
    """Runs in long form: the id columns plus metric and value, one row per number."""
    ids = [c for c in ID_COLUMNS if c in runs.columns]
    values = list(metrics) if metrics is not None else [c for c in runs.columns if c not in ids]
    return runs.melt(id_vars=ids, value_vars=values, var_name="metric", value_name="value")


def comparison_from_runs(arm_a: list[RunResult], arm_b: list[RunResult]) -> ComparisonData:
    """A comparison built from two lists of model.api.run results, replication by replication.

    For a notebook that ran the model itself: replication r of each arm should share a
    seed, so that differences are paired. `carepath compare` does this (and more) for you.
    """
    from analysis.intervals import summarise
    from model.tally import METRICS

    if len(arm_a) != len(arm_b) or not arm_a:
        raise ResultsError("both arms need the same number of runs (at least one)")
    frames = []
    for arm, results in (("A", arm_a), ("B", arm_b)):
        for replication, result in enumerate(results, start=1):
            table = result.by_year.drop(columns=["people_end"], errors="ignore").copy()
            ids = {"arm": arm, "scenario": result.meta["scenario"], "replication": replication,
                   "seed": result.meta["seed"]}
            for position, (name, value) in enumerate(ids.items()):
                table.insert(position, name, value)
            frames.append(table)
    runs = pd.concat(frames, ignore_index=True)
    first_a, first_b = arm_a[0].meta, arm_b[0].meta
    meta = {
        "scenarios": {"A": first_a["scenario"], "B": first_b["scenario"]},
        "origins": {"A": first_a.get("scenario_origin"), "B": first_b.get("scenario_origin")},
        "hashes": {"A": first_a.get("scenario_hash"), "B": first_b.get("scenario_hash")},
        "overrides": {"A": first_a.get("overrides", {}), "B": first_b.get("overrides", {})},
        "seeds": [r.meta["seed"] for r in arm_a],
        "replications": len(arm_a),
        "years": first_a["years"],
        "patients": first_a["patients"],
        "code_version": first_a.get("code_version"),
    }
    return ComparisonData(runs, summarise(runs, METRICS), meta)


def example_comparison(a: str = "siloed", b: str = "integrated", patients: int = 500, years: int = 3,
                       replications: int = 3):
    """A small real comparison (seeds 1..replications, in this process) for trying the plots.

    Uses experiments.compare when it is installed, else runs the model here; either way the
    runs are real model runs on common seeds, only small.
    """
    try:
        from experiments.compare import compare
    except ImportError:
        compare = None
    if compare is not None:
        return compare(a, b, replications=replications, years=years, patients=patients, workers=1)
    from model.api import run

    seeds = range(1, replications + 1)
    return comparison_from_runs([run(a, patients=patients, years=years, seed=s) for s in seeds],
                                [run(b, patients=patients, years=years, seed=s) for s in seeds])
