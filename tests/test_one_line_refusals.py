"""Mistakes the README promises are one line and exit 2: no traceback, nothing computed, nothing written."""
import json
import os

import pytest

import model.api
from carepath_cli import main

TINY = ["--patients", "60", "--years", "1"]
COMPARE = ["compare", "siloed", "integrated", *TINY, "--workers", "1", "--no-progress"]


@pytest.fixture
def no_model_runs(monkeypatch):
    """Fail loudly if anything is simulated: every refusal here must come before computing."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the model ran before the request was refused")

    monkeypatch.setattr(model.api, "run", forbidden)


def status_of(argv) -> int:
    try:
        return main(argv)
    except SystemExit as stopped:  # argparse's own refusals
        return stopped.code


def refused(capsys, argv) -> str:
    assert status_of(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def read_only_folder(tmp_path):
    """A folder this user cannot write in (root ignores permission bits, so use /sys for root)."""
    if os.geteuid() == 0:
        return "/sys"
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return str(folder)


@pytest.mark.parametrize("argv, message", [
    (["run", "siloed", "--set", "area.population.patients=[1"], "--set area.population.patients: not valid YAML"),
    (["run", "siloed", "--set", "x=!!python/name:os.system"], "could not determine a constructor"),
    (["run", "siloed", "--set", "nothing-to-set"], "expected PATH=VALUE"),
    (["run", "siloed", "--seed", "-1"], "--seed: must be a whole number from 0 to 2**63 - 1"),
    ([*COMPARE, "--seed", "2**70"], "--seed: must be a whole number"),
    ([*COMPARE, "--seed", str(2**70)], "--seed: must be a whole number from 0 to 2**63 - 1"),
    ([*COMPARE, "--seed", str(2**63 - 2)], "replications use seeds up to"),
    ([*COMPARE, "--precision", "0.5", "--max-replications", "2"], "--max-replications 2: --precision starts with 3"),
    ([*COMPARE, "--replications", str(10**9)], "must be at most 10,000"),
])
def test_bad_options_are_one_line(no_model_runs, capsys, argv, message):
    assert message in refused(capsys, argv)


def test_binary_and_deeply_nested_scenarios_are_one_line(no_model_runs, tmp_path, capsys):
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(bytes(range(256)))
    assert "not a text file" in refused(capsys, ["run", str(binary), *TINY])
    deep = tmp_path / "deep.yaml"
    deep.write_text("area: " + "[" * 5000 + "]" * 5000)
    assert "nested more than" in refused(capsys, ["run", str(deep), *TINY])


def test_out_dot_is_refused(no_model_runs, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv in (["run", "siloed", *TINY, "--out", "."], [*COMPARE, "--out", "."],
                 ["run", "siloed", *TINY, "--out", ".."]):
        assert "is the current folder (or holds it)" in refused(capsys, argv)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("command", [["run", "siloed", *TINY], COMPARE], ids=["run", "compare"])
def test_out_in_a_read_only_folder_is_refused_before_computing(no_model_runs, tmp_path, capsys, command):
    target = os.path.join(read_only_folder(tmp_path), "carepath-results")
    assert "cannot write in" in refused(capsys, [*command, "--out", target])


def test_report_that_is_a_folder_or_someone_elses_file_is_refused_before_computing(no_model_runs, tmp_path, capsys):
    assert "is a folder" in refused(capsys, [*COMPARE, "--report", str(tmp_path)])
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>")
    for extra in ([], ["--force"]):
        assert "carepath did not write it" in refused(capsys, [*COMPARE, "--report", str(notes), *extra])
    assert notes.read_text() == "<p>my notes</p>"
    assert "ending in .html" in refused(capsys, [*COMPARE, "--report", str(tmp_path / "r.pdf")])


def test_sensitivity_out_never_replaces_a_file(tmp_path, capsys):
    table = tmp_path / "indices.csv"
    table.write_text("mine")
    assert "carepath did not write it" in refused(capsys, ["sensitivity", str(tmp_path), "--out", str(table)])
    assert table.read_text() == "mine"


def experiment(tmp_path, **fields) -> str:
    doc = {"name": "e", "base": "siloed", "years": 1, "patients": 60,
           "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3},
                          "area.hospital.length_of_stay_mean": {"low": 7, "high": 9}},
           "design": {"method": "latin", "samples": 2}, **fields}
    path = tmp_path / "exp.yaml"
    path.write_text(json.dumps(doc))
    return str(path)


def test_sweep_out_that_is_a_file_or_a_foreign_folder_is_refused(no_model_runs, tmp_path, capsys):
    afile = tmp_path / "afile.txt"
    afile.write_text("keep")
    assert "exists and is not a folder" in refused(capsys, ["sweep", experiment(tmp_path), "--out", str(afile)])
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("keep")
    assert "is not a sweep folder" in refused(capsys, ["sweep", experiment(tmp_path), "--out", str(foreign)])
    assert afile.read_text() == "keep" and [p.name for p in foreign.iterdir()] == ["thesis.txt"]


@pytest.mark.parametrize("design, replications, runs", [
    ({"method": "latin", "samples": 10**9}, 1, "1,000,000,000"),
    ({"method": "sobol", "samples": 2**20}, 1, "4,194,304"),
    ({"method": "latin", "samples": 1000}, 10**6, "1,000,000,000"),
])
def test_a_sweep_of_too_many_runs_is_refused_naming_the_count(no_model_runs, tmp_path, capsys, design, replications,
                                                              runs):
    import tracemalloc

    path = experiment(tmp_path, design=design, replications=replications)
    tracemalloc.start()
    try:
        line = refused(capsys, ["sweep", path, "--out", str(tmp_path / "o")])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"design asks for {runs} runs" in line and "limit is 1,000,000" in line
    assert peak < 50 * 2**20 and not (tmp_path / "o").exists()
