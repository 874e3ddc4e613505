"""A run's results as pandas tables: by year, totals, per 1,000 people, and metadata."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.tally import METRICS
from model.timing import WEEKS_PER_YEAR


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
    """What one run produced: a table by year, the totals, metadata, maybe the event log, and
    each week's values (from the model's weekly record) for results by week or month."""

    by_year: pd.DataFrame
    meta: dict
    events: pd.DataFrame | None = None
    weekly: pd.DataFrame | None = None

    @property
    def totals(self) -> pd.Series:
        """The whole run: flows summed over the years, levels averaged, people_end at the end
        (each column's kind is in the data dictionary, model/outputs.py)."""
        from model.outputs import combine

        return combine(self.by_year).iloc[0]

    def by_period(self, resolution: str) -> pd.DataFrame:
        """One row per week, month or year of the run, with `period` (from 1), `year` and `weeks`.

        `year` is the by-year table itself (with period = year and 52 weeks); weeks and months
        are built from the weekly record, so their sums match the years' to rounding.
        """
        from model.collector import RESOLUTIONS, by_period

        if resolution == "year":
            table = self.by_year.copy()
            table.insert(0, "period", table["year"])
            table.insert(2, "weeks", WEEKS_PER_YEAR)
            return table
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution: must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
        if self.weekly is None:
            raise ValueError("this result has no weekly record (results read back from a by_year table); "
                             "run the model again for weeks or months")
        return by_period(self.weekly, resolution)

    def per_1000(self) -> pd.DataFrame:
        """Each year's counts and costs per 1,000 people alive on average that year."""
        people = self.by_year["person_days"] / 365.25 / 1000
        table = self.by_year.drop(columns=["year", "people_end"]).div(people, axis=0)
        table.insert(0, "year", self.by_year["year"])
        return table

    def headline(self, resolution: str = "year") -> dict:
        """`carepath run --json`'s shape: metadata, totals and by-year values of the metrics
        (and, for resolution week or month, `by_period` too)."""
        out = {
            **self.meta,
            "totals": {k: float(self.totals[k]) for k in METRICS},
            "by_year": {k: [float(v) for v in self.by_year[k]] for k in ["year", *METRICS]},
        }
        if resolution != "year":
            table = self.by_period(resolution)
            out["resolution"] = resolution
            out["by_period"] = {k: [float(v) for v in table[k]] for k in ["period", "year", "weeks", *METRICS]}
        return out


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
