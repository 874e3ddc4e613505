"""The main area's panels as Solara components: both worlds, the followed person's story,
the tallies, the difference chart with its noise band, and the running totals.

Every panel draws one `Snapshot` (never the live worlds), handed down by `WorkshopView`,
the only component that listens to `update_counter` (Mesa's signal that a week passed).
Each panel is wrapped in `Guarded`, so a failure in one shows a line there and leaves the
others working.
"""
from __future__ import annotations

import threading
from html import escape

import numpy as np
import solara
from mesa.visualization.utils import update_counter

from app import drawing
from app.guard import Guarded
from app.noise import BANDS, HORIZON_WEEKS, Band, watch_runs
from app.page_style import PAGE_CSS
from app.settings import POPULATIONS
from app.twin_worlds import METRICS, WORLDS, Snapshot
from app.workshop import LONG_RUN_WEEKS, Workshop
from model.population import Location

TITLES = {"siloed": "Siloed", "integrated": "Integrated"}
SUBTITLES = {"siloed": "each organisation for itself", "integrated": "the levers as set"}
METRIC_LABELS = {key: label for key, label, _ in METRICS}
# Shorter names for the tallies table, so it fits beside the chart at 1280 px.
SHORT_LABELS = {"duplicate_visits": "Second visits", "emergency_admissions": "Admissions",
                "delayed_bed_days": "Delayed bed days", "ae_attendances": "A&E visits",
                "sent_home_no_bed": "Sent home: no bed", "cost_nhs": "NHS cost", "cost_council": "Council cost",
                "cost_total": "Total cost"}
IS_MONEY = {key: money for key, _, money in METRICS}


def _world_title(world: str) -> str:
    return (f'<div class="cp-title" style="color:{drawing.WORLD_COLOURS[world]}">{TITLES[world]} world'
            f'<span class="cp-sub"> \u2014 {SUBTITLES[world]}</span></div>')


@solara.component
def WorldPanel(workshop: Workshop, snapshot: Snapshot, world: str):
    """One world's people map, its dots gliding from last week's places."""
    state, week = snapshot.states[world], snapshot.week
    scales = (drawing.tally_scale([snapshot.states[w].tallies["delayed_bed_days"] for w in WORLDS]),
              drawing.tally_scale([snapshot.states[w].tallies["duplicate_visits"] for w in WORLDS],
                                  box=drawing.SECOND_VISITS))
    # Glide on Step and at calm speeds; when playing fast nobody can follow a dot, and the
    # browser's repainting would only slow the weeks down.
    pause = workshop.pause_ms.value
    move = 0.5 if not workshop.playing.value else (min(0.5, pause / 1000 * 0.8) if pause >= 300 else 0.0)
    picture = drawing.people_map(state.places, state.second_visit_age, workshop.followed.value,
                                 previous_places=state.previous_places, move_seconds=move, scales=scales,
                                 delayed_bed_days=state.tallies["delayed_bed_days"],
                                 second_visits=state.tallies["duplicate_visits"])
    # The title and the map in one piece of HTML: every element under the page is walked
    # again on each Step, so a panel that changes weekly is kept to as few as possible.
    solara.HTML(tag="div", classes=["cp-world"], unsafe_innerHTML=(
        f'{_world_title(world)}<div class="cp-fill"><div data-world-map="{world}" data-week="{week}">'
        f"{picture}</div></div>"))


def _verdict_text(band: Band, metric: int, week: int, diff: float) -> tuple[str, str]:
    """(css class, words) for a difference given the background runs."""
    if week > HORIZON_WEEKS:
        return "cp-chance", "no band after year 5"
    if band.failed:
        return "cp-chance", "no band: a background run failed"
    verdict = band.verdict(metric, week)
    if verdict == "pending":
        return "cp-chance", f"checking chance {band.runs}/{band.planned}"
    if (verdict == "lower" and diff < 0) or (verdict == "higher" and diff > 0):
        return ("cp-better" if diff < 0 else "cp-worse"), ""
    return "cp-chance", "could be chance"


def _difference(band: Band, metric: int, week: int, siloed: float, integrated: float, is_money: bool) -> str:
    diff = integrated - siloed
    if abs(diff) < 0.5:
        return '<span class="cp-chance" data-verdict="same">same</span>'
    text = drawing.money(abs(diff)) if is_money else f"{abs(diff):,.0f}"
    share = ""
    if siloed:
        ratio = abs(diff) / siloed
        share = f" ({ratio:.0%})" if ratio >= 0.005 else " (<1%)"
    word = ("less" if diff < 0 else "more") if is_money else ("fewer" if diff < 0 else "more")
    css, note = _verdict_text(band, metric, week, diff)
    note_html = f' <span class="cp-note">\u00b7 {note}</span>' if note else ""
    return f'<span class="{css}" data-verdict="{css[3:]}">{text} {word}{share}</span>{note_html}'


@solara.component
def TalliesPanel(snapshot: Snapshot, band: Band):
    """Running totals for both worlds and the difference integration makes, coloured only
    when every background run puts it on the same side of zero."""
    rows = []
    for index, (key, label, is_money) in enumerate(METRICS):
        values = {w: snapshot.states[w].tallies[key] for w in WORLDS}
        cells = "".join(
            f'<td data-world="{w}" data-metric="{key}" data-value="{values[w]:.2f}">'
            f'{drawing.money(values[w]) if is_money else f"{values[w]:,.0f}"}</td>' for w in WORLDS)
        verdict = _difference(band, index, snapshot.week, values["siloed"], values["integrated"], is_money)
        rows.append(f'<tr><td title="{label}">{SHORT_LABELS.get(key, label)}</td>{cells}'
                    f'<td data-difference="{key}" style="text-align:left">{verdict}</td></tr>')
    head = "".join(f'<th style="color:{drawing.WORLD_COLOURS[w]}">{TITLES[w]}</th>' for w in WORLDS)
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<table class="cp-table" data-week="{snapshot.week}"><tr><th>So far</th>{head}'
        f'<th style="text-align:left">Difference</th></tr>{"".join(rows)}</table>'
        '<div class="cp-note">Green or red only when all the background runs agree on the direction; '
        "grey: could be chance.</div>"))


@solara.component
def MetricChoice(workshop: Workshop):
    """Which tally the difference chart shows; not redrawn by a Step."""
    key = workshop.metric.value
    with solara.Row(style={"align-items": "center", "gap": "8px", "flex-wrap": "nowrap"}):
        solara.HTML(tag="span", unsafe_innerHTML=(
            '<span class="cp-title" style="white-space:nowrap">Integrated minus siloed:</span>'))
        solara.Select("", value=METRIC_LABELS[key], values=list(METRIC_LABELS.values()), dense=True,
                      on_value=lambda label: workshop.metric.set(
                          next(k for k, v in METRIC_LABELS.items() if v == label)),
                      style={"max-width": "240px", "margin": "0", "padding": "0"}, classes=["cp-metric"])


@solara.component
def DifferencePanel(workshop: Workshop, snapshot: Snapshot, band: Band):
    """Integrated minus siloed, week by week, over the band of the background runs."""
    key = workshop.metric.value
    index = [k for k, _, _ in METRICS].index(key)
    history = snapshot.history
    weeks = np.arange(len(history))
    difference = (history[f"integrated:{key}"] - history[f"siloed:{key}"]).to_numpy()
    shown = min(snapshot.week, HORIZON_WEEKS)
    low = high = band_weeks = None
    if band.low is not None:
        band_weeks = np.arange(shown + 1)
        low, high = band.low[index, :shown + 1], band.high[index, :shown + 1]
    MetricChoice(workshop)
    runs = (f"grey band: {band.runs} other run{'s' if band.runs != 1 else ''} of these settings"
            if band.runs else "grey band: other runs under way\u2026")
    if band.runs and not band.complete:
        runs += f" ({band.runs} of {band.planned} done)"
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<span class="cp-note">Running total so far. Below zero: integration has less; {runs}.</span>'))
    with solara.Div(classes=["cp-fill"]):
        solara.HTML(tag="div", unsafe_innerHTML=drawing.difference_chart(
            weeks, difference, low, high, IS_MONEY[key], band_weeks), attributes={"data-difference-chart": key})


def _pick(workshop: Workshop, kind: str) -> int | None:
    """A person worth following: someone kept in hospital, someone visited twice, anyone."""
    state = workshop.snapshot.states["siloed"]
    if kind == "hospital":
        candidates = np.flatnonzero(state.places == Location.DELAYED)
        if len(candidates) == 0:
            candidates = np.flatnonzero(state.places == Location.WARD)
    elif kind == "second":
        candidates = np.flatnonzero(state.second_visit_age >= 0)
    else:
        candidates = np.flatnonzero(state.places != Location.DEAD)
    if len(candidates) == 0:
        return None
    return int(candidates[workshop.model.value.random.randrange(len(candidates))])


def _story_html(lines: list[str]) -> str:
    if not lines:
        return "<p class='cp-note'>Nothing has happened to this person yet.</p>"
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ol class="cp-story">{items}</ol>'


@solara.component
def PersonPicker(workshop: Workshop):
    """The person-number box and the three quick picks. It takes no snapshot, so a Step
    does not redraw it: only a change of the followed person does."""
    followed = workshop.followed.value
    typed = solara.use_reactive("" if followed is None else str(followed))
    error = solara.use_reactive("")
    message = solara.use_reactive("")

    def choose(person: int | None, why: str = ""):
        message.set("" if person is not None else why)
        if person is not None:
            workshop.follow(person)
            typed.set(str(person))
            error.set("")

    def on_typed(text: str):
        typed.set(text)
        try:
            person = int(str(text).strip())
        except ValueError:
            error.set(f"\u201c{text}\u201d is not a person number: type a whole number.")
            return
        if not 0 <= person < workshop.snapshot.people:
            error.set(f"People are numbered 0 to {workshop.snapshot.people - 1}.")
            return
        choose(person)

    solara.HTML(tag="div", unsafe_innerHTML='<div class="cp-title">Follow one person</div>')
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "4px"}):
        solara.InputText("Person number", value=typed, on_value=on_typed, error=error.value or False,
                         style={"max-width": "130px"}, dense=True)
        solara.Button("In hospital", outlined=True, small=True,
                      on_click=lambda: choose(_pick(workshop, "hospital"), "Nobody is in hospital this week."))
        solara.Button("Visited twice", outlined=True, small=True,
                      on_click=lambda: choose(_pick(workshop, "second"),
                                              "Nobody had a second visitor in the last few weeks."))
        solara.Button("Anyone", outlined=True, small=True, on_click=lambda: choose(_pick(workshop, "any")))
    if message.value:
        solara.Info(message.value, dense=True)


@solara.component
def PersonStory(snapshot: Snapshot, followed: int | None):
    """The followed person's pathway so far in both worlds (redrawn each week)."""
    if followed is None or followed >= snapshot.people:
        solara.HTML(tag="div", unsafe_innerHTML=(
            '<p class="cp-note">Pick someone to read what happened to them in each world; '
            "they are ringed in black on both maps, and their ring moves with them.</p>"))
        return
    with solara.Div(classes=["cp-story-columns"]):
        for world in WORLDS:
            solara.HTML(tag="div", unsafe_innerHTML=(
                f'<div class="cp-sub" style="color:{drawing.WORLD_COLOURS[world]};font-weight:600">'
                f"Person {followed}, {TITLES[world].lower()} world</div>"
                f"{_story_html(snapshot.person_story(world, followed))}"), attributes={"data-story": world})


@solara.component
def StoryPanel(workshop: Workshop, snapshot: Snapshot):
    """Pick a person and read their pathway so far in both worlds, beside the maps."""
    PersonPicker(workshop)
    PersonStory(snapshot, workshop.followed.value)


@solara.component
def ControlButtons(workshop: Workshop, at_start: bool, at_end: bool):
    """Reset, play, Step, Week back, year 5. Its arguments change only at week 0 and year 5,
    so a Step does not redraw the buttons (redrawing them was most of Solara's work per Step)."""
    playing = workshop.playing.value
    with solara.Div(classes=["cp-buttons"]):  # laid out in the controls' row, not a column of its own
        solara.Button("Reset", color="primary", on_click=workshop.reset)
        solara.Button("\u275a\u275a" if playing else "\u25b6", color="primary",
                      on_click=lambda: workshop.playing.set(not workshop.playing.value))
        solara.Button("Step", color="primary", on_click=workshop.step, disabled=playing)
        solara.Button("Week back", outlined=True, on_click=workshop.step_back, disabled=at_start)
        solara.Button(f"Jump to year {LONG_RUN_WEEKS // 52}", outlined=True,
                      on_click=lambda: workshop.jump_to(LONG_RUN_WEEKS), disabled=at_end)


@solara.component
def ControlsBar(workshop: Workshop, week: int):
    """Step, play, a week back, year 5, reset: in the main area, so they stay on screen with
    the sidebar closed. The play loop lives here too (a thread while playing)."""
    playing = workshop.playing.value
    solara.lab.use_task(workshop.play_loop, dependencies=[playing], prefer_threaded=True)
    with solara.Div(classes=["cp-controls"]):
        solara.HTML(tag="span", unsafe_innerHTML=f'<span class="cp-week" data-week="{week}">Week {week}</span>')
        ControlButtons(workshop, week == 0, week >= LONG_RUN_WEEKS)


@solara.component
def Header(workshop: Workshop, snapshot: Snapshot):
    """What the room is looking at, the exercise's question, and the colour key."""
    settings = snapshot.settings
    year, week_of_year = divmod(snapshot.week, 52)
    who = "" if settings.population == "town" else f" ({POPULATIONS[settings.population][0]})"
    parts = [f'<div class="cp-sub">Week {snapshot.week} is year {year + 1}, week {week_of_year}. '
             f"Same {settings.patients} people{who}, same seed ({settings.seed}), in both worlds: "
             "every difference is the arrangement.</div>"]
    exercise = workshop.current_exercise()
    if exercise is not None:
        parts.append(f'<div class="cp-question" data-exercise="{exercise.key}"><b>{escape(exercise.title)}:</b> '
                     f"{escape(exercise.question)} <i>Watch:</i> {escape(exercise.watch)}</div>")
        if workshop.revealed.value:
            parts.append(f'<div class="cp-question cp-reveal" data-reveal="{exercise.key}">'
                         f"<b>What it shows:</b> {escape(exercise.reveal)}</div>")
    parts.append(drawing.legend())
    solara.HTML(tag="div", unsafe_innerHTML="".join(parts))
    if workshop.message.value:
        solara.Warning(workshop.message.value, dense=True)


@solara.component
def RunningTotals(snapshot: Snapshot):
    """Below the fold: each tally's running total in both worlds (siloed solid, integrated
    dashed, so identical worlds still show two lines)."""
    history = snapshot.history
    weeks = np.arange(len(history))
    charts = [f"<div>{drawing.line_chart(label, weeks, {w: history[f'{w}:{key}'].to_numpy() for w in WORLDS}, money)}"
              "</div>" for key, label, money in METRICS if key != "cost_total"]
    key_html = "".join(f'<span class="cp-key"><span style="display:inline-block;width:22px;border-top:3px '
                       f'{"solid" if w == "siloed" else "dashed"} {drawing.WORLD_COLOURS[w]};margin-right:5px">'
                       f"</span>{TITLES[w]}</span>" for w in WORLDS)
    solara.HTML(tag="div", unsafe_innerHTML=(
        '<div class="cp-title" style="margin-top:16px">Running totals since week 0 '
        '<span class="cp-sub">(each line adds up every week so far; not weekly values)</span></div>'
        f'<div class="cp-legend">{key_html}</div><div class="cp-charts">{"".join(charts)}</div>'))


def use_band(settings) -> Band:
    """The noise band for these settings, refreshed as each background run finishes."""
    finished = solara.use_reactive(0)
    band = BANDS.band(settings)  # also queues the runs again if they were cancelled or lost

    def watch(cancelled: threading.Event):
        """Redraw as each run finishes (a paused page has no weekly redraw to show it).
        It only waits; it never queues runs, so a page that moved on to other settings does
        not keep the old ones alive. It stops itself when the settings change: Solara's
        intrusive cancel would trace every line of this thread, and the page redraw it
        triggers ran several times slower under that tracer."""
        watch_runs(BANDS.start(settings), cancelled, lambda: finished.set(finished.value + 1))

    solara.use_thread(watch, dependencies=[settings], intrusive_cancel=False)
    return band


@solara.component
def WorkshopView(workshop: Workshop):
    """The main area: laid out so a projector shows the worlds, tallies and chart at once.

    Only this component listens for a new week (update_counter) and hands the week's
    snapshot to every panel: one redraw per week, not one per panel (each redraw walks the
    page, so per-panel listening made a Step take seconds).
    """
    update_counter.get()
    snapshot = workshop.snapshot
    band = use_band(snapshot.settings)
    solara.Style(PAGE_CSS)
    with solara.Div(classes=["cp-workshop"]):
        with solara.Div(classes=["cp-grid"]):
            with solara.Div(classes=["cp-head"]):
                Guarded("The controls", ControlsBar, workshop, snapshot.week)
                Guarded("The header", Header, workshop, snapshot)
            for world in WORLDS:
                with solara.Div(classes=["cp-cell", f"cp-{world}"]):
                    Guarded(f"The {world} map", WorldPanel, workshop, snapshot, world)
            with solara.Div(classes=["cp-cell", "cp-story-panel"]):
                Guarded("The story", StoryPanel, workshop, snapshot)
            with solara.Div(classes=["cp-bottom"]):
                with solara.Div(classes=["cp-cell", "cp-tallies"]):
                    Guarded("The tallies", TalliesPanel, snapshot, band)
                with solara.Div(classes=["cp-cell", "cp-difference"]):
                    Guarded("The difference chart", DifferencePanel, workshop, snapshot, band)
        Guarded("The running totals", RunningTotals, snapshot)
