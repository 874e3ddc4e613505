"""Counts of what happened, by simulated year, and the output metric names.

Why: every output is a sum over individual events as they happen; keeping the sums per
year here (instead of rows per event) makes the counts cheap whether or not the event
log is on.
"""
from __future__ import annotations

import numpy as np

# The headline outputs, in the order the CLI and reports show them (the JSON keys of `carepath run`).
METRICS = (
    "duplicate_visits", "emergency_admissions", "ae_attendances", "readmissions_28d",
    "bed_days", "delayed_bed_days", "gp_consultations", "community_contacts", "assessments",
    "reablement_episodes", "home_care_hours", "care_home_admissions", "deaths",
    "days_at_home", "unmet_need_days", "cost_total", "cost_nhs", "cost_council",
    "cost_self_funded", "cost_npv",
)

# Services with waiting lists: for each, how many started and the days they waited (queues.tally_waits).
WAITED_FOR = ("community_assessment", "council_assessment", "reablement", "home_care", "care_home",
              "intermediate_care")

# Further counts kept for breakdowns and validation.
DETAIL_COUNTS = (
    "duplicate_ot_visits", "duplicate_needs_assessments", "delayed_bed_days_nhs",
    "delayed_bed_days_social_care", "gp_doctor_consultations", "practice_nurse_consultations",
    "gp_demand_unmet", "discharges", "rapid_response_contacts", "person_days", "care_home_days",
    "entrants", "need_episodes", "referrals_lost", "ineligible_assessments", "self_funders_without_care",
    "assessments_health", "assessments_council", "assessments_joint", "ward_assessments",
    "people_with_coordinator", "emergency_admissions_65_home", "person_days_65_home",
    "emergency_admissions_care_home", "person_days_care_home", "admissions_zero_day",
    "clinical_bed_days", "overnight_admissions", "consultations_multimorbid", "person_days_multimorbid",
    "discharges_with_new_need", "waiting_list_council", "budget_squeeze_weeks",
    "over_capacity_bed_days", "bed_capacity_days", "hospital_full_weeks", "sent_home_no_bed",
    "care_home_days_self_funded", "deaths_in_hospital", "intermediate_care_episodes", "intermediate_care_days",
    "care_home_decisions", "council_funded_care_home_admissions", *(f"{what}_{service}" for service in WAITED_FOR for what in ("started", "wait_days")),
)


class Tally:
    """Per-year counters: `tally.add("deaths", 3)` counts into the current year."""

    def __init__(self, years: int):
        self.years = years
        self.year_index = 0
        self.counts: dict[str, np.ndarray] = {
            name: np.zeros(years) for name in (*METRICS, *DETAIL_COUNTS) if not name.startswith("cost_")
        }

    def add(self, name: str, amount: float) -> None:
        self.counts[name][self.year_index] += amount

    def totals_so_far(self) -> dict[str, float]:
        return {name: float(values.sum()) for name, values in self.counts.items()}
