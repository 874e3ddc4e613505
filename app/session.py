"""A workshop session that survives a reload: its settings, week and followed person.

The page's address carries a session id (`?session=...`); what that session shows is kept
on the server under the id, in memory and as a small JSON file, so reloading the page (or
reopening the address after the laptop slept, or after the app was restarted) rebuilds the
same worlds at the same week: same settings and seed give the same numbers
(`TwinWorlds.at_week`). A stored session that cannot be read (a hand-edited file, an app
version with other levers) is set aside with a one-line message, never half-used.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.settings import WorkshopSettings

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,40}$")
STATE_DIR_VARIABLE = "CAREPATH_APP_STATE"
MAX_WEEK = 10 * 52


def default_directory() -> Path:
    """$CAREPATH_APP_STATE, or ~/.local/state/carepath/app-sessions."""
    if os.environ.get(STATE_DIR_VARIABLE):
        return Path(os.environ[STATE_DIR_VARIABLE])
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "carepath" / "app-sessions"


def new_id() -> str:
    return secrets.token_urlsafe(9)


def id_from_query(search: str | None) -> str | None:
    """The session id in a query string such as "session=abc123&x=1", if well formed."""
    for part in (search or "").split("&"):
        key, _, value = part.partition("=")
        if key == "session" and ID_PATTERN.match(value):
            return value
    return None


class SessionError(ValueError):
    """A stored session that cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class SessionState:
    """What a reload must give back."""

    settings: WorkshopSettings
    week: int = 0
    followed: int | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["settings"]["levers"] = [list(pair) for pair in self.settings.levers]
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "SessionState":
        try:
            data = json.loads(text)
            raw = data["settings"]
            known = {f.name for f in fields(WorkshopSettings)}
            unknown = set(raw) - known
            if unknown:
                raise SessionError(f"settings has unknown fields {sorted(unknown)}")
            raw["levers"] = tuple((str(p), float(v)) for p, v in raw.get("levers", ()))
            settings = WorkshopSettings.checked(**raw)
            week, followed = data.get("week", 0), data.get("followed")
        except SessionError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as problem:
            raise SessionError(f"not a saved session ({problem})") from None
        if not isinstance(week, int) or not 0 <= week <= MAX_WEEK:
            raise SessionError(f"week must be a whole number from 0 to {MAX_WEEK}, got {week!r}")
        if followed is not None and (not isinstance(followed, int) or followed < 0):
            raise SessionError(f"followed must be a person number (0 or more) or null, got {followed!r}")
        return cls(settings=settings, week=week, followed=followed)


class SessionStore:
    """Sessions by id: memory first, a JSON file each so a restarted app still knows them."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else default_directory()
        self._memory: dict[str, SessionState] = {}
        self._lock = threading.Lock()

    def _path(self, session_id: str) -> Path:
        if not ID_PATTERN.match(session_id):
            raise SessionError(f"session id {session_id!r}: letters, digits, - and _ only, 6 to 40 of them")
        return self.directory / f"{session_id}.json"

    def load(self, session_id: str) -> SessionState | None:
        """The stored session, None if there is none; SessionError if it cannot be read."""
        path = self._path(session_id)
        with self._lock:
            if session_id in self._memory:
                return self._memory[session_id]
        if not path.is_file():
            return None
        try:
            state = SessionState.from_json(path.read_text())
        except SessionError as problem:
            raise SessionError(f"{path}: {problem}") from None
        with self._lock:
            self._memory[session_id] = state
        return state

    def save(self, session_id: str, state: SessionState) -> None:
        """Keep the session; the file is replaced whole (never left half-written)."""
        path = self._path(session_id)
        with self._lock:
            if self._memory.get(session_id) == state:
                return
            self._memory[session_id] = state
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{threading.get_ident()}.tmp")
            partial.write_text(state.to_json())
            partial.replace(path)
        except OSError:
            pass  # a read-only disk loses only the after-restart copy; memory still has it


STORE = SessionStore()
