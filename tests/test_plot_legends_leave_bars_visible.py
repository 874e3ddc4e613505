"""The legends of "Duplicate visits by type" and "Delayed bed days by cause" sit outside the
plotting area: no legend covers a bar or the number printed above it."""
from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from analysis import plots
from analysis.load import example_comparison


@pytest.fixture(scope="module")
def comparison():
    return example_comparison(patients=300, years=2, replications=2)


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.slow  # a small real comparison, then two figures laid out
@pytest.mark.parametrize("draw", [plots.duplicate_visits, plots.delayed_bed_days])
def test_no_legend_covers_a_bar_or_its_label(comparison, draw):
    fig = draw(comparison)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lays the figure out as it is saved into the report
    renderer = canvas.get_renderer()
    checked = 0
    for ax in fig.axes:
        legend = ax.get_legend()
        assert legend is not None
        box = legend.get_window_extent(renderer)
        assert box.y1 <= ax.get_window_extent(renderer).y0 + 1, "the legend is inside the plotting area"
        for artist in ax.get_children():
            if isinstance(artist, Rectangle) and artist is not ax.patch and artist.get_height() > 0:
                assert not overlaps(box, artist.get_window_extent(renderer)), "a legend covers a bar"
                checked += 1
            elif isinstance(artist, Annotation):
                assert not overlaps(box, artist.get_window_extent(renderer)), "a legend covers a bar's label"
    assert checked > 0
