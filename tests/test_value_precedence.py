"""The most specific value the user wrote wins, and the run's metadata says where each came from."""
import json

import pytest

from carepath_cli import main
from experiments.spec import load_experiment
from model.api import resolve

RUN = ["run", "--years", "1", "--json"]


def run_meta(tmp_path, capsys, *argv) -> dict:
    out = tmp_path / "out"
    assert main([*RUN, *argv, "--out", str(out)]) == 0
    capsys.readouterr()
    return json.loads((out / "meta.json").read_text())


def scenario_file(tmp_path, patients=150) -> str:
    path = tmp_path / "area.yaml"
    path.write_text(f"extends: siloed\narea:\n  population: {{patients: {patients}}}\n")
    return str(path)


def test_a_scenario_files_population_is_used_when_patients_is_not_given(tmp_path, capsys):
    meta = run_meta(tmp_path, capsys, scenario_file(tmp_path))
    assert meta["patients"] == 150
    assert meta["value_sources"]["area.population.patients"] == str(tmp_path / "area.yaml")


def test_set_wins_over_the_scenario_file_and_over_patients(tmp_path, capsys):
    meta = run_meta(tmp_path, capsys, scenario_file(tmp_path), "--patients", "400",
                    "--set", "area.population.patients=120")
    assert meta["patients"] == 120 and meta["value_sources"]["area.population.patients"] == "--set"


def test_patients_wins_over_the_scenario_file(tmp_path, capsys):
    meta = run_meta(tmp_path, capsys, scenario_file(tmp_path), "--patients", "130")
    assert meta["patients"] == 130 and meta["value_sources"]["area.population.patients"] == "--patients"


def test_values_from_an_extended_builtin_are_attributed_to_it():
    scenario = resolve("integrated")
    sources = scenario.value_sources
    assert sources and set(sources.values()) <= {"scenarios/integrated.yaml", "scenarios/siloed.yaml"}
    assert "area.population.patients" not in sources  # the registry default


def write_experiment(tmp_path, **fields) -> str:
    doc = {"name": "p", "base": "area.yaml", "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3}},
           "design": {"method": "latin", "samples": 2}, "years": 1, **fields}
    path = tmp_path / "exp.yaml"
    path.write_text(json.dumps(doc))
    return str(path)


def test_an_experiment_keeps_the_scenarios_population_unless_it_sets_one(tmp_path):
    scenario_file(tmp_path, 170)
    assert load_experiment(write_experiment(tmp_path)).base.area.population.patients == 170
    assert load_experiment(write_experiment(tmp_path, patients=90)).base.area.population.patients == 90
    overridden = load_experiment(write_experiment(tmp_path, overrides={"area.population.patients": 80})).base
    assert overridden.area.population.patients == 80
    assert overridden.value_sources["area.population.patients"] == "experiment overrides"


def test_an_experiment_giving_patients_twice_is_refused(tmp_path, capsys):
    scenario_file(tmp_path)
    path = write_experiment(tmp_path, patients=90, overrides={"area.population.patients": 80})
    assert main(["sweep", path, "--out", str(tmp_path / "o")]) == 2
    assert "patients: also set in overrides" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", str(2**63), str(2**64), "2**70"])
def test_seeds_outside_0_to_2_63_are_refused(capsys, seed):
    with pytest.raises(SystemExit) as stopped:  # argparse's way; the message is still one line
        main(["run", "siloed", "--seed", seed])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--seed" in err


def test_the_largest_seed_runs_and_differs_from_seed_0(small_run):
    from model.api import run

    top = run("siloed", patients=100, years=1, seed=2**63 - 1).totals
    zero = run("siloed", patients=100, years=1, seed=0).totals
    assert not top.equals(zero)


def test_python_api_refuses_a_seed_that_would_wrap():
    from model.api import build_model
    from model.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="2\\*\\*63"):
        build_model("siloed", patients=50, seed=2**64)


def test_experiment_seeds_past_2_63_are_refused(tmp_path, capsys):
    scenario_file(tmp_path)
    for fields in ({"seed": 2**64}, {"seed": 2**63 - 1, "replications": 2}):
        assert main(["sweep", write_experiment(tmp_path, **fields), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "seed" in err


def test_compare_refuses_seeds_that_would_pass_2_63_before_running():
    from experiments.compare import compare
    from model.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="the last replication's seed"):
        compare("siloed", "integrated", replications=5, seed0=2**63 - 2, patients=50, years=1, workers=1)
