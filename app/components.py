"""The page's parts as Solara components: the two worlds, the tallies, the levers, one person.

Every component that shows the model calls `update_counter.get()`, Mesa's signal that a
step happened; without it SolaraViz's Step would not redraw it (MESA_NOTES.md).
"""
from __future__ import annotations

from dataclasses import replace
from html import escape

import numpy as np
import solara
from mesa.visualization.utils import update_counter

from app import drawing
from app.settings import (AUSTERITY, LEVERS, REACH_CHOICES, SeedError, WorkshopSettings, parse_seed,
                          presets)
from app.twin_worlds import METRICS, WORLDS, TwinWorlds
from model.population import Location

TITLES = {"siloed": "Siloed", "integrated": "Integrated"}
SUBTITLES = {"siloed": "each organisation assesses and plans for itself",
             "integrated": "the levers as set on the left"}
PAGE_CSS = """
.cp-world h3 { margin: 0 0 4px 0; font-weight: 500; }
.cp-table { border-collapse: collapse; width: 100%; font-size: 15px; }
.cp-table th, .cp-table td { padding: 4px 10px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.cp-table th:first-child, .cp-table td:first-child { text-align: left; }
.cp-better { color: #1a7f37; font-weight: 500; }
.cp-worse { color: #b42318; font-weight: 500; }
.cp-charts { display: flex; flex-wrap: wrap; gap: 8px; }
.cp-charts > div { flex: 1 1 260px; max-width: 340px; }
.cp-story { max-height: 320px; overflow-y: auto; font-size: 14px; margin: 0; padding-left: 22px; }
.cp-story li { margin-bottom: 2px; }
/* SolaraViz's "Model Parameters" card is empty here: the levers have their own cards */
.v-card:has(> .v-card__text > .v-sheet:empty:only-child) { display: none; }
"""


def _world_title(world: str) -> str:
    colour = drawing.WORLD_COLOURS[world]
    return (f'<h3 style="color:{colour}">{TITLES[world]} world'
            f'<span style="font-size:13px;color:#666;font-weight:400"> \u2014 {SUBTITLES[world]}</span></h3>')


@solara.component
def WorldPanel(model: TwinWorlds, world: str, followed: int | None, scales: tuple[int, int]):
    """One world's people map and a sentence on what happened this week."""
    update_counter.get()
    state = model.states[world]
    waiting = int((state.places == Location.DELAYED).sum())
    in_beds = waiting + int((state.places == Location.WARD).sum())
    seconds = state.second_visits_this_week
    week_line = (f"This week: {seconds} second visit{'s' if seconds != 1 else ''} for the same assessment; "
                 f"{waiting} of {in_beds} hospital beds held by people well enough to leave.")
    with solara.Column(classes=["cp-world"], style={"min-width": "0"}):
        solara.HTML(tag="div", unsafe_innerHTML=_world_title(world))
        picture = drawing.people_map(state.places, state.second_visit_age, followed, scales=scales,
                                     delayed_bed_days=state.tallies["delayed_bed_days"],
                                     second_visits=state.tallies["duplicate_visits"])
        solara.HTML(tag="div", unsafe_innerHTML=picture, attributes={"data-world-map": world})
        solara.Text(week_line, style={"font-size": "14px"})


def _difference(key: str, siloed: float, integrated: float, is_money: bool) -> str:
    diff = integrated - siloed
    if abs(diff) < 0.5:
        return "same"
    text = drawing.money(abs(diff)) if is_money else f"{abs(diff):,.0f}"
    share = ""
    if siloed:
        ratio = abs(diff) / siloed
        share = f" ({ratio:.0%})" if ratio >= 0.005 else " (<1%)"
    word, css = ("fewer", "cp-better") if diff < 0 else ("more", "cp-worse")
    if is_money:
        word = "less" if diff < 0 else "more"
    return f'<span class="{css}">{text} {word}{share}</span>'


@solara.component
def TalliesTable(model: TwinWorlds):
    """Running totals for both worlds and the difference integration makes."""
    update_counter.get()
    rows = []
    for key, label, is_money in METRICS:
        values = {w: model.states[w].tallies[key] for w in WORLDS}
        cells = "".join(
            f'<td data-world="{w}" data-metric="{key}" data-value="{values[w]:.2f}">'
            f'{drawing.money(values[w]) if is_money else f"{values[w]:,.0f}"}</td>' for w in WORLDS)
        rows.append(f"<tr><td>{label}</td>{cells}"
                    f"<td>{_difference(key, values['siloed'], values['integrated'], is_money)}</td></tr>")
    head = "".join(f'<th style="color:{drawing.WORLD_COLOURS[w]}">{TITLES[w]}</th>' for w in WORLDS)
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<table class="cp-table" data-week="{model.week}"><tr><th>So far (week {model.week})</th>{head}'
        f"<th>Integrated vs siloed</th></tr>{''.join(rows)}</table>"))


@solara.component
def TallyCharts(model: TwinWorlds):
    """Running totals week by week, one small chart per tally, a line per world."""
    update_counter.get()
    history = model.history()
    weeks = np.arange(len(history))
    charts = []
    for key, label, is_money in METRICS:
        if key == "cost_total":
            continue
        lines = {w: history[f"{w}:{key}"].to_numpy() for w in WORLDS}
        charts.append(f"<div>{drawing.line_chart(label, weeks, lines, is_money)}</div>")
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="cp-charts">{"".join(charts)}</div>')


def _pick(model: TwinWorlds, kind: str) -> int | None:
    """A person worth following: someone kept in hospital, someone visited twice, anyone."""
    state = model.states["siloed"]
    alive = np.flatnonzero(state.places != Location.DEAD)
    if kind == "hospital":
        candidates = np.flatnonzero(state.places == Location.DELAYED)
        if len(candidates) == 0:
            candidates = np.flatnonzero(state.places == Location.WARD)
    elif kind == "second":
        candidates = np.flatnonzero(state.second_visit_age >= 0)
    else:
        candidates = alive
    if len(candidates) == 0:
        return None
    return int(candidates[model.random.randrange(len(candidates))])


def _story_html(lines: list[str]) -> str:
    if not lines:
        return "<p style='color:#666'>Nothing has happened to this person yet.</p>"
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ol class="cp-story">{items}</ol>'


@solara.component
def FollowPerson(model: TwinWorlds, followed: solara.Reactive):
    """Pick a person and read their pathway so far in both worlds, in plain words."""
    update_counter.get()
    typed = solara.use_reactive("" if followed.value is None else str(followed.value))
    error = solara.use_reactive("")
    message = solara.use_reactive("")

    def choose(person: int | None, why: str = ""):
        message.set("" if person is not None else why)
        if person is not None:
            followed.set(person)
            typed.set(str(person))
            error.set("")

    def on_typed(text: str):
        typed.set(text)
        try:
            person = int(str(text).strip())
        except ValueError:
            error.set(f"\u201c{text}\u201d is not a person number: type a whole number.")
            return
        if not 0 <= person < model.people:
            error.set(f"People are numbered 0 to {model.people - 1}.")
            return
        choose(person)

    with solara.Card("Follow one person"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.InputText("Person number", value=typed, on_value=on_typed, error=error.value or False,
                             style={"max-width": "180px"})
            solara.Button("Someone kept in hospital", outlined=True,
                          on_click=lambda: choose(_pick(model, "hospital"), "Nobody is in hospital this week."))
            solara.Button("Someone visited twice", outlined=True,
                          on_click=lambda: choose(_pick(model, "second"),
                                                  "Nobody had a second visitor in the last few weeks."))
            solara.Button("Anyone", outlined=True, on_click=lambda: choose(_pick(model, "any")))
        if message.value:
            solara.Info(message.value)
        if followed.value is None or followed.value >= model.people:
            solara.Text("Pick a person to see what happened to them in each world; "
                        "they are ringed in black on both maps.")
            return
        with solara.Columns([1, 1]):
            for world in WORLDS:
                with solara.Column(style={"min-width": "0"}):
                    solara.HTML(tag="div", unsafe_innerHTML=(
                        f'<h4 style="color:{drawing.WORLD_COLOURS[world]};margin:0">Person {followed.value} '
                        f"in the {TITLES[world].lower()} world</h4>"))
                    solara.HTML(tag="div", unsafe_innerHTML=_story_html(model.person_story(world, followed.value)),
                                attributes={"data-story": world})


@solara.component
def TwinView(model: TwinWorlds):
    """The main area: both worlds side by side, the tallies, the charts, one person."""
    update_counter.get()
    followed = solara.use_reactive(None)
    solara.Style(PAGE_CSS)
    with solara.Column(style={"padding": "8px", "width": "100%"}):
        year, week_of_year = divmod(model.week, 52)
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<div style="display:flex;align-items:baseline;gap:16px;flex-wrap:wrap">'
            f'<span style="font-size:20px;font-weight:500" data-week="{model.week}">Week {model.week}'
            f'<span style="font-size:14px;color:#666"> (year {year + 1}, week {week_of_year})</span></span>'
            f'<span style="font-size:14px;color:#555">The same {model.settings.patients} people, same seed '
            f'({model.settings.seed}): every difference is the arrangement.</span></div>'
            f"{drawing.legend()}"))
        scales = (drawing.tally_scale([model.states[w].tallies["delayed_bed_days"] for w in WORLDS]),
                  drawing.tally_scale([model.states[w].tallies["duplicate_visits"] for w in WORLDS],
                                      box=drawing.SECOND_VISITS))
        with solara.Columns([1, 1]):
            for world in WORLDS:
                WorldPanel(model, world, followed.value, scales)
        with solara.Columns([5, 6]):
            with solara.Card("Running tallies"):
                TalliesTable(model)
            with solara.Card("Week by week"):
                solara.HTML(tag="div", unsafe_innerHTML=drawing.world_key(TITLES))
                TallyCharts(model)
        FollowPerson(model, followed)


def _share_slider(control, value: float, on_value):
    """A slider for a share, its value in the label and its meaning on hover."""
    with solara.Tooltip(control.help):
        with solara.Column(gap="0px"):
            solara.SliderFloat(f"{control.label}: {value:.0%}", value=value, min=control.low, max=control.high,
                               step=control.step, thumb_label=False, on_value=on_value)


@solara.component
def LeversCard(settings: solara.Reactive, running: WorkshopSettings):
    """Presets, integration levers and context; they take effect when Reset is pressed."""
    current: WorkshopSettings = settings.value
    seed_text = solara.use_reactive(str(current.seed))
    seed_error = solara.use_reactive("")

    def change(**values):
        settings.set(replace(settings.value, **values))

    def set_preset(name: str):
        settings.set(WorkshopSettings.from_preset(name, patients=current.patients, seed=current.seed,
                                                  full_strength_now=current.full_strength_now))

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
        if current != running:
            solara.Warning("Changed: press RESET to restart both worlds with these settings.",
                           dense=True, classes=["cp-pending"])
    with solara.Card("Integration levers"):
        solara.Text("They change the integrated world only.", style={"font-size": "13px", "color": "#666"})
        names = list(presets())
        solara.Select("Preset (built-in scenario)", value=current.preset, values=names, on_value=set_preset)
        solara.Text(presets().get(current.preset, ""), style={"font-size": "12px", "color": "#666"})
        for lever in LEVERS:
            _share_slider(lever, current.lever(lever.path),
                          lambda v, p=lever.path: settings.set(settings.value.with_lever(p, v)))
        solara.Select("Levers reach", value=REACH_CHOICES[current.reach], values=list(REACH_CHOICES.values()),
                      on_value=lambda label: change(reach={v: k for k, v in REACH_CHOICES.items()}[label]))
        solara.Switch(label="Full strength from week 1 (in reality it builds up over about 3 years)",
                      value=current.full_strength_now, on_value=lambda v: change(full_strength_now=v))
    with solara.Card("Context (both worlds)"):
        _share_slider(AUSTERITY, current.austerity_cut, lambda v: change(austerity_cut=v))
        solara.SliderInt(f"People: {current.patients}", value=current.patients, min=50, max=1000, step=50,
                         thumb_label=False, on_value=lambda v: change(patients=v))
        solara.InputText("Seed (press Enter)", value=seed_text, on_value=set_seed, error=seed_error.value or False)


@solara.component
def LeversSidebar(settings: solara.Reactive, running: WorkshopSettings):
    """The levers in the sidebar, below SolaraViz's Step/Play/Reset.

    Solara orders sidebar content by how deep in the page it is declared; SolaraViz
    declares its controls one component down from the page, so these go two down.
    """
    _Deeper(settings, running)


@solara.component
def _Deeper(settings: solara.Reactive, running: WorkshopSettings):
    with solara.Sidebar():
        LeversCard(settings, running)
