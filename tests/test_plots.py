"""The plots draw what the comparison says: bands are the 95% intervals, bars the means.

Built from a small real comparison (siloed vs integrated, 500 people, 3 years, seeds 1-3).
Each figure is also saved to test-artifacts/plots/ for a person to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle

from analysis import plots
from analysis.intervals import cumulative_difference, t_interval
from analysis.labels import HEADLINE
from analysis.load import example_comparison, tidy

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "plots"


@pytest.fixture(scope="module")
def comparison():
    return example_comparison(patients=500, years=3, replications=3)


def keep(fig, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fig.savefig(ARTIFACTS / f"{name}.png", dpi=80)


def summary_row(comparison, metric, period="total"):
    s = comparison.summary
    return s[(s["metric"] == metric) & (s["period"].astype(str) == period)].iloc[0]


def labelled(ax) -> bool:
    return bool(ax.get_xlabel() or ax.get_xticklabels()) and bool(ax.get_ylabel() or ax.get_yticklabels())


@pytest.mark.slow
def test_time_series_shows_each_arms_mean_inside_its_band(comparison):
    fig = plots.time_series(comparison, "emergency_admissions")
    ax = fig.axes[0]
    keep(fig, "time_series")
    lines = ax.get_lines()
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(lines) == 2 and len(bands) == 2
    runs = comparison.runs
    for line, arm in zip(lines, ("A", "B")):
        expected = runs[runs["arm"] == arm].groupby("year")["emergency_admissions"].mean()
        np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())
        assert arm in line.get_label()
    assert "per year" in ax.get_ylabel() and ax.get_xlabel() == "Simulated year"


@pytest.mark.slow
def test_cumulative_difference_ends_at_the_summarys_total_interval(comparison):
    for metric in ("emergency_admissions", "cost_total"):
        diff = cumulative_difference(comparison.runs, metric).iloc[-1]
        row = summary_row(comparison, metric)
        assert diff["mean"] == pytest.approx(row["diff"], rel=1e-9, abs=1e-9)
        assert diff["low"] == pytest.approx(row["ci_low"], rel=1e-9, abs=1e-9)
        assert diff["high"] == pytest.approx(row["ci_high"], rel=1e-9, abs=1e-9)
    fig = plots.cumulative_difference_plot(comparison, "cost_total")
    keep(fig, "cumulative_difference")
    ax = fig.axes[0]
    assert ax.get_lines()[-1].get_ydata()[-1] == pytest.approx(summary_row(comparison, "cost_total")["diff"])
    assert "Fully integrated" in ax.get_ylabel() and "Siloed baseline" in ax.get_ylabel()  # the scenarios' labels


@pytest.mark.slow
def test_cost_by_payer_stacks_to_each_payers_mean_cost(comparison):
    fig = plots.cost_by_payer(comparison)
    keep(fig, "cost_by_payer")
    payer_axes = fig.axes[:3]
    for ax, payer in zip(payer_axes, ("nhs", "council", "self_funded")):
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        for x, arm in enumerate(("A", "B")):
            stacked = sum(b.get_height() for b in bars if abs(b.get_x() + b.get_width() / 2 - x) < 1e-6)
            expected = summary_row(comparison, f"cost_{payer}")[f"mean_{arm.lower()}"]
            assert stacked == pytest.approx(expected, rel=1e-6, abs=1e-3)
        assert payer.replace("_", "-")[:4] in ax.get_title().lower() or "self" in ax.get_title().lower()
    assert fig.legends and "Category" in fig.legends[0].get_title().get_text()


@pytest.mark.slow
def test_cost_difference_shows_each_payers_change_and_interval(comparison):
    fig = plots.cost_difference(comparison)
    keep(fig, "cost_difference")
    changes = plots.payer_changes(comparison).set_index("payer")
    for payer in ("nhs", "council", "self_funded"):
        row = summary_row(comparison, f"cost_{payer}")
        assert changes.loc[payer, "mean"] == pytest.approx(row["diff"], abs=1e-6)
        assert changes.loc[payer, "low"] == pytest.approx(row["ci_low"], abs=1e-6)
    left = fig.axes[0]
    widths = sorted(p.get_width() for p in left.patches if isinstance(p, Rectangle))
    assert widths == pytest.approx(sorted(changes["mean"]), abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("draw, parts, total", [
    (plots.duplicate_visits, ("duplicate_ot_visits", "duplicate_needs_assessments"), "duplicate_visits"),
    (plots.delayed_bed_days, ("delayed_bed_days_nhs", "delayed_bed_days_social_care"), "delayed_bed_days"),
])
def test_breakdowns_show_whole_run_means_by_type(comparison, draw, parts, total):
    fig = draw(comparison)
    keep(fig, draw.__name__)
    left = fig.axes[0]
    heights = [p.get_height() for p in left.patches if isinstance(p, Rectangle)][:2 * len(parts)]
    runs = comparison.runs
    per_rep = runs.groupby(["arm", "replication"])[list(parts)].sum()
    expected = [per_rep.loc[arm][p].mean() for arm in ("A", "B") for p in parts]
    assert heights == pytest.approx(expected)
    # the parts add up to the total the model reports
    assert runs[list(parts)].sum(axis=1).to_numpy() == pytest.approx(runs[total].to_numpy())
    assert all(labelled(ax) for ax in fig.axes)


@pytest.mark.slow
def test_grids_label_every_panel_and_state_the_band(comparison):
    for name, draw in (("time_series_grid", plots.time_series_grid),
                       ("cumulative_difference_grid", plots.cumulative_difference_grid)):
        fig = draw(comparison, HEADLINE)
        keep(fig, name)
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert len(visible) == len(HEADLINE)
        assert all(ax.get_title() and ax.get_ylabel() for ax in visible)
        assert "95%" in fig.get_suptitle() and "3 replications" in fig.get_suptitle()


def test_t_interval_matches_a_hand_computation():
    ci = t_interval([1.0, 2.0, 3.0])
    assert ci["mean"] == 2.0 and ci["n"] == 3
    assert ci["half_width"] == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))
    assert np.isnan(t_interval([5.0])["half_width"])


@pytest.mark.slow
def test_tidy_gives_one_row_per_number(comparison):
    long = tidy(comparison.runs, ["emergency_admissions", "cost_total"])
    assert set(long.columns) >= {"arm", "replication", "year", "metric", "value"}
    assert len(long) == 2 * len(comparison.runs)


# -- sweeps ----------------------------------------------------------------------------------
SMALL_SWEEP = """
name: tiny_sensitivity
base: siloed
compare: integrated
parameters:
  area.crisis.rate_at_75: {low: 0.10, high: 0.18}
  area.hospital.length_of_stay_mean: {low: 6, high: 13}
design: {method: sobol, samples: 4, seed: 7}
replications: 1
years: 2
patients: 200
outputs: [cost_total, emergency_admissions]
"""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    run_sweep = pytest.importorskip("experiments.sweep").run_sweep
    from analysis.sweep import load_sweep

    folder = tmp_path_factory.mktemp("sweep")
    spec = folder / "tiny.yaml"
    spec.write_text(SMALL_SWEEP)
    report = run_sweep(spec, folder / "out", workers=1, progress=False)
    assert report.complete
    return load_sweep(folder / "out")


@pytest.mark.slow
def test_sweep_plots_show_indices_tornado_and_each_parameter(sweep, tmp_path):
    from analysis.sweep import output_vs_parameters, sensitivity_chart, tornado, write_sweep_report

    assert len(sweep.points) == sweep.manifest["points"]
    assert set(sweep.parameters) <= set(sweep.points.columns)
    chart = sensitivity_chart(sweep, "cost_total")
    keep(chart, "sweep_sobol")
    assert [t.get_text() for t in chart.axes[0].get_yticklabels()]
    torn = tornado(sweep, "cost_total")
    keep(torn, "sweep_tornado")
    assert len(torn.axes[0].get_yticklabels()) == len(sweep.parameters)
    scatter = output_vs_parameters(sweep, "emergency_admissions")
    keep(scatter, "sweep_scatter")
    visible = [ax for ax in scatter.axes if ax.get_visible()]
    assert len(visible) == len(sweep.parameters)
    for ax, name in zip(visible, sweep.parameters):
        np.testing.assert_allclose(sorted(ax.collections[0].get_offsets()[:, 0]), sorted(sweep.points[name]))
    html = write_sweep_report(sweep, tmp_path / "sweep.html").read_text(encoding="utf-8")
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:", html)
    assert text.count("<img") >= 6 and not re.search(r"https?:|//", text)
