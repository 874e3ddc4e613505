"""The pictures: people glide when they change place, charts never show half a person."""
from __future__ import annotations

import numpy as np

from app import drawing
from model.population import Location


def test_only_people_who_changed_place_glide_there():
    before = np.array([Location.HOME] * 6, dtype=np.int8)
    after = before.copy()
    after[2] = Location.WARD
    svg = drawing.people_map(after, np.full(6, -1), previous_places=before)
    assert svg.count('class="mv"') == 1
    assert "--dx:" in svg and "@keyframes cp-move" in svg
    still = drawing.people_map(after, np.full(6, -1), previous_places=after)
    assert 'class="mv"' not in still


def test_people_gliding_are_drawn_on_their_own_picture_over_the_map():
    """The browser repaints only the small picture of gliders each frame, not the whole map."""
    before = np.array([Location.HOME] * 6, dtype=np.int8)
    after = before.copy()
    after[2] = Location.WARD
    svg = drawing.people_map(after, np.full(6, -1), followed=2, previous_places=before)
    still, gliders = svg.split('class="cp-movers"')
    assert sorted(drawing.people_drawn(still)) == [0, 1, 3, 4, 5]
    assert gliders.count('class="mv"') == 2  # the bed and the followed person's ring
    assert "Person 2<" in gliders and 'class="followed"' in gliders


def test_newcomers_appear_without_gliding_from_nowhere():
    before = np.array([Location.HOME] * 3, dtype=np.int8)
    after = np.array([Location.HOME] * 4, dtype=np.int8)
    assert 'class="mv"' not in drawing.people_map(after, np.full(4, -1), previous_places=before)


def test_count_axes_use_whole_numbers_and_cover_the_data():
    for low, high in [(0, 3), (-12, 5), (0, 0), (0, 0.4), (-3, -1)]:
        values = drawing.ticks(low, high, whole=True)
        assert all(float(v).is_integer() for v in values)
        assert values[0] <= low and values[-1] >= high
    money = drawing.ticks(-91_968, 241_334, whole=False)
    assert money[0] <= -91_968 and money[-1] >= 241_334


def test_difference_chart_draws_the_band_the_live_line_and_zero():
    weeks = np.arange(10)
    svg = drawing.difference_chart(weeks, weeks * -1.0, weeks * -2.0, weeks * 0.5, False, weeks)
    assert 'class="band"' in svg and 'class="live"' in svg
    assert 'stroke="#888"' in svg  # the zero line is darker than the grid
    assert 'class="band"' not in drawing.difference_chart(weeks, weeks * 1.0, None, None, False)


def test_identical_worlds_still_show_two_lines():
    weeks = np.arange(5)
    svg = drawing.line_chart("A&E", weeks, {"siloed": weeks * 1.0, "integrated": weeks * 1.0}, False)
    assert svg.count("<polyline") == 2 and "stroke-dasharray" in svg


def test_a_routine_gp_visit_does_not_glide_but_a_trip_to_a_and_e_does():
    before = np.array([Location.HOME, Location.HOME, Location.GP], dtype=np.int8)
    after = np.array([Location.GP, Location.AE, Location.HOME], dtype=np.int8)
    svg = drawing.people_map(after, np.full(3, -1), previous_places=before)
    assert svg.count('class="mv"') == 1


def test_plain_dots_are_one_path_per_colour_and_whoever_stands_out_an_element_of_their_own():
    """A thousand circles cost the browser about twice what a few paths do each week; the
    people a room should spot (a bed, a second visit, the followed person) stay elements."""
    places = np.array([Location.HOME] * 400 + [Location.HOME_WITH_CARE] * 50 + [Location.WARD] * 3, dtype=np.int8)
    ages = np.full(len(places), -1)
    ages[7] = 1
    svg = drawing.people_map(places, ages, followed=20)
    assert svg.count("<path") == 2  # at home, home with care
    assert sorted(drawing.people_drawn(svg)) == list(range(len(places)))
    assert "<title>Person 7</title>" in svg and "<title>Person 20</title>" in svg  # ringed, followed
    assert svg.count("<title>Person") == 5  # those two and three beds
