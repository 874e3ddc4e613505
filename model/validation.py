"""The statistics the model must reproduce (docs/ODD.md, section 1), computed from a run.

Why here: tests (tests/test_validation_facts.py), the calibration notes and the report all
read the same definitions, so "about 5% of bed days delayed" means one thing everywhere.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25


def facts(by_year: pd.DataFrame) -> dict[str, float]:
    """Baseline facts from one run's by-year table (all years pooled)."""
    t = by_year.sum(numeric_only=True)
    admissions = by_year["emergency_admissions"].to_numpy()
    years = np.arange(len(admissions))
    growth = float(np.exp(np.polyfit(years, np.log(np.maximum(admissions, 1)), 1)[0]) - 1) if len(years) > 1 else np.nan
    return {
        "delayed_share_of_bed_days": t["delayed_bed_days"] / max(t["bed_days"], 1),
        "social_care_share_of_delays": t["delayed_bed_days_social_care"] / max(t["delayed_bed_days"], 1),
        "admissions_per_person_year_65_home": t["emergency_admissions_65_home"] / (t["person_days_65_home"] / DAYS_PER_YEAR),
        "admissions_per_person_year_care_home": t["emergency_admissions_care_home"] / max(t["person_days_care_home"] / DAYS_PER_YEAR, 1e-9),
        "bed_occupancy": t["bed_days"] / max(t["bed_capacity_days"], 1),
        "length_of_stay_overnight": t["clinical_bed_days"] / max(t["overnight_admissions"], 1),
        "readmission_28d_share": t["readmissions_28d"] / max(t["discharges"], 1),
        "consultations_per_person_year_multimorbid": t["consultations_multimorbid"] / (t["person_days_multimorbid"] / DAYS_PER_YEAR),
        "admission_growth_per_year": growth,
        "self_funded_share_of_care_home_days": t["care_home_days_self_funded"] / max(t["care_home_days"], 1),
        "care_home_admissions_per_person_year": t["care_home_admissions"] / (t["person_days"] / DAYS_PER_YEAR),
        "home_care_hours_per_person_year": t["home_care_hours"] / (t["person_days"] / DAYS_PER_YEAR),
        "unmet_need_share_of_days": t["unmet_need_days"] / t["person_days"],
        "deaths_per_person_year": t["deaths"] / (t["person_days"] / DAYS_PER_YEAR),
        "deaths_in_hospital_share": t["deaths_in_hospital"] / max(t["deaths"], 1),
        # Permanent admissions the council funds, per 100,000 people 65+ living at home (the
        # people at risk of one): the QualityWatch measure, against which self-funders do not count.
        "council_funded_care_home_admissions_per_100k_65_plus":
            t["council_funded_care_home_admissions"] / max(t["person_days_65_home"] / DAYS_PER_YEAR, 1e-9) * 1e5,
    }
