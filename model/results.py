"""A run's results as pandas tables: by year, totals, per 1,000 people, and metadata."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.tally import METRICS


def code_version() -> str:
    """The package version plus the git commit (and '+dirty') when run from a checkout."""
    import subprocess
    from importlib import metadata
    from pathlib import Path

    try:
        version = metadata.version("carepath")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return f"{version}+g{commit}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return version


@dataclass
class RunResult:
    """What one run produced: a table by year, the totals, metadata and maybe the event log."""

    by_year: pd.DataFrame
    meta: dict
    events: pd.DataFrame | None = None

    @property
    def totals(self) -> pd.Series:
        totals = self.by_year.drop(columns=["year"]).sum()
        totals["people_end"] = self.by_year["people_end"].iloc[-1]
        return totals

    def per_1000(self) -> pd.DataFrame:
        """Each year's counts and costs per 1,000 people alive on average that year."""
        people = self.by_year["person_days"] / 365.25 / 1000
        table = self.by_year.drop(columns=["year", "people_end"]).div(people, axis=0)
        table.insert(0, "year", self.by_year["year"])
        return table

    def headline(self) -> dict:
        """`carepath run --json`'s shape: metadata, totals and by-year values of the metrics."""
        return {
            **self.meta,
            "totals": {k: float(self.totals[k]) for k in METRICS},
            "by_year": {k: [float(v) for v in self.by_year[k]] for k in ["year", *METRICS]},
        }


def collect(model, years: int) -> pd.DataFrame:
    """Build the by-year table from a model's tallies and ledger."""
    rows = {"year": np.arange(1, years + 1)}
    for name, values in model.tally.counts.items():
        rows[name] = values[:years]
    for name, values in model.ledger.by_year().items():
        rows[name] = values[:years]
    table = pd.DataFrame(rows)
    table["people_end"] = np.nan
    table.loc[table.index[-1], "people_end"] = int(model.pop.view("alive").sum())
    ordered = ["year", *METRICS]
    return table[ordered + [c for c in table.columns if c not in ordered]]
