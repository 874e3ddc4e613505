"""The sweep store's faster pandas-to-Arrow conversion makes the table pa.Table.from_pandas makes.

Why: a sweep writes each run's rows as a Parquet part; experiments/store.arrow_table builds the
Arrow table column by column (about five times faster on a run's 140 columns) and reuses
from_pandas' schema, so the files, their pandas metadata and what reading them gives back must
be exactly what from_pandas would have written."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from experiments.store import arrow_table


def frames():
    rng = np.random.default_rng(3)
    wide = pd.DataFrame({f"output_{i}": rng.random(6) for i in range(30)})
    wide.insert(0, "arm", pd.array(["siloed", "integrated"] * 3, dtype="string"))
    wide.insert(1, "seed", np.arange(6, dtype=np.int64))
    wide.insert(2, "code_version", "0.1.0+gabc")
    wide["output_3"] = [np.nan, 1.0, np.inf, -0.0, np.nan, 2.5]  # NaN is null in from_pandas' table
    wide["flag"] = [True, False, True, True, False, False]
    wide["small"] = np.arange(6, dtype=np.int32)
    wide["ratio32"] = np.linspace(0, 1, 6).astype(np.float32)
    yield wide
    yield wide.assign(arm=["a", None, "c", "d", "e", "f"])  # object strings with a missing one
    yield wide.assign(kind=pd.Categorical(list("xyxyxy")))  # another kind of column: from_pandas itself
    yield wide.iloc[:0]  # no rows
    yield pd.DataFrame({"only": [np.nan, np.nan]})


@pytest.mark.parametrize("frame", list(frames()))
def test_the_table_and_schema_are_from_pandas_own(frame):
    expected = pa.Table.from_pandas(frame, preserve_index=False)
    for _ in range(2):  # the first call of a layout takes from_pandas' way, the second the fast one
        table = arrow_table(frame)
        assert table.schema.equals(expected.schema, check_metadata=True)
        assert table.equals(expected)
    assert table.to_pandas().equals(expected.to_pandas())
