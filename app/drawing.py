"""Pictures as SVG text: where everyone is, and the running tallies as lines.

Why hand-made SVG rather than matplotlib or Altair: a picture of a few hundred dots is a
few kilobytes of text built in about a millisecond, so both worlds redraw every week while
playing, and nothing needs a plotting library in the browser.
"""
from __future__ import annotations

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
WIDTH, HEIGHT = 600, 468
# Boxes on the map: place, title, x, y, width, height.
BOXES = (
    (Location.HOME, "At home", 0, 0, 296, 286),
    (Location.HOME_WITH_CARE, "Home with care", 302, 0, 146, 140),
    (Location.CARE_HOME, "Care home", 454, 0, 146, 140),
    (Location.GP, "At the GP this week", 302, 146, 146, 140),
    (Location.AE, "A&E this week", 454, 146, 146, 140),
)
BEDS = (0, 292, 226, 108)
WAITED = (232, 292, 368, 108)
SECOND_VISITS = (0, 406, 600, 62)
KEY = (
    (PLACE_COLOURS[Location.HOME], "at home"), (PLACE_COLOURS[Location.HOME_WITH_CARE], "home with care"),
    (PLACE_COLOURS[Location.CARE_HOME], "care home"), (PLACE_COLOURS[Location.GP], "saw the GP this week"),
    (PLACE_COLOURS[Location.AE], "went to A&E this week"), (PLACE_COLOURS[Location.WARD], "in hospital, being treated"),
    (PLACE_COLOURS[Location.DELAYED], "in hospital, well enough to leave"),
    (SECOND_VISIT, "a second visitor came for the same assessment"),
)
NICE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


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


def _box(x, y, w, h, title: str, colour: str = "#333") -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="#f7f7f7" stroke="#cccccc"/>'
            f'<text x="{x + 6}" y="{y + 15}" class="t" style="fill:{colour}">{escape(title)}</text>')


def tally_scale(counts: list[float], box=WAITED, cell: float = 7.0) -> int:
    """How many to a square so the largest of `counts` fits a tally box (same for both worlds)."""
    capacity = int((box[2] - 12) // cell) * int((box[3] - 26) // cell)
    need = max(counts + [0.0]) / max(capacity, 1)
    return next((s for s in NICE_STEPS if s >= need), NICE_STEPS[-1])


def people_map(places: np.ndarray, second_visit_age: np.ndarray, followed: int | None = None, *,
               delayed_bed_days: float = 0, second_visits: float = 0, scales: tuple[int, int] = (1, 1)) -> str:
    """An SVG of everyone's place (a dot per person, a bed per hospital patient) and of the
    waste so far (a square per delayed bed day, a mark per second visit).

    Args:
        places: a Location code per person id.
        second_visit_age: weeks since each person's last duplicate visit, -1 if none recent.
        followed: a person id to ring in black.
        delayed_bed_days, second_visits: running totals, drawn as squares and marks.
        scales: days per square and visits per mark (shared by both worlds so they compare).
    """
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img" '
             'style="width:100%;height:auto;font-family:Roboto,Arial,sans-serif">'
             '<style>.t{font-size:13px;font-weight:500;fill:#333}</style>']
    ids = np.arange(len(places))
    for place, title, x, y, w, h in BOXES:
        members = ids[places == place]
        parts.append(_box(x, y, w, h, f"{title}: {len(members)}"))
        cell, cols = _grid(len(members), w - 12, h - 26)
        radius = max(1.2, cell * 0.36)
        for k, pid in enumerate(members):
            cx = x + 6 + (k % cols + 0.5) * cell
            cy = y + 22 + (k // cols + 0.5) * cell
            age = second_visit_age[pid] if pid < len(second_visit_age) else -1
            ring = ""
            if age >= 0:
                ring = (f' stroke="{SECOND_VISIT}" stroke-width="{max(1.5, radius * 0.7):.1f}" '
                        f'stroke-opacity="{1 - age / 5:.2f}"')
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" '
                         f'fill="{PLACE_COLOURS[place]}"{ring}><title>Person {pid}</title></circle>')
            if pid == followed:
                parts.append(_follow_ring(cx, cy, radius))
    parts.append(_beds(places, ids, followed))
    days_scale, visits_scale = scales
    unit = "day" if days_scale == 1 else f"{days_scale} days"
    parts.append(_tally_box(WAITED, f"Bed days held by people well enough to leave: {delayed_bed_days:,.0f}",
                            delayed_bed_days / days_scale, PLACE_COLOURS[Location.DELAYED], f"\u25a0 = {unit}"))
    unit = "visit" if visits_scale == 1 else f"{visits_scale} visits"
    parts.append(_tally_box(SECOND_VISITS, f"Second visits for the same assessment so far: {second_visits:,.0f}",
                            second_visits / visits_scale, SECOND_VISIT, f"\u25cf = {unit}", round_marks=True))
    parts.append("</svg>")
    return "".join(parts)


def _follow_ring(cx: float, cy: float, radius: float) -> str:
    return (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius + 4:.1f}" fill="none" stroke="#000" '
            'stroke-width="2.5" class="followed"/>')


def _beds(places: np.ndarray, ids: np.ndarray, followed: int | None) -> str:
    """The hospital's occupied beds: blue while being treated, orange once well enough to leave."""
    x, y, w, h = BEDS
    treated = ids[places == Location.WARD]
    waiting = ids[places == Location.DELAYED]
    parts = [_box(x, y, w, h, f"In hospital now: {len(treated) + len(waiting)} ({len(waiting)} could leave)")]
    beds = np.concatenate([treated, waiting])
    cell, cols = _grid(len(beds), w - 12, h - 26, biggest=30)
    for k, pid in enumerate(beds):
        bx = x + 6 + (k % cols) * cell
        by = y + 22 + (k // cols) * cell
        parts.append(_bed(bx, by, cell, PLACE_COLOURS[Location(places[pid])], pid))
        if pid == followed:
            parts.append(_follow_ring(bx + cell / 2, by + cell / 2, cell * 0.4))
    return "".join(parts)


def _bed(x: float, y: float, cell: float, colour: str, pid: int) -> str:
    """A bed seen from the side in a square cell: headboard, mattress in `colour`, pillow."""
    u = cell / 10
    return (f'<g><title>Person {pid}</title>'
            f'<rect x="{x + u:.1f}" y="{y + 2 * u:.1f}" width="{u:.1f}" height="{6.5 * u:.1f}" fill="#666"/>'
            f'<rect x="{x + 2 * u:.1f}" y="{y + 4.5 * u:.1f}" width="{7 * u:.1f}" height="{2.5 * u:.1f}" '
            f'rx="{0.5 * u:.1f}" fill="{colour}"/>'
            f'<rect x="{x + 2.2 * u:.1f}" y="{y + 3.4 * u:.1f}" width="{2 * u:.1f}" height="{1.2 * u:.1f}" '
            f'rx="{0.5 * u:.1f}" fill="#fff" stroke="#999" stroke-width="0.5"/>'
            f'<rect x="{x + 8.4 * u:.1f}" y="{y + 7 * u:.1f}" width="{0.6 * u:.1f}" height="{1.5 * u:.1f}" '
            f'fill="#666"/></g>')


def _tally_box(box, title: str, marks: float, colour: str, key: str, round_marks: bool = False,
               cell: float = 7.0) -> str:
    """A box that fills with one small mark per unit of waste, so a room sees it pile up."""
    x, y, w, h = box
    parts = [_box(x, y, w, h, title),
             f'<text x="{x + w - 6}" y="{y + 15}" font-size="11" fill="#666" text-anchor="end">{key}</text>']
    cols = int((w - 12) // cell)
    count = min(int(np.ceil(marks)), cols * int((h - 26) // cell))
    for k in range(count):
        mx = x + 6 + (k % cols) * cell
        my = y + 22 + (k // cols) * cell
        if round_marks:
            parts.append(f'<circle cx="{mx + cell / 2:.1f}" cy="{my + cell / 2:.1f}" r="{cell * 0.38:.1f}" '
                         f'fill="{colour}"/>')
        else:
            parts.append(f'<rect x="{mx:.1f}" y="{my:.1f}" width="{cell - 1.5:.1f}" height="{cell - 1.5:.1f}" '
                         f'fill="{colour}"/>')
    return "".join(parts)


def legend() -> str:
    """The colour key for the people maps, as HTML."""
    items = "".join(f'<span style="white-space:nowrap;margin-right:14px"><span style="display:inline-block;'
                    f'width:10px;height:10px;border-radius:50%;background:{colour};margin-right:4px"></span>'
                    f"{escape(text)}</span>" for colour, text in KEY)
    return f'<div style="font-size:13px;color:#333;line-height:1.8">{items}</div>'


def world_key(titles: dict[str, str]) -> str:
    """Which line is which world, as HTML."""
    items = "".join(f'<span style="margin-right:16px;white-space:nowrap"><span style="display:inline-block;width:18px;'
                    f'height:3px;background:{colour};vertical-align:middle;margin-right:5px"></span>'
                    f"{escape(titles[world])}</span>" for world, colour in WORLD_COLOURS.items())
    return f'<div style="font-size:13px;color:#333">{items}</div>'


def money(value: float) -> str:
    """\u00a31,234 or \u00a31.2m."""
    if abs(value) >= 1e6:
        return f"\u00a3{value / 1e6:,.2f}m"
    return f"\u00a3{value:,.0f}"


def nice_ceiling(value: float) -> float:
    """The next round number at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** np.floor(np.log10(value))
    return float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value))


def line_chart(title: str, weeks: np.ndarray, lines: dict[str, np.ndarray], is_money: bool) -> str:
    """A small chart of running totals: one line per world, weeks along the bottom."""
    w, h, left, bottom, top = 300, 170, 52, 26, 24
    plot_w, plot_h = w - left - 10, h - bottom - top
    top_value = nice_ceiling(max([float(np.max(v)) for v in lines.values() if len(v)] + [0.0]))
    last_week = max(float(weeks[-1]) if len(weeks) else 1.0, 1.0)

    def sx(week):
        return left + plot_w * week / last_week

    def sy(value):
        return top + plot_h * (1 - value / top_value)

    def label(value: float) -> str:
        if is_money:
            return money(value)
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    parts = [f'<svg viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" '
             f'style="width:100%;height:auto;font-family:Roboto,Arial,sans-serif">',
             f'<text x="4" y="15" font-size="13" font-weight="500" fill="#333">{escape(title)}</text>']
    for frac in (0, 0.5, 1):
        yy = sy(top_value * frac)
        parts.append(f'<line x1="{left}" x2="{w - 10}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e0e0e0"/>'
                     f'<text x="{left - 4}" y="{yy + 4:.1f}" font-size="10" fill="#666" '
                     f'text-anchor="end">{label(top_value * frac)}</text>')
    parts.append(f'<text x="{left}" y="{h - 6}" font-size="10" fill="#666">week 0</text>'
                 f'<text x="{w - 10}" y="{h - 6}" font-size="10" fill="#666" text-anchor="end">'
                 f'week {last_week:.0f}</text>')
    for world, values in lines.items():
        if len(values) == 0:
            continue
        points = " ".join(f"{sx(wk):.1f},{sy(v):.1f}" for wk, v in zip(weeks, values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{WORLD_COLOURS[world]}" '
                     f'stroke-width="2.2"/>')
    parts.append("</svg>")
    return "".join(parts)
