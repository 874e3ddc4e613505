"""The data dictionary: every column a result table carries, with its unit, kind and meaning.

Why one registry: docs/outputs.md (scripts/make_output_docs.py), axis labels
(analysis.labels.unit) and every sum over periods (totals, months, years) read the kind and
unit from here, so a level such as the council's waiting list is averaged over a run, never
added up year by year, wherever the sum is taken.

Kinds: a FLOW happens during a period and is summed over periods; a LEVEL is a state
averaged over the weeks of a period (and averaged again over periods, weighted by their
weeks); an END is a state at the period's end (the last period's value stands for a run).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.costs import CATEGORIES, PAYER_NAMES
from model.tally import DETAIL_COUNTS, METRICS, WAITED_FOR

FLOW, LEVEL, END, ID = "flow", "level", "end of period", "identifier"


@dataclass(frozen=True)
class Column:
    name: str
    unit: str
    kind: str
    definition: str


def _c(name: str, unit: str, definition: str, kind: str = FLOW) -> Column:
    return Column(name, unit, kind, definition)


_COUNTS = [
    _c("duplicate_visits", "visits", "Assessment visits repeating one of the same purpose (functional or needs) "
       "for the same person within the duplicate window, by a different organisation; the waste integration "
       "removes."),
    _c("emergency_admissions", "admissions", "Emergency (non-elective) hospital admissions, including zero-day ones."),
    _c("ae_attendances", "attendances", "A&E attendances after a crisis (those admitted and those sent home)."),
    _c("readmissions_28d", "admissions", "Emergency admissions within 28 days of the person's last discharge."),
    _c("bed_days", "bed days", "Days spent in a hospital bed, clinical and delayed, counted in the week they fall."),
    _c("delayed_bed_days", "bed days", "Bed days after the person was medically fit to leave (delayed transfers "
       "of care)."),
    _c("gp_consultations", "consultations", "GP and practice-nurse consultations given (demand the practices "
       "could not meet is gp_demand_unmet)."),
    _c("community_contacts", "contacts", "Community health contacts: community assessments' visits, coordinators' "
       "contacts and rapid-response contacts."),
    _c("assessments", "visits", "Assessment visits at home (community health, council and joint), duplicates "
       "included."),
    _c("reablement_episodes", "episodes", "Reablement episodes started."),
    _c("home_care_hours", "hours", "Hours of home care delivered, including reablement's hours."),
    _c("care_home_admissions", "admissions", "Permanent care-home placements started (any payer)."),
    _c("deaths", "people", "Deaths."),
    _c("days_at_home", "person-days", "Days lived at home (not in hospital or a care home), counted at each "
       "week's end."),
    _c("unmet_need_days", "person-days", "Days lived with a care need that no service meets, counted at each "
       "week's end."),
    _c("duplicate_ot_visits", "visits", "Duplicate visits that repeat a functional (occupational therapy) "
       "assessment."),
    _c("duplicate_needs_assessments", "visits", "Duplicate visits that repeat a needs assessment."),
    _c("delayed_bed_days_nhs", "bed days", "Delayed bed days while waiting for NHS steps (ward assessment, "
       "hand-off, intermediate care)."),
    _c("delayed_bed_days_social_care", "bed days", "Delayed bed days while waiting for social care (assessment, "
       "reablement, home care, a care home)."),
    _c("gp_doctor_consultations", "consultations", "Consultations with a GP."),
    _c("practice_nurse_consultations", "consultations", "Consultations with a practice nurse."),
    _c("gp_demand_unmet", "consultations", "Consultations people would have had but practices had no "
       "appointments for."),
    _c("discharges", "people", "Discharges from hospital alive."),
    _c("rapid_response_contacts", "contacts", "Crises met by rapid response at home instead of A&E."),
    _c("person_days", "person-days", "Days lived by everyone alive, counted at each week's end (365.25 of them "
       "are a person-year, the denominator of per-1,000 rates)."),
    _c("care_home_days", "person-days", "Days lived in care homes, counted at each week's end."),
    _c("entrants", "people", "People joining the population (turning adult with a long-term condition, moving "
       "in)."),
    _c("need_episodes", "episodes", "New episodes of care need at home."),
    _c("referrals_lost", "referrals", "Referrals that never reached an assessor (signposted away and dropped "
       "out)."),
    _c("ineligible_assessments", "people", "Council assessments that found the person not eligible for funded "
       "care."),
    _c("self_funders_without_care", "people", "Self-funders told to arrange their own care who went without."),
    _c("assessments_health", "visits", "Assessment visits by community health."),
    _c("assessments_council", "visits", "Assessment visits by council social care."),
    _c("assessments_joint", "visits", "Joint (trusted) assessment visits by an integrated team."),
    _c("ward_assessments", "visits", "Functional assessments on the ward before a sequential discharge."),
    _c("people_with_coordinator", "people", "People with a named care coordinator (case management), averaged "
       "over the weeks.", LEVEL),
    _c("emergency_admissions_65_home", "admissions", "Emergency admissions of people aged 65+ living at home."),
    _c("person_days_65_home", "person-days", "Days lived at home by people aged 65+ (the denominator of their "
       "admission rate)."),
    _c("emergency_admissions_care_home", "admissions", "Emergency admissions of care-home residents."),
    _c("person_days_care_home", "person-days", "Days lived in care homes by anyone alive (the denominator of "
       "residents' admission rate)."),
    _c("admissions_zero_day", "admissions", "Emergency admissions with a clinical stay of zero days."),
    _c("clinical_bed_days", "bed days", "Clinical length of stay of the period's admissions, summed when they are "
       "admitted."),
    _c("overnight_admissions", "admissions", "Emergency admissions with a clinical stay of a day or more."),
    _c("consultations_multimorbid", "consultations", "Consultations wanted by people with two or more "
       "conditions."),
    _c("person_days_multimorbid", "person-days", "Days lived out of hospital by people with two or more "
       "conditions."),
    _c("discharges_with_new_need", "people", "Discharges planned with a new care need to meet."),
    _c("waiting_list_council", "people", "People waiting for a council assessment, averaged over the weeks (each "
       "week's count at its end).", LEVEL),
    _c("budget_squeeze_weeks", "weeks", "Weeks in which a council's budget was squeezed (overspending), averaged "
       "over councils."),
    _c("over_capacity_bed_days", "bed days", "Bed days beyond the hospitals' beds, counted at each week's end."),
    _c("bed_capacity_days", "bed days", "Beds available times days (the denominator of occupancy)."),
    _c("hospital_full_weeks", "weeks", "Weeks a hospital was full at the week's end, averaged over hospitals."),
    _c("sent_home_no_bed", "people", "People sent home from A&E for want of a bed."),
    _c("care_home_days_self_funded", "person-days", "Care-home days paid for by the residents themselves."),
    _c("deaths_in_hospital", "people", "Deaths in hospital."),
    _c("intermediate_care_episodes", "episodes", "NHS intermediate care episodes started."),
    _c("intermediate_care_days", "person-days", "Days in NHS intermediate care, counted at each week's end."),
    _c("care_home_decisions", "people", "Decisions for a care home (without reablement first)."),
    _c("council_funded_care_home_admissions", "admissions", "Care-home placements funded by the council."),
]
_SERVICE_WORDS = {
    "community_assessment": "a community health assessment", "council_assessment": "a council assessment",
    "reablement": "reablement", "home_care": "home care", "care_home": "a care-home place",
    "intermediate_care": "NHS intermediate care",
}
for _service in WAITED_FOR:
    _COUNTS += [
        _c(f"started_{_service}", "people", f"People who started {_SERVICE_WORDS[_service]} after its waiting list."),
        _c(f"wait_days_{_service}", "person-days", f"Days those starting {_SERVICE_WORDS[_service]} had waited "
           f"since ready (divide by started_{_service} for the mean wait)."),
    ]

CATEGORY_DEFINITIONS = {
    "gp": "GP and practice-nurse consultations",
    "ae": "A&E attendances",
    "inpatient": "emergency admissions (the tariff for the clinical stay)",
    "excess_bed_days": "delayed (excess) bed days",
    "community": "community health contacts and assessments",
    "intermediate_care": "NHS intermediate care",
    "assessments": "assessment visits",
    "reablement": "reablement",
    "home_care": "home care hours",
    "care_homes": "care-home fees",
    "coordination": "case management (named coordinators)",
    "back_office": "commissioning and back-office support per head",
    "integration_setup": "the integration levers' one-off set-up",
    "integration_running": "the integration levers' running costs",
    "pooled_budget_transfer": "money moved between NHS and council by a pooled budget (nets to zero)",
}
_PAYER_WORDS = {"nhs": "the NHS", "council": "the council", "self_funded": "self-funders"}

_COSTS = [
    _c("cost_total", "£", "All spending by every payer, undiscounted."),
    _c("cost_nhs", "£", "Spending by the NHS, undiscounted."),
    _c("cost_council", "£", "Spending by the council, undiscounted."),
    _c("cost_self_funded", "£", "Spending by self-funders (care they pay for themselves), undiscounted."),
    _c("cost_npv", "£ (discounted)", "cost_total discounted at area.costs.discount_rate (HM Treasury Green Book "
       "3.5%): year 1 is not discounted, year n by (1 + rate)^(n - 1); weeks and months take their year's "
       "factor."),
]
for _category in CATEGORIES:
    _COSTS.append(_c(f"cost_{_category}", "£", f"Spending on {CATEGORY_DEFINITIONS[_category]}, all payers."))
    for _payer in PAYER_NAMES.values():
        _COSTS.append(_c(f"cost_{_category}__{_payer}", "£",
                         f"Spending on {CATEGORY_DEFINITIONS[_category]} by {_PAYER_WORDS[_payer]}."))

IDENTIFIERS = [
    _c("year", "year", "Simulated year, from 1.", ID),
    _c("period", "period", "With --resolution week or month: the week or month of the run, from 1 "
       "(months are 4 or 5 whole weeks; see docs/outputs.md).", ID),
    _c("weeks", "weeks", "With --resolution week or month: how many weeks the period holds.", ID),
]

_PEOPLE_END = _c("people_end", "people", "People alive at the end of the period (a run's tables fill it in for "
                 "the last year only).", END)

COLUMNS: dict[str, Column] = {c.name: c for c in (*IDENTIFIERS, *_COUNTS, *_COSTS, _PEOPLE_END)}
LEVELS = tuple(name for name, c in COLUMNS.items() if c.kind == LEVEL)
ENDS = tuple(name for name, c in COLUMNS.items() if c.kind == END)

assert set(METRICS) | set(DETAIL_COUNTS) <= set(COLUMNS), "a tallied output has no entry in the data dictionary"


def describe(name: str) -> Column | None:
    """A column's entry; None for columns outside the dictionary (e.g. a sweep's varied parameters)."""
    return COLUMNS.get(name)


def averaged(name: str) -> bool:
    """True for a level: over several periods it is averaged, not summed."""
    entry = COLUMNS.get(name)
    return entry is not None and entry.kind == LEVEL


def combine(table: pd.DataFrame, keys: list[str] | None = None, weeks: str | None = None) -> pd.DataFrame:
    """Periods' rows combined into one row (per group of `keys`): flows summed, levels averaged
    (weighted by the `weeks` column when given, else equally), end-of-period values the last one.

    Columns outside the dictionary are summed (a table's other counts are flows) unless they
    are keys; identifiers and text columns are dropped.
    """
    keys = list(keys or [])
    kinds = {}
    for name in table.columns:
        entry = COLUMNS.get(name)
        if name in keys or name == weeks or (entry is not None and entry.kind == ID):
            continue
        if entry is not None and entry.kind in (LEVEL, END):
            kinds[name] = entry.kind
        elif pd.api.types.is_numeric_dtype(table[name]):
            kinds[name] = FLOW
    flows = [n for n, k in kinds.items() if k == FLOW]
    levels = [n for n, k in kinds.items() if k == LEVEL]
    ends = [n for n, k in kinds.items() if k == END]
    weight = table[weeks].astype(float) if weeks else pd.Series(1.0, index=table.index)
    weighted = table[levels].mul(weight, axis=0).assign(_weight=weight)
    if keys:
        groups = [table[k] for k in keys]
        summed = weighted.groupby(groups, sort=True).sum()
        parts = [table[flows].groupby(groups, sort=True).sum(min_count=1),
                 summed[levels].div(summed["_weight"], axis=0),
                 table[ends].groupby(groups, sort=True).last()]
        return pd.concat(parts, axis=1)[list(kinds)].reset_index()
    row = {**table[flows].sum(min_count=1).to_dict(),
           **(weighted[levels].sum() / weight.sum()).to_dict(),
           **{n: (table[n].dropna().iloc[-1] if table[n].notna().any() else np.nan) for n in ends}}
    return pd.DataFrame([{n: row[n] for n in kinds}])


def whole_runs(rows: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Each group's whole run (`combine`: flows summed, levels averaged), indexed by `keys`."""
    weeks = "weeks" if "weeks" in rows.columns else None
    table = combine(rows[[*keys, *columns, *([weeks] if weeks else [])]], keys, weeks)
    return table.set_index(keys)[columns]
