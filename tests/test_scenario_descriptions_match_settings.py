"""A library scenario's description states its settings from the file itself: every lever
value, share and ramp in it is a placeholder filled from the settings, so the words cannot
disagree with the numbers (as `integrated` once said rapid response 0.5 and a three-year ramp
while the file set 0.2 and one to two years)."""
from __future__ import annotations

import re

import pytest
import yaml

from model.scenario import SCENARIO_DIR, ScenarioError, builtin_names, load_scenario, render_description

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Figures that are facts about the world, not settings of the file (each from its sources).
FACTS = {"audit_commission_2009": {"3.4%"}, "ccg_two_percent_fund": {"2%"}, "nw_london_pilot": {"one year"}}
SETTING_LIKE = [
    (re.compile(r"(?<![\d.])0?\.\d+\b"), "a value like 0.5"),
    (re.compile(r"\b\d+(\.\d+)?%"), "a percentage"),
    (re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)[- ]years?\b", re.I), "a duration"),
]


@pytest.mark.parametrize("name", builtin_names())
def test_a_descriptions_numbers_come_from_the_settings(name):
    raw = yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8"))["description"]
    words = PLACEHOLDER.sub("", raw)
    for pattern, kind in SETTING_LIKE:
        found = {m.group(0) for m in pattern.finditer(words)} - FACTS.get(name, set())
        assert not found, f"{name}: {kind} written by hand ({found}); use a placeholder such as {{arrangement.x.strength:g}}"


def test_integrated_says_what_the_file_sets():
    scenario = load_scenario("integrated")
    text = " ".join(scenario.description.split())
    arrangement = scenario.arrangement
    assert f"rapid response at home ({arrangement.rapid_response.strength:g}, " in text
    assert "rapid response at home (0.2, 3 years)" in text and "0.5, 3 years" not in text
    assert "Joint/trusted assessment (0.8, 1 year to full effect)" in text
    assert "shared care record (0.9, 2 years)" in text


def test_a_description_follows_the_settings_when_they_change():
    """--set or the Python API changes a value: the description says the value that is run."""
    changed = load_scenario("integrated", {"arrangement.rapid_response.strength": 0.45})
    assert "rapid response at home (0.45, 3 years)" in " ".join(changed.description.split())
    text = render_description("rapid response {arrangement.rapid_response.strength:g}, over "
                              "{arrangement.rapid_response.ramp_years:years}", changed.values(), "x")
    assert text == "rapid response 0.45, over 3 years"


def test_a_placeholder_naming_no_parameter_is_refused(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("extends: siloed\ndescription: rapid response {arrangement.rapid_response.strenght}\n")
    with pytest.raises(ScenarioError, match="description.*did you mean arrangement.rapid_response.strength"):
        load_scenario(str(path))
