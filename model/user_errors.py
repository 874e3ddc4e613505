"""What a user is told when a scenario or a seed will not do, without loading pydantic or numpy.

Why a module of its own: the command line needs these to build its parser and report a
mistake, and `carepath run --help` should not wait for the scenario schema to be built
(model/scenario.py re-exports them, so either import gives the same class).
"""
from __future__ import annotations

MAX_SEED = 2**63 - 1


def years_text(value: float) -> str:
    """'1 year', '2 years', '1.5 years'."""
    return f"{value:g} year" + ("" if value == 1 else "s")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line for the user.

    `lines` holds every error found (one line each, for `carepath validate`); the message is
    the first, saying how many more there are.
    """

    def __init__(self, message: str, lines: list[str] | None = None):
        self.lines = list(lines) if lines else [message]
        more = len(self.lines) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''}: carepath validate lists them all)" if more else ""
        super().__init__(self.lines[0] + suffix)
