"""The workshop app without a browser: twin worlds, settings, seed parsing, pictures, CLI."""
from __future__ import annotations

import numpy as np
import pytest

from app import drawing
from app.cli import add_cli, solara_command
from app.settings import AUSTERITY, LEVERS, RAMPED, REACH_PATH, SeedError, WorkshopSettings, parse_seed, presets
from app.twin_worlds import METRICS, WORLDS, TwinWorlds
from model.parameters import registry
from model.population import Location


def test_every_control_is_a_real_scenario_parameter():
    known = registry()
    paths = [c.path for c in LEVERS] + [AUSTERITY.path, REACH_PATH]
    paths += [f"arrangement.{lever}.{field}" for lever in RAMPED for field in ("ramp_years", "start_year")]
    assert [p for p in paths if p not in known] == []


def test_presets_are_the_built_in_scenarios_and_set_the_levers():
    assert {"siloed", "integrated"} <= set(presets())
    siloed = WorkshopSettings.from_preset("siloed")
    integrated = WorkshopSettings.from_preset("integrated")
    assert all(value == 0 for _, value in siloed.levers)
    assert any(value > 0 for _, value in integrated.levers)


def test_the_siloed_arrangement_in_both_worlds_gives_identical_worlds():
    """Same people, same seed: with no lever on, nothing may differ."""
    twins = TwinWorlds(WorkshopSettings.from_preset("siloed", patients=200, seed=3))
    for _ in range(15):
        twins.step()
    siloed, integrated = (twins.states[w] for w in WORLDS)
    assert siloed.tallies == integrated.tallies
    assert np.array_equal(siloed.places, integrated.places)


def test_integration_makes_a_difference_and_both_worlds_advance():
    twins = TwinWorlds(WorkshopSettings.from_preset("integrated", patients=200, seed=3))
    start = {w: dict(twins.states[w].tallies) for w in WORLDS}
    for _ in range(10):
        twins.step()
    assert twins.week == 10
    for world in WORLDS:
        assert twins.states[world].tallies["cost_total"] > start[world]["cost_total"]
    assert twins.states["siloed"].tallies["cost_total"] != twins.states["integrated"].tallies["cost_total"]
    history = twins.history()
    assert len(history) == 11  # week 0 and ten steps
    assert set(history.columns) == {f"{w}:{key}" for w in WORLDS for key, _, _ in METRICS}


def test_reset_reads_the_settings_the_controls_hold_now():
    class Holder:  # what a Solara reactive looks like to TwinWorlds
        value = WorkshopSettings.from_preset(patients=100, seed=5)

    holder = Holder()
    assert TwinWorlds(holder).settings.seed == 5
    holder.value = WorkshopSettings.from_preset(patients=150, seed=9)
    rebuilt = TwinWorlds(holder)
    assert (rebuilt.settings.seed, rebuilt.settings.patients) == (9, 150)
    assert rebuilt.people >= 150


def test_full_strength_switch_removes_the_ramp_only_in_the_integrated_world():
    settings = WorkshopSettings.from_preset("integrated")
    assert settings.world_overrides("integrated")["arrangement.joint_assessment.ramp_years"] == 0.0
    slow = WorkshopSettings.from_preset("integrated", full_strength_now=False)
    assert "arrangement.joint_assessment.ramp_years" not in slow.world_overrides("integrated")
    assert settings.world_overrides("siloed")["arrangement.joint_assessment.strength"] == 0


@pytest.mark.parametrize("typed, seed", [("42", 42), (" 7 ", 7), ("1_000", 1000), ("3.0", 3), ("0", 0)])
def test_seed_takes_what_a_person_types(typed, seed):
    assert parse_seed(typed) == seed


@pytest.mark.parametrize("typed, says", [("", "Type a seed"), ("abc", "not a number"), ("2.5", "whole number"),
                                         ("-1", "between 0"), ("99999999999", "between 0")])
def test_bad_seeds_get_a_sentence_not_a_crash(typed, says):
    with pytest.raises(SeedError, match=says):
        parse_seed(typed)


def test_people_map_draws_everyone_alive_and_rings_the_followed_person():
    places = np.array([Location.HOME] * 5 + [Location.WARD, Location.DELAYED, Location.GP, Location.DEAD],
                      dtype=np.int8)
    ages = np.full(len(places), -1)
    ages[1] = 0
    svg = drawing.people_map(places, ages, followed=6, delayed_bed_days=3, second_visits=1)
    assert sorted(drawing.people_drawn(svg)) == list(range(8))  # each once; the dead are not drawn
    assert svg.count('class="followed"') == 1
    assert drawing.SECOND_VISIT in svg
    assert "Hospital 2 (1 could leave)" in svg


def test_follow_one_person_tells_a_story_in_both_worlds():
    twins = TwinWorlds(WorkshopSettings.from_preset(patients=200, seed=2))
    for _ in range(20):
        twins.step()
    frame = twins.worlds["siloed"].log.to_frame()
    person = int(frame.loc[frame["event"] == "ae_attendance", "person_id"].iloc[0])
    story = twins.person_story("siloed", person)
    assert story and all(line.startswith("Day ") for line in story)
    assert any("A&E" in line for line in story)
    assert isinstance(twins.person_story("integrated", person), list)


def test_app_command_binds_to_loopback_unless_told_otherwise():
    import argparse

    parser = argparse.ArgumentParser()
    add_cli(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["app"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    assert parser.parse_args(["app", "--port", "9001", "--host", "0.0.0.0"]).port == 9001
    command = solara_command(args.host, 9001)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "--production" in command
    with pytest.raises(SystemExit):
        parser.parse_args(["app", "--port", "http"])


@pytest.mark.parametrize("preset", sorted(presets()))
def test_every_preset_builds_twin_worlds_in_the_same_area(preset):
    twins = TwinWorlds(WorkshopSettings.from_preset(preset, patients=100, seed=1))
    twins.step()
    siloed, integrated = (twins.worlds[w].config for w in WORLDS)
    assert siloed.area == integrated.area
    assert siloed.arrangement.name == "siloed"


def test_a_lever_moved_in_the_browser_stays_inside_its_range():
    settings = WorkshopSettings.from_preset("integrated")
    path = "arrangement.case_management.coverage"
    assert settings.with_lever(path, 0.20000000000000004).lever(path) == 0.2
    assert settings.with_lever(path, 0.1 + 0.2 - 0.2).lever(path) == 0.1
    TwinWorlds(settings.with_lever(path, 0.20000000000000004))  # the scenario accepts it


def test_every_event_has_plain_words():
    """A new kind of event must get a sentence for 'follow one person', not its code name."""
    from app.stories import WORDS
    from model.eventlog import Event
    assert set(WORDS) == set(Event)
