"""Sensitivity indices (through SALib) from a finished sweep, for any design.

Sobol and Morris need their own designs (design.method: sobol or morris): SALib's
estimators depend on the sample's structure. The design-free methods work on any sample,
so a Latin-hypercube (or grid) sweep gets them: Borgonovo's delta moment-independent
measure with its first-order S1 (`delta`, the default for such sweeps), RBD-FAST first-order
indices (`rbd_fast`) and PAWN's CDF-based indices (`pawn`). Each design point's output is
the mean over its replications of the whole-run total of a metric; for a paired sweep
(`compare:`) it is the effect B - A, so the indices say which uncertainties drive the
*effect* of integration.

Sobol indices are shares of variance and lie in [0, 1]; an estimate outside that range, or a
wide interval, means the base sample N was too small. `sobol_warnings` says so and names
the N that would narrow every interval to `WIDE` (the CLI prints it).
"""
from __future__ import annotations

from pathlib import Path

import math

import numpy as np
import pandas as pd

from experiments.spec import ExperimentError
from experiments.store import SweepStore, read_runs
from model.outputs import whole_runs


def point_outputs(runs: pd.DataFrame, outputs: list[str], arms: list[str]) -> pd.DataFrame:
    """One row per design point: each output's whole-run total (B - A when paired), mean over replications."""
    totals = whole_runs(runs, ["point", "replication", "arm"], outputs)  # levels averaged, flows summed
    if arms == ["A", "B"]:
        per_run = totals.xs("B", level="arm") - totals.xs("A", level="arm")
    else:
        per_run = totals.xs("A", level="arm")
    return per_run.groupby(level="point").mean().sort_index()


DESIGN_FREE = ("delta", "rbd_fast", "pawn")
METHODS = ("sobol", "morris", *DESIGN_FREE)
WIDE = 0.1  # a Sobol interval half-width above this is too wide to rank parameters by


def default_method(design_method: str) -> str:
    """Sobol or Morris for their own designs; the delta measure for any other."""
    return design_method if design_method in ("sobol", "morris") else "delta"


def analyse(folder: str | Path, outputs: list[str] | None = None, method: str | None = None) -> pd.DataFrame:
    """The sensitivity indices of a sweep folder: one row per output x parameter.

    `method`: sobol, morris (each needs its own design), delta, rbd_fast or pawn (any design);
    by default the design's own method, or delta for a Latin-hypercube or grid sweep.
    """
    store = SweepStore(folder)
    manifest = store.manifest()
    design_method = manifest["method"]
    method = method or default_method(design_method)
    if method not in METHODS:
        raise ExperimentError(f"--method {method}: must be one of {', '.join(METHODS)}")
    if method in ("sobol", "morris") and method != design_method:
        raise ExperimentError(f"{folder}: this sweep used a {design_method} design; {method.title()} indices need "
                              f"design.method: {method} (for any design use --method delta, rbd_fast or pawn)")
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
    if method in DESIGN_FREE:
        return _design_free(method, problem, samples, y, seed)
    if method == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=manifest.get("second_order", False), seed=seed)
        return {k: np.asarray(result[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    from SALib.analyze import morris

    result = morris.analyze(problem, samples, y, num_levels=manifest.get("levels", 4), seed=seed)
    return {k: np.asarray(result[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def _design_free(method: str, problem: dict, samples: np.ndarray, y: np.ndarray, seed: int) -> dict:
    import contextlib
    import io
    import warnings

    from SALib.analyze import delta, pawn, rbd_fast

    if len(y) < 10:
        raise ExperimentError(f"--method {method}: needs at least 10 design points, this sweep has {len(y)}")
    # SALib warns on constant outputs (those give NaN or 0) and on how it binned each input, resetting
    # the warning filters itself; record=True keeps those notices off the terminal
    with warnings.catch_warnings(record=True), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        if method == "delta":
            # Borgonovo's delta, bootstrapped within bins of each input ("balanced": how much varying the
            # input over its range moves the output's distribution), and the first-order S1 beside it
            result = delta.analyze(problem, samples, y, seed=seed)
            result = {"delta": result["delta_balanced"], "delta_conf": result["delta_balanced_conf"],
                      "S1": result["S1"], "S1_conf": result["S1_conf"]}
            keys = ("delta", "delta_conf", "S1", "S1_conf")
        elif method == "rbd_fast":
            result = rbd_fast.analyze(problem, samples, y, M=min(10, max(1, (len(y) - 1) // 4)), seed=seed)
            keys = ("S1", "S1_conf")
        else:
            result = pawn.analyze(problem, samples, y, S=min(10, max(2, len(y) // 5)), seed=seed)
            keys = ("minimum", "mean", "median", "maximum", "CV")
    out = {k: np.asarray(result[k], dtype=float) for k in keys}
    return {("pawn_" + k if method == "pawn" else k): v for k, v in out.items()}


def sobol_warnings(indices: pd.DataFrame, samples: int, num_vars: int, second_order: bool = False) -> list[str]:
    """One line per output whose Sobol indices fall outside [0, 1] or whose intervals are wider
    than WIDE, naming the base sample N that would bring every half-width under WIDE
    (intervals shrink as 1/sqrt(N); N is rounded up to a power of 2, as Sobol sampling needs)."""
    if "ST" not in indices.columns:
        return []
    lines = []
    per_point = 2 * num_vars + 2 if second_order else num_vars + 2
    for output, block in indices.groupby("output", sort=False):
        values = block[["S1", "ST"]].to_numpy(dtype=float)
        conf = np.nan_to_num(block[["S1_conf", "ST_conf"]].to_numpy(dtype=float), nan=np.inf)
        outside = bool(((values < 0) | (values > 1)).any())
        widest = float(conf.max()) if conf.size else 0.0
        if not outside and widest <= WIDE:
            continue
        if math.isfinite(widest) and widest > 0:
            needed = samples * (max(widest, WIDE) / WIDE) ** 2
        else:
            needed = samples * 4
        suggested = 1 << max(int(math.ceil(math.log2(max(needed, 2 * samples)))), 1)
        what = []
        if outside:
            what.append(f"indices from {np.nanmin(values):.2f} to {np.nanmax(values):.2f} (a share of variance "
                        "lies in [0, 1])")
        if widest > WIDE:
            what.append(f"95% half-widths up to {widest:.2f}")
        lines.append(f"warning: {output}: Sobol {' and '.join(what)} with N = {samples}; set design.samples to "
                     f"{suggested} or more ({suggested * per_point:,} points) for half-widths under {WIDE}")
    return lines


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
