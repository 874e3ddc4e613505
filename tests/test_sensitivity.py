"""Sensitivity indices from sweeps, checked against a case whose answer is known exactly.

Unit costs do not change what happens in the model, only what it costs, and every run of a
sweep with common seeds meets the same events. So the total cost is exactly linear in the
costs of an emergency admission and a GP consultation:
    cost_total = c + admissions * cost_admission + gp_doctor_consultations * cost_gp,
and the discount rate (which only changes cost_npv) has no effect on it. For a linear model
with independent uniform inputs, Sobol's first-order and total indices are both
a_i^2 var_i / sum_j a_j^2 var_j, and Morris's mu* is |a_i| * range_i.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.sensitivity import analyse, point_outputs
from experiments.spec import ExperimentError
from experiments.sweep import run_sweep
from test_sweep import write_experiment

COSTS = {
    "area.costs.emergency_admission": {"low": 1590, "high": 3500},
    "area.costs.gp_consultation": {"low": 33, "high": 45},
    "area.costs.discount_rate": {"low": 0.0, "high": 0.1},
}
LINEAR = dict(compare=None, parameters=COSTS, replications=1, years=1, patients=300, outputs=["cost_total"])


def linear_coefficients(runs: pd.DataFrame) -> dict[str, float]:
    """The exact slope of cost_total in each unit cost, from the (shared) event counts."""
    first = runs[runs.run_id == 0]
    return {"area.costs.emergency_admission": float(first["emergency_admissions"].sum()),
            "area.costs.gp_consultation": float(first["gp_doctor_consultations"].sum()),
            "area.costs.discount_rate": 0.0}


@pytest.fixture(scope="module")
def sobol_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sobol")
    path = write_experiment(folder, design={"method": "sobol", "samples": 32, "seed": 7}, **LINEAR)
    report = run_sweep(path, folder / "out", workers=2, progress=False)
    assert report.complete and report.runs == 32 * (3 + 2)
    return folder / "out"


@pytest.mark.slow
def test_sobol_indices_match_the_exact_linear_answer(sobol_sweep):
    runs = pd.read_parquet(sobol_sweep / "runs.parquet")
    counts = runs.groupby("run_id")[["emergency_admissions", "gp_doctor_consultations"]].sum()
    assert counts.nunique().eq(1).all()  # the premise: unit costs change no events
    slope = linear_coefficients(runs)
    variance = {p: (slope[p] * (r["high"] - r["low"])) ** 2 / 12 for p, r in COSTS.items()}
    exact = {p: v / sum(variance.values()) for p, v in variance.items()}
    assert exact["area.costs.emergency_admission"] > 0.5 and exact["area.costs.gp_consultation"] > 0.02

    indices = analyse(sobol_sweep).set_index("parameter")
    assert list(indices.columns) == ["output", "quantity", "S1", "S1_conf", "ST", "ST_conf"]
    assert (indices["output"] == "cost_total").all() and (indices["quantity"] == "A").all()
    for parameter, share in exact.items():
        assert indices.loc[parameter, "S1"] == pytest.approx(share, abs=0.08), parameter
        assert indices.loc[parameter, "ST"] == pytest.approx(share, abs=0.08), parameter


@pytest.fixture(scope="module")
def morris_sweep(tmp_path_factory):
    """The linear case on a Morris design, swept once: read by the mu* test, and copied (then
    marked unfinished) by the refusal test."""
    folder = tmp_path_factory.mktemp("morris")
    path = write_experiment(folder, design={"method": "morris", "samples": 3, "seed": 1}, **LINEAR)
    assert run_sweep(path, folder / "out", workers=1, progress=False).complete
    return folder / "out"


@pytest.mark.slow
def test_morris_mu_star_is_slope_times_range(morris_sweep):
    runs = pd.read_parquet(morris_sweep / "runs.parquet")
    slope = linear_coefficients(runs)
    indices = analyse(morris_sweep).set_index("parameter")
    for parameter, rng in COSTS.items():
        expected = slope[parameter] * (rng["high"] - rng["low"])
        assert indices.loc[parameter, "mu_star"] == pytest.approx(expected, rel=1e-6, abs=1e-6), parameter
        assert indices.loc[parameter, "sigma"] == pytest.approx(0, abs=1e-6 * max(expected, 1))


@pytest.mark.slow
def test_paired_sweeps_analyse_the_effect_b_minus_a(tmp_path, capsys):
    from carepath_cli import main

    path = write_experiment(tmp_path, design={"method": "morris", "samples": 2, "seed": 1}, years=1, patients=300,
                            replications=2)
    folder = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(folder), "--workers", "2", "--no-progress", "--sensitivity"]) == 0
    printed = capsys.readouterr().out
    assert "cost_total (B - A)" in printed and "mu_star" in printed
    runs = pd.read_parquet(folder / "runs.parquet")
    effect = point_outputs(runs, ["cost_total"], ["A", "B"])["cost_total"]
    by_hand = (runs[runs.arm == "B"].groupby(["point", "replication"])["cost_total"].sum()
               - runs[runs.arm == "A"].groupby(["point", "replication"])["cost_total"].sum()).groupby("point").mean()
    pd.testing.assert_series_equal(effect, by_hand, check_names=False)
    assert main(["sensitivity", str(folder), "--json", "--output", "emergency_admissions",
                 "--out", str(tmp_path / "s.csv")]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["output"] for r in records} == {"emergency_admissions"} and len(records) == 3
    assert {r["quantity"] for r in records} == {"B - A"}
    assert len(pd.read_csv(tmp_path / "s.csv")) == 3


@pytest.mark.slow
def test_sensitivity_refuses_the_wrong_design_or_an_unfinished_sweep(morris_sweep, tmp_path, capsys):
    import shutil

    from carepath_cli import main

    path = write_experiment(tmp_path, years=1, patients=300, replications=1)  # a latin design
    run_sweep(path, tmp_path / "latin", workers=1, progress=False)
    with pytest.raises(ExperimentError, match="used a latin design; Sobol indices need design.method: sobol"):
        analyse(tmp_path / "latin", method="sobol")
    with pytest.raises(ExperimentError, match="--method delta: needs at least 10 design points, this sweep has 3"):
        analyse(tmp_path / "latin")  # a Latin-hypercube sweep defaults to the design-free delta measure
    shutil.copytree(morris_sweep, tmp_path / "part")
    manifest = json.loads((tmp_path / "part" / "manifest.json").read_text())
    manifest.update(status="incomplete", completed=3)
    (tmp_path / "part" / "manifest.json").write_text(json.dumps(manifest))
    assert main(["sensitivity", str(tmp_path / "part")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the sweep is not complete (3 of 12 runs)" in err
    assert main(["sensitivity", str(tmp_path / "nowhere")]) == 2
    assert "not a sweep folder" in capsys.readouterr().err
