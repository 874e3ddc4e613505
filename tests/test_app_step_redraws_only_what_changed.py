"""A Step redraws the panels whose inputs changed (the week's pictures, tallies and
story), once each, and leaves the buttons, the person picker and the chart's tally choice
alone: redrawing those every week was most of Solara's work per Step."""
from __future__ import annotations

from collections import Counter

import solara
from mesa.visualization.utils import force_update

from app import components
from app.noise import NoiseBands
from app.session import SessionState
from app.settings import WorkshopSettings
from app.workshop import Workshop

STEPS = 3
WEEKLY = ("WorldPanel", "TalliesPanel", "DifferencePanel", "PersonStory", "RunningTotals", "Header")
UNCHANGED_BY_A_STEP = ("ControlButtons", "PersonPicker", "MetricChoice")


def test_a_step_redraws_each_weekly_panel_once_and_nothing_else(monkeypatch):
    monkeypatch.setattr(components, "BANDS", NoiseBands(replications=0))  # no background runs here
    renders: Counter = Counter()
    for name in WEEKLY + UNCHANGED_BY_A_STEP:
        component = getattr(components, name)

        def counted(*args, _draw=component.f, _name=name, **kwargs):
            renders[_name] += 1
            return _draw(*args, **kwargs)
        monkeypatch.setattr(component, "f", counted)

    workshop = Workshop("redraw-test", SessionState(WorkshopSettings.from_preset(patients=200), followed=3))
    monkeypatch.setattr(workshop, "save", lambda: None)
    box, rc = solara.render(components.WorkshopView(workshop), handle_error=False)
    try:
        workshop.step()  # off week 0, where "Week back" is disabled
        first = renders.copy()
        for _ in range(STEPS):
            workshop.step()
        assert workshop.snapshot.week == STEPS + 1
        per_step = {name: (renders[name] - first[name]) / STEPS for name in WEEKLY + UNCHANGED_BY_A_STEP}
        assert per_step == {**{name: 0 for name in UNCHANGED_BY_A_STEP},
                            **{name: 1 for name in WEEKLY}, "WorldPanel": 2}  # a map per world
        force_update()  # a redraw with nothing new (the band's watcher does this) changes no map
        assert renders["WorldPanel"] - first["WorldPanel"] == 2 * STEPS
    finally:
        rc.close()
