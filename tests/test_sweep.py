"""Sweeps: designs, determinism across worker counts, failures, resume after a kill, bad files.

Small populations and short runs keep this quick; the properties tested do not depend on size.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.design import build_design
from experiments.spec import ExperimentError, load_experiment
from experiments.store import read_runs
from experiments.sweep import run_sweep
from experiments.worker import run_task
from model.parameters import registry

REPO = Path(__file__).resolve().parent.parent
CARE_PATH = str(REPO / ".venv" / "bin" / "carepath")

PAIRED = {
    "name": "paired_small",
    "base": "siloed",
    "compare": "integrated",
    "parameters": {
        "area.crisis.rate_at_75": {"low": 0.10, "high": 0.18},
        "area.hospital.length_of_stay_mean": {"low": 6, "high": 13},
        "arrangement.rapid_response.strength": {"low": 0.2, "high": 0.8},
    },
    "design": {"method": "latin", "samples": 3, "seed": 5},
    "replications": 2,
    "years": 2,
    "patients": 400,
}


def write_experiment(folder: Path, name: str = "exp.yaml", **changes) -> Path:
    """An experiment file: PAIRED with top-level fields replaced by `changes`."""
    data = {**PAIRED, **changes}
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def flaky_runner(task):
    """Fails runs 1 and 4 as a model error would; runs the rest normally."""
    if task.run_id in (1, 4):
        raise RuntimeError(f"injected failure in run {task.run_id}")
    return run_task(task)


def same_files(a: Path, b: Path) -> None:
    """Both sweep folders hold the same parts and the same consolidated table.

    Value for value always; byte for byte too when both ran on the same model code (in a
    shared checkout a colleague's commit between the two sweeps changes only code_version).
    """
    names = sorted(p.name for p in (a / "parts").iterdir())
    assert names == sorted(p.name for p in (b / "parts").iterdir())
    left, right = pd.read_parquet(a / "runs.parquet"), pd.read_parquet(b / "runs.parquet")
    pd.testing.assert_frame_equal(left.drop(columns="code_version"), right.drop(columns="code_version"))
    if set(left["code_version"]) == set(right["code_version"]):
        for name in names:
            assert (a / "parts" / name).read_bytes() == (b / "parts" / name).read_bytes(), name
        assert (a / "runs.parquet").read_bytes() == (b / "runs.parquet").read_bytes()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The paired experiment swept once, uninterrupted, in this process."""
    folder = tmp_path_factory.mktemp("reference")
    path = write_experiment(folder)
    report = run_sweep(path, folder / "out", workers=1, progress=False)
    assert report.complete and report.ran == 6
    return path, folder / "out"


# -- designs ---------------------------------------------------------------------------------
def test_designs_have_the_expected_points(tmp_path):
    grid = load_experiment(write_experiment(tmp_path, "g.yaml", design={"method": "grid"}, parameters={
        "area.hospital.length_of_stay_mean": {"low": 6, "high": 12, "steps": 4},
        "arrangement.condition_focus": {"values": ["all", "dementia"]},
        "area.population.gp_practices": {"values": [2, 6, 10]}}))
    design = build_design(grid)
    assert design.points == 4 * 2 * 3
    values = pd.DataFrame([[v.apply(x) for v, x in zip(grid.varied, row)] for row in design.samples])
    assert sorted(values[0].unique()) == [6.0, 8.0, 10.0, 12.0]
    assert sorted(values[1].unique()) == ["all", "dementia"]
    assert sorted(values[2].unique()) == [2, 6, 10] and all(isinstance(v, int) for v in values[2])
    assert len(values.drop_duplicates()) == design.points

    sobol = build_design(load_experiment(write_experiment(
        tmp_path, "s.yaml", design={"method": "sobol", "samples": 8, "seed": 1})))
    assert sobol.samples.shape == (8 * (3 + 2), 3)
    morris = build_design(load_experiment(write_experiment(
        tmp_path, "m.yaml", design={"method": "morris", "samples": 3, "seed": 1})))
    assert morris.samples.shape == (3 * (3 + 1), 3)
    latin = build_design(load_experiment(write_experiment(tmp_path, "l.yaml")))
    lows, highs = latin.samples.min(axis=0), latin.samples.max(axis=0)
    assert np.all(lows >= [0.10, 6, 0.2]) and np.all(highs <= [0.18, 13, 0.8])
    # the same file gives the same points; another design seed gives others
    again = build_design(load_experiment(write_experiment(tmp_path, "l2.yaml")))
    other = build_design(load_experiment(write_experiment(
        tmp_path, "l3.yaml", design={"method": "latin", "samples": 3, "seed": 6})))
    assert np.array_equal(latin.samples, again.samples) and not np.array_equal(latin.samples, other.samples)


# -- what a sweep writes -------------------------------------------------------------------------
@pytest.mark.slow
def test_sweep_rows_are_the_model_runs_they_claim(reference):
    from model.api import run

    path, out = reference
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 3 * 2 * 2 * 2  # points x replications x arms x years
    assert runs.groupby(["run_id", "arm"]).size().eq(2).all()
    assert set(runs.groupby("replication")["seed"].unique().map(tuple)) == {(1,), (2,)}  # common seeds
    # one run re-made by hand from its recorded parameters and seed gives the same numbers
    row = runs[(runs.run_id == 3) & (runs.arm == "B")]
    overrides = {p: row[p].iloc[0].item() for p in PAIRED["parameters"]}
    direct = run("integrated", patients=400, years=2, seed=int(row["seed"].iloc[0]), overrides=overrides)
    for metric in ("cost_total", "emergency_admissions", "bed_days", "deaths"):
        assert list(row[metric]) == list(direct.by_year[metric]), metric
    # the lever varies in arm B only; arm A keeps the siloed value (0)
    assert (runs.loc[runs.arm == "A", "arrangement.rapid_response.strength"] == 0).all()
    assert runs.loc[runs.arm == "B", "arrangement.rapid_response.strength"].between(0.2, 0.8).all()
    # uncertainties apply to both arms of a pair
    pairs = runs.groupby("run_id")["area.crisis.rate_at_75"].nunique()
    assert (pairs == 1).all()
    # the points differ, and so do their results
    totals = runs[runs.arm == "A"].groupby("point")["cost_total"].sum()
    assert totals.nunique() == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == 6 and manifest["arms"] == ["A", "B"]
    assert runs["scenario_hash"].nunique() > 2 and runs["code_version"].nunique() == 1


@pytest.mark.slow
def test_one_or_two_workers_give_identical_results(reference, tmp_path):
    path, out = reference
    report = run_sweep(path, tmp_path / "two", workers=2, progress=False)
    assert report.complete and report.backend == "2 local processes"
    same_files(out, tmp_path / "two")


@pytest.mark.slow
def test_a_failed_run_does_not_stop_the_others(reference, tmp_path):
    path, out = reference
    folder = tmp_path / "flaky"
    report = run_sweep(path, folder, workers=2, progress=False, runner=flaky_runner)
    assert not report.complete and report.completed == 4 and report.ran == 6
    assert sorted(r["run_id"] for r in report.failures) == [1, 4]
    logged = [json.loads(line) for line in (folder / "failures.jsonl").read_text().splitlines()]
    first = next(r for r in logged if r["run_id"] == 1)
    assert first["seed"] == 2 and first["point"] == 0 and first["replication"] == 2
    assert "injected failure in run 1" in first["error"]
    assert set(first["parameters"]["B"]) == set(PAIRED["parameters"])
    assert not (folder / "runs.parquet").exists()
    assert json.loads((folder / "manifest.json").read_text())["status"] == "incomplete"
    # running again redoes only the failed runs and ends as an uninterrupted sweep would
    again = run_sweep(path, folder, workers=1, progress=False)
    assert again.complete and again.ran == 2 and not again.failures
    assert (folder / "failures.jsonl").read_text() == ""
    same_files(out, folder)


@pytest.mark.slow
def test_resume_after_the_sweep_process_is_killed(reference, tmp_path):
    """Kill the reference experiment's sweep after three of its six runs; resumed through the
    command line, as a user would, it ends byte for byte as the uninterrupted reference.
    Three runs are still to do at the kill, each two 400-person, 2-year model runs (over a
    second each), so the sweep cannot finish between the third part and the kill."""
    path, out = reference
    folder = tmp_path / "killed"
    proc = subprocess.Popen([CARE_PATH, "sweep", str(path), "--out", str(folder), "--workers", "1", "--no-progress"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    try:
        while time.time() < deadline and proc.poll() is None:
            parts = list((folder / "parts").glob("run-*.parquet")) if (folder / "parts").exists() else []
            if len(parts) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"sweep ended before it could be killed: {proc.stderr.read().decode()}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # its worker processes too
        except ProcessLookupError:
            pass
    done_before = len(list((folder / "parts").glob("run-*.parquet")))
    assert 3 <= done_before < 6
    assert not (folder / "runs.parquet").exists()

    resumed = carepath("sweep", str(path), "--out", str(folder), "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{6 - done_before} runs in" in resumed.stdout and "6 of 6 complete" in resumed.stdout
    assert not list(folder.rglob(".*.tmp"))
    same_files(out, folder)
    runs = pd.read_parquet(folder / "runs.parquet")
    assert runs.groupby("run_id").size().eq(4).all() and runs["run_id"].nunique() == 6


@pytest.mark.slow
def test_a_finished_sweep_run_again_does_nothing_and_reads_back(reference):
    path, out = reference
    before = (out / "runs.parquet").read_bytes()
    report = run_sweep(path, out, workers=1, progress=False)
    assert report.complete and report.ran == 0
    assert (out / "runs.parquet").read_bytes() == before
    pd.testing.assert_frame_equal(read_runs(out), pd.read_parquet(out / "runs.parquet"))


@pytest.mark.slow
def test_an_out_folder_of_another_sweep_is_refused(reference, tmp_path):
    path, out = reference
    other = write_experiment(tmp_path, "other.yaml", replications=3)
    with pytest.raises(ExperimentError, match="holds a different sweep"):
        run_sweep(other, out, workers=1, progress=False)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentError, match="not a sweep folder"):
        run_sweep(other, tmp_path / "busy", workers=1, progress=False)


# -- the command line ---------------------------------------------------------------------------
def carepath(*args, cwd=REPO):
    return subprocess.run([CARE_PATH, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli_sweep_shows_progress_and_summary(tmp_path):
    path = write_experiment(tmp_path, replications=1, compare=None, parameters={
        "area.crisis.rate_at_75": {"low": 0.10, "high": 0.18, "steps": 2}}, design={"method": "grid"}, years=1,
        patients=300)
    result = carepath("sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "2 of 2 complete" in result.stdout
    assert "2/2" in result.stderr and "run" in result.stderr  # the tqdm bar, on stderr


LOS = registry()["area.hospital.length_of_stay_mean"]
BAD_FILES = [
    ({"design": {"method": "lhs", "samples": 3}}, "design.method: must be one of grid, latin, sobol, morris, got 'lhs'"),
    ({"colour": "blue"}, "colour: unknown field (allowed: name, description"),
    ({"replications": "3"}, "replications: must be a whole number, got '3'"),
    ({"replications": 0}, "replications: must be at least 1, got 0"),
    ({"parameters": {"area.crisis.rate_at_7": {"low": 0.2, "high": 0.3}}},
     "parameters.area.crisis.rate_at_7: unknown parameter (did you mean area.crisis.rate_at_75?)"),
    ({"parameters": {"area.hospital.length_of_stay_mean": {"low": LOS.low - 1, "high": LOS.high}}},
     f"parameters.area.hospital.length_of_stay_mean.low: {LOS.low - 1:g} is outside the allowed range ({LOS.allowed})"),
    ({"parameters": {"area.crisis.rate_at_75": {"low": 0.3, "high": 0.2}}},
     "parameters.area.crisis.rate_at_75: low (0.3) must be below high (0.2)"),
    ({"parameters": {"area.crisis.rate_at_75": {"lo": 0.2, "high": 0.3}}},
     "parameters.area.crisis.rate_at_75.lo: unknown field (allowed: low, high, values, steps, arm)"),
    ({"parameters": {"arrangement.condition_focus": {"values": ["all", "cancer"]}}},
     "parameters.arrangement.condition_focus.values: must be one of all, dementia, got 'cancer'"),
    ({"design": {"method": "sobol", "samples": 50}}, "design.samples: must be a power of 2 for Sobol sampling, got 50"),
    ({"design": {"method": "grid"}}, "a grid design needs steps:"),
    ({"base": "silo"}, "silo.yaml: no such scenario file or built-in name (did you mean siloed?)"),
    ({"outputs": ["cost_totl"]}, "outputs.0: unknown metric 'cost_totl'"),
]


@pytest.mark.parametrize("changes, message", BAD_FILES, ids=[m.split(":")[0] for _, m in BAD_FILES])
def test_bad_experiment_files_get_one_line_errors(tmp_path, capsys, changes, message):
    from carepath_cli import main

    path = write_experiment(tmp_path, **changes)
    out = tmp_path / "never"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and not captured.out, captured.err
    assert lines[0].startswith(f"carepath: error: {path}: ")
    assert message in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_missing_fields_and_broken_yaml_are_one_line_errors(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nbase: siloed\nparameters: {a: [1, 2\n")
    result = carepath("sweep", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"{path}: not valid YAML at line" in result.stderr
    data = {k: v for k, v in PAIRED.items() if k != "design"}
    path.write_text(yaml.safe_dump(data))
    result = carepath("sweep", str(path))
    assert result.returncode == 2 and "design: required field is missing" in result.stderr
    result = carepath("sweep", "no_such_experiment")
    assert result.returncode == 2 and "no such experiment file (built-in experiments: integration_sensitivity" in result.stderr


def test_the_shipped_experiment_is_valid():
    experiment = load_experiment("integration_sensitivity")
    assert experiment.compare is not None and experiment.spec.design.method == "sobol"
    assert set(experiment.spec.outputs) == {"cost_total", "emergency_admissions"}
    assert build_design(experiment).points == 32 * (len(experiment.varied) + 2)
    assert sys.modules["experiments.spec"].EXPERIMENT_DIR == REPO / "experiments"
