"""`carepath sweep DIR --rerun RUN_ID`: one run made again from the sweep's recorded
provenance (the experiment file as run, the run's seed and point) matches the stored rows
exactly, and a stored row that does not match is reported with exit status 1."""
from __future__ import annotations

import pandas as pd
import pytest

from carepath_cli import main
from experiments.store import SweepStore
from experiments.sweep import rerun, run_sweep
from test_sweep import write_experiment


@pytest.mark.slow
def test_a_rerun_reproduces_a_paired_run_and_catches_a_changed_row(tmp_path, capsys):
    path = write_experiment(tmp_path, years=1, patients=200, replications=2,
                            design={"method": "latin", "samples": 2, "seed": 5})
    out = tmp_path / "out"
    assert run_sweep(path, out, workers=1, progress=False).complete
    again = rerun(out, 3)
    assert again.identical and sorted(again.table["arm"].unique()) == ["A", "B"]
    assert main(["sweep", str(out), "--rerun", "3"]) == 0
    printed = capsys.readouterr().out
    assert "point 1, replication 2" in printed and "identical to the stored rows" in printed

    part = SweepStore(out).part_path(3)
    rows = pd.read_parquet(part)
    rows.loc[0, "cost_total"] += 1.0
    rows.to_parquet(part, index=False)
    (out / "runs.parquet").unlink()  # the part is what is stored for this run now
    assert main(["sweep", str(out), "--rerun", "3"]) == 1
    assert "DIFFERS from the stored rows in 1 columns (cost_total)" in capsys.readouterr().err

    assert main(["sweep", str(out), "--rerun", "4"]) == 2
    assert "--rerun 4: this sweep has runs 0 to 3" in capsys.readouterr().err
    assert main(["sweep", str(path), "--rerun", "0"]) == 2
    assert "is not a sweep folder" in capsys.readouterr().err
