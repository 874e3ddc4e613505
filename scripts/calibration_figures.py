"""Print the figures docs/calibration.md reports, from paired runs on common random numbers.

- the facts the model must reproduce, siloed defaults, against their published values;
- integrated against siloed, by year and in total, with paired 95% intervals;
- lever by lever: each of the integrated scenario's levers alone against siloed;
- friction by friction: integration's effect with each siloed friction switched off in
  both arms, and the share of the effect that friction carries;
- Torbay-style care trust against siloed over ten years; austerity with and without pooling;
- siloed bed occupancy over ten years.

Run: .venv/bin/python scripts/calibration_figures.py [--seeds 4] [--workers 2] [--only SECTION]
(10,000 people, 5 years unless said; about ten minutes on two cores.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiments.compare import compare  # noqa: E402 - needs the repository on the path
from model.api import run  # noqa: E402
from model.scenario import flatten, load_scenario  # noqa: E402
from model.validation import facts  # noqa: E402

PEOPLE, YEARS = 10_000, 5
PUBLISHED = {  # fact: (published value, source)
    "delayed_share_of_bed_days": ("about 0.05 (0.035-0.13)", "King's Fund 2018; Health Foundation 2023"),
    "social_care_share_of_delays": ("0.30-0.38", "NHS England DTOC 2016-18"),
    "admissions_per_person_year_65_home": ("0.20 (0.15-0.30)", "Devon cohort, 67+"),
    "admissions_per_person_year_care_home": ("0.87-1.04", "new residents 65+, 2015-17"),
    "length_of_stay_overnight": ("about 10 (6-13)", "Steventon 2018; Imison 2012"),
    "readmission_28d_share": ("0.15 (0.12-0.18)", "King's Fund 2015"),
    "consultations_per_person_year_multimorbid": ("9.3 (7-12)", "Salisbury 2011"),
    "admission_growth_per_year": ("0.032 (0.02-0.04)", "Steventon 2018"),
    "self_funded_share_of_care_home_days": ("0.37 (0.25-0.50)", "ONS 2019/20"),
    "deaths_in_hospital_share": ("0.44-0.47", "OHID end of life profiles 2017-19"),
    "council_funded_care_home_admissions_per_100k_65_plus": ("584-659", "QualityWatch 2014/15-2019/20"),
    "bed_occupancy": ("0.90-0.92", "NHS England KH03 2016-19"),
}
HEADLINE = ("emergency_admissions", "bed_days", "delayed_bed_days", "care_home_admissions", "home_care_hours",
            "reablement_episodes", "duplicate_visits", "unmet_need_days", "deaths", "cost_nhs", "cost_council",
            "cost_self_funded", "cost_total")
LEVERS = ("joint_assessment", "shared_record", "single_point_of_access", "case_management", "integrated_discharge",
          "rapid_response", "pooled_budget", "shared_commissioning")
# Each siloed friction and the value that switches it off.
FRICTIONS = {
    "area.social_care.signpost_dropout": 0.0,
    "area.social_care.referral_delay_days": 0.0,
    "area.assessment.repeat_probability_siloed": 0.2,  # the lowest allowed
    "area.care_decision.ward_care_home_odds_ratio": 1.0,
    "area.hospital.ward_assessment_days": 0.0,
}


def paired(a, b, workers, seeds, years=YEARS, overrides=None):
    return compare(a, b, replications=seeds, years=years, patients=PEOPLE, workers=workers,
                   overrides=overrides or {}, progress=False)


def total_row(comparison, metric):
    s = comparison.summary
    return s[(s.metric == metric) & (s.period == "total")].iloc[0]


def show_comparison(title, comparison, metrics=HEADLINE) -> None:
    print(f"\n## {title}")
    s = comparison.summary
    print(f"{'metric':28s} {'A (mean)':>14s} {'B - A':>12s} {'95% interval':>26s}  relative by year")
    for metric in metrics:
        row = total_row(comparison, metric)
        years = s[(s.metric == metric) & (s.period != "total")]
        relative = " ".join(f"{(r['diff'] / r['mean_a'] if r['mean_a'] else 0):+.1%}" for _, r in years.iterrows())
        print(f"{metric:28s} {row['mean_a']:>14,.0f} {row['diff']:>+12,.0f} "
              f"[{row['ci_low']:>+11,.0f}, {row['ci_high']:>+11,.0f}]  {relative}")


def lever_overrides(name: str) -> dict:
    """The integrated scenario's settings for one lever, applied to the siloed baseline."""
    values = flatten(load_scenario("integrated").params.model_dump())
    return {path: value for path, value in values.items() if path.startswith(f"arrangement.{name}.")}


def section_facts(seeds: int) -> None:
    runs = [run("siloed", patients=PEOPLE, years=YEARS, seed=s).by_year for s in range(1, seeds + 1)]
    print(f"\n## Facts, siloed defaults ({PEOPLE:,} people, {YEARS} years, seeds 1-{seeds})")
    for name in facts(runs[0]):
        values = [facts(r)[name] for r in runs]
        published, source = PUBLISHED.get(name, ("", ""))
        print(f"{name:52s} {np.mean(values):10.4g} (seeds {min(values):.3g}-{max(values):.3g})  {published}  {source}")


def section_levers(seeds: int, workers: int) -> None:
    print("\n## Lever by lever: each integrated lever alone against siloed (5-year totals, paired)")
    print(f"{'lever':24s} " + " ".join(f"{m[:14]:>15s}" for m in HEADLINE[:5] + ("cost_nhs", "cost_council")))
    for lever in LEVERS:
        comparison = compare("siloed", load_scenario("siloed", lever_overrides(lever)), replications=seeds,
                             years=YEARS, patients=PEOPLE, workers=workers, progress=False)
        cells = []
        for metric in HEADLINE[:5] + ("cost_nhs", "cost_council"):
            row = total_row(comparison, metric)
            significant = "*" if row["ci_low"] > 0 or row["ci_high"] < 0 else " "
            cells.append(f"{row['diff'] / row['mean_a']:+14.1%}{significant}")
        print(f"{lever:24s} " + " ".join(cells))
    print("(* the paired 95% interval excludes no change)")


def section_frictions(seeds: int, workers: int) -> None:
    print("\n## Friction by friction: integration's effect with each siloed friction off in both arms")
    metrics = ("care_home_admissions", "delayed_bed_days", "duplicate_visits", "unmet_need_days", "cost_council")
    base = paired("siloed", "integrated", workers, seeds)
    effects = {m: total_row(base, m)["diff"] for m in metrics}
    print(f"{'friction switched off':48s} " + " ".join(f"{m[:16]:>17s}" for m in metrics))
    print(f"{'(none: defaults)':48s} " + " ".join(f"{effects[m]:>+17,.0f}" for m in metrics))
    for path, off in FRICTIONS.items():
        comparison = paired("siloed", "integrated", workers, seeds, overrides={path: off})
        cells = []
        for m in metrics:
            diff = total_row(comparison, m)["diff"]
            carried = 1 - diff / effects[m] if effects[m] else float("nan")
            cells.append(f"{diff:>+10,.0f} ({carried:+.0%})")
        print(f"{path + '=' + str(off):48s} " + " ".join(f"{c:>17s}" for c in cells))
    print("(in brackets: the share of the default effect that the friction carries)")


def section_long_runs(seeds: int, workers: int) -> None:
    show_comparison("Torbay-style care trust against siloed, 10 years",
                    paired("siloed", "torbay_care_trust", workers, seeds, years=10))
    show_comparison("Austerity: siloed against austerity_siloed", paired("siloed", "austerity_siloed", workers, seeds))
    show_comparison("Austerity: austerity_siloed against austerity_pooled",
                    paired("austerity_siloed", "austerity_pooled", workers, seeds),
                    metrics=HEADLINE + ("cost_pooled_budget_transfer__nhs",))
    print("\n## Siloed bed occupancy by year over ten years (seed 1)")
    by_year = run("siloed", patients=PEOPLE, years=10, seed=1).by_year
    print(" ".join(f"{v:.2f}" for v in by_year["bed_days"] / by_year["bed_capacity_days"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=("facts", "integration", "levers", "frictions", "long"))
    args = parser.parse_args()
    sections = {
        "facts": lambda: section_facts(args.seeds),
        "integration": lambda: show_comparison("Integrated against siloed", paired("siloed", "integrated",
                                                                                 args.workers, args.seeds)),
        "levers": lambda: section_levers(args.seeds, args.workers),
        "frictions": lambda: section_frictions(args.seeds, args.workers),
        "long": lambda: section_long_runs(args.seeds, args.workers),
    }
    for name, section in sections.items():
        if args.only in (None, name):
            section()


if __name__ == "__main__":
    main()
