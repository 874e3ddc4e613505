"""`--format csv` writes the same tables as CSV wherever Parquet is offered (run, compare, sweep),
and what carepath reads back (load_comparison, load_results) takes either."""
from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from carepath_cli import main
from test_sweep import write_experiment


@pytest.mark.slow
def test_run_and_compare_write_csv_with_the_same_numbers_as_parquet(tmp_path, capsys):
    from analysis.load import kind_of, load_run
    from experiments.compare import load_comparison

    common = ["--patients", "150", "--years", "1"]
    assert main(["run", "siloed", *common, "--out", str(tmp_path / "p")]) == 0
    assert main(["run", "siloed", *common, "--out", str(tmp_path / "c"), "--format", "csv"]) == 0
    assert "by_year.csv, totals.csv" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [".carepath-output", "by_year.csv", "meta.json",
                                                                   "totals.csv"]
    parquet, csv = pd.read_parquet(tmp_path / "p" / "by_year.parquet"), pd.read_csv(tmp_path / "c" / "by_year.csv")
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)
    assert kind_of(tmp_path / "c") == "run"
    assert load_run(tmp_path / "c").by_year["cost_total"].tolist() == parquet["cost_total"].tolist()

    assert main(["compare", "siloed", "integrated", *common, "--replications", "2", "--workers", "1",
                 "--no-progress", "--out", str(tmp_path / "cmp"), "--format", "csv"]) == 0
    assert {"runs.csv", "summary.csv", "meta.json"} <= {p.name for p in (tmp_path / "cmp").iterdir()}
    loaded = load_comparison(tmp_path / "cmp")
    total = loaded.summary.query("period == 'total' and metric == 'cost_total'")
    assert len(total) == 1 and kind_of(tmp_path / "cmp") == "comparison"


def test_sweep_format_csv_adds_runs_and_design_csv(tmp_path, capsys):
    path = write_experiment(tmp_path, compare=None, replications=1, years=1, patients=100,
                            design={"method": "latin", "samples": 2, "seed": 1})
    assert main(["sweep", str(path), "--out", str(tmp_path / "s"), "--workers", "1", "--no-progress",
                 "--format", "csv"]) == 0
    assert "runs.csv" in capsys.readouterr().out
    runs = pd.read_csv(tmp_path / "s" / "runs.csv")
    pd.testing.assert_frame_equal(runs, pd.read_parquet(tmp_path / "s" / "runs.parquet"), check_dtype=False)
    assert len(pd.read_csv(tmp_path / "s" / "design.csv")) == 2


@pytest.mark.slow
def test_json_output_into_a_closed_pipe_ends_quietly():
    """`carepath run --json | head`: the reader has gone before we write; no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "carepath_cli", "run", "siloed", "--patients", "50",
                               "--years", "1", "--json"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == ""
