"""Figures show as a notebook cell's value, with no `%matplotlib inline` first.

Why: carepath's plots are `matplotlib.figure.Figure` objects made without pyplot (so they
work headless and in threads). IPython only knows how to show a Figure once a matplotlib
backend has been selected; in a fresh kernel it prints `<Figure size 640x400>` instead.
Registering a PNG formatter for Figure with the running IPython shell, when there is one,
makes the figure itself the cell's output, as docs/analysis.md promises.
"""
from __future__ import annotations

import sys


def _png(figure) -> bytes:
    from IPython.core.pylabtools import print_figure

    return print_figure(figure, fmt="png", bbox_inches="tight")


def show_figures_in_notebooks() -> bool:
    """Register the PNG formatter with the running IPython shell; False when there is none."""
    if "IPython" not in sys.modules:  # not in IPython or Jupyter: nothing to do, and no import cost
        return False
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, _png)
    return True
