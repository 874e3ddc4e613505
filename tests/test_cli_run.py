"""`carepath run`: the JSON a program reads, the files it writes, and clean refusals."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from model.tally import METRICS

REQUIRED_KEYS = set(METRICS)


def carepath(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "carepath_cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.slow
def test_run_json_has_metadata_totals_and_by_year():
    done = carepath("run", "siloed", "--patients", "500", "--years", "2", "--seed", "3", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"scenario", "seed", "patients", "years", "code_version"} <= set(out)
    assert out["seed"] == 3 and out["patients"] == 500 and out["years"] == 2
    assert REQUIRED_KEYS <= set(out["totals"]) and REQUIRED_KEYS <= set(out["by_year"])
    assert all(len(out["by_year"][k]) == 2 for k in REQUIRED_KEYS)
    assert out["totals"]["emergency_admissions"] == sum(out["by_year"]["emergency_admissions"])


@pytest.mark.slow
def test_run_out_writes_parquet_and_metadata(tmp_path):
    out = tmp_path / "results"
    done = carepath("run", "integrated", "--patients", "400", "--years", "1", "--out", str(out), "--event-log")
    assert done.returncode == 0, done.stderr
    by_year = pd.read_parquet(out / "by_year.parquet")
    assert REQUIRED_KEYS <= set(by_year.columns) and len(by_year) == 1
    assert len(pd.read_parquet(out / "events.parquet")) > 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["scenario"] == "integrated" and meta["scenario_hash"]


@pytest.mark.parametrize("content, field, allowed", [
    ("area:\n  crisis:\n    rate_at_75: lots\n", "area.crisis.rate_at_75", "a number from 0 to 2"),
    ("area:\n  crisis:\n    rate_at_75: 9\n", "area.crisis.rate_at_75", "a number from 0 to 2"),
    ("arrangement:\n  joint_asessment:\n    strength: 0.5\n", "arrangement.joint_asessment", "unknown field"),
    ("area: [1, 2\n", "not valid YAML", "line"),
])
def test_a_bad_scenario_file_is_refused_in_one_line_with_nothing_written(tmp_path, content, field, allowed):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    out = tmp_path / "out"
    done = carepath("run", str(bad), "--patients", "100", "--years", "1", "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(bad) in lines[0] and field in lines[0] and allowed in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_a_missing_scenario_file_is_refused_cleanly(tmp_path):
    done = carepath("run", str(tmp_path / "nowhere.yaml"), "--years", "1")
    assert done.returncode == 2
    assert "nowhere.yaml" in done.stderr and "no such scenario" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_command_line_values_exit_with_status_2():
    done = carepath("run", "siloed", "--patients", "many")
    assert done.returncode == 2 and "--patients" in done.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["scenarios"], ["validate"], ["compare"], ["sweep"],
                                     ["sensitivity"], ["report"], ["app"]])
def test_every_help_page_prints(command, capsys):
    """A '%' in a help string breaks argparse's formatting; every page must render. Rendered in
    this process: the page is the same however carepath starts, and the other tests here start it."""
    from carepath_cli import main

    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    printed = capsys.readouterr()
    assert done.value.code == 0, printed.err
    assert "usage: carepath" in printed.out and "%%" not in printed.out
