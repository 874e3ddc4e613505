"""Scenario discovery (PRIM) on a sweep whose answer is known by construction.

Unit costs change no events, and every run of a sweep with common seeds meets the same
events, so a run's total cost is exactly c + admissions x (cost of an emergency admission),
and the discount rate (which changes only cost_npv) has no effect on it. "Total cost below
its value at £2,500 an admission" therefore holds exactly at the points where the admission
cost is below £2,500: PRIM must find that one restriction, and nothing on the discount rate.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.discovery import discover, limit_words, parameter_words
from experiments.spec import ExperimentError
from experiments.sweep import run_sweep
from test_sweep import write_experiment

ADMISSION = "area.costs.emergency_admission"
DISCOUNT = "area.costs.discount_rate"
CUT = 2500.0


@pytest.fixture(scope="module")
def known_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("discovery")
    path = write_experiment(folder, compare=None, replications=1, years=1, patients=300,
                            parameters={ADMISSION: {"low": 1590, "high": 3500}, DISCOUNT: {"low": 0.0, "high": 0.1}},
                            design={"method": "latin", "samples": 40, "seed": 11}, outputs=["cost_total"])
    assert run_sweep(path, folder / "out", workers=2, progress=False).complete
    runs = pd.read_parquet(folder / "out" / "runs.parquet")
    first = runs[runs.run_id == 0].iloc[0]
    assert runs["emergency_admissions"].nunique() == 1  # the premise: unit costs change no events
    fixed = first["cost_total"] - first["emergency_admissions"] * first[ADMISSION]
    threshold = fixed + first["emergency_admissions"] * CUT
    return folder / "out", float(threshold)


@pytest.mark.slow
def test_prim_finds_the_one_parameter_range_that_decides_the_condition(known_sweep):
    folder, threshold = known_sweep
    found = discover(folder, "cost_total", below=threshold)
    design = pd.read_parquet(folder / "design.parquet")
    truth = design[ADMISSION] < CUT
    assert found.points["of_interest"].tolist() == truth.tolist()
    assert found.limits["parameter"].tolist() == [ADMISSION]  # the discount rate is never a restriction
    limit = found.limits.iloc[0]
    below_cut, above_cut = design.loc[truth, ADMISSION].max(), design.loc[~truth, ADMISSION].min()
    assert below_cut <= limit["high"] < above_cut
    assert limit["low"] == pytest.approx(limit["sampled_low"])  # open below: only the top is cut
    box = found.boxes.iloc[0]
    assert box["density"] == 1.0 and box["coverage"] >= 0.8 and box["restricted"] == 1
    assert found.sentences[0].startswith(f"Box 1: costs emergency admission below {limit['high']:,.0f}.")


@pytest.mark.slow
def test_discover_command_prints_the_box_and_writes_its_folder(known_sweep, tmp_path, capsys):
    from carepath_cli import main

    folder, threshold = known_sweep
    out = tmp_path / "found"
    assert main(["discover", str(folder), "--metric", "cost_total", "--below", str(threshold), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Box 1: costs emergency admission below" in printed and "coverage" in printed
    assert {p.name for p in out.iterdir()} >= {"boxes.csv", "limits.csv", "trajectory.csv", "points.csv",
                                                "discovery.json", "peeling_trajectory.png"}
    trajectory = pd.read_csv(out / "trajectory.csv")
    assert trajectory["chosen"].sum() == 1 and trajectory["coverage"].iloc[0] == 1.0
    assert main(["discover", str(folder), "--metric", "cost_total", "--above", str(threshold), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["condition"].startswith("cost_total above") and "above" in record["sentences"][0]


@pytest.mark.slow
def test_discover_refuses_in_one_line_what_it_cannot_answer(known_sweep, tmp_path, capsys):
    from carepath_cli import main

    folder, _ = known_sweep
    cases = [(["--metric", "cost_totl", "--below", "0"], "--metric cost_totl: not an output of this sweep"),
             (["--metric", "cost_total", "--below", "0"], "none of the 40 design points has cost_total below 0"),
             (["--metric", "cost_total", "--below", "1e12"], "every one of the 40 design points")]
    for options, message in cases:
        assert main(["discover", str(folder), *options]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err
    assert main(["discover", str(tmp_path / "nowhere"), "--metric", "cost_total", "--below", "0"]) == 2
    assert "not a sweep folder" in capsys.readouterr().err
    with pytest.raises(ExperimentError, match="exactly one of --below"):
        discover(folder, "cost_total")


def test_box_limits_read_as_plain_words():
    assert parameter_words("arrangement.joint_assessment.strength") == "joint assessment strength"
    assert limit_words("arrangement.joint_assessment.strength", 0.6, 1.0, 0.0, 1.0) == "joint assessment strength above 0.6"
    assert (limit_words("area.capacity.care_home_places_per_1000", 5, 12, 5, 20)
            == "capacity care home places per 1000 below 12")
    assert limit_words("area.hospital.length_of_stay_mean", 7, 9.5, 6, 13) == "hospital length of stay mean between 7 and 9.5"
    assert limit_words("arrangement.condition_focus", {"dementia"}, {"dementia"}, None, None) == "condition focus one of dementia"
