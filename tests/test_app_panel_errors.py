"""A panel that fails shows one line in its place; the rest of the page keeps working."""
from __future__ import annotations

import ipyvuetify as v
import solara

from app.guard import Guarded


@solara.component
def BrokenPanel(text: str):
    raise ValueError(f"All arrays must be of the same length ({text})\nsecond line of detail")


@solara.component
def WorkingPanel(text: str):
    solara.Text(text)


@solara.component
def TwoPanels():
    with solara.Column():
        Guarded("The broken panel", BrokenPanel, "x")
        Guarded("The working panel", WorkingPanel, "still here")


def test_a_failing_panel_shows_one_line_and_its_neighbour_still_draws(caplog):
    box, rc = solara.render(TwoPanels(), handle_error=False)
    assert rc.find(children=["still here"]).widgets
    alerts = [w for w in rc.find(v.Alert).widgets]
    assert len(alerts) == 1
    message = " ".join(str(c) for c in alerts[0].children)
    assert "The broken panel could not be drawn" in message
    assert "All arrays must be of the same length (x)" in message and "second line" not in message
    assert "panel 'The broken panel' failed" in caplog.text  # the detail goes to the server log
    rc.close()
