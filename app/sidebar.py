"""The sidebar: the guided exercises, the speed of Play, and the levers with their
plain-English explanations. Step, Play and the rest sit above the maps (components.py).

Only what a facilitator needs is here: Mesa's own controller also offers a render
interval, a threads switch and a "Time" card, which mean nothing to a room.
"""
from __future__ import annotations

from dataclasses import replace

import solara

from app.exercises import EXERCISES
from app.guard import Guarded
from app.settings import (AUSTERITY, LEVERS, PATIENTS_RANGE, POPULATIONS, REACH_CHOICES, SeedError,
                          WorkshopSettings, parse_seed, presets)
from app.workshop import SPEEDS_MS, Workshop


@solara.component
def SpeedCard(workshop: Workshop):
    """How fast Play goes (the buttons themselves sit above the maps)."""
    pause = workshop.pause_ms.value
    words = f"a week every {pause / 1000:.2g} s" + (" (fastest)" if pause <= SPEEDS_MS[0] else "")
    with solara.Card("Speed", margin=0):
        solara.SliderInt(f"While playing: {words}", value=SPEEDS_MS[1] - pause, min=0,
                         max=SPEEDS_MS[1] - SPEEDS_MS[0], step=50, thumb_label=False,
                         on_value=lambda v: workshop.pause_ms.set(SPEEDS_MS[1] - v))  # right = faster


@solara.component
def ExercisesCard(workshop: Workshop):
    current = workshop.current_exercise()
    with solara.Card("Workshop exercises", margin=0):
        solara.Text("Each loads its settings into both worlds and puts its question on screen.",
                    style={"font-size": "13px", "color": "#555"})
        for exercise in EXERCISES:
            solara.Button(exercise.title, text=True, classes=["cp-exercise"],
                          color="primary" if current is exercise else None,
                          on_click=lambda key=exercise.key: workshop.load_exercise(key))
        if current is not None:
            solara.Button("Reveal what it shows" if not workshop.revealed.value else "Hide the answer",
                          outlined=True, on_click=lambda: workshop.revealed.set(not workshop.revealed.value))


def _explained_slider(control, value: float, on_value, explain: bool):
    """A slider for a share, its value in the label; below it, when asked, what it does."""
    solara.SliderFloat(f"{control.label}: {value:.0%}", value=value, min=control.low, max=control.high,
                       step=control.step, thumb_label=False, on_value=on_value)
    if explain:
        text = control.explanation
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<div class="cp-lever-help" style="font-size:13px;color:#333;margin:-8px 0 8px 0">'
            f"{text.what_it_changes} <i>Evidence:</i> {text.evidence}</div>"))


@solara.component
def LeversCard(workshop: Workshop):
    """Presets, integration levers and context; they take effect when Reset is pressed.
    Not redrawn each week (no update_counter): it changes only with the settings."""
    settings = workshop.settings
    current: WorkshopSettings = settings.value
    seed_text = solara.use_reactive(str(current.seed))
    seed_error = solara.use_reactive("")
    explain = solara.use_reactive(False)

    def change(**values):
        settings.set(replace(settings.value, **values))

    def set_preset(name: str):
        settings.set(WorkshopSettings.from_preset(name, patients=current.patients, seed=current.seed,
                                                  full_strength_now=current.full_strength_now,
                                                  population=current.population))

    def set_seed(text: str):
        seed_text.set(text)
        try:
            seed = parse_seed(text)
        except SeedError as problem:
            seed_error.set(str(problem))
            return
        seed_error.set("")
        change(seed=seed)

    with solara.Column(gap="0px"):  # always present, so the cards below are never rebuilt
        if current != workshop.running:
            solara.Warning("Changed: press RESET to restart both worlds with these settings.",
                           dense=True, classes=["cp-pending"])
    with solara.Card("Integration levers", margin=0):
        solara.Text("They change the integrated world only.", style={"font-size": "13px", "color": "#555"})
        solara.Switch(label="Explain each lever", value=explain)
        names = list(presets())
        solara.Select("Preset (built-in scenario)", value=current.preset, values=names, on_value=set_preset)
        solara.Text(presets().get(current.preset, ""), style={"font-size": "13px", "color": "#555"})
        for lever in LEVERS:
            _explained_slider(lever, current.lever(lever.path),
                              lambda v, p=lever.path: settings.set(settings.value.with_lever(p, v)), explain.value)
        solara.Select("Levers reach", value=REACH_CHOICES[current.reach], values=list(REACH_CHOICES.values()),
                      on_value=lambda label: change(reach={v: k for k, v in REACH_CHOICES.items()}[label]))
        solara.Switch(label="Full strength from week 1 (in reality it builds up over about 3 years)",
                      value=current.full_strength_now, on_value=lambda v: change(full_strength_now=v))
    with solara.Card("Context (both worlds)", margin=0):
        _explained_slider(AUSTERITY, current.austerity_cut, lambda v: change(austerity_cut=v), explain.value)
        labels = {key: words for key, (words, _) in POPULATIONS.items()}
        solara.Select("Who lives there", value=labels[current.population], values=list(labels.values()),
                      on_value=lambda label: change(population=next(k for k, v in labels.items() if v == label)))
        low, high = PATIENTS_RANGE
        solara.SliderInt(f"People: {current.patients}", value=current.patients, min=low, max=high, step=50,
                         thumb_label=False, on_value=lambda v: change(patients=v))
        solara.InputText("Seed (press Enter)", value=seed_text, on_value=set_seed, error=seed_error.value or False)


@solara.component
def WorkshopSidebar(workshop: Workshop):
    with solara.Sidebar():
        with solara.Column(gap="10px"):
            Guarded("The exercises", ExercisesCard, workshop)
            Guarded("The speed", SpeedCard, workshop)
            Guarded("The levers", LeversCard, workshop)
