"""A sweep's folder on disk: one small Parquet part per finished run, written atomically.

Layout (docs/experiments.md has the columns):

    OUT/manifest.json        what the sweep is (fingerprint, design, counts, status)
    OUT/experiment.yaml      the experiment file as it was run
    OUT/design.parquet       one row per design point: the sample and the values used
    OUT/parts/run-000042.parquet   one per finished run: a row per arm per year
    OUT/parts/run-000042.by_period.parquet   with --resolution week or month: a row per arm per period
    OUT/failures/run-000007.json   one per failed run: parameters, seed, error, traceback
    OUT/runs.parquet         all parts in run order, written once every run has finished
    OUT/runs_by_period.parquet   likewise, the by_period parts (with --resolution week or month)
    OUT/failures.jsonl       the failures of the last invocation, one JSON object a line

Why parts: a run's rows reach disk the moment it finishes and are never held by the
coordinator, so memory stays flat however long the sweep; a part appears only by an atomic
rename of a complete temporary file, so a killed sweep leaves complete parts or none, and
resuming is just skipping the run ids that have a part. A part that cannot be read back
(truncated or emptied by a failing disk or a hand edit) is removed on resume and its run
done again (`SweepStore.remove_damaged_parts`). A folder left by a sweep killed before it
wrote its manifest holds only carepath's scaffolding and is started afresh.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.output_folder import MARKER, sweep_folder_state
from experiments.spec import ExperimentError

FORMAT = "carepath-sweep/1"
PART = re.compile(r"^run-(\d+)\.parquet$")


def atomic_write(path: Path, write) -> None:
    """Call write(temp_path), flush it to disk, then rename it over `path` in one step."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_json(path: Path, data) -> None:
    atomic_write(path, lambda p: p.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8"))


def write_table(path: Path, table: pd.DataFrame | pa.Table) -> None:
    if isinstance(table, pd.DataFrame):
        table = arrow_table(table)
    atomic_write(path, lambda p: pq.write_table(table, p))


_SCHEMAS: dict[tuple, pa.Schema] = {}  # pa.Table.from_pandas's schema, by a frame's column names and dtypes
_SIMPLE_KINDS = "fiub"  # numpy kinds converted column by column in `arrow_table`: float, int, unsigned, bool


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """pa.Table.from_pandas(frame, preserve_index=False), the same table and schema (pandas
    metadata included), made faster for the wide numeric frames a sweep writes a run at a
    time: from_pandas spent about 20 ms on a run's 140 columns, most of it pandas' cost of
    taking a column out, against 4 ms here. The first frame of each layout (column names and
    dtypes) goes through from_pandas and gives the schema; later ones are built from one
    array for all their float columns and one a column for the rest, NaN as null as
    from_pandas makes it. A layout with any other kind of column always uses from_pandas."""
    key = (tuple(frame.columns), tuple(map(str, frame.dtypes)))
    schema = _SCHEMAS.get(key)
    simple = all(dtype.kind in _SIMPLE_KINDS or pd.api.types.is_string_dtype(dtype) for dtype in frame.dtypes)
    if schema is None or not simple or not frame.columns.is_unique:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        _SCHEMAS[key] = table.schema
        return table
    floats = [name for name, dtype in frame.dtypes.items() if dtype.kind == "f" and dtype.itemsize == 8]
    by_name = dict(zip(floats, np.ascontiguousarray(frame[floats].to_numpy(dtype=np.float64).T))) if floats else {}
    arrays = [pa.array(by_name[name] if name in by_name else frame[name].to_numpy(), from_pandas=True)
              for name in frame.columns]
    return pa.Table.from_arrays(arrays, schema=schema)


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.failed = self.folder / "failures"
        self._lock = None

    # -- opening -----------------------------------------------------------------------
    def manifest(self) -> dict:
        path = self.folder / "manifest.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ExperimentError(f"{self.folder}: not a sweep folder (no manifest.json)") from None
        except json.JSONDecodeError:
            raise ExperimentError(f"{path}: damaged (not valid JSON)") from None

    def create_or_resume(self, manifest: dict, design: pd.DataFrame, experiment_text: str) -> bool:
        """Start a new sweep folder, or check an existing one is this sweep. True if resuming."""
        state = sweep_folder_state(self.folder)
        exists = state == "sweep"
        if exists:
            old = self.manifest()
            if old.get("fingerprint") != manifest["fingerprint"]:
                raise ExperimentError(
                    f"{self.folder}: holds a different sweep ({old.get('origin')}, fingerprint "
                    f"{old.get('fingerprint')}); use another --out folder or delete this one")
            if old.get("resolution", "year") != manifest.get("resolution", "year"):
                raise ExperimentError(
                    f"{self.folder}: this sweep was started with --resolution {old.get('resolution', 'year')}; "
                    f"resume it with the same --resolution, or use another --out folder")
        elif state == "foreign" or (self.folder.exists() and not self.folder.is_dir()):
            raise ExperimentError(f"{self.folder}: exists and is not a sweep folder; choose another --out")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        (self.folder / MARKER).write_text(json.dumps({"kind": "sweep"}) + "\n", encoding="utf-8")
        self.parts.mkdir(exist_ok=True)
        self.failed.mkdir(exist_ok=True)
        for stale in [*self.parts.glob(".*.tmp"), *self.failed.glob(".*.tmp"), *self.folder.glob(".*.tmp")]:
            stale.unlink(missing_ok=True)  # left by a sweep killed mid-write
        if not exists:
            atomic_write(self.folder / "experiment.yaml", lambda p: p.write_text(experiment_text, encoding="utf-8"))
            write_table(self.folder / "design.parquet", design)
            write_json(self.folder / "manifest.json", manifest)
        return exists

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: no protection against two sweeps on one folder
            return
        handle = open(self.folder / ".lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ExperimentError(f"{self.folder}: another sweep is writing to this folder") from None
        self._lock = handle  # the kernel releases it when this process ends, however it ends

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # -- runs --------------------------------------------------------------------------
    def completed(self) -> set[int]:
        if not self.parts.is_dir():
            return set()
        return {int(m.group(1)) for name in os.listdir(self.parts) if (m := PART.match(name))}

    def remove_damaged_parts(self) -> list[int]:
        """Remove parts that cannot be read back (a truncated or empty file); return their run ids.

        Reading a part's Parquet footer is cheap (no data is decoded), so this runs on every resume.
        """
        damaged = []
        for run_id in sorted(self.completed()):
            path = self.part_path(run_id)
            try:
                readable = pq.read_metadata(path).num_rows > 0
            except (OSError, pa.ArrowException):
                readable = False
            if not readable:
                path.unlink(missing_ok=True)
                damaged.append(run_id)
        return damaged

    def part_path(self, run_id: int) -> Path:
        return self.parts / f"run-{run_id:06d}.parquet"

    def period_part_path(self, run_id: int) -> Path:
        return self.parts / f"run-{run_id:06d}.by_period.parquet"

    def write_part(self, run_id: int, table: pd.DataFrame, by_period: pd.DataFrame | None = None) -> None:
        """A run's rows; its rows by period first, so a run with a part always has both."""
        if by_period is not None:
            write_table(self.period_part_path(run_id), by_period)
        write_table(self.part_path(run_id), table)
        (self.failed / f"run-{run_id:06d}.json").unlink(missing_ok=True)

    def write_failure(self, run_id: int, record: dict) -> None:
        write_json(self.failed / f"run-{run_id:06d}.json", record)

    def failures(self) -> list[dict]:
        if not self.failed.is_dir():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.failed.glob("run-*.json"))]

    # -- finishing ---------------------------------------------------------------------
    def consolidate(self, runs: int | Iterable[int], by_period: bool = False) -> Path:
        """Stream every part (run ids 0..runs-1, or those given), in run order, into runs.parquet
        (one part in memory at a time); with `by_period`, the by_period parts into runs_by_period.parquet."""
        target = self.folder / ("runs_by_period.parquet" if by_period else "runs.parquet")
        run_ids = range(runs) if isinstance(runs, int) else sorted(runs)
        part_path = self.period_part_path if by_period else self.part_path

        def write(temp: Path) -> None:
            writer = None
            try:
                for run_id in run_ids:
                    table = pq.read_table(part_path(run_id))
                    if writer is None:
                        writer = pq.ParquetWriter(temp, table.schema)
                    writer.write_table(table.cast(writer.schema))
            finally:
                if writer is not None:
                    writer.close()

        atomic_write(target, write)
        return target

    def write_failure_log(self, records: list[dict]) -> None:
        atomic_write(self.folder / "failures.jsonl",
                     lambda p: p.write_text("".join(json.dumps(r, default=str) + "\n" for r in records),
                                            encoding="utf-8"))

    def update_manifest(self, **changes) -> None:
        manifest = self.manifest()
        manifest.update(changes)
        write_json(self.folder / "manifest.json", manifest)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """A sweep's rows: runs.parquet when it is complete, else the parts finished so far."""
    import pyarrow.dataset as ds

    folder = Path(folder)
    if (folder / "runs.parquet").exists():
        return pd.read_parquet(folder / "runs.parquet")
    parts = sorted((folder / "parts").glob("run-*.parquet"))
    if not parts:
        raise ExperimentError(f"{folder}: no finished runs yet")
    return ds.dataset([str(p) for p in parts], format="parquet").to_table().to_pandas()


def export_csv(folder: str | Path) -> list[Path]:
    """Copies of a complete sweep's runs and design as CSV, for spreadsheets and R."""
    folder = Path(folder)
    written = []
    for stem in ("runs", "design", "runs_by_period"):
        source, target = folder / f"{stem}.parquet", folder / f"{stem}.csv"
        if stem == "runs_by_period" and not source.exists():
            continue
        table = pd.read_parquet(source)
        atomic_write(target, lambda p, table=table: table.to_csv(p, index=False))
        written.append(target)
    return written


def read_part(folder: str | Path, run_id: int) -> pd.DataFrame | None:
    """The stored rows of one run (from its part, or runs.parquet), or None if it has none."""
    folder = Path(folder)
    part = SweepStore(folder).part_path(run_id)
    if part.exists():
        return pd.read_parquet(part)
    if (folder / "runs.parquet").exists():
        rows = pd.read_parquet(folder / "runs.parquet", filters=[("run_id", "==", run_id)])
        return rows if len(rows) else None
    return None
