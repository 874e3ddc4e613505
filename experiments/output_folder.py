"""Results folders that carepath writes, and the rule that it never removes what it did not write.

A results folder (`carepath run --out DIR`, `carepath compare --out DIR`) is written whole
into a temporary sibling and moved into place, so a failure leaves no partial output. Each
carries a marker file naming what kind of output it holds. Where the path already exists:

- nothing there, or an empty folder: written;
- a file, or a folder holding anything else: refused, with a one-line message;
- a folder of carepath's own output of the same kind, and nothing else: refused unless
  `force` (the `--force` option), then replaced.

The check runs before any computation (`check_output_folder`) and again when writing.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from experiments.spec import ExperimentError

MARKER = ".carepath-output"

# The files each kind of results folder may hold; a folder with anything else is not ours to replace.
FORMATS = ("parquet", "csv")
KIND_FILES = {
    "run": {f"{stem}.{fmt}" for stem in ("by_year", "totals", "events") for fmt in FORMATS} | {"meta.json"},
    "comparison": {f"{stem}.{fmt}" for stem in ("runs", "summary") for fmt in FORMATS} | {"meta.json"},
    "discovery": {"boxes.csv", "limits.csv", "trajectory.csv", "points.csv", "discovery.json",
                  "peeling_trajectory.png"},
}


def write_frame(frame, folder: Path, stem: str, fmt: str = "parquet") -> Path:
    """Write a table as `stem.parquet` (typed, compact) or `stem.csv` (for spreadsheets and R)."""
    path = folder / f"{stem}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def _marker_kind(folder: Path) -> str | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8")).get("kind")
    except (OSError, ValueError, AttributeError):
        return None


def check_output_folder(path: str | Path, kind: str, force: bool = False) -> Path:
    """Refuse, in one line, a results path that writing `kind` there would destroy or cannot use."""
    folder = Path(path)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ExperimentError(f"--out {folder}: exists and is not a folder; carepath will not replace it "
                              f"(choose a new folder name)")
    if folder.is_dir():
        entries = {entry.name for entry in folder.iterdir()}
        if entries:
            ours = _marker_kind(folder) == kind and entries <= KIND_FILES[kind] | {MARKER}
            if not ours:
                raise ExperimentError(f"--out {folder}: folder is not empty and does not hold carepath {kind} "
                                      f"results only; carepath never removes files it did not write "
                                      f"(choose a new or empty folder)")
            if not force:
                raise ExperimentError(f"--out {folder}: already holds carepath {kind} results; add --force to "
                                      f"replace them, or choose a new folder")
    parent = folder.parent if str(folder.parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ExperimentError(f"--out {folder}: cannot write in {existing} (not a writable folder)")
    return folder


def _normal_permissions(folder: Path) -> None:
    """mkdtemp makes a private (0700) folder; give it what mkdir would under the user's umask."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)


def write_output_folder(path: str | Path, kind: str, write, force: bool = False) -> Path:
    """Write a `kind` results folder whole with `write(staging_folder)`, then move it into place.

    Why staged: a failure part-way leaves no partial output, and an existing folder of the
    same kind is replaced (with `force`) only once the new one is complete.
    """
    folder = check_output_folder(path, kind, force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        write(staging)
        (staging / MARKER).write_text(json.dumps({"kind": kind}) + "\n", encoding="utf-8")
        _normal_permissions(staging)
        check_output_folder(folder, kind, force)  # nothing appeared there while computing
        if folder.is_dir() and any(folder.iterdir()):
            backup = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
            os.replace(folder, backup / folder.name)
            os.replace(staging, folder)
            shutil.rmtree(backup, ignore_errors=True)  # the previous carepath output of this kind, nothing else
        else:
            if folder.is_dir():
                folder.rmdir()
            os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
