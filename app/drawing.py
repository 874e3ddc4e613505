"""Pictures as SVG text: where everyone is, and the running tallies as lines.

Why hand-made SVG rather than matplotlib or Altair: a picture of a few hundred dots is a
few kilobytes of text built in about a millisecond, so both worlds redraw every week while
playing, and nothing needs a plotting library in the browser.
"""
from __future__ import annotations

import re
from html import escape

import numpy as np

from model.population import Location

WORLD_COLOURS = {"siloed": "#8c510a", "integrated": "#01665e"}
PLACE_COLOURS = {
    Location.HOME: "#9fb3d1", Location.HOME_WITH_CARE: "#4daf4a", Location.GP: "#984ea3",
    Location.AE: "#e41a1c", Location.WARD: "#377eb8", Location.DELAYED: "#ff7f00",
    Location.CARE_HOME: "#a65628",
}
SECOND_VISIT = "#d6006f"
WIDTH, HEIGHT = 600, 404
TITLE_SIZE = 20  # in map units; a map is drawn 450-750 px wide, so 15-25 px on screen
# Boxes on the map: place, short title (the legend explains it), x, y, width, height.
BOXES = (
    (Location.HOME, "At home", 0, 0, 292, 206),
    (Location.HOME_WITH_CARE, "With care", 298, 0, 148, 100),
    (Location.CARE_HOME, "Care home", 452, 0, 148, 100),
    (Location.GP, "At the GP", 298, 106, 148, 100),
    (Location.AE, "A&E", 452, 106, 148, 100),
)
BEDS = (0, 212, 292, 128)
WAITED = (298, 212, 302, 128)
SECOND_VISITS = (0, 346, 600, 58)
KEY = (
    (PLACE_COLOURS[Location.HOME], "at home"), (PLACE_COLOURS[Location.HOME_WITH_CARE], "home with care"),
    (PLACE_COLOURS[Location.CARE_HOME], "care home"), (PLACE_COLOURS[Location.GP], "saw the GP this week"),
    (PLACE_COLOURS[Location.AE], "went to A&E this week"), (PLACE_COLOURS[Location.WARD], "in hospital, being treated"),
    (PLACE_COLOURS[Location.DELAYED], "in hospital, well enough to leave"),
    (SECOND_VISIT, "a second visitor came for the same assessment"),
)
NICE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
MAP_CSS = (".t{font-size:%dpx;font-weight:600;fill:#222}.k{font-size:14px;fill:#555}"
           ".cp-movers *{pointer-events:visiblePainted}.mv{animation:cp-move var(--t) ease-in-out}"
           "@keyframes cp-move{from{transform:translate(var(--dx),var(--dy))}}") % TITLE_SIZE


def _grid(count: int, width: float, height: float, biggest: float = 14.0) -> tuple[float, int]:
    """Cell size and columns to fit `count` equal cells in a box."""
    if count == 0:
        return biggest, 1
    cell = min(biggest, float(np.sqrt(width * height / count)))
    while cell > 2:
        cols = max(1, int(width // cell))
        if np.ceil(count / cols) * cell <= height:
            return cell, cols
        cell -= 0.25
    return 2.0, max(1, int(width // 2))


def _box(x, y, w, h, title: str, colour: str = "#222") -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="#f7f7f7" stroke="#bbbbbb"/>'
            f'<text x="{x + 6}" y="{y + TITLE_SIZE + 2}" class="t" style="fill:{colour}">{escape(title)}</text>')


def tally_scale(counts: list[float], box=WAITED, cell: float = 7.0) -> int:
    """How many to a square so the largest of `counts` fits a tally box (same for both worlds)."""
    capacity = int((box[2] - 12) // cell) * int((box[3] - TITLE_SIZE - 12) // cell)
    need = max(counts + [0.0]) / max(capacity, 1)
    return next((s for s in NICE_STEPS if s >= need), NICE_STEPS[-1])


def layout(places: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each person is drawn: (x, y, size) per person id; NaN for the dead.

    Deterministic, and people are placed in id order within a place, so someone who stays
    put moves at most a little, and someone who changes place travels a visible distance.
    Hospital patients get bed-sized cells; everyone else a dot.
    """
    n = len(places)
    x, y, size = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n)
    ids = np.arange(n)
    top = TITLE_SIZE + 8
    for place, _, bx, by, w, h in BOXES:
        members = ids[places == place]
        cell, cols = _grid(len(members), w - 12, h - top - 4)
        k = np.arange(len(members))
        x[members] = bx + 6 + (k % cols + 0.5) * cell
        y[members] = by + top + (k // cols + 0.5) * cell
        size[members] = cell
    bx, by, w, h = BEDS
    beds = np.concatenate([ids[places == Location.WARD], ids[places == Location.DELAYED]])
    cell, cols = _grid(len(beds), w - 12, h - top - 4, biggest=30)
    k = np.arange(len(beds))
    x[beds] = bx + 6 + (k % cols + 0.5) * cell
    y[beds] = by + top + (k // cols + 0.5) * cell
    size[beds] = cell
    return x, y, size


def people_map(places: np.ndarray, second_visit_age: np.ndarray, followed: int | None = None, *,
               previous_places: np.ndarray | None = None, move_seconds: float = 0.5,
               delayed_bed_days: float = 0, second_visits: float = 0, scales: tuple[int, int] = (1, 1)) -> str:
    """An SVG of everyone's place (a dot per person, a bed per hospital patient) and of the
    waste so far (a square per delayed bed day, a mark per second visit).

    Args:
        places: a Location code per person id.
        second_visit_age: weeks since each person's last duplicate visit, -1 if none recent.
        followed: a person id to ring in black.
        previous_places: last week's places; whoever was drawn elsewhere glides from there
            (a CSS animation of `move_seconds`, so the room sees people move; 0: no gliding).
        delayed_bed_days, second_visits: running totals, drawn as squares and marks.
        scales: days per square and visits per mark (shared by both worlds so they compare).
    """
    parts = ['<div class="cp-map" style="position:relative;width:100%;height:100%">'
             f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img" '
             'style="width:100%;height:100%;font-family:Roboto,Arial,sans-serif">'
             f"<style>{MAP_CSS}</style>"]
    for place, title, bx, by, w, h in BOXES:
        parts.append(_box(bx, by, w, h, f"{title} {int((places == place).sum())}"))
    treated, waiting = int((places == Location.WARD).sum()), int((places == Location.DELAYED).sum())
    parts.append(_box(*BEDS, f"Hospital {treated + waiting} ({waiting} could leave)"))
    x, y, size = layout(places)
    # Only people who changed place glide (from last week's spot), and not the week's GP
    # visitors going to and from home: the moves a room should see (to A&E, into a bed,
    # home with care, into a care home) stay visible, and the browser repaints a few dozen
    # moving dots, not hundreds (animating every shifted dot cost about a second a week).
    moved = np.zeros(len(places), bool)
    px, py = x, y
    if previous_places is not None and len(previous_places):
        px, py, _ = layout(previous_places)
        grown = len(places) - len(previous_places)
        px, py = (np.concatenate([a, np.full(grown, np.nan)]) for a in (px, py))
        before = np.concatenate([previous_places, np.full(grown, -1)])
        routine = np.isin(before, (Location.HOME, Location.GP)) & np.isin(places, (Location.HOME, Location.GP))
        moved = (before != places) & ~routine & ~np.isnan(px)
    still, moving = _people(places, second_visit_age, followed, x, y, size, px - x, py - y,
                            moved & (move_seconds > 0), move_seconds)
    parts.extend(still)
    days_scale, visits_scale = scales
    unit = "day" if days_scale == 1 else f"{days_scale} days"
    parts.append(_tally_box(WAITED, f"Waiting to leave {delayed_bed_days:,.0f} days",
                            delayed_bed_days / days_scale, PLACE_COLOURS[Location.DELAYED], f"\u25a0 = {unit}"))
    unit = "visit" if visits_scale == 1 else f"{visits_scale} visits"
    parts.append(_tally_box(SECOND_VISITS, f"Second visits for the same assessment {second_visits:,.0f}",
                            second_visits / visits_scale, SECOND_VISIT, f"\u25cf = {unit}", round_marks=True))
    parts.append("</svg>")
    # Whoever glides is drawn on a second, small picture laid exactly over the first: the
    # browser then repaints a few dozen dots each frame of the glide, not the whole map
    # (gliding inside the one big picture cost about 0.3 s a map a week at 1,000 people).
    parts.append(f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" class="cp-movers" '
                 'style="position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none">'
                 f'{"".join(moving)}</svg></div>')
    return "".join(parts)


def _people(places, second_visit_age, followed, x, y, size, dx, dy, moving,
            move_seconds) -> tuple[list[str], list[str]]:
    """A dot (or a bed) per living person, with the followed person's ring:
    (those staying put, those gliding from last week's place).

    Why one path per colour for the plain dots: the browser styles, lays out and paints
    each SVG element on its own, and a thousand dots as a thousand circles took it about
    0.1 s a map each week (0.05 s as a few paths, measured in chromium at 1,000 people).
    Each plain dot is a zero-length stroke with a round end; the path lists its people in
    `data-people`, in the order of its dots. Whoever stands out (a bed, a second-visit
    ring, the followed person, a glider) is still an element of its own, named on hover.

    Why lists, not numpy scalars: at 1,000 people a loop over numpy elements took about
    0.1 s a map, most of a Step; the same text from Python lists takes a few milliseconds."""
    alive = np.flatnonzero(~np.isnan(x))
    ages = np.full(len(places), -1.0)
    known = min(len(places), len(second_visit_age))
    ages[:known] = second_visit_age[:known]
    radius = np.maximum(1.2, size * 0.36)
    in_bed = np.isin(places, (Location.WARD, Location.DELAYED))
    colours = {int(place): colour for place, colour in PLACE_COLOURS.items()}
    motion_css = f"--t:{move_seconds:.2f}s"
    still, gliding = [], []
    plain: dict[tuple[int, float], tuple[list[str], list[str]]] = {}  # (place, radius): (dots, ids)
    for pid, place, cx, cy, cell, r, age, bed, mdx, mdy, moves in zip(
            alive.tolist(), places[alive].tolist(), x[alive].tolist(), y[alive].tolist(), size[alive].tolist(),
            radius[alive].tolist(), ages[alive].tolist(), in_bed[alive].tolist(), dx[alive].tolist(),
            dy[alive].tolist(), moving[alive].tolist()):
        if not (bed or moves or age >= 0 or pid == followed):
            dots, ids = plain.setdefault((place, round(r, 1)), ([], []))
            dots.append(f"M{cx:.1f} {cy:.1f}h0")
            ids.append(str(pid))
            continue
        motion = f' class="mv" style="--dx:{mdx:.1f}px;--dy:{mdy:.1f}px;{motion_css}"' if moves else ""
        parts = gliding if moves else still
        if bed:
            parts.append(_bed(cx, cy, cell, colours[place], pid, motion))
            ring_radius = cell * 0.4
        else:
            ring = ""
            if age >= 0:
                ring = (f' stroke="{SECOND_VISIT}" stroke-width="{max(1.5, r * 0.7):.1f}" '
                        f'stroke-opacity="{1 - age / 5:.2f}"')
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" '
                         f'fill="{colours[place]}"{ring}{motion}><title>Person {pid}</title></circle>')
            ring_radius = r
        if pid == followed:
            parts.append(f'<g{motion}>{_follow_ring(cx, cy, ring_radius)}</g>')
    plain_paths = [f'<path d="{"".join(dots)}" stroke="{colours[place]}" stroke-width="{2 * r:.1f}" '
                   f'stroke-linecap="round" data-people="{" ".join(ids)}"/>'
                   for (place, r), (dots, ids) in plain.items()]
    return plain_paths + still, gliding


def people_drawn(svg: str) -> list[int]:
    """Who a map draws, in the order drawn: the people named in its plain-dot paths and
    the people drawn as elements of their own (for checks and tests)."""
    named = re.findall(r'data-people="([\d ]*)"', svg)
    return [int(pid) for ids in named for pid in ids.split()] + [int(pid) for pid in re.findall(r"<title>Person (\d+)</title>", svg)]


def _follow_ring(cx: float, cy: float, radius: float) -> str:
    return (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius + 4:.1f}" fill="none" stroke="#000" '
            'stroke-width="3" class="followed"/>')


def _bed(cx: float, cy: float, cell: float, colour: str, pid: int, motion: str = "") -> str:
    """A bed seen from the side, centred on (cx, cy): headboard, mattress in `colour`, pillow."""
    x, y, u = cx - cell / 2, cy - cell / 2, cell / 10
    return (f'<g{motion}><title>Person {pid}</title>'
            f'<rect x="{x + u:.1f}" y="{y + 2 * u:.1f}" width="{u:.1f}" height="{6.5 * u:.1f}" fill="#555"/>'
            f'<rect x="{x + 2 * u:.1f}" y="{y + 4.5 * u:.1f}" width="{7 * u:.1f}" height="{2.5 * u:.1f}" '
            f'rx="{0.5 * u:.1f}" fill="{colour}"/>'
            f'<rect x="{x + 2.2 * u:.1f}" y="{y + 3.4 * u:.1f}" width="{2 * u:.1f}" height="{1.2 * u:.1f}" '
            f'rx="{0.5 * u:.1f}" fill="#fff" stroke="#999" stroke-width="0.5"/>'
            f'<rect x="{x + 8.4 * u:.1f}" y="{y + 7 * u:.1f}" width="{0.6 * u:.1f}" height="{1.5 * u:.1f}" '
            f'fill="#555"/></g>')


def _tally_box(box, title: str, marks: float, colour: str, key: str, round_marks: bool = False,
               cell: float = 7.0) -> str:
    """A box that fills with one small mark per unit of waste, so a room sees it pile up."""
    x, y, w, h = box
    top = TITLE_SIZE + 8
    parts = [_box(x, y, w, h, title),
             f'<text x="{x + w - 6}" y="{y + h - 6}" class="k" text-anchor="end">{key}</text>']
    cols = int((w - 12) // cell)
    count = min(int(np.ceil(marks)), cols * int((h - top - 4) // cell))
    columns, rows = np.arange(count) % cols, np.arange(count) // cols
    for mx, my in zip((x + 6 + columns * cell).tolist(), (y + top + rows * cell).tolist()):
        if round_marks:
            parts.append(f'<circle cx="{mx + cell / 2:.1f}" cy="{my + cell / 2:.1f}" r="{cell * 0.38:.1f}" '
                         f'fill="{colour}"/>')
        else:
            parts.append(f'<rect x="{mx:.1f}" y="{my:.1f}" width="{cell - 1.5:.1f}" height="{cell - 1.5:.1f}" '
                         f'fill="{colour}"/>')
    return "".join(parts)


def legend() -> str:
    """The colour key for the people maps, as HTML."""
    items = "".join(f'<span class="cp-key"><span class="cp-swatch" style="background:{colour}"></span>'
                    f"{escape(text)}</span>" for colour, text in KEY)
    return f'<div class="cp-legend">{items}</div>'


def money(value: float) -> str:
    """\u00a31,234 or \u00a31.2m."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}\u00a3{value / 1e6:,.2f}m"
    return f"{sign}\u00a3{value:,.0f}"


def nice_ceiling(value: float) -> float:
    """The next round number at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** np.floor(np.log10(value))
    return float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value))


def ticks(low: float, high: float, whole: bool) -> list[float]:
    """Three to six round tick values covering [low, high]; whole numbers only if `whole`
    (a count of people never shows half a person)."""
    span = max(high - low, 1.0 if whole else 1e-9)
    step = nice_ceiling(span / 4) if span / 4 > 1 else next(s for s in (0.1, 0.2, 0.25, 0.5, 1.0) if s >= span / 4)
    if whole:
        step = max(1.0, float(np.ceil(step)))
    first = np.floor(low / step) * step
    values = [float(first)]
    while values[-1] < high - step * 1e-9 or len(values) < 2:
        values.append(values[-1] + step)
    return values


def _week_label(week: float) -> str:
    return f"week {week:.0f}" if week < 52 or week % 52 else f"year {week / 52:.0f}"


class _Axes:
    """Scales from data to picture units for a chart of weeks against values."""

    def __init__(self, w, h, left, right, top, bottom, last_week, tick_values):
        self.w, self.h, self.left, self.right, self.top, self.bottom = w, h, left, right, top, bottom
        self.last_week = max(float(last_week), 1.0)
        self.low, self.high = tick_values[0], tick_values[-1]
        self.tick_values = tick_values

    def x(self, week):
        return self.left + (self.w - self.left - self.right) * week / self.last_week

    def y(self, value):
        span = (self.high - self.low) or 1.0
        return self.top + (self.h - self.top - self.bottom) * (1 - (value - self.low) / span)

    def points(self, weeks, values) -> str:
        """SVG "x,y x,y ..." for a line; scaled as whole arrays (a call per point took tens
        of milliseconds a chart at year 5)."""
        xs = self.x(np.asarray(weeks, dtype=float)).tolist()
        ys = self.y(np.asarray(values, dtype=float)).tolist()
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))

    def grid(self, label) -> str:
        parts = []
        for value in self.tick_values:
            yy = self.y(value)
            stroke = "#888" if value == 0 else "#e3e3e3"
            parts.append(f'<line x1="{self.left}" x2="{self.w - self.right}" y1="{yy:.1f}" y2="{yy:.1f}" '
                         f'stroke="{stroke}"/><text x="{self.left - 5}" y="{yy + 5:.1f}" class="a" '
                         f'text-anchor="end">{label(value)}</text>')
        parts.append(f'<text x="{self.left}" y="{self.h - 6}" class="a">week 0</text>'
                     f'<text x="{self.w - self.right}" y="{self.h - 6}" class="a" text-anchor="end">'
                     f"{_week_label(self.last_week)}</text>")
        return "".join(parts)


CHART_CSS = ".a{font-size:14px;fill:#444}.h{font-size:16px;font-weight:600;fill:#222}"


def _value_label(is_money: bool):
    def label(value: float) -> str:
        if is_money:
            return money(value)
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return label


def line_chart(title: str, weeks: np.ndarray, lines: dict[str, np.ndarray], is_money: bool) -> str:
    """A small chart of running totals: one line per world (integrated dashed, so two equal
    lines still show as two), weeks along the bottom."""
    top_value = max([float(np.max(v)) for v in lines.values() if len(v)] + [0.0])
    axes = _Axes(320, 180, 62, 10, 28, 24, weeks[-1] if len(weeks) else 1,
                 ticks(0.0, top_value, whole=True))  # pounds and people: whole numbers
    parts = [f'<svg viewBox="0 0 {axes.w} {axes.h}" xmlns="http://www.w3.org/2000/svg" '
             f'style="width:100%;height:auto;font-family:Roboto,Arial,sans-serif"><style>{CHART_CSS}</style>',
             f'<text x="4" y="18" class="h">{escape(title)}</text>', axes.grid(_value_label(is_money))]
    for world, values in lines.items():
        if len(values) == 0:
            continue
        points = axes.points(weeks, values)
        dash = ' stroke-dasharray="7 5"' if world != "siloed" else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{WORLD_COLOURS[world]}" '
                     f'stroke-width="2.6"{dash}/>')
    parts.append("</svg>")
    return "".join(parts)


def difference_chart(weeks: np.ndarray, difference: np.ndarray, band_low: np.ndarray | None,
                     band_high: np.ndarray | None, is_money: bool, band_weeks: np.ndarray | None = None) -> str:
    """Integrated minus siloed over time: the live run as a line, the background runs as a
    grey band, zero as a darker line. Below zero, integration has less of it.

    Args:
        weeks, difference: the live run, week by week.
        band_low, band_high: the lowest and highest difference across the background runs
            at `band_weeks` (None while none has finished).
    """
    values = [float(np.min(difference)), float(np.max(difference)), 0.0]
    if band_low is not None and len(band_low):
        values += [float(np.min(band_low)), float(np.max(band_high))]
    last_week = max(float(weeks[-1]) if len(weeks) else 1.0, 1.0)
    # Drawn about 330-700 px wide: a 420-unit-wide picture keeps its 14-unit labels at 11-23 px.
    axes = _Axes(420, 200, 74, 10, 10, 24, last_week, ticks(min(values), max(values), whole=True))  # pounds and people: whole
    parts = [f'<svg viewBox="0 0 {axes.w} {axes.h}" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'style="width:100%;height:100%;font-family:Roboto,Arial,sans-serif"><style>{CHART_CSS}</style>']
    if band_low is not None and band_weeks is not None and len(band_weeks):
        upper = axes.points(band_weeks, band_high)
        lower = axes.points(band_weeks[::-1], band_low[::-1])
        parts.append(f'<polygon points="{upper} {lower}" fill="#9e9e9e" fill-opacity="0.35" class="band"/>')
    parts.append(axes.grid(_value_label(is_money)))
    if len(weeks):
        points = axes.points(weeks, difference)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{WORLD_COLOURS["integrated"]}" '
                     'stroke-width="3" class="live"/>')
    parts.append("</svg>")
    return "".join(parts)
