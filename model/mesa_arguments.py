"""The model's constructor arguments the Mesa way: a scenario name or file, plain keyword
parameters and Mesa's `rng`, as `mesa.batch_run` passes them.

    CarePathModel(scenario="integrated", patients=300, years=1, rng=7,
                  **{"arrangement.joint_assessment.strength": 0.5})

Why here: the constructor keeps its own call (a validated Scenario, seed, years); this turns
the other forms into that call, validated the same way as `carepath run --set`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from model.scenario import Scenario, ScenarioError, brief, check_seed, resolve

DEFAULT_SEED = 1  # a model made without a seed is still reproducible: the same numbers every time


def model_arguments(config, scenario, seed, rng, patients, overrides, dotted: dict[str, Any]) -> tuple[Scenario, int]:
    """The validated Scenario and the integer seed a model is built from.

    `config` (positional, the original argument) and `scenario` are the same thing under two
    names; either may be a Scenario, a built-in name or a YAML path (default "siloed").
    `seed` and Mesa's `rng` are the same too; it must be a whole number, because the model's
    random streams are derived from one integer (model/randomness.py), and None means 1.
    """

    if config is not None and scenario is not None:
        raise ScenarioError("CarePathModel: give the scenario once (config or scenario), not both")
    chosen = scenario if scenario is not None else config
    if chosen is None:
        chosen = "siloed"
    if not isinstance(chosen, (Scenario, str, Path)):
        raise ScenarioError(f"CarePathModel: scenario must be a Scenario, a built-in name or a YAML file path, "
                            f"got {brief(chosen)}")
    if seed is not None and rng is not None:
        raise ScenarioError("CarePathModel: give seed or rng, not both")
    chosen_seed = check_seed(DEFAULT_SEED if seed is None and rng is None else (seed if seed is not None else rng),
                             "rng" if rng is not None else "seed")
    changes = {**(overrides or {}), **dotted}
    if isinstance(chosen, Scenario) and not changes and patients is None:
        return chosen, chosen_seed  # the original call: used as given
    return resolve(chosen, changes or None, patients), chosen_seed
