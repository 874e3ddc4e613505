"""How a value is shown in a one-line error message, shared by scenario checks and area
conversions (model/scenario.py, model/area_units.py)."""
from __future__ import annotations

from typing import Any


def brief(value: Any, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short so a huge value cannot flood the screen."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
