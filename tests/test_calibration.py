"""Calibration: parameters are recovered from targets the model made at known values; the
study resumes exactly; the best values come back as a scenario that extends the base; bad
files are refused in one line before anything is written.

Small on purpose (a few hundred people, one year): the properties do not depend on size.
"""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from experiments.calibration import calibrate, load_calibration, simulated_values
from experiments.spec import ExperimentError
from model.api import run
from model.scenario import load_scenario

CRISIS = "area.crisis.rate_at_75"
TRUE_VALUE = 0.17
TOLERANCE = 0.03  # a fifth of the searched range; with 300 people one admission moves the fit by ~3%


def write_calibration(folder, name="cal.yaml", **changes):
    data = {"name": "recovery", "scenario": "siloed", "patients": 300, "years": 1, "replications": 1,
            "seed": 4, "trials": 20, "parameters": {CRISIS: {"low": 0.10, "high": 0.25}},
            "targets": {"emergency_admissions": {"value": 100.0}}}
    data.update(changes)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.slow
def test_a_parameter_is_recovered_from_targets_made_at_its_known_value(tmp_path):
    truth = run("siloed", patients=300, years=1, seed=4, overrides={CRISIS: TRUE_VALUE}).by_year
    targets = simulated_values(truth, ["emergency_admissions", "readmission_28d_share"])
    path = write_calibration(tmp_path, targets={"emergency_admissions": {"value": targets["emergency_admissions"]},
                                                "readmission_28d_share": {"value": targets["readmission_28d_share"],
                                                                          "weight": 0.5}})
    result = calibrate(path, tmp_path / "out", progress=False)
    assert result.best[CRISIS] == pytest.approx(TRUE_VALUE, abs=TOLERANCE)
    fit = result.fit.set_index("target")
    assert abs(fit.loc["emergency_admissions", "relative_error"]) < 0.05
    assert fit.loc["emergency_admissions", "unit"] == "per 1,000 person-years"
    assert fit.loc["readmission_28d_share", "unit"] == "fact"
    # the best values come back as a scenario that extends the base and reproduces the fit
    best = load_scenario(tmp_path / "out" / "best_scenario.yaml")
    assert yaml.safe_load((tmp_path / "out" / "best_scenario.yaml").read_text())["extends"] == "siloed"
    assert best.values()[CRISIS] == result.best[CRISIS]
    again = simulated_values(run(best, patients=300, years=1, seed=4).by_year, ["emergency_admissions"])
    assert again["emergency_admissions"] == pytest.approx(fit.loc["emergency_admissions", "simulated"])
    trials = pd.read_csv(tmp_path / "out" / "trials.csv")
    assert len(trials) == 20 and (trials["state"] == "COMPLETE").all()
    assert {"fit.png", "fit.csv", "study.db", "calibration.yaml", "manifest.json"} <= {p.name for p in (tmp_path / "out").iterdir()}


@pytest.mark.slow
def test_a_resumed_calibration_proposes_what_an_unbroken_one_would(tmp_path):
    small = {"patients": 100, "trials": 8}
    unbroken = calibrate(write_calibration(tmp_path, "a.yaml", **small), tmp_path / "a", progress=False)
    first = calibrate(write_calibration(tmp_path, "b.yaml", **{**small, "trials": 5}), tmp_path / "b", progress=False)
    assert first.completed == 5
    resumed = calibrate(write_calibration(tmp_path, "b.yaml", **small), tmp_path / "b", progress=False)
    assert resumed.completed == 8 and resumed.ran == 3
    columns = ["number", f"params_{CRISIS}", "value"]
    pd.testing.assert_frame_equal(unbroken.trials[columns], resumed.trials[columns])


def test_bad_calibration_files_are_refused_in_one_line_before_anything_is_written(tmp_path, capsys):
    from carepath_cli import main

    cases = [
        ({"parameters": {"area.crisis.rate_at_7": {}}}, "parameters.area.crisis.rate_at_7: unknown parameter (did you mean area.crisis.rate_at_75?)"),
        ({"parameters": {CRISIS: {"low": 0.2, "high": 4.0}}}, f"parameters.{CRISIS}.high: 4 is outside the allowed range (a number from 0 to 2)"),
        ({"targets": {"emergency_admisions": {"value": 1.0}}}, "targets.emergency_admisions: unknown target (did you mean emergency_admissions?)"),
        ({"targets": {"emergency_admissions": {"value": "many"}}}, "targets.emergency_admissions.value: must be a number, got 'many'"),
        ({"targets": {"emergency_admissions": {"value": 1.0, "weight": 0}}}, "targets.emergency_admissions.weight: must be above 0"),
        ({"trials": 0}, "trials: must be at least 1"),
        ({"target": {}}, "target: unknown field (allowed: name, description, sources, scenario, parameters, targets"),
        ({"parameters": {"arrangement.condition_focus": {}}}, "only numeric parameters can be calibrated"),
    ]
    for changes, message in cases:
        path = write_calibration(tmp_path, **changes)
        out = tmp_path / "never"
        assert main(["calibrate", str(path), "--out", str(out), "--no-progress"]) == 2, message
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
        assert not out.exists()
    assert main(["calibrate", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: no such calibration file" in capsys.readouterr().err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert main(["calibrate", str(write_calibration(tmp_path)), "--out", str(foreign)]) == 2
    assert "is not a calibration folder" in capsys.readouterr().err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    with pytest.raises(ExperimentError, match="scenario: .*no such scenario"):
        load_calibration(write_calibration(tmp_path, scenario="nowhere"))
