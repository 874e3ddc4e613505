"""Sweeps with a precision target: replications are added per point, as compare --precision
adds them to a comparison, until each output's B - A interval is within the target of arm A's
mean (with Hoad's look-ahead), and points.parquet gives each point's effect and interval."""
from __future__ import annotations

import pandas as pd
import pytest

from experiments.spec import ExperimentError, load_experiment
from experiments.sweep import run_sweep
from test_sweep import write_experiment

SMALL = dict(years=1, patients=200, design={"method": "latin", "samples": 2, "seed": 5}, outputs=["cost_total"])


@pytest.mark.slow
def test_each_point_gets_the_replications_its_interval_needs(tmp_path):
    path = write_experiment(tmp_path, precision={"target": 0.05, "max_replications": 8}, **SMALL)
    report = run_sweep(path, tmp_path / "out", workers=2, progress=False)
    assert report.complete
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    per_point = runs.groupby("point")["replication"].nunique()
    assert per_point.between(3, 8).all() and report.runs == per_point.sum()
    points = pd.read_parquet(tmp_path / "out" / "points.parquet").set_index("point")
    assert (points["replications"] == per_point).all()
    for point, row in points.iterrows():
        # converged (precise) unless the point hit the limit of 8
        assert row["precise"] or row["replications"] == 8
        a = runs[(runs.point == point) & (runs.arm == "A")].groupby("replication")["cost_total"].sum()
        b = runs[(runs.point == point) & (runs.arm == "B")].groupby("replication")["cost_total"].sum()
        assert row["diff"] == pytest.approx((b - a).mean()) and row["ci_low"] < row["diff"] < row["ci_high"]
    again = run_sweep(path, tmp_path / "out", workers=1, progress=False)
    assert again.complete and again.ran == 0  # finished: nothing more to add on a rerun


def test_a_precision_target_needs_a_paired_sweep_and_a_sensible_limit(tmp_path):
    with pytest.raises(ExperimentError, match="precision: needs a compare: scenario"):
        load_experiment(write_experiment(tmp_path, compare=None, precision={"target": 0.02}, **SMALL))
    with pytest.raises(ExperimentError, match="precision.target: must be above 0"):
        load_experiment(write_experiment(tmp_path, precision={"target": 0}, **SMALL))
    with pytest.raises(ExperimentError, match="precision.max_replications: must be at least the starting"):
        load_experiment(write_experiment(tmp_path, replications=5, precision={"target": 0.02, "max_replications": 4},
                                         **SMALL))
