"""Scenario discovery: under which parameter ranges does a condition on a sweep's outcome hold?

    from experiments.discovery import discover
    found = discover("out/sweeps/integration_sensitivity", "cost_nhs", below=0)
    found.boxes          # one row per box: coverage, density, mass, the points it holds
    found.sentences      # each box in plain words
    trajectory_figure(found)

Why PRIM, and why EMA Workbench's: the Patient Rule Induction Method (Friedman & Fisher
1999) as used for scenario discovery (Bryant & Lempert 2010) is what this field's users
expect, and `ema_workbench.analysis.prim` is its reference implementation; it is not
written again here. Each design point's outcome is the mean over its replications of the
whole-run total of a metric, the effect B - A for a paired sweep (`compare:`), as for the
sensitivity indices (experiments.sensitivity.point_outputs). A point is "of interest" when
that outcome meets the condition (`below=` or `above=` a value).

Which box on a peeling trajectory is reported: the densest box that still covers at least
`min_coverage` of the points of interest (coverage: the share of all points of interest
inside the box; density: the share of points inside the box that are of interest), with
any restriction whose quasi-p value is above `significance` (0.05) dropped, as Bryant and
Lempert advise, so the rule names only the parameters that matter. The whole trajectory is
kept (a dropped restriction adds a step to it), so another trade-off can be read off
`found.trajectory`. Further boxes (`boxes=`) are looked for among the points outside the
earlier ones, and the search stops when no restriction helps.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.sensitivity import point_outputs
from experiments.spec import ExperimentError
from experiments.store import SweepStore, read_runs


def _prim_module():
    """EMA Workbench's PRIM, imported quietly (the package warns about optional extras it lacks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


@dataclass
class Discovery:
    """What PRIM found in a sweep: the boxes, each box's trajectory, and plain-language rules."""

    folder: Path
    metric: str
    condition: str  # e.g. "cost_nhs (B - A) below 0"
    points: pd.DataFrame  # one row per design point: the varied values, the outcome, `of_interest`
    boxes: pd.DataFrame  # one row per box: box, coverage, density, mass, points, of_interest, restricted
    limits: pd.DataFrame  # one row per box x restricted parameter: low, high (or values), quasi_p
    trajectory: pd.DataFrame  # one row per box x peeling step: coverage, density, mass, res_dim, chosen
    sentences: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"folder": str(self.folder), "metric": self.metric, "condition": self.condition,
                "points": int(len(self.points)), "of_interest": int(self.points["of_interest"].sum()),
                "boxes": json.loads(self.boxes.to_json(orient="records")),
                "limits": json.loads(self.limits.to_json(orient="records")),
                "sentences": self.sentences}

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write boxes.csv, limits.csv, trajectory.csv, points.csv, discovery.json and the
        trajectory plot into `folder`, all or nothing."""
        from experiments.output_folder import write_output_folder

        def write(staging: Path) -> None:
            self.boxes.to_csv(staging / "boxes.csv", index=False)
            self.limits.to_csv(staging / "limits.csv", index=False)
            self.trajectory.to_csv(staging / "trajectory.csv", index=False)
            self.points.to_csv(staging / "points.csv", index=False)
            (staging / "discovery.json").write_text(json.dumps(self.to_json(), indent=2), encoding="utf-8")
            trajectory_figure(self).savefig(staging / "peeling_trajectory.png")

        write_output_folder(folder, "discovery", write, force)
        return Path(folder)


def parameter_words(path: str) -> str:
    """'arrangement.joint_assessment.strength' -> 'joint assessment strength'."""
    parts = path.split(".")
    tail = parts[1:] if parts[0] in ("area", "arrangement") and len(parts) > 1 else parts
    return " ".join(tail).replace("_", " ")


def _number(value: float) -> str:
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def limit_words(path: str, low, high, full_low, full_high) -> str:
    """One restriction in words: 'length of stay mean above 9.1', '... between 0.2 and 0.4'."""
    name = parameter_words(path)
    if isinstance(low, (set, frozenset, list, tuple)):
        return f"{name} one of {', '.join(sorted(str(v) for v in low))}"
    raised, lowered = low > full_low, high < full_high
    if raised and lowered:
        return f"{name} between {_number(low)} and {_number(high)}"
    if raised:
        return f"{name} above {_number(low)}"
    return f"{name} below {_number(high)}"


def sweep_outcomes(folder: str | Path, metric: str) -> tuple[pd.DataFrame, dict]:
    """The varied values and the outcome of `metric` at every design point of a complete sweep."""
    store = SweepStore(folder)
    manifest = store.manifest()
    if manifest.get("status") != "complete":
        raise ExperimentError(f"{folder}: the sweep is not complete ({manifest.get('completed', 0)} of "
                              f"{manifest['runs']} runs); run `carepath sweep` on it again to finish it")
    runs = read_runs(folder)
    if metric not in runs.columns or not pd.api.types.is_numeric_dtype(runs[metric]):
        from model.tally import METRICS

        raise ExperimentError(f"--metric {metric}: not an output of this sweep (e.g. {', '.join(METRICS[:4])}, "
                              "or any column of runs.parquet)")
    names = list(manifest["problem"]["names"])
    design = pd.read_parquet(Path(folder) / "design.parquet")
    outcome = point_outputs(runs, [metric], manifest["arms"])[metric].rename("outcome")
    points = design[["point", *names]].merge(outcome, left_on="point", right_index=True).sort_values("point")
    return points.reset_index(drop=True), manifest


def discover(folder: str | Path, metric: str, below: float | None = None, above: float | None = None,
             boxes: int = 1, min_coverage: float = 0.8, peel_alpha: float = 0.05,
             mass_min: float = 0.05, significance: float = 0.05) -> Discovery:
    """Run PRIM on a sweep for the condition `metric` below (or above) a value; see module doc."""
    if (below is None) == (above is None):
        raise ExperimentError("give exactly one of --below VALUE or --above VALUE")
    if not 0 < min_coverage <= 1:
        raise ExperimentError(f"--min-coverage: must be a fraction in (0, 1], got {min_coverage}")
    points, manifest = sweep_outcomes(folder, metric)
    paired = manifest["arms"] == ["A", "B"]
    quantity = f"{metric} (B - A)" if paired else metric
    condition = f"{quantity} below {below:g}" if below is not None else f"{quantity} above {above:g}"
    y = (points["outcome"] < below) if below is not None else (points["outcome"] > above)
    points["of_interest"] = y.to_numpy()
    names = list(manifest["problem"]["names"])
    hits = int(y.sum())
    if hits == 0 or hits == len(points):
        share = "none" if hits == 0 else "every one"
        raise ExperimentError(f"{folder}: {share} of the {len(points)} design points has {condition} "
                              f"(outcomes range {points['outcome'].min():,.4g} to {points['outcome'].max():,.4g}); "
                              "choose a value inside that range")
    x = points[names].copy()
    for name in names:
        if not pd.api.types.is_numeric_dtype(x[name]):
            x[name] = x[name].astype(str)
        elif pd.api.types.is_integer_dtype(x[name]):
            x[name] = x[name].astype(np.int64)
        else:
            x[name] = x[name].astype(np.float64)
    prim = _prim_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        algorithm = prim.Prim(x, y.to_numpy(dtype=bool), peel_alpha=peel_alpha, mass_min=mass_min)
        full = algorithm.box_init
        box_rows, limit_rows, steps, sentences = [], [], [], []
        for number in range(1, boxes + 1):
            box = algorithm.find_box()
            if box is None:
                break
            chosen = _choose(box, names, full, min_coverage, significance)
            trajectory = box.peeling_trajectory.copy()
            trajectory.insert(0, "box", number)
            trajectory["chosen"] = trajectory["id"] == chosen
            steps.append(trajectory)
            stats = trajectory.loc[chosen]
            lims = box.box_lims[chosen]
            restricted = _restricted(lims, full, names)
            if not restricted and number > 1:
                break  # nothing more to find: the remaining points of interest are scattered
            p_values = box.p_values[chosen]
            words = []
            for name in restricted:
                low, high = lims[name].iloc[0], lims[name].iloc[1]
                nominal = isinstance(low, (set, frozenset))
                words.append(limit_words(name, low, high, full[name].iloc[0], full[name].iloc[1]))
                limit_rows.append({"box": number, "parameter": name,
                                   "low": None if nominal else float(low), "high": None if nominal else float(high),
                                   "values": ", ".join(sorted(map(str, low))) if nominal else None,
                                   "sampled_low": None if nominal else float(full[name].iloc[0]),
                                   "sampled_high": None if nominal else float(full[name].iloc[1]),
                                   "quasi_p": _quasi_p(p_values, name)})
            rule = " and ".join(words) if words else "anywhere in the sampled ranges (no restriction helps)"
            box_rows.append({"box": number, "coverage": float(stats["coverage"]),
                             "density": float(stats["density"]), "mass": float(stats["mass"]),
                             "points": int(stats["n"]), "of_interest": int(stats["k"]),
                             "restricted": len(restricted), "rule": rule})
            sentences.append(f"Box {number}: {rule}. It holds {int(stats['k'])} of the {hits} points where "
                             f"{condition} (coverage {stats['coverage']:.0%}); {stats['density']:.0%} of the "
                             f"{int(stats['n'])} points inside it meet the condition (density), against "
                             f"{hits / len(points):.0%} over all {len(points)} points.")
    return Discovery(Path(folder), metric, condition, points, pd.DataFrame(box_rows),
                     pd.DataFrame(limit_rows, columns=["box", "parameter", "low", "high", "values", "sampled_low",
                                                       "sampled_high", "quasi_p"]),
                     pd.concat(steps, ignore_index=True), sentences)


def _restricted(lims: pd.DataFrame, full: pd.DataFrame, names: list[str]) -> list[str]:
    return [n for n in names if not all(a == b for a, b in zip(lims[n], full[n]))]


def _quasi_p(p_values: dict, name: str) -> float | None:
    """The smaller of a restriction's two one-sided quasi-p values (EMA gives -1 for an open side)."""
    sides = [v for v in p_values.get(name, []) if v is not None and v >= 0]
    return float(min(sides)) if sides else None


def _choose(box, names: list[str], full: pd.DataFrame, min_coverage: float, significance: float) -> int:
    """Select the densest box covering `min_coverage`, then drop, one at a time, restrictions whose
    quasi-p value exceeds `significance` (Bryant & Lempert 2010); return its trajectory index."""
    trajectory = box.peeling_trajectory
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    chosen = int(eligible["density"].idxmax()) if len(eligible) else 0
    box.select(chosen)
    while True:
        restricted = _restricted(box.box_lims[chosen], full, names)
        weak = {n: _quasi_p(box.p_values[chosen], n) for n in restricted}
        weak = {n: p for n, p in weak.items() if p is not None and p > significance}
        if not weak:
            return chosen
        box.drop_restriction(max(weak, key=weak.get), i=chosen)
        chosen = len(box.peeling_trajectory) - 1


def trajectory_figure(found: Discovery) -> Figure:
    """The peeling trajectory: density against coverage at every step, by restricted dimensions;
    the reported box ringed."""
    fig = Figure(figsize=(6.4, 4.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    steps = found.trajectory
    dims = steps["res_dim"].astype(int)
    scatter = ax.scatter(steps["coverage"], steps["density"], c=dims, cmap="viridis", s=22,
                         vmin=-0.5, vmax=max(int(dims.max()), 1) + 0.5)
    chosen = steps[steps["chosen"]]
    ax.scatter(chosen["coverage"], chosen["density"], s=160, facecolors="none", edgecolors="#D55E00",
               linewidths=2, label="reported box")
    for row in chosen.itertuples():
        ax.annotate(f"box {row.box}", (row.coverage, row.density), textcoords="offset points", xytext=(8, 6))
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("coverage (share of all points of interest inside the box)")
    ax.set_ylabel("density (share of the box's points that are of interest)")
    ax.set_title(f"PRIM peeling trajectory: {found.condition}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    bar = fig.colorbar(scatter, ax=ax, ticks=range(0, int(dims.max()) + 1))
    bar.set_label("restricted parameters")
    return fig


def format_discovery(found: Discovery) -> str:
    """The boxes as plain text for the terminal."""
    points = found.points
    lines = [f"carepath discover: {found.condition} at {int(points['of_interest'].sum())} of {len(points)} "
             f"design points ({found.folder})"]
    lines += found.sentences
    if len(found.limits):
        lines.append("  box  parameter" + " " * 36 + "low           high          quasi-p")
        for row in found.limits.itertuples(index=False):
            if row.values:
                low, high = row.values, ""
            else:  # "-": that side is not restricted
                low = _number(row.low) if row.low > row.sampled_low else "-"
                high = _number(row.high) if row.high < row.sampled_high else "-"
            qp = "" if row.quasi_p is None or row.quasi_p != row.quasi_p else f"{row.quasi_p:.2g}"
            lines.append(f"  {row.box:<4d} {row.parameter:45s}{low:>12s}  {high:>12s}  {qp:>8s}")
    return "\n".join(lines)
