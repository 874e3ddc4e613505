"""The model's results are pinned: a refactor or a speed-up changes no number.

An intended change of behaviour regenerates the files with scripts/make_golden.py and the
commit explains the diff.
"""
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_golden.py"
spec = importlib.util.spec_from_file_location("make_golden", SCRIPT)
make_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_golden)


@pytest.mark.parametrize("draws", ["compiled", "numpy"])
@pytest.mark.parametrize("scenario", sorted(make_golden.CASES))
def test_by_year_matches_the_golden_baseline_exactly(scenario, draws, monkeypatch):
    """On both paths for the random draws (model/randomness.py), which must agree bit for bit."""
    monkeypatch.setenv("CAREPATH_DRAWS", draws)
    pinned = pd.read_csv(make_golden.path_for(scenario), index_col="metric")
    now = make_golden.golden_table(scenario).set_index("year").T.rename_axis("metric")
    now.columns = pinned.columns  # years: ints now, strings as read back from the CSV header
    assert list(now.index) == list(pinned.index), "outputs added or removed: regenerate on purpose"
    changed = [(metric, year, pinned.at[metric, year], now.at[metric, year])
               for metric in pinned.index for year in pinned.columns
               if not (pd.isna(pinned.at[metric, year]) and pd.isna(now.at[metric, year]))
               and pinned.at[metric, year] != now.at[metric, year]]
    assert not changed, f"{len(changed)} numbers differ from the golden baseline, e.g. {changed[:5]}"
