"""The workshop page: `solara run app.server` (or `carepath app`) serves `Page`.

Each browser session renders its own `Page`, so each gets its own settings and its own
TwinWorlds: two people in a room never step each other's worlds. (A model built at module
level, as Mesa's examples do, would be shared by every session: MESA_NOTES.md.)
"""
from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from app.components import LeversSidebar, TwinView
from app.settings import WorkshopSettings
from app.twin_worlds import TwinWorlds
from app.offline import keep_offline

keep_offline()  # Solara imports this module before it serves a page: no CDN downloads from here on


@solara.component
def Page():
    settings = solara.use_reactive(solara.use_memo(WorkshopSettings.from_preset, []))
    first = solara.use_memo(lambda: TwinWorlds(settings.value), [])
    model = solara.use_reactive(first)
    # The settings reactive is passed as a fixed model parameter: SolaraViz's Reset then
    # builds TwinWorlds(settings=<this session's reactive>) from the controls' current values.
    SolaraViz(model, components=[], model_params={"settings": settings}, play_interval=300,
              name="carepath \u2014 the same people, siloed and integrated")
    LeversSidebar(settings, model.value.settings)
    TwinView(model.value)
