"""ExperimentError, importable without pydantic (the command line reports it; experiments/spec.py raises it)."""
from __future__ import annotations

from model.user_errors import ScenarioError


class ExperimentError(ScenarioError):
    """An experiment that cannot be run; the message is one line for the user."""
