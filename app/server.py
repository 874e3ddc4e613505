"""The workshop page: `solara run app.server` (or `carepath app`) serves `Page`.

Each browser session renders its own `Page`, so each gets its own settings and its own
TwinWorlds: two people in a room never step each other's worlds (a model built at module
level would be shared by every session). The address carries a session id
(`?session=...`); reloading it brings back the same week, settings and followed person
(app/session.py).
"""
from __future__ import annotations

import solara

from app.components import WorkshopView
from app.session import STORE, SessionError, SessionState, id_from_query, new_id
from app.settings import WorkshopSettings
from app.offline import keep_offline
from app.sidebar import WorkshopSidebar
from app.workshop import Workshop

keep_offline()  # Solara imports this module before it serves a page: no CDN downloads from here on

TITLE = "carepath \u2014 the same people, siloed and integrated"


def _start(session_id: str) -> tuple[SessionState, str]:
    """The stored session, or a fresh one (with a line saying why, if the stored one is unusable)."""
    try:
        stored = STORE.load(session_id)
    except SessionError as problem:
        return SessionState(WorkshopSettings.from_preset()), f"The saved session could not be used: {problem}"
    return (stored or SessionState(WorkshopSettings.from_preset())), ""


@solara.component
def Page():
    router = solara.use_router()
    found = id_from_query(router.search)
    # The id is fixed for the life of the page; the address is (re)written until it shows it
    # (the browser's first report of its address can arrive after the first push).
    session_id = solara.use_memo(lambda: found or new_id(), [])

    def put_id_in_address():
        if found != session_id:
            router.push(f"{router.path or '/'}?session={session_id}")

    solara.use_effect(put_id_in_address, [found])

    def build() -> Workshop:
        start, problem = _start(session_id)
        workshop = Workshop(session_id, start)
        workshop.message.set(problem)
        workshop.save()
        return workshop

    workshop = solara.use_memo(build, [])
    solara.Title(TITLE)
    with solara.AppBarTitle():
        solara.Text(TITLE)
    WorkshopSidebar(workshop)
    WorkshopView(workshop)
