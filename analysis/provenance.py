"""Where a comparison's numbers came from: its scenarios, their parameters and sources,
the seeds, the replications and the code version.

Why: a result that cannot be traced to the exact parameters, seeds and code that made it
cannot be checked or challenged. The report prints all of it; the parameter table shows
only what differs between the arms, each with its source from model/parameters.csv.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from model.parameters import registry

_SCHEME = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://")


def plain_citation(text: str) -> str:
    """A source as plain text: a web address loses its scheme, so nothing reads as a link.

    Why: the report must open offline and refer to nothing outside itself; a citation still
    names its document ("example.org/report.pdf") without being a fetchable address.
    """
    return _SCHEME.sub("", str(text)).replace("//", "/")


@dataclass
class Arm:
    """One arm's scenario as recorded in the comparison's metadata (or rebuilt from its file)."""

    arm: str
    name: str
    origin: str = ""
    content_hash: str = ""
    description: str = ""
    sources: list[str] = field(default_factory=list)
    overrides: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    rebuilt: bool = False  # parameters were rebuilt from the scenario file, not read from the metadata
    stale: bool = False  # the scenario file no longer gives the recorded hash
    label: str = ""
    file: str = ""  # the scenario file's absolute path; "" for a built-in scenario
    value_sources: dict[str, str] = field(default_factory=dict)

    @property
    def command_name(self) -> str:
        """How `carepath compare` names this scenario so that it finds it from any folder."""
        if self.file:
            return self.file
        if self.origin and not self.origin.startswith(("scenarios/", "<")):
            return str(Path(self.origin).resolve())
        return self.name


def _per_arm(meta: dict, key: str, arm: str, default=None):
    """meta[key][arm], or meta['arms'][arm][key]: the two shapes a per-arm field may take."""
    value = meta.get(key)
    if isinstance(value, dict) and arm in value:
        return value[arm]
    arms = meta.get("arms")
    if isinstance(arms, dict) and isinstance(arms.get(arm), dict):
        return arms[arm].get(key, default)
    if isinstance(arms, list):
        for item in arms:
            if isinstance(item, dict) and item.get("arm") == arm:
                return item.get(key, default)
    return default


def arms(comparison) -> dict[str, Arm]:
    """Both arms' scenarios, with full parameter values by dotted path."""
    meta = comparison.meta or {}
    names = comparison.runs.groupby("arm")["scenario"].first().to_dict()
    out = {}
    for arm in ("A", "B"):
        name = _per_arm(meta, "scenarios", arm) or _per_arm(meta, "scenario", arm) or names.get(arm, arm)
        item = Arm(
            arm=arm, name=str(name),
            origin=str(_per_arm(meta, "origins", arm) or _per_arm(meta, "origin", arm) or ""),
            content_hash=str(_per_arm(meta, "hashes", arm) or _per_arm(meta, "hash", arm) or ""),
            description=str(_per_arm(meta, "descriptions", arm) or _per_arm(meta, "description", arm) or ""),
            sources=[str(s) for s in (_per_arm(meta, "sources", arm) or [])],
            overrides=dict(_per_arm(meta, "overrides", arm) or {}),
            parameters=dict(_per_arm(meta, "values", arm) or _per_arm(meta, "parameters", arm) or {}),
            label=str(_per_arm(meta, "labels", arm) or ""),
            file=str(_per_arm(meta, "files", arm) or ""),
            value_sources=dict(_per_arm(meta, "value_sources", arm) or {}),
        )
        _complete_from_file(item)
        out[arm] = item
    return out


def _complete_from_file(item: Arm) -> None:
    """Fill what the metadata lacks (description; sources and parameters, if missing) from the
    scenario file and overrides, and note whether that file still gives the recorded hash."""
    from model.scenario import ScenarioError, load_scenario

    if item.description and item.sources and item.parameters:
        return
    scenario = None
    for where in (item.origin, item.name):
        if not where or where.startswith("<"):
            continue
        try:
            scenario = load_scenario(where, item.overrides or None)
            break
        except (ScenarioError, OSError):
            continue
    if scenario is None:
        return
    item.description = item.description or scenario.description
    item.sources = item.sources or list(scenario.sources)
    if not item.parameters:
        item.parameters = scenario.values()
        item.rebuilt = True
    item.stale = bool(item.content_hash) and item.content_hash != scenario.content_hash()


def differing_parameters(comparison) -> pd.DataFrame:
    """Parameters whose value differs between the arms: path, A, B, unit, default, source."""
    both = arms(comparison)
    a, b = both["A"].parameters, both["B"].parameters
    known = registry()
    rows = []
    for path in sorted(set(a) | set(b), key=lambda p: list(known).index(p) if p in known else len(known)):
        if a.get(path) == b.get(path):
            continue
        param = known.get(path)
        rows.append({"Parameter": path, "A": _show(a.get(path)), "B": _show(b.get(path)),
                     "Unit": param.unit if param else "", "Default": _show(param.default) if param else "",
                     "Source of the default": plain_citation(param.source) if param else ""})
    return pd.DataFrame(rows, columns=["Parameter", "A", "B", "Unit", "Default", "Source of the default"])


def shared_overrides(comparison) -> dict[str, Any]:
    """Overrides applied to both arms alike (such as the population size)."""
    both = arms(comparison)
    a, b = both["A"].overrides, both["B"].overrides
    return {k: v for k, v in a.items() if k in b and b[k] == v}


def _show(value, digits: int | None = None) -> str:
    """A value for a table; with `digits`, floats to that many significant figures and whole
    numbers with thousands commas (for a planner's reading rather than for copying)."""
    if value is None:
        return "—"
    if digits is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.{digits}g}" if isinstance(value, float) else f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_settings(comparison) -> dict[str, Any]:
    """Seeds, replications, years, people and code version, from the metadata or the runs."""
    meta = comparison.meta or {}
    runs = comparison.runs
    seeds = meta.get("seeds")
    if seeds is None:
        seeds = sorted(int(s) for s in runs["seed"].unique())
    version = meta.get("code_version") or "unknown"
    return {
        "replications": int(meta.get("replications") or runs["replication"].nunique()),
        "seeds": seeds,
        "years": int(meta.get("years") or runs["year"].nunique()),
        "patients": meta.get("patients"),
        "code_version": ", ".join(version) if isinstance(version, list) else str(version),
        "created": meta.get("created"),
        "precision": meta.get("precision"),
    }


def precision_text(precision) -> str | None:
    """How the number of replications was chosen, when it was chosen for a target precision."""
    if not isinstance(precision, dict):
        return None
    achieved = precision.get("achieved") or {}
    shown = ", ".join(f"{k} {v:.1%}" for k, v in achieved.items() if isinstance(v, (int, float)))
    verdict = "reached" if precision.get("converged") else "NOT reached within the replication limit"
    target = precision.get("target")
    target_text = f"{target:.1%}" if isinstance(target, (int, float)) else str(target)
    return (f"replications added until the 95% half-width of each headline difference was within "
            f"{target_text} of arm A's mean: {verdict} (achieved: {shown or 'n/a'})")


def seeds_text(seeds) -> str:
    """'1 to 10' for a run of consecutive seeds, else the list."""
    if isinstance(seeds, dict):
        return "; ".join(f"{arm}: {seeds_text(v)}" for arm, v in seeds.items())
    values = [int(s) for s in seeds]
    if len(values) > 2 and values == list(range(values[0], values[0] + len(values))):
        return f"{values[0]} to {values[-1]} (the same seed for replication r in both arms)"
    return ", ".join(str(v) for v in values)


def area_described(comparison) -> pd.DataFrame:
    """Every parameter either arm sets away from its default, in plain words, with where it came from.

    Why: a planner must see their own area (population, budget, beds, costs) in the report,
    not only what differs between the options.
    """
    from analysis.labels import parameter_name

    both = arms(comparison)
    a, b = both["A"], both["B"]
    known = registry()
    rows = []
    for path, param in known.items():
        values = {arm: item.parameters.get(path, param.default) for arm, item in (("A", a), ("B", b))}
        if values["A"] == param.default and values["B"] == param.default:
            continue
        sources = [item.value_sources.get(path, "") for item in (a, b) if item.parameters.get(path) != param.default]
        where = "; ".join(dict.fromkeys(s for s in sources if s)) or "the scenario it extends"
        rows.append({"What": parameter_name(path), "A": _show(values["A"], 4), "B": _show(values["B"], 4),
                     "Default": _show(param.default, 4), "Unit": param.unit, "Set by": where, "Parameter": path})
    return pd.DataFrame(rows, columns=["What", "A", "B", "Default", "Unit", "Set by", "Parameter"])


def reproduce_command(comparison) -> str | None:
    """The `carepath compare` command that runs this comparison (or, for one option of several,
    that option against the base: common random numbers make its numbers the same) again, as
    it can be typed in any folder (scenario files by absolute path); None when the arms had
    different overrides, which only the Python API can make."""
    both = arms(comparison)
    a, b = both["A"], both["B"]
    if a.overrides != b.overrides:
        return None
    settings = run_settings(comparison)
    words = ["carepath", "compare", a.command_name, b.command_name,
             "--replications", str(settings["replications"]), "--years", str(settings["years"])]
    seeds = settings["seeds"]
    if isinstance(seeds, list) and seeds:
        words += ["--seed", str(int(seeds[0]))]
    meta = comparison.meta
    if meta.get("uncertainty"):
        words.append("--uncertainty")
    if meta.get("resolution", "year") != "year":
        words += ["--resolution", meta["resolution"]]
    for path, value in a.overrides.items():
        if a.value_sources.get(path) in ("--patients", "patients"):
            words += ["--patients", str(value)]
        else:
            words += ["--set", f"{path}={_yaml_value(value)}"]
    return " ".join(shlex.quote(w) for w in words)


def _yaml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value and not value[0].isdigit() and value.lower() not in ("true", "false", "null") \
            else f"'{value}'"
    return repr(value)
