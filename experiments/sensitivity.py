"""Sobol or Morris sensitivity indices (through SALib) from a finished sweep.

The sweep's design must be the method's own (design.method: sobol or morris): SALib's
estimators need its sample structure. Each design point's output is the mean over its
replications of the whole-run total of a metric; for a paired sweep (`compare:`) it is the
effect B - A, so the indices say which uncertainties drive the *effect* of integration.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.spec import ExperimentError
from experiments.store import SweepStore, read_runs


def point_outputs(runs: pd.DataFrame, outputs: list[str], arms: list[str]) -> pd.DataFrame:
    """One row per design point: each output's whole-run total (B - A when paired), mean over replications."""
    totals = runs.groupby(["point", "replication", "arm"])[outputs].sum()
    if arms == ["A", "B"]:
        per_run = totals.xs("B", level="arm") - totals.xs("A", level="arm")
    else:
        per_run = totals.xs("A", level="arm")
    return per_run.groupby(level="point").mean().sort_index()


def analyse(folder: str | Path, outputs: list[str] | None = None) -> pd.DataFrame:
    """The sensitivity indices of a sweep folder: one row per output x parameter."""
    store = SweepStore(folder)
    manifest = store.manifest()
    method = manifest["method"]
    if method not in ("sobol", "morris"):
        raise ExperimentError(f"{folder}: this sweep used a {method} design; Sobol or Morris indices need "
                              "design.method: sobol or morris")
    if manifest.get("status") != "complete":
        raise ExperimentError(f"{folder}: the sweep is not complete ({manifest.get('completed', 0)} of "
                              f"{manifest['runs']} runs); run `carepath sweep` on it again to finish it")
    outputs = list(outputs or manifest["outputs"])
    runs = read_runs(folder)
    unknown = [o for o in outputs if o not in runs.columns]
    if unknown:
        raise ExperimentError(f"--output {unknown[0]}: not a column of this sweep's results")
    problem = {k: manifest["problem"][k] for k in ("num_vars", "names", "bounds")}
    design = pd.read_parquet(Path(folder) / "design.parquet").sort_values("point")
    samples = design[[f"x:{name}" for name in problem["names"]]].to_numpy(dtype=float)
    table = point_outputs(runs, outputs, manifest["arms"])
    if len(table) != len(samples):
        raise ExperimentError(f"{folder}: {len(table)} points have results but the design has {len(samples)}")
    quantity = "B - A" if manifest["arms"] == ["A", "B"] else "A"
    frames = []
    for output in outputs:
        y = table[output].to_numpy(dtype=float)
        indices = _indices(method, problem, samples, y, manifest)
        frame = pd.DataFrame({"output": output, "quantity": quantity, "parameter": problem["names"], **indices})
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _indices(method: str, problem: dict, samples: np.ndarray, y: np.ndarray, manifest: dict) -> dict:
    seed = manifest.get("design_seed", 0)
    if method == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=manifest.get("second_order", False), seed=seed)
        return {k: np.asarray(result[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    from SALib.analyze import morris

    result = morris.analyze(problem, samples, y, num_levels=manifest.get("levels", 4), seed=seed)
    return {k: np.asarray(result[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def format_table(indices: pd.DataFrame) -> str:
    """The indices as a plain-text table, one block per output."""
    lines = []
    value_columns = [c for c in indices.columns if c not in ("output", "quantity", "parameter")]
    for (output, quantity), block in indices.groupby(["output", "quantity"], sort=False):
        lines.append(f"{output} ({quantity})")
        width = max(len(p) for p in block["parameter"])
        lines.append("  " + "parameter".ljust(width) + "".join(f"{c:>14s}" for c in value_columns))
        for row in block.itertuples(index=False):
            cells = "".join(f"{getattr(row, c):>14.4g}" for c in value_columns)
            lines.append("  " + row.parameter.ljust(width) + cells)
    return "\n".join(lines)
