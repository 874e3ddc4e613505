"""Print the figures docs/calibration.md reports: facts, integration and austerity effects.

Run: .venv/bin/python scripts/calibration_figures.py [--seeds 4] [--austerity-seeds 10]
(10,000 people, 5 years, default parameters; about a minute and a half on two cores.)
"""
from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from model.api import run
from model import validation
from model.validation import facts

PEOPLE, YEARS = 10_000, 5


def by_year(scenario: str, seeds) -> list:
    return [run(scenario, patients=PEOPLE, years=YEARS, seed=s).by_year for s in seeds]


def per_year(runs, column: str) -> np.ndarray:
    return np.array([r[column].to_numpy() for r in runs])


def relative_change(a, b, column: str) -> np.ndarray:
    """Mean over seeds of (B - A) / A, by year."""
    x, y = per_year(a, column), per_year(b, column)
    return (y - x).mean(axis=0) / x.mean(axis=0)


def nhs_care_cost(runs) -> np.ndarray:
    return np.array([validation.nhs_care_cost(r) for r in runs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--austerity-seeds", type=int, default=10)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    siloed, integrated = by_year("siloed", seeds), by_year("integrated", seeds)
    print(f"Facts, siloed, mean of seeds 1-{args.seeds}:")
    for name in facts(siloed[0]):
        print(f"  {name:45s} {np.mean([facts(r)[name] for r in siloed]):.4g}")
    print("Integrated vs siloed, relative change by year (mean over seeds):")
    for column in ("emergency_admissions", "duplicate_visits", "bed_days", "delayed_bed_days", "cost_council",
                   "cost_nhs", "sent_home_no_bed", "over_capacity_bed_days"):
        print(f"  {column:28s} " + "  ".join(f"{v:+.1%}" for v in relative_change(siloed, integrated, column)))
    more = range(1, args.austerity_seeds + 1)
    base, squeezed, pooled = by_year("siloed", more), by_year("austerity_siloed", more), by_year("austerity_pooled", more)
    shunt = nhs_care_cost(squeezed) - nhs_care_cost(base)
    late = lambda runs: per_year(runs, "delayed_bed_days_social_care")[:, 3:].sum(axis=1)  # noqa: E731
    print(f"Austerity, seeds 1-{args.austerity_seeds}:")
    print(f"  NHS care cost, austerity_siloed - siloed, per seed: {np.round(shunt, -2).tolist()}")
    print(f"  mean {shunt.mean():,.0f}, median {np.median(shunt):,.0f}, standard error "
          f"{shunt.std(ddof=1) / np.sqrt(len(shunt)):,.0f}, one-sided p {stats.ttest_1samp(shunt, 0, alternative='greater').pvalue:.2f}")
    print(f"  social-care delayed days in years 4-5, ratio per seed: {np.round(late(squeezed) / late(base), 2).tolist()}")
    print(f"  austerity_pooled - siloed NHS care cost, per seed: {np.round(nhs_care_cost(pooled) - nhs_care_cost(base), -2).tolist()}")


if __name__ == "__main__":
    main()
