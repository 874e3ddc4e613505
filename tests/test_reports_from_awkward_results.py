"""Reports are written whatever the names and parameters: no crash after the runs finished."""
import json

import pytest

from carepath_cli import main

NAME = "cost $5m$ plan, $unbalanced"


@pytest.mark.slow
def test_a_scenario_name_with_dollar_signs_gets_a_report(tmp_path, capsys):
    scenario = tmp_path / "dollars.yaml"
    scenario.write_text(json.dumps({"name": NAME, "extends": "integrated"}))
    report = tmp_path / "r.html"
    assert main(["compare", "siloed", str(scenario), "--patients", "100", "--years", "1", "--replications", "2",
                 "--workers", "1", "--no-progress", "--report", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "cost $5m$ plan" in html and html.count("data:image/png;base64,") >= 6


@pytest.mark.slow
def test_a_sweep_varying_a_text_parameter_gets_a_report(tmp_path, capsys):
    experiment = tmp_path / "exp.yaml"
    experiment.write_text(json.dumps({
        "name": "focus", "base": "siloed", "compare": "integrated", "years": 1, "patients": 150,
        "parameters": {"arrangement.condition_focus": {"values": ["all", "dementia"]},
                       "area.context.austerity_cut": {"low": 0.0, "high": 0.3}},
        "design": {"method": "latin", "samples": 4, "seed": 1}}))
    out = tmp_path / "sweep"
    assert main(["sweep", str(experiment), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "condition_focus" in html and html.count("data:image/png;base64,") >= 4
