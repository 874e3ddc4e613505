"""The area file's population is what `run` and `compare` simulate, unless --patients says
otherwise, and the report says the number that was run."""
from __future__ import annotations

import json

import pytest

from analysis.provenance import area_described, run_settings, shared_overrides
from analysis.report import _people
from carepath_cli import main

BASE = "extends: siloed\nlabel: Northshire today\narea:\n  population: {patients: 140}\n"
OPTION = "extends: base.yaml\nlabel: Northshire with a discharge team\narrangement:\n  integrated_discharge: {strength: 0.6}\n"


@pytest.fixture
def area(tmp_path, monkeypatch):
    folder = tmp_path / "areas"
    folder.mkdir()
    (folder / "base.yaml").write_text(BASE)
    (folder / "option.yaml").write_text(OPTION)
    monkeypatch.chdir(tmp_path)
    return ["areas/base.yaml", "areas/option.yaml"]


def compare_json(capsys, *argv) -> dict:
    assert main(["compare", *argv, "--years", "1", "--replications", "2", "--workers", "1", "--no-progress",
                 "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_run_simulates_the_files_population(area, capsys):
    assert main(["run", area[0], "--years", "1", "--json"]) == 0
    capsys.readouterr()
    assert main(["run", area[1], "--years", "1"]) == 0
    assert "| 140 people |" in capsys.readouterr().out


@pytest.mark.slow
def test_compare_simulates_the_files_population_and_the_report_says_so(area, capsys):
    from experiments.compare import load_comparison

    result = compare_json(capsys, *area, "--out", "cmp")
    meta = result["meta"]
    assert meta["patients"] == 140
    assert {meta["values"][arm]["area.population.patients"] for arm in "AB"} == {140}
    assert meta["value_sources"]["A"]["area.population.patients"] == "areas/base.yaml"
    comparison = load_comparison("cmp")
    assert "140 people with long-term conditions at the start" in _people(run_settings(comparison))
    assert shared_overrides(comparison) == {}  # nothing "set for both arms alike" by the command line
    row = area_described(comparison).set_index("Parameter").loc["area.population.patients"]
    assert (row["What"], row["A"], row["B"], row["Set by"]) == (
        "people with long-term conditions at the start", "140", "140", "areas/base.yaml")


@pytest.mark.slow
def test_an_explicit_patients_still_wins_over_the_file(area, capsys):
    meta = compare_json(capsys, *area, "--patients", "120")["meta"]
    assert meta["patients"] == 120
    assert meta["value_sources"]["B"]["area.population.patients"] == "--patients"
