"""Results by week, month or year: the periods add up to the years, levels are averaged, and
run, compare and sweep write them (with a `period` column) where they write the yearly tables."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from carepath_cli import main
from model.collector import month_of
from model.tally import METRICS

FLOWS = ["emergency_admissions", "bed_days", "home_care_hours", "deaths", "cost_total", "cost_nhs", "cost_npv",
         "cost_care_homes__self_funded", "person_days"]


def test_months_are_twelve_runs_of_whole_weeks_per_year():
    weeks = np.arange(1, 105)
    months = month_of(weeks)
    assert set(months) == set(range(1, 13))
    lengths = np.bincount(months[:52])[1:]
    assert lengths.sum() == 52 and set(lengths) == {4, 5}
    assert (month_of(weeks[52:]) == months[:52]).all()  # the second year repeats the first


@pytest.mark.parametrize("resolution, periods", [("week", 104), ("month", 24), ("year", 2)])
def test_periods_add_up_to_the_years(small_run, resolution, periods):
    result = small_run("integrated", patients=200, years=2, seed=4)
    table = result.by_period(resolution)
    assert len(table) == periods and list(table["period"]) == list(range(1, periods + 1))
    assert table.groupby("year")["weeks"].sum().tolist() == [52, 52]
    by_year = table.groupby("year")[FLOWS].sum()
    for metric in FLOWS:
        assert np.allclose(by_year[metric], result.by_year[metric], rtol=1e-9, atol=1e-6), metric


def test_levels_are_averaged_over_weeks_not_added(small_run):
    result = small_run("integrated", patients=200, years=2, seed=4)
    months = result.by_period("month")
    level = "waiting_list_council"
    weighted = months.groupby("year").apply(lambda g: np.average(g[level], weights=g["weeks"]), include_groups=False)
    assert np.allclose(weighted, result.by_year[level])
    assert result.totals[level] == pytest.approx(result.by_year[level].mean())
    assert result.totals["people_end"] == months["people_end"].iloc[-1]


@pytest.mark.slow
def test_run_writes_by_period_with_a_period_column_in_either_format(tmp_path, capsys):
    common = ["run", "siloed", "--patients", "150", "--years", "1", "--resolution", "month"]
    assert main([*common, "--out", str(tmp_path / "p")]) == 0
    assert main([*common, "--out", str(tmp_path / "c"), "--format", "csv"]) == 0
    parquet = pd.read_parquet(tmp_path / "p" / "by_period.parquet")
    csv = pd.read_csv(tmp_path / "c" / "by_period.csv")
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)
    assert list(parquet.columns[:3]) == ["period", "year", "weeks"] and len(parquet) == 12
    assert json.loads((tmp_path / "p" / "meta.json").read_text())["resolution"] == "month"
    capsys.readouterr()
    assert main([*common[:-1], "week", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["resolution"] == "week" and len(out["by_period"]["cost_total"]) == 52
    assert sum(out["by_period"]["deaths"]) == out["totals"]["deaths"]


def test_a_bad_resolution_is_refused_in_one_line(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["run", "siloed", "--resolution", "day"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--resolution" in err and "week" in err and err.count("\n") == 1


@pytest.mark.slow
def test_compare_by_month_keeps_the_yearly_summary_and_adds_one_by_period(tmp_path):
    from analysis import plots
    from experiments.compare import compare, load_comparison

    comparison = compare("siloed", "integrated", replications=2, years=1, patients=200, workers=1,
                         resolution="month")
    yearly = compare("siloed", "integrated", replications=2, years=1, patients=200, workers=1)
    pd.testing.assert_frame_equal(comparison.summary, yearly.summary)
    months = comparison.summary_by_period
    assert set(months["period"]) == {"total", *(str(m) for m in range(1, 13))}
    for metric in METRICS:
        by_month = months[(months.metric == metric) & (months.period == "total")].iloc[0]
        by_year = yearly.summary[(yearly.summary.metric == metric) & (yearly.summary.period == "total")].iloc[0]
        assert by_month["diff"] == pytest.approx(by_year["diff"], rel=1e-9, abs=1e-6), metric
    comparison.save(tmp_path / "c")
    again = load_comparison(tmp_path / "c")
    assert len(again.runs_by_period) == 2 * 2 * 12 and "period" in again.runs_by_period
    fig = plots.time_series(again, "emergency_admissions", by_period=True)
    line = fig.axes[0].lines[0]
    assert len(line.get_xdata()) == 12 and fig.axes[0].get_xlabel() == "Month of the run"


@pytest.mark.slow
def test_sweep_by_week_writes_runs_by_period_and_resumes_only_at_its_resolution(tmp_path):
    from experiments.spec import ExperimentError
    from experiments.sweep import run_sweep
    from test_sweep import write_experiment

    path = write_experiment(tmp_path, replications=1, years=1, patients=150)
    out = tmp_path / "out"
    report = run_sweep(path, out, workers=1, progress=False, resolution="week")
    assert report.complete
    runs = pd.read_parquet(out / "runs.parquet")
    weeks = pd.read_parquet(out / "runs_by_period.parquet")
    assert {"run_id", "arm", "period", "weeks"} <= set(weeks.columns)
    summed = weeks.groupby(["run_id", "arm", "year"])["cost_total"].sum()
    assert np.allclose(summed.to_numpy(), runs.set_index(["run_id", "arm", "year"])["cost_total"].loc[summed.index])
    with pytest.raises(ExperimentError, match="--resolution week"):
        run_sweep(path, out, workers=1, progress=False, resolution="month")
