"""Parameter uncertainty: each replication draws every uncertain parameter from its range in
the parameter registry, the same draw for every arm (a probabilistic sensitivity analysis).

Why: the intervals of a plain comparison measure chance only, with lever strengths, unit
costs, siloed frictions and effect sizes fixed at their defaults, although those are the
largest unknowns. Drawing them per replication, identically in every arm (so the arms still
differ only by their arrangement), makes the spread of the replications' paired
differences include what we do not know about the world (Briggs, Claxton & Sculpher,
Decision Modelling for Health Economic Evaluation, OUP 2006, ch. 4).

Which parameters: every registry parameter with an `uncertainty` range
(`model.parameters.uncertainties()`) on which all arms agree. A parameter the arms set
differently is part of what the options are, so it keeps each arm's value (listed in the
metadata as `kept`). The registry gives a range, not a distribution shape, so each draw is
uniform over that range (the same assumption as the sweeps' Latin hypercube designs).

Reproducible: a parameter's draw depends only on the replication's seed and the parameter's
path (numpy's SeedSequence keyed by both), not on which other parameters are drawn or on
the order the runs are made.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.parameters import Parameter, uncertainties

DISTRIBUTION = "uniform over the registry's uncertainty range"
# The interval kinds the report and JSON name on every interval.
MONTE_CARLO = "Monte Carlo only"
WITH_PARAMETERS = "Monte Carlo + parameter uncertainty"


@dataclass(frozen=True)
class UncertaintyPlan:
    """The uncertain parameters to draw, and those kept because the arms set them differently."""

    drawn: tuple[Parameter, ...]
    kept: tuple[str, ...]

    @classmethod
    def for_arms(cls, arm_values: list[dict]) -> "UncertaintyPlan":
        """The plan for arms with these full parameter values (dotted path -> value)."""
        drawn, kept = [], []
        for path, param in uncertainties().items():
            values = {repr(v.get(path, param.default)) for v in arm_values}
            (drawn if len(values) == 1 else kept).append(param if len(values) == 1 else path)
        return cls(tuple(drawn), tuple(kept))

    def draw(self, seed: int) -> dict[str, float]:
        """One replication's values, by dotted path, from the replication's seed."""
        return {param.path: draw_value(param, seed) for param in self.drawn}

    def draw_for(self, seed0: int):
        """A function replication -> its draw, for a comparison whose replication r uses seed0 + r - 1."""
        return lambda replication: self.draw(seed0 + replication - 1)

    def table(self, seed0: int, replications) -> pd.DataFrame:
        """The draws as a table: one row per replication, one column per drawn parameter."""
        rows = [{"replication": int(r), "seed": seed0 + int(r) - 1, **self.draw(seed0 + int(r) - 1)}
                for r in replications]
        return pd.DataFrame(rows)

    def describe(self) -> dict:
        """For the metadata: what was drawn, how, and what was kept."""
        return {"distribution": DISTRIBUTION,
                "drawn": {p.path: list(p.uncertainty) for p in self.drawn},
                "kept": list(self.kept)}


def draw_value(param: Parameter, seed: int) -> float:
    """The parameter's value for this seed: uniform over its uncertainty range."""
    low, high = param.uncertainty
    key = zlib.crc32(param.path.encode())
    u = np.random.default_rng(np.random.SeedSequence(entropy=int(seed), spawn_key=(key,))).random()
    value = low + (high - low) * u
    return int(round(value)) if param.type is int else float(value)
