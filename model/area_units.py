"""An area in its own units: what a planner knows, converted to the model's parameters.

A planner knows the area's adult population and its 65+ share, the council's adult social
care budget in £m a year, the number of acute beds, what a team costs in £ a year, and the
year those prices are in. The model's parameters are for its own population (adults with
one or more long-term conditions) and per head or per 1,000 of it, in 2017/18 prices. The
`local:` section of a scenario file gives the first; this module turns it into the second.
docs/areas.md sets out each conversion, its sources and its limits.

Budget and beds are scaled from the model's England-average defaults, which were calibrated
for this population: an area with twice England's budget per person with a long-term
condition gets twice the default budget per person-year. England's figures are in
`ENGLAND` with their sources. Prices are moved between financial years with the NHS Cost
Inflation Index (pay and prices) in model/price_index.csv.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from model.parameters import registry
from model.wording import brief

PRICE_INDEX_FILE = Path(__file__).with_name("price_index.csv")

# The model's costs are mostly NHS Reference Costs 2016/17, UKHCA 2018, LaingBuisson 2018 and
# the CMA's 2017 study (model/parameters.csv): 2017/18 is the year they are closest to as a set.
MODEL_PRICE_YEAR = "2017/18"


@dataclass(frozen=True)
class EnglandFigure:
    value: float
    source: str


# England's figures the local ones are set against (all for 2017/18, the model's price year).
ENGLAND = {
    "adults": EnglandFigure(43_900_000, "ONS mid-2017 population estimates for England: about 43.9 million "
                                        "people aged 18 and over"),
    "council_adult_social_care_budget": EnglandFigure(
        17.9e9, "NHS Digital, Adult Social Care Activity and Finance Report, England 2017-18: gross current "
                "expenditure on adult social care by local authorities of 17.9 billion GBP"),
    "acute_beds": EnglandFigure(101_000, "NHS England KH03 bed availability and occupancy, 2017/18: about "
                                         "101,000 general and acute beds open overnight on average"),
}

# Levers whose running cost a team's yearly cost replaces, and the parameter it sets.
TEAM_COST_PARAMETERS = {
    "joint_assessment": "arrangement.joint_assessment.running_cost_per_head",
    "shared_record": "arrangement.shared_record.running_cost_per_head",
    "single_point_of_access": "arrangement.single_point_of_access.running_cost_per_head",
    "integrated_discharge": "arrangement.integrated_discharge.running_cost_per_head",
    "rapid_response": "arrangement.rapid_response.running_cost_per_head",
    "case_management": "arrangement.case_management.cost_per_patient_year",
}

# What each local field sets in the model, for messages and the report.
DERIVED = {
    "adult_population": "area.population.patients",
    "share_65_plus": "area.population.age_structure_65_plus",
    "council_adult_social_care_budget_m": "area.context.council_budget_per_person",
    "acute_beds": "area.capacity.beds_per_1000",
}


class AreaUnitsError(ValueError):
    """A `local:` value that cannot be converted; the message is one line naming the field."""


@cache
def price_index() -> dict[str, float]:
    """Index level by financial year ('2017/18'), the first year = 1, from the annual changes."""
    with PRICE_INDEX_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    levels, level = {}, 1.0
    for row in rows:
        change = row["pay_and_prices_change_percent"]
        level *= 1 + float(change) / 100 if change else 1.0
        levels[row["financial_year"]] = level
    return levels


def price_years() -> list[str]:
    return list(price_index())


def to_model_prices(amount: float, price_year: str) -> float:
    """£ in `price_year` prices as £ in the model's price year (2017/18)."""
    index = price_index()
    return amount * index[MODEL_PRICE_YEAR] / index[price_year]


def from_model_prices(amount: float, price_year: str) -> float:
    """£ in the model's price year as £ in `price_year` prices."""
    index = price_index()
    return amount * index[price_year] / index[MODEL_PRICE_YEAR]


def is_price(path: str) -> bool:
    """A parameter priced in pounds per something (costs and budgets), which a price year moves.

    Means-test limits and home values are in plain GBP: they are set in cash, not prices of care.
    """
    param = registry().get(path)
    return param is not None and param.unit.startswith("GBP per")


@cache
def local_area_schema():
    """The pydantic model of a `local:` section, built when a file first has one (pydantic is
    imported here, not at the top, so that importing the model does not pay for it)."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class LocalArea(BaseModel):
        """The `local:` section of a scenario file: the area in the planner's own units."""

        model_config = ConfigDict(extra="forbid", strict=False)

        price_year: str = MODEL_PRICE_YEAR
        adult_population: int | None = Field(None, ge=100, le=60_000_000)
        share_65_plus: float | None = Field(None, ge=0.10, le=0.40)
        council_adult_social_care_budget_m: float | None = Field(None, gt=0, le=20_000)
        acute_beds: int | None = Field(None, ge=1, le=200_000)
        team_costs: dict[str, float] | None = None

        @field_validator("price_year", mode="before")
        @classmethod
        def _known_year(cls, value):
            if not isinstance(value, str) or value not in price_index():
                raise ValueError("price year")
            return value

        @field_validator("team_costs")
        @classmethod
        def _known_teams(cls, value):
            for name, cost in (value or {}).items():
                if name not in TEAM_COST_PARAMETERS:
                    raise ValueError(f"team {name}")
                if not cost >= 0:
                    raise ValueError(f"cost {name}")
            return value

    return LocalArea


ALLOWED = {
    "price_year": lambda: f"a financial year from {price_years()[0]} to {price_years()[-1]}, written like 2024/25",
    "adult_population": lambda: "a whole number of adults (18+) from 100 to 60,000,000",
    "share_65_plus": lambda: "the share of adults aged 65 or over, a number from 0.1 to 0.4",
    "council_adult_social_care_budget_m": lambda: "£ million a year, a number above 0 and at most 20,000",
    "acute_beds": lambda: "a whole number of general and acute beds from 1 to 200,000",
    "team_costs": lambda: ("a section of £ a year, one per team, named from: " + ", ".join(TEAM_COST_PARAMETERS)
                           + " (each 0 or more)"),
}


def read_local(section, origin: str, shown: bool = True) -> tuple[dict, list[str]]:
    """Validate a `local:` section; return (its values, error lines), every error listed."""
    if not isinstance(section, dict):
        got = f", got {brief(section)}" if shown else ""
        return {}, [f"{origin}: local: must be a section of fields (see docs/areas.md){got}"]
    from pydantic import ValidationError

    schema = local_area_schema()
    try:
        local = schema.model_validate(section)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0])
            got = f", got {brief(section.get(field))}" if shown and field in section else ""
            if err["type"] == "extra_forbidden":
                allowed = ", ".join(schema.model_fields)
                lines.append(f"{origin}: local.{field}: unknown field (allowed: {allowed})")
            else:
                lines.append(f"{origin}: local.{field}: must be {ALLOWED[field]()}{got}")
        return {}, lines
    return local.model_dump(exclude_unset=True), []


def ltc_share(area) -> float:
    """The share of the area's adults with one or more long-term conditions, by the model's own
    prevalence curve: the share of the adults it draws that it keeps (model/population.py)."""
    from model.population import OLDEST_AGE, deprivation_offsets, prevalence_curve

    pop, prev = area.population, area.prevalence
    alpha, beta = prevalence_curve(prev.multimorbid_65_74, prev.multimorbid_85_plus,
                                   prev.deprivation_shift_years, pop.oldest_age_decay_years)
    offsets = deprivation_offsets(prev.deprivation_shift_years)

    def kept(ages: np.ndarray, weights: np.ndarray) -> float:
        lam = np.exp(alpha + beta * (ages[:, None] + offsets[None, :] - 70))
        return float(((1 - np.exp(-lam)).mean(axis=1) * weights).sum() / weights.sum())

    step = 0.05
    young = np.arange(pop.min_age, 65, step) + step / 2
    bands = [np.arange(65, 75, step) + step / 2, np.arange(75, 85, step) + step / 2]
    oldest = np.arange(85, OLDEST_AGE, step) + step / 2
    old_shares = [pop.share_65_74_of_65_plus, pop.share_75_84_of_65_plus]
    old_shares.append(1 - sum(old_shares))
    old = sum(share * kept(ages, np.ones(len(ages))) for share, ages in zip(old_shares, bands))
    old += old_shares[2] * kept(oldest, np.exp(-(oldest - 85) / pop.oldest_age_decay_years))
    share_old = pop.age_structure_65_plus
    return (1 - share_old) * kept(young, np.ones(len(young))) + share_old * old


def people_with_conditions(adults: float, area) -> int:
    return max(int(round(adults * ltc_share(area))), 1)


def england_people_with_conditions(defaults) -> float:
    return ENGLAND["adults"].value * ltc_share(defaults.area)


def derive(local: dict, params, defaults) -> dict[str, tuple[str, float]]:
    """Model parameters from a `local:` section: {path: (local field, value)}.

    `params` are the scenario's validated parameters (its age structure, prevalence and lever
    strengths are used); `defaults` the registry's scenario. Money in `local` is already in the
    model's prices. A local field that cannot be converted raises AreaUnitsError.
    """
    out: dict[str, tuple[str, float]] = {}
    area = params.area
    if "share_65_plus" in local:
        out[DERIVED["share_65_plus"]] = ("share_65_plus", float(local["share_65_plus"]))
        area = _with_share(params, float(local["share_65_plus"])).area
    if "adult_population" in local:
        patients = people_with_conditions(local["adult_population"], area)
        out[DERIVED["adult_population"]] = ("adult_population", patients)
    elif {"council_adult_social_care_budget_m", "acute_beds"} & set(local):
        field = "council_adult_social_care_budget_m" if "council_adult_social_care_budget_m" in local else "acute_beds"
        raise AreaUnitsError(f"local.{field}: needs local.adult_population too (the budget and beds are "
                             f"shared among the area's people)")
    else:
        patients = area.population.patients
    relative_size = patients / england_people_with_conditions(defaults)
    default_values = defaults.values()
    if "council_adult_social_care_budget_m" in local:
        england = ENGLAND["council_adult_social_care_budget"].value
        share = local["council_adult_social_care_budget_m"] * 1e6 / england
        per_person = default_values[DERIVED["council_adult_social_care_budget_m"]] * share / relative_size
        out[DERIVED["council_adult_social_care_budget_m"]] = ("council_adult_social_care_budget_m", per_person)
    if "acute_beds" in local:
        share = local["acute_beds"] / ENGLAND["acute_beds"].value
        per_1000 = default_values[DERIVED["acute_beds"]] * share / relative_size
        out[DERIVED["acute_beds"]] = ("acute_beds", per_1000)
    for team, cost in (local.get("team_costs") or {}).items():
        out[TEAM_COST_PARAMETERS[team]] = (f"team_costs.{team}", _team_cost(team, cost, patients, params))
    return out


def _with_share(params, share: float):
    tree = params.model_dump()
    tree["area"]["population"]["age_structure_65_plus"] = share
    return type(params).model_validate(tree)


def _team_cost(team: str, cost: float, patients: int, params) -> float:
    """A team's £ a year as the lever's cost per head at full strength reaching everyone
    (model/levers.py charges cost per head x strength x people), or, for case management,
    per person managed (cost per patient-year x coverage x people)."""
    lever = getattr(params.arrangement, team)
    reach = lever.coverage if team == "case_management" else lever.strength
    if reach <= 0:
        what = "coverage" if team == "case_management" else "strength"
        raise AreaUnitsError(f"local.team_costs.{team}: the lever is off (arrangement.{team}.{what} is 0), so "
                             f"a team cost has nothing to pay for; set its {what} above 0")
    return cost / (patients * reach)
