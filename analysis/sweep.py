"""A sweep's results (from `carepath sweep`) as tables, plots and a report.

    from analysis.sweep import load_sweep, sensitivity_chart, tornado, output_vs_parameters
    sweep = load_sweep("out/sweeps/integration_sensitivity")
    sweep.points          # one row per design point: varied values and each output
    sensitivity_chart(sweep, "cost_total")   # Sobol S1/ST or Morris mu* with intervals
    tornado(sweep, "cost_total")             # any design: low vs high quarter of each parameter
    output_vs_parameters(sweep, "cost_total")

For a paired sweep (`compare:` in the experiment) each point's output is the effect B − A,
the mean over replications of the whole-run total; otherwise it is arm A's total. The
folder layout and the indices are experiments.store's and experiments.sensitivity's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.labels import metric_name, title_case, years_text
from analysis.load import ResultsError
from analysis.plots import DIFF_COLOUR, _count_axis, literal_text, money_axis
from analysis.provenance import plain_citation

SWEEP_FORMAT = "carepath-sweep/"
INDEX_COLOURS = {"S1": "#0072B2", "ST": "#D55E00", "mu_star": "#0072B2"}


def looks_like_sweep(folder: Path) -> bool:
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        return False
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("format", "")).startswith(SWEEP_FORMAT)
    except (OSError, ValueError):
        return False


@dataclass
class SweepData:
    """A sweep folder read into tables."""

    folder: Path
    manifest: dict
    design: pd.DataFrame
    runs: pd.DataFrame
    points: pd.DataFrame  # one row per point: point, each varied parameter, each output
    indices: pd.DataFrame | None  # Sobol or Morris indices, when the design allows them

    @property
    def parameters(self) -> list[str]:
        return list(self.manifest["problem"]["names"])

    @property
    def outputs(self) -> list[str]:
        return list(self.manifest.get("outputs") or [])

    @property
    def paired(self) -> bool:
        return self.manifest.get("arms") == ["A", "B"]

    def quantity(self, output: str) -> str:
        """What a point's value of `output` is, in words."""
        name = metric_name(output)
        if self.paired:
            scenarios = self.manifest.get("scenarios", {})
            a, b = (scenarios.get(arm, {}).get("name", arm) for arm in ("A", "B"))
            return f"change in {name} ({b} − {a}) over {years_text(self.manifest.get('years'))}"
        return f"{name} over {years_text(self.manifest.get('years'))}"


def load_sweep(folder: str | Path, outputs=None) -> SweepData:
    """Read a sweep folder: its manifest, design, runs, point outputs and (if possible) indices."""
    folder = Path(folder)
    if not looks_like_sweep(folder):
        raise ResultsError(f"{folder}: not a sweep folder (no carepath-sweep manifest.json)")
    try:
        from experiments.sensitivity import analyse, point_outputs
        from experiments.store import read_runs
    except ImportError:
        raise ResultsError("reading a sweep needs the experiments package (carepath sweep)") from None
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    runs = read_runs(folder)
    if runs is None or len(runs) == 0:
        raise ResultsError(f"{folder}: the sweep has no finished runs yet")
    design = pd.read_parquet(folder / "design.parquet")
    outputs = list(outputs or manifest.get("outputs") or ["cost_total"])
    per_point = point_outputs(runs, outputs, manifest["arms"]).reset_index()
    names = list(manifest["problem"]["names"])
    points = design[["point", *names]].merge(per_point, on="point", how="inner").sort_values("point")
    indices = None
    if manifest.get("method") in ("sobol", "morris") and manifest.get("status") == "complete":
        try:
            indices = analyse(folder, outputs)
        except Exception as exc:  # noqa: BLE001 - SALib refuses some small designs; the plots still work
            manifest = {**manifest, "indices_error": f"{type(exc).__name__}: {exc}"}
    return SweepData(folder, manifest, design, runs, points.reset_index(drop=True), indices)


def _value_axis(ax, output: str, which: str) -> None:
    if output.startswith("cost_"):
        money_axis(ax.xaxis if which == "x" else ax.yaxis)
        ax.grid(True, axis=which, alpha=0.3)
    else:
        _count_axis(ax, which)


def short_parameter(path: str) -> str:
    """'area.hospital.length_of_stay_mean' -> 'hospital.length_of_stay_mean'."""
    return path.split(".", 1)[1] if path.startswith(("area.", "arrangement.")) else path


@literal_text
def sensitivity_chart(sweep: SweepData, output: str, ax=None) -> Figure:
    """Sobol first-order (S1) and total (ST) indices, or Morris mu*, with their 95% intervals."""
    if sweep.indices is None:
        raise ResultsError("no sensitivity indices: the sweep needs a complete sobol or morris design")
    table = sweep.indices[sweep.indices["output"] == output]
    sobol = "ST" in table.columns
    key = "ST" if sobol else "mu_star"
    table = table.sort_values(key)
    fig, ax = _axes(ax, len(table))
    y = np.arange(len(table))
    labels = [short_parameter(p) for p in table["parameter"]]
    if sobol:
        for offset, column in ((-0.2, "S1"), (0.2, "ST")):
            ax.barh(y + offset, table[column], height=0.38, xerr=np.nan_to_num(table[f"{column}_conf"]),
                    capsize=3, color=INDEX_COLOURS[column],
                    label={"S1": "first-order S1 (alone)", "ST": "total ST (with interactions)"}[column])
        ax.set_xlabel("Sobol index (share of the output's variance); bars: 95% intervals")
        ax.axvline(0, color="black", linewidth=0.8)
        reach = (table[["S1", "ST"]].to_numpy() + np.abs(table[["S1_conf", "ST_conf"]].to_numpy()))
        if np.nanmax(np.abs(reach), initial=0) > 1.5:
            ax.set_xlim(-0.5, 1.5)  # indices live in [0, 1]; a wider interval is cut at the frame
            ax.set_xlabel("Sobol index (share of the output's variance); bars: 95% intervals,\n"
                          "cut at the frame where wider (too few samples for a stable ranking)")
    else:
        ax.barh(y, table["mu_star"], xerr=np.nan_to_num(table["mu_star_conf"]), capsize=3,
                color=INDEX_COLOURS["mu_star"], label="Morris μ* (mean absolute elementary effect)")
        ax.set_xlabel(f"Morris μ* ({'£' if output.startswith('cost_') else 'count'}); bars: 95% intervals")
    ax.set_yticks(y, labels)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(f"What drives the {sweep.quantity(output)}", fontsize=10)
    return fig


def parameter_axis(sweep: SweepData, name: str) -> tuple[pd.Series, list[str] | None]:
    """A varied parameter's values as numbers, and tick labels when they stand for text.

    A text parameter (varied through `values:`) is placed by its position in the list, the
    same coordinate SALib sampled (`x:PATH` in design.parquet).
    """
    column = sweep.points[name]
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float), None
    ordered = sweep.design.sort_values(f"x:{name}")[name] if f"x:{name}" in sweep.design else column
    labels = [str(v) for v in dict.fromkeys(ordered.tolist())]
    codes = column.astype(str).map({label: float(i) for i, label in enumerate(labels)})
    return codes, labels


def _axes(ax, rows: int):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=(9.5, 1.2 + 0.45 * max(rows, 2)), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


@literal_text
def tornado(sweep: SweepData, output: str, ax=None, share: float = 0.25) -> Figure:
    """For each parameter, the mean output over the points in the lowest and in the highest
    quarter of its sampled values, as bars from the overall mean (largest swing on top)."""
    points = sweep.points
    centre = float(points[output].mean())
    rows = []
    for name in sweep.parameters:
        values, _ = parameter_axis(sweep, name)
        low_cut, high_cut = values.quantile(share), values.quantile(1 - share)
        low = float(points.loc[values <= low_cut, output].mean())
        high = float(points.loc[values >= high_cut, output].mean())
        rows.append((name, low, high, abs(high - low)))
    rows.sort(key=lambda r: r[3])
    fig, ax = _axes(ax, len(rows))
    y = np.arange(len(rows))
    colours = {"low": "#56B4E9", "high": "#E69F00"}
    for i, (_name, low, high, _swing) in enumerate(rows):
        # the longer bar first, so a shorter one on the same side of the mean stays visible
        for which, value in sorted((("low", low), ("high", high)), key=lambda kv: -abs(kv[1] - centre)):
            ax.barh(i, value - centre, left=centre, color=colours[which], height=0.6 if which == "low" else 0.4)
    ax.legend(handles=[Patch(color=colours["low"], label=f"parameter in its lowest {share:.0%} of values"),
                       Patch(color=colours["high"], label=f"parameter in its highest {share:.0%} of values")],
              fontsize=8, loc="best")
    ax.axvline(centre, color="black", linewidth=0.8)
    ax.set_yticks(y, [short_parameter(r[0]) for r in rows])
    ax.set_xlabel(f"Mean {sweep.quantity(output)}\n(vertical line: mean over all {len(points)} points)")
    _value_axis(ax, output, "x")
    ax.set_title(f"Tornado: {metric_name(output)}", fontsize=10)
    return fig


@literal_text
def output_vs_parameters(sweep: SweepData, output: str, columns: int = 3) -> Figure:
    """The output at every design point against each varied parameter, with binned means."""
    names = sweep.parameters
    rows = int(np.ceil(len(names) / columns))
    fig = Figure(figsize=(3.6 * columns, 3.0 * rows + 0.6), dpi=100, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    points = sweep.points
    for ax, name in zip(axes, names):
        x, labels = parameter_axis(sweep, name)
        if labels is not None:
            ax.set_xticks(range(len(labels)), labels, fontsize=7)
        ax.scatter(x, points[output], s=12, alpha=0.6, color="#0072B2", edgecolor="none")
        bins = pd.qcut(x, q=min(5, x.nunique()), duplicates="drop") if x.nunique() > 1 else None
        if bins is not None:
            means = points.assign(_x=x).groupby(bins, observed=True).agg(x=("_x", "mean"), y=(output, "mean"))
            ax.plot(means["x"], means["y"], color=DIFF_COLOUR, marker="o", markersize=3, label="binned mean")
        if sweep.paired:
            ax.axhline(0, color="black", linewidth=0.6)
        ax.set_xlabel(short_parameter(name), fontsize=8)
        _value_axis(ax, output, "y")
    for ax in axes[len(names):]:
        ax.set_visible(False)
    axes[0].set_ylabel(title_case(metric_name(output)) + (" (B − A)" if sweep.paired else ""))
    fig.suptitle(f"{title_case(sweep.quantity(output))} at each of {len(points)} design points", fontsize=11)
    return fig


def _sweep_sentences(sweep: SweepData) -> list[str]:
    from analysis.labels import fmt

    lines = []
    for output in sweep.outputs:
        if output not in sweep.points:
            continue
        values = sweep.points[output]
        lines.append(f"Across the {len(values)} design points, the {sweep.quantity(output)} ranged from "
                     f"{fmt(values.min(), output)} to {fmt(values.max(), output)} (mean {fmt(values.mean(), output)}).")
        if sweep.indices is not None and "ST" in sweep.indices:
            table = sweep.indices[sweep.indices["output"] == output].sort_values("ST", ascending=False)
            top = table.iloc[0]
            wide = (table["ST_conf"] > 0.5 * table["ST"].abs().clip(lower=1e-9)).any()
            caveat = (" The intervals on the indices are wide: more samples are needed before ranking "
                      "the parameters with confidence.") if wide else ""
            lines.append(f"The parameter with the largest total Sobol index for {metric_name(output)} was "
                         f"{top['parameter']} (ST {top['ST']:.2f} ± {top['ST_conf']:.2f}).{caveat}")
    return lines


def build_sweep_report(sweep: SweepData) -> str:
    """The sweep's report as one self-contained HTML string."""
    from analysis.report import esc, figure_html, page, table_html

    m = sweep.manifest
    title = f"sweep {m.get('experiment', sweep.folder.name)}"
    lead = (f"{m.get('method', '?')} design, {m.get('points')} points × {m.get('replications')} replications, "
            f"{years_text(m.get('years'))}, {m.get('patients')} people; code version {m.get('code_version')}; "
            f"status {m.get('status')}.")
    summary = "".join(f"<li>{esc(s)}</li>" for s in _sweep_sentences(sweep))
    figures = []
    for output in sweep.outputs:
        if output not in sweep.points:
            continue
        if sweep.indices is not None:
            figures.append(figure_html(sensitivity_chart(sweep, output), f"Sensitivity of {output}",
                                       "Sensitivity indices with 95% bootstrap intervals (SALib)."))
        figures.append(figure_html(tornado(sweep, output), f"Tornado for {output}",
                                   "Mean output when each parameter is in the lowest or highest quarter of its "
                                   "sampled values (other parameters vary too)."))
        figures.append(figure_html(output_vs_parameters(sweep, output), f"{output} against each parameter",
                                   "Each dot is one design point (mean over its replications)."))
    if m.get("indices_error"):
        figures.insert(0, f'<p class="note">No sensitivity indices: {esc(m["indices_error"])}</p>')
    ranges = pd.DataFrame([{"Parameter": name, "Low": f"{low:g}", "High": f"{high:g}"}
                           for name, (low, high) in zip(m["problem"]["names"], m["problem"]["bounds"])])
    indices = "" if sweep.indices is None else table_html(sweep.indices.round(4).astype(str))
    scenarios = "".join(f"<li>{esc(arm)}: {esc(v.get('name'))} ({esc(v.get('origin'))}, hash "
                        f"{esc(v.get('hash'))})</li>" for arm, v in (m.get("scenarios") or {}).items())
    provenance = pd.DataFrame([{"Field": k, "Value": plain_citation(json.dumps(m[k], default=str)).strip('"')}
                               for k in ("experiment", "origin", "fingerprint", "code_version", "created",
                                         "method", "design_seed", "points", "replications", "runs", "seed",
                                         "seeds", "years", "patients", "status") if k in m])
    body = f"""
<h2 id="summary">In plain language</h2><ul class="summary">{summary}</ul>
<h2 id="figures">Figures</h2>{''.join(figures)}
<h2 id="parameters">Varied parameters</h2>{table_html(ranges, numeric=['Low', 'High'])}
<h3>Sensitivity indices</h3>{indices or '<p>None for this design.</p>'}
<h2 id="provenance">Provenance</h2><ul>{scenarios}</ul>{table_html(provenance)}"""
    sections = (("summary", "In plain language"), ("figures", "Figures"), ("parameters", "Varied parameters"),
                ("provenance", "Provenance"))
    return page(title, lead, sections, body)


def write_sweep_report(sweep: SweepData, path: Path) -> Path:
    """Write the sweep's report to `path` atomically; return the path."""
    from analysis.report import write_html

    return write_html(build_sweep_report(sweep), path)
