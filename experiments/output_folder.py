"""Results folders that carepath writes, and the rule that it never removes what it did not write.

A results folder (`carepath run --out DIR`, `carepath compare --out DIR`) is written whole
into a temporary sibling and moved into place, so a failure leaves no partial output. Each
carries a marker file naming what kind of output it holds. Where the path already exists:

- nothing there, or an empty folder: written;
- a file, or a folder holding anything else: refused, with a one-line message;
- a folder of carepath's own output of the same kind, and nothing else: refused unless
  `force` (the `--force` option), then replaced.

The check runs before any computation (`check_output_folder`) and again when writing.
The same rules, and the same helpers, check the other paths carepath writes before it
computes anything: a sweep's folder (`check_sweep_folder`: new, empty, or the same sweep
to resume) and a report or table file (`check_output_file`: a new file, or with `force`
one carepath wrote before). A path must also be writable (tried, not guessed from
permission bits, which root ignores) and may not be the current folder or one holding it.
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
    "comparison": {f"{stem}.{fmt}" for stem in ("runs", "summary") for fmt in FORMATS} | {"meta.json", "report.html"},
    "discovery": {"boxes.csv", "limits.csv", "trajectory.csv", "points.csv", "discovery.json",
                  "peeling_trajectory.png"},
}
# What a sweep folder holds before its manifest exists (a sweep killed while starting).
SWEEP_SCAFFOLD = {".lock", MARKER, "parts", "failures", "experiment.yaml", "design.parquet"}
REPORT_SIGNATURES = ('<meta name="generator" content="carepath">', "<title>carepath report:")


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


def _refuse_the_current_folder(path: Path, option: str) -> None:
    here = Path.cwd().resolve()
    target = path.resolve()
    if target == here or target in here.parents:
        raise ExperimentError(f"{option} {path}: is the current folder (or holds it); name a new folder inside it")


def check_writable(path: Path, option: str) -> None:
    """Try creating something where `path` will go (the nearest folder that exists), then remove it."""
    parent = path.parent if str(path.parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        raise ExperimentError(f"{option} {path}: {existing} is a file, not a folder")
    try:
        probe = tempfile.mkdtemp(prefix=".carepath-probe.", dir=existing)
        os.rmdir(probe)
    except OSError as exc:
        raise ExperimentError(f"{option} {path}: cannot write in {existing} ({exc.strerror or exc})") from None


def _refuse_a_file(folder: Path, option: str) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ExperimentError(f"{option} {folder}: exists and is not a folder; carepath will not replace it "
                              f"(choose a new folder name)")


def check_output_folder(path: str | Path, kind: str, force: bool = False, option: str = "--out") -> Path:
    """Refuse, in one line, a results path that writing `kind` there would destroy or cannot use."""
    folder = Path(path)
    _refuse_a_file(folder, option)
    _refuse_the_current_folder(folder, option)
    if folder.is_dir():
        entries = {entry.name for entry in folder.iterdir()}
        if entries:
            ours = _marker_kind(folder) == kind and entries <= KIND_FILES[kind] | {MARKER}
            if not ours:
                raise ExperimentError(f"{option} {folder}: folder is not empty and does not hold carepath {kind} "
                                      f"results only; carepath never removes files it did not write "
                                      f"(choose a new or empty folder)")
            if not force:
                raise ExperimentError(f"{option} {folder}: already holds carepath {kind} results; add --force to "
                                      f"replace them, or choose a new folder")
    check_writable(folder, option)
    return folder


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def sweep_folder_state(folder: Path) -> str:
    """'new' (absent or empty), 'sweep' (has a manifest), 'started' (a sweep killed before its
    manifest: only carepath's scaffolding) or 'foreign' (anything else)."""
    if not folder.exists() or _empty_folder(folder):
        return "new"
    if (folder / "manifest.json").is_file():
        return "sweep"
    entries = [entry for entry in folder.iterdir() if not entry.name.endswith(".tmp")]
    scaffold = all(entry.name in SWEEP_SCAFFOLD and (entry.name not in ("parts", "failures") or _empty_folder(entry))
                   for entry in entries)
    return "started" if scaffold else "foreign"


def check_sweep_folder(path: str | Path, option: str = "--out") -> Path:
    """A sweep's folder must be new, empty, or a sweep's (to resume); nothing else is written into."""
    folder = Path(path)
    _refuse_a_file(folder, option)
    _refuse_the_current_folder(folder, option)
    if sweep_folder_state(folder) == "foreign":
        raise ExperimentError(f"{option} {folder}: exists and is not a sweep folder; carepath never writes into "
                              f"a folder of other files (choose a new or empty folder)")
    check_writable(folder, option)
    return folder


def _is_carepath_report(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(signature in head for signature in REPORT_SIGNATURES)


def check_output_file(path: str | Path, suffixes: tuple[str, ...], force: bool = False,
                      option: str = "--out", what: str = "file") -> Path:
    """Refuse, in one line, a file path carepath cannot use or would replace without leave.

    A new file is fine; an existing one only with `force` and only if carepath wrote it
    (an HTML report carries carepath's signature; other files are never replaced).
    """
    target = Path(path)
    if target.is_dir():
        raise ExperimentError(f"{option} {target}: is a folder; give a file name ending in {suffixes[0]}")
    if target.suffix.lower() not in suffixes:
        raise ExperimentError(f"{option} {target}: the {what} is a {'/'.join(suffixes)} file; "
                              f"give a name ending in {suffixes[0]}")
    if target.exists() or target.is_symlink():
        ours = target.is_file() and not target.is_symlink() and suffixes[0] == ".html" and _is_carepath_report(target)
        if not ours:
            raise ExperimentError(f"{option} {target}: exists and carepath did not write it; carepath never replaces "
                                  f"files it did not write (choose a new name)")
        if not force:
            raise ExperimentError(f"{option} {target}: already holds a carepath report; add --force to replace it, "
                                  f"or choose a new name")
    check_writable(target, option)
    return target


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
