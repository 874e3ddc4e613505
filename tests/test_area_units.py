"""An area in its own units: adults, 65+ share, £m budget, beds, a team's £ a year and a price
year are converted to the model's parameters as docs/areas.md says, and current prices validate."""
from __future__ import annotations

import csv
import math

import pytest

from model.area_units import (ENGLAND, MODEL_PRICE_YEAR, PRICE_INDEX_FILE, derive, from_model_prices, is_price,
                              ltc_share, price_index, to_model_prices)
from model.scenario import ScenarioError, default_scenario, load_scenario

DEFAULTS = default_scenario()


def write(tmp_path, text: str, name: str = "area.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_englands_own_figures_convert_to_the_models_defaults():
    """The anchor: an area that is England, in 2017/18, is the model's England-average default."""
    local = {"adult_population": ENGLAND["adults"].value, "share_65_plus": 0.225,
             "council_adult_social_care_budget_m": ENGLAND["council_adult_social_care_budget"].value / 1e6,
             "acute_beds": ENGLAND["acute_beds"].value}
    derived = derive(local, DEFAULTS.params, DEFAULTS)
    defaults = DEFAULTS.values()
    for path in ("area.context.council_budget_per_person", "area.capacity.beds_per_1000",
                 "area.population.age_structure_65_plus"):
        assert derived[path][1] == pytest.approx(defaults[path], rel=1e-6), path
    assert derived["area.population.patients"][1] == round(ENGLAND["adults"].value * ltc_share(DEFAULTS.area))


def test_budget_and_beds_scale_with_what_each_person_gets():
    base = {"adult_population": 200_000, "council_adult_social_care_budget_m": 80, "acute_beds": 400}
    richer = {**base, "council_adult_social_care_budget_m": 160, "acute_beds": 800}
    bigger = {**base, "adult_population": 400_000}
    one, two, half = (derive(x, DEFAULTS.params, DEFAULTS) for x in (base, richer, bigger))
    for path in ("area.context.council_budget_per_person", "area.capacity.beds_per_1000"):
        assert two[path][1] == pytest.approx(2 * one[path][1])
        assert half[path][1] == pytest.approx(one[path][1] / 2, rel=1e-4)
    assert half["area.population.patients"][1] == pytest.approx(2 * one["area.population.patients"][1], abs=1)


def test_an_older_area_has_more_people_with_long_term_conditions_per_adult():
    young = derive({"adult_population": 100_000, "share_65_plus": 0.15}, DEFAULTS.params, DEFAULTS)
    old = derive({"adult_population": 100_000, "share_65_plus": 0.30}, DEFAULTS.params, DEFAULTS)
    assert old["area.population.patients"][1] > young["area.population.patients"][1]
    assert 0.2 < ltc_share(DEFAULTS.area) < 0.8


def test_a_teams_yearly_cost_becomes_the_levers_cost_per_head_at_full_strength(tmp_path):
    path = write(tmp_path, "extends: siloed\nlocal:\n  adult_population: 100000\n"
                           "  team_costs: {integrated_discharge: 400000, case_management: 1000000}\n"
                           "arrangement:\n  integrated_discharge: {strength: 0.5}\n  case_management: {coverage: 0.02}\n")
    scenario = load_scenario(path)
    patients = scenario.area.population.patients
    per_head = scenario.arrangement.integrated_discharge.running_cost_per_head
    # model/levers.py charges per head x strength x people a year at full ramp: the team's cost
    assert per_head * 0.5 * patients == pytest.approx(400_000)
    per_managed = scenario.arrangement.case_management.cost_per_patient_year
    assert per_managed * 0.02 * patients == pytest.approx(1_000_000)
    assert scenario.value_sources["arrangement.integrated_discharge.running_cost_per_head"] == \
        f"{path} (local.team_costs.integrated_discharge)"


def test_the_price_index_is_the_published_series_with_its_source():
    with PRICE_INDEX_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all("Unit Costs of Health and Social Care" in row["source"] for row in rows)
    levels = price_index()
    changes = {row["financial_year"]: float(row["pay_and_prices_change_percent"] or 0) for row in rows}
    expected = math.prod(1 + changes[y] / 100 for y in ("2018/19", "2019/20", "2020/21", "2021/22", "2022/23",
                                                        "2023/24", "2024/25"))
    assert levels["2024/25"] / levels[MODEL_PRICE_YEAR] == pytest.approx(expected)
    assert to_model_prices(1000, MODEL_PRICE_YEAR) == 1000
    assert from_model_prices(to_model_prices(1234.5, "2022/23"), "2022/23") == pytest.approx(1234.5)


def test_current_prices_validate_and_are_moved_to_the_models_price_year(tmp_path):
    """2024/25 prices a planner pays today (nursing 1,100 a week, home care 28 an hour) are refused
    as 2017/18 prices but accepted as 2024/25 prices."""
    costs = "area:\n  costs: {nursing_week: 1100, home_care_hour: 28}\n  context: {means_test_upper: 23250}\n"
    with pytest.raises(ScenarioError) as refused:
        load_scenario(write(tmp_path, "extends: siloed\n" + costs, "old.yaml"))
    assert {line.split(": ")[1] for line in refused.value.lines} == {"area.costs.nursing_week",
                                                                      "area.costs.home_care_hour"}
    scenario = load_scenario(write(tmp_path, "extends: siloed\nlocal: {price_year: 2024/25}\n" + costs))
    assert scenario.area.costs.nursing_week == pytest.approx(to_model_prices(1100, "2024/25"))
    assert scenario.area.costs.home_care_hour == pytest.approx(to_model_prices(28, "2024/25"))
    assert scenario.area.context.means_test_upper == 23250  # a cash limit, not a price: never moved
    assert not is_price("area.context.means_test_upper") and is_price("area.costs.nursing_week")


def test_a_price_out_of_range_is_explained_in_the_files_own_price_year(tmp_path):
    path = write(tmp_path, "extends: siloed\nlocal: {price_year: 2024/25}\narea:\n  costs: {nursing_week: 5000}\n")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    message = str(refused.value)
    assert "area.costs.nursing_week" in message and "2024/25 prices" in message and "got 5000" in message
    assert len(message.splitlines()) == 1


def test_the_library_and_the_defaults_are_untouched_without_a_local_section():
    assert load_scenario("siloed").values() == DEFAULTS.values() | {"arrangement.name": "siloed"}


@pytest.mark.parametrize("text, words", [
    ("local:\n  acute_beds: 500\n", ["local.acute_beds", "adult_population"]),
    ("local:\n  adult_population: 100000\n  acute_beds: 90000\n", ["local.acute_beds", "beds_per_1000", "0.5 to 20"]),
    ("local:\n  adult_population: 100000\narea:\n  population: {patients: 500}\n",
     ["local.adult_population", "area.population.patients", "give one"]),
    ("local:\n  adult_population: 100000\n  team_costs: {rapid_response: 500000}\n",
     ["local.team_costs.rapid_response", "strength"]),
    ("local:\n  team_costs: {night_sitters: 5}\n", ["local.team_costs", "integrated_discharge"]),
    ("local:\n  price_year: 2040/41\n", ["local.price_year", "2014/15 to 2024/25"]),
    ("local: 7\n", ["local:", "section"]),
])
def test_a_local_value_that_cannot_be_used_is_refused_naming_its_field(tmp_path, text, words):
    with pytest.raises(ScenarioError) as refused:
        load_scenario(write(tmp_path, "extends: siloed\n" + text))
    message = str(refused.value)
    assert len(message.splitlines()) == 1 and "area.yaml" in message
    for word in words:
        assert word in message, (word, message)


def test_a_file_extending_an_area_can_still_set_a_converted_value_itself(tmp_path):
    write(tmp_path, "extends: siloed\nlocal:\n  adult_population: 100000\n  acute_beds: 200\n", "base.yaml")
    option = write(tmp_path, "extends: base.yaml\narea:\n  population: {patients: 500}\n", "option.yaml")
    scenario = load_scenario(option)
    assert scenario.area.population.patients == 500  # the more specific file wins
    assert scenario.value_sources["area.population.patients"] == option
    assert scenario.value_sources["area.capacity.beds_per_1000"].endswith("base.yaml (local.acute_beds)")
