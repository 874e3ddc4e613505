"""The page reads the worlds only through snapshots, which stay whole while the worlds play."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from app.settings import WorkshopSettings
from app.twin_worlds import WORLDS, TwinWorlds


@pytest.mark.slow
def test_reading_while_another_thread_plays_never_sees_a_half_written_week():
    """The bug that broke the page: a story read from the event log while the play loop
    appended to it. Here a thread plays flat out while this one reads every snapshot."""
    twins = TwinWorlds(WorkshopSettings.from_preset(patients=300, seed=4))
    done = threading.Event()
    problems: list[BaseException] = []

    def play():
        try:
            for _ in range(40):
                twins.step()
        except BaseException as problem:  # noqa: BLE001 - reported below
            problems.append(problem)
        finally:
            done.set()

    player = threading.Thread(target=play)
    player.start()
    reads = 0
    while not done.is_set():
        snapshot = twins.snapshot
        for world in WORLDS:
            state = snapshot.states[world]
            assert len(state.places) == len(state.second_visit_age)
            snapshot.person_story(world, reads % snapshot.people)
        assert len(snapshot.history) == snapshot.week + 1
        reads += 1
    player.join()
    assert not problems, problems
    assert reads > 5  # the reader really did read while the worlds were playing


def test_a_snapshot_never_changes_after_it_is_published():
    twins = TwinWorlds(WorkshopSettings.from_preset(patients=200, seed=2))
    twins.run_to(3)
    old = twins.snapshot
    places = old.states["siloed"].places.copy()
    story = old.person_story("siloed", 5)
    twins.run_to(10)
    assert old.week == 3 and len(old.history) == 4
    assert np.array_equal(old.states["siloed"].places, places)
    assert old.person_story("siloed", 5) == story


def test_rebuilding_at_a_week_gives_the_same_numbers_as_stepping_there():
    """What a reload and 'Week back' rely on."""
    settings = WorkshopSettings.from_preset(patients=200, seed=7)
    stepped = TwinWorlds(settings)
    for _ in range(12):
        stepped.step()
    rebuilt = TwinWorlds.at_week(settings, 12)
    for world in WORLDS:
        assert stepped.states[world].tallies == rebuilt.states[world].tallies
        assert np.array_equal(stepped.states[world].places, rebuilt.states[world].places)
    assert stepped.snapshot.person_story("integrated", 3) == rebuilt.snapshot.person_story("integrated", 3)


def test_the_story_from_copied_events_matches_the_model_event_log():
    twins = TwinWorlds(WorkshopSettings.from_preset(patients=200, seed=2))
    twins.run_to(30)
    frame = twins.worlds["siloed"].log.to_frame()
    busiest = int(frame["person_id"].value_counts().index[0])
    story = twins.person_story("siloed", busiest)
    rows = frame[(frame["person_id"] == busiest) & ~((frame["event"] == "entry") & (frame["day"] == 0))]
    assert len(story) == len(rows)
    assert [int(line.split(":")[0].split()[1]) for line in story] == rows["day"].tolist()


@pytest.mark.slow
def test_a_week_back_from_a_checkpoint_gives_the_numbers_of_a_rebuild():
    settings = WorkshopSettings.from_preset(patients=150, seed=5)
    twins = TwinWorlds.at_week(settings, 30)
    back = twins.rewound(28)  # from the week-26 checkpoint
    rebuilt = TwinWorlds.at_week(settings, 28)
    assert back.week == 28
    for world in WORLDS:
        assert back.states[world].tallies == rebuilt.states[world].tallies
        assert np.array_equal(back.states[world].places, rebuilt.states[world].places)
    assert back.person_story("siloed", 4) == rebuilt.person_story("siloed", 4)
    back.step()
    twins_again = TwinWorlds.at_week(settings, 29)
    assert back.states["siloed"].tallies == twins_again.states["siloed"].tallies
    assert twins.week == 30  # the original is untouched
