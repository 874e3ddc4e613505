"""Designs: which points of the parameter space a sweep runs (grid, Latin hypercube, Sobol, Morris).

A design is a matrix `samples` (one row per point, one column per varied parameter) in the
units SALib sees (`Varied.bounds()`), plus the values each point's runs use
(`Varied.apply()`: rounded for whole-number parameters, picked from the list for `values:`).
Sampling is seeded by `design.seed`, so the same file always gives the same points.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from experiments.spec import Experiment, ExperimentError

# A sweep writes a part file per run and a design row per point; past this it is refused
# before anything is allocated (docs/experiments.md, "Known limits").
MAX_RUNS = 1_000_000


@dataclass(frozen=True)
class Design:
    problem: dict  # SALib's problem: num_vars, names, bounds
    samples: np.ndarray  # points x parameters, in `problem` units
    method: str

    @property
    def points(self) -> int:
        return len(self.samples)


def problem_of(experiment: Experiment) -> dict:
    return {"num_vars": len(experiment.varied), "names": [v.path for v in experiment.varied],
            "bounds": [v.bounds() for v in experiment.varied]}


def _grid_axis(varied) -> list[float]:
    if varied.values is not None:
        return [i + 0.5 for i in range(len(varied.values))]  # the middle of each value's slot
    return list(np.linspace(varied.low, varied.high, varied.steps))


def planned_points(experiment: Experiment) -> int:
    """How many points the design will have, computed without building it."""
    spec = experiment.spec.design
    dims = len(experiment.varied)
    if spec.method == "grid":
        return math.prod(len(v.values) if v.values is not None else v.steps for v in experiment.varied)
    if spec.method == "sobol":
        return spec.samples * ((2 * dims + 2) if spec.second_order else (dims + 2))
    if spec.method == "morris":
        return spec.samples * (dims + 1)
    return spec.samples


def check_size(experiment: Experiment) -> int:
    """The number of runs; refuse (one line, naming it) a design beyond MAX_RUNS."""
    runs = planned_points(experiment) * experiment.spec.replications
    if runs > MAX_RUNS:
        raise ExperimentError(f"{experiment.origin}: design asks for {runs:,} runs (points x replications); "
                              f"the limit is {MAX_RUNS:,} a sweep: lower design.samples, steps or replications")
    return runs


def build_design(experiment: Experiment) -> Design:
    """The design matrix for an experiment (deterministic given the file)."""
    check_size(experiment)
    spec = experiment.spec.design
    problem = problem_of(experiment)
    if spec.method == "grid":
        samples = np.array(list(itertools.product(*(_grid_axis(v) for v in experiment.varied))), dtype=float)
    elif spec.method == "latin":
        from SALib.sample import latin

        samples = latin.sample(problem, spec.samples, seed=spec.seed)
    elif spec.method == "sobol":
        from SALib.sample import sobol

        samples = sobol.sample(problem, spec.samples, calc_second_order=spec.second_order, seed=spec.seed)
    else:
        from SALib.sample.morris import sample as morris_sample

        samples = morris_sample(problem, spec.samples, num_levels=spec.levels, seed=spec.seed)
    return Design(problem, np.asarray(samples, dtype=float), spec.method)


def point_values(experiment: Experiment, row: np.ndarray) -> dict[str, object]:
    """The parameter values one design point's runs use, by dotted path."""
    return {v.path: v.apply(x) for v, x in zip(experiment.varied, row)}
