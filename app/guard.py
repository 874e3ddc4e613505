"""A per-panel error boundary: a panel that fails shows one line; the rest of the page works.

Why: one panel's bug (or a model change the app did not expect) once replaced the whole
page with a traceback mid-workshop. Here the failure is caught at the panel, written to the
server log in full for whoever fixes it, and the panel tries again at the next week.
"""
from __future__ import annotations

import logging

import solara
from mesa.visualization.utils import update_counter

LOG = logging.getLogger("carepath.app")


@solara.component
def Guarded(name: str, panel, *args, **kwargs):
    """Render `panel(*args, **kwargs)` (a Solara component); on an error, one line instead.

    It does not subscribe to the week itself (peek): a panel that changes weekly redraws
    on its own, and the sidebar's cards must not be rebuilt every week while playing."""
    week = update_counter.peek()
    exception, clear = solara.use_exception()

    def retry_next_week():
        if exception is not None:
            clear()

    solara.use_effect(retry_next_week, [week])
    solara.use_memo(lambda: exception is not None and LOG.error("panel %r failed", name, exc_info=exception),
                    [exception])
    if exception is not None:
        first_line = (str(exception).strip().splitlines() or [""])[0][:160]
        solara.Error(f"{name} could not be drawn this week ({type(exception).__name__}: {first_line}). "
                     "The rest of the page still works; it tries again next week.",
                     dense=True, classes=["cp-panel-error"])
        return
    panel(*args, **kwargs)
