"""The parameter registry: every default with its range, unit and source, in one CSV.

Why one file: the scenario schema, the validation messages and the parameter reference
(docs/parameters.md) are all generated from `parameters.csv`, so a default can never lose
its source and the documentation cannot drift from the code.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REGISTRY_FILE = Path(__file__).with_name("parameters.csv")

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


@dataclass(frozen=True)
class Parameter:
    """One scenario parameter: its dotted path, type, default, allowed range and source."""

    path: str
    type: type
    default: object
    low: float | None
    high: float | None
    unit: str
    source: str
    choices: tuple[str, ...] = ()
    uncertainty: tuple[float, float] | None = None  # the plausible range sweeps vary, for uncertainties

    @property
    def is_uncertain(self) -> bool:
        """An uncertainty: a value we do not know well, with a documented range to sweep."""
        return self.uncertainty is not None

    @property
    def allowed(self) -> str:
        """The allowed values in words, for error messages and the reference."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type is str:
            return "text"
        kind = "a whole number" if self.type is int else "a number"
        if self.low is not None and self.high is not None:
            return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)}"
        return kind


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _parse(row: dict[str, str]) -> Parameter:
    kind = _TYPES[row["type"]]
    raw = row["default"]
    if kind is str:
        choices = tuple(row["low"].split("|")) if row["low"] else ()
        return Parameter(row["path"], kind, raw, None, None, row["unit"], row["source"], choices)
    default = kind(float(raw)) if kind is int else kind(raw)
    low = float(row["low"]) if row["low"] else None
    high = float(row["high"]) if row["high"] else None
    uncertainty = tuple(float(x) for x in row["uncertainty"].split("..")) if row["uncertainty"] else None
    return Parameter(row["path"], kind, default, low, high, row["unit"], row["source"], (), uncertainty)


def uncertainties() -> dict[str, Parameter]:
    """The parameters marked as uncertainties, each with the plausible range sweeps vary."""
    return {path: p for path, p in registry().items() if p.is_uncertain}


@cache
def registry() -> dict[str, Parameter]:
    """All parameters by dotted path, in file order."""
    with REGISTRY_FILE.open(newline="", encoding="utf-8") as handle:
        return {row["path"]: _parse(row) for row in csv.DictReader(handle)}


def defaults_tree() -> dict:
    """The defaults as a nested dict (the shape of a scenario file)."""
    tree: dict = {}
    for param in registry().values():
        node = tree
        *parents, leaf = param.path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = param.default
    return tree
