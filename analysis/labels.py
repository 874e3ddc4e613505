"""Plain names, units and number formats for the model's outputs.

Why one place: the plots, the summary sentences and the report's tables must call a metric
by the same words and print its numbers the same way, so a planner can match a sentence
to a table row and a test can find the JSON's numbers in the report.
"""
from __future__ import annotations

import math

from model.costs import CATEGORIES
from model.outputs import describe
from model.scenario import years_text

# The metrics the plain-language summary and the headline table lead with, in that order.
HEADLINE = (
    "emergency_admissions", "delayed_bed_days", "duplicate_visits", "bed_days",
    "cost_nhs", "cost_council", "cost_total", "cost_npv",
)

PAYERS = ("nhs", "council", "self_funded")
PAYER_NAMES = {"nhs": "NHS", "council": "council", "self_funded": "self-funders"}

_NAMES = {
    "duplicate_visits": "duplicate visits",
    "emergency_admissions": "emergency admissions",
    "ae_attendances": "A&E attendances",
    "readmissions_28d": "28-day readmissions",
    "bed_days": "hospital bed days",
    "delayed_bed_days": "delayed bed days",
    "gp_consultations": "GP and practice-nurse consultations",
    "community_contacts": "community health contacts",
    "assessments": "assessment visits",
    "reablement_episodes": "reablement episodes",
    "home_care_hours": "home care hours",
    "care_home_admissions": "care home admissions",
    "deaths": "deaths",
    "days_at_home": "days at home",
    "unmet_need_days": "days of unmet need",
    "cost_total": "total cost",
    "cost_nhs": "cost to the NHS",
    "cost_council": "cost to the council",
    "cost_self_funded": "cost to self-funders",
    "cost_npv": "net present value of cost (3.5% a year)",
    "duplicate_ot_visits": "duplicate OT (functional) visits",
    "duplicate_needs_assessments": "duplicate needs assessments",
    "delayed_bed_days_nhs": "delayed bed days waiting for NHS services",
    "delayed_bed_days_social_care": "delayed bed days waiting for social care",
    "sent_home_no_bed": "people sent home from A&E for want of a bed",
}

# Shorter names for plot titles and axes, where the full name would not fit.
_SHORT_NAMES = {
    "gp_consultations": "GP and nurse consultations",
    "cost_npv": "discounted cost (NPV, 3.5% a year)",
    "delayed_bed_days_nhs": "delayed bed days (NHS cause)",
    "delayed_bed_days_social_care": "delayed bed days (social care cause)",
}

_CATEGORY_NAMES = {
    "gp": "GP", "ae": "A&E", "inpatient": "inpatient", "excess_bed_days": "excess bed days",
    "community": "community health", "assessments": "assessments", "reablement": "reablement",
    "home_care": "home care", "care_homes": "care homes", "coordination": "coordination",
    "back_office": "back office", "integration_setup": "integration set-up",
    "integration_running": "integration running", "intermediate_care": "NHS intermediate care", "pooled_budget_transfer": "pooled budget transfer",
}

def category_name(category: str) -> str:
    return _CATEGORY_NAMES.get(category, category.replace("_", " "))


def is_money(metric: str) -> bool:
    return metric.startswith("cost_")


def title_case(text: str) -> str:
    """First letter up, the rest as written ('cost to the NHS' -> 'Cost to the NHS')."""
    return text[:1].upper() + text[1:]


def metric_name(metric: str, short: bool = False) -> str:
    """The words for a metric, e.g. 'emergency admissions' or 'cost to the NHS'."""
    if short and metric in _SHORT_NAMES:
        return _SHORT_NAMES[metric]
    if metric in _NAMES:
        return _NAMES[metric]
    if is_money(metric):
        category, _, payer = metric.removeprefix("cost_").partition("__")
        words = f"cost of {category_name(category)}"
        return f"{words} to {PAYER_NAMES.get(payer, payer)}" if payer else words
    return metric.replace("_", " ")


def unit(metric: str) -> str:
    """The unit of a metric's value, for axis labels: '£', 'bed days', 'person-days', from the
    data dictionary (model/outputs.py); 'count' for a column it does not know."""
    if is_money(metric):
        return "£"
    entry = describe(metric)
    return entry.unit if entry is not None else "count"


def axis_label(metric: str, per: str = "") -> str:
    """An axis label naming the metric and its unit, e.g. 'Cost to the NHS (£ per year)'."""
    text = title_case(metric_name(metric, short=True))
    if metric == "cost_npv":
        text = "Discounted cost"
    bits = [u for u in (unit(metric), per) if u]
    return f"{text} ({' '.join(bits)})" if bits else text


def decimals(values) -> int:
    """Decimal places that show a value without false precision: none from 100 up."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    largest = max(finite, default=0.0)
    if largest >= 100:
        return 0
    return 1 if largest >= 10 else 2


def fmt(value: float, metric: str, places: int | None = None) -> str:
    """A number as the report prints it: '£1,234,567', '−12.5', '3,402' (a true minus sign)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    places = (0 if is_money(metric) else decimals([value])) if places is None else places
    text = f"{abs(value):,.{places}f}"
    if float(text.replace(",", "")) == 0:
        sign = ""
    else:
        sign = "−" if value < 0 else ""
    return f"{sign}£{text}" if is_money(metric) else f"{sign}{text}"


def fmt_signed(value: float, metric: str, places: int | None = None) -> str:
    """Like fmt, with a plus sign on increases: '+£12,000', '−3.4'."""
    text = fmt(value, metric, places)
    return f"+{text}" if value > 0 and text.lstrip("£") not in {"0", "0.0", "0.00"} else text


__all__ = ["CATEGORIES", "HEADLINE", "years_text", "PAYERS", "PAYER_NAMES", "axis_label", "category_name", "fmt",
           "fmt_signed", "is_money", "metric_name", "parameter_name", "title_case", "unit"]


# Plain names for the parameters a planner most often sets; the rest are named from their path.
_PARAMETER_NAMES = {
    "area.population.patients": "people with long-term conditions at the start",
    "area.population.age_structure_65_plus": "share of adults aged 65 or over",
    "area.context.council_budget_per_person": "council's adult social care budget per person a year",
    "area.capacity.beds_per_1000": "acute beds per 1,000 people (for their emergency stays)",
    "area.organisations.councils": "councils",
    "area.organisations.hospitals": "acute hospitals",
    "area.context.austerity_cut": "council budget cut over the spending review",
    "area.context.partnership_quality": "partnership quality (share of each lever's strength achieved)",
    "arrangement.name": "arrangement's name",
    "arrangement.integration_costs_paid_by": "who pays for the levers",
    "arrangement.condition_focus": "people the levers reach",
    "arrangement.pooled_budget.share": "pooled budget: share of the council's social care budget",
    "arrangement.pooled_budget.nhs_contribution": "pooled budget: NHS money added per pound pooled",
    "arrangement.case_management.coverage": "case management: share of people at highest risk",
}

_SECTION_NAMES = {
    "population": "population", "prevalence": "conditions and frailty", "mortality": "deaths",
    "primary_care": "GP practices", "crisis": "crises", "hospital": "hospital", "social_care": "social care",
    "capacity": "capacity", "costs": "unit cost", "assessment": "assessment", "organisations": "organisations",
    "context": "context", "care_decision": "care decisions", "intermediate_care": "intermediate care",
    "joint_assessment": "joint (trusted) assessment", "shared_record": "shared care record",
    "single_point_of_access": "single point of access", "case_management": "case management",
    "integrated_discharge": "discharge to assess", "rapid_response": "rapid response at home",
    "pooled_budget": "pooled budget", "shared_commissioning": "shared commissioning support",
}


def parameter_name(path: str) -> str:
    """A parameter's plain name, e.g. 'discharge to assess: strength' for
    arrangement.integrated_discharge.strength, or 'unit cost: nursing week'."""
    if path in _PARAMETER_NAMES:
        return _PARAMETER_NAMES[path]
    parts = path.split(".")
    leaf = parts[-1].replace("_per_1000", " per 1,000").replace("_", " ")
    if len(parts) < 3:
        return leaf
    section = _SECTION_NAMES.get(parts[-2], parts[-2].replace("_", " "))
    return f"{section}: {leaf}"
