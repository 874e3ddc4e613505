"""Experiment files: a base scenario, the parameters to vary, a design, and the run settings.

An experiment is YAML, validated on load like a scenario file: unknown fields, wrong types
and impossible values are refused with an `ExperimentError` whose message is one line naming
the file, the field and what is allowed (the CLI prints it and exits with status 2, before
anything is run or written). See docs/experiments.md for the fields, and
experiments/integration_sensitivity.yaml for an example.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.errors import ExperimentError
from model.bounded_yaml import read_yaml_file
from model.scenario import MAX_SEED, Scenario, ScenarioError, brief

EXPERIMENT_DIR = Path(__file__).resolve().parent
METHODS = ("grid", "latin", "sobol", "morris")
# The name becomes the default output folder's name, so it must be a plain name, not a path.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
MAX_DESIGN_SEED = 2**32 - 1  # what numpy's legacy seeding (used by some SALib samplers) accepts


_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ParameterRange(BaseModel):
    """How one parameter varies: a range (low, high) or a list of values."""

    model_config = _STRICT
    low: float | None = None
    high: float | None = None
    values: list[Any] | None = Field(None, min_length=1)
    steps: int | None = Field(None, ge=2)
    arm: Literal["both", "A", "B"] | None = None


class DesignSpec(BaseModel):
    """Which points of the parameter space to run."""

    model_config = _STRICT
    method: Literal["grid", "latin", "sobol", "morris"]
    samples: int | None = Field(None, ge=1)
    seed: int = Field(0, ge=0, le=MAX_DESIGN_SEED)
    second_order: bool = False
    levels: int = Field(4, ge=2)


class PrecisionSpec(BaseModel):
    """Add replications per point until the B - A interval is narrow enough (compare --precision)."""

    model_config = _STRICT
    target: float = Field(gt=0, lt=1)
    max_replications: int = Field(100, ge=2, le=10_000)


class ExperimentSpec(BaseModel):
    """An experiment file's fields."""

    model_config = _STRICT
    name: str = Field(pattern=NAME_PATTERN)
    description: str = ""
    sources: list[str] = []
    base: str
    compare: str | None = None
    parameters: dict[str, ParameterRange] = Field(min_length=1)
    design: DesignSpec
    replications: int = Field(1, ge=1)
    precision: PrecisionSpec | None = None
    years: int = Field(5, ge=1, le=50)
    patients: int | None = Field(None, ge=10)  # None: the scenario's own area.population.patients
    seed: int = Field(1, ge=0, le=MAX_SEED)
    seeds: Literal["common", "independent"] = "common"
    overrides: dict[str, Any] = {}
    outputs: list[str] = Field(["cost_total", "emergency_admissions"], min_length=1)


_MODELS = {"": ExperimentSpec, "design": DesignSpec, "parameters.*": ParameterRange, "precision": PrecisionSpec}


@dataclass(frozen=True)
class Varied:
    """One varied parameter, checked against the registry."""

    path: str
    kind: type
    low: float | None
    high: float | None
    values: tuple | None
    steps: int | None
    arms: frozenset[str]

    def bounds(self) -> list[float]:
        """The sampling interval SALib sees: the range, or [0, n) over the list's indices."""
        return [0.0, float(len(self.values))] if self.values is not None else [self.low, self.high]

    def apply(self, x: float) -> Any:
        """The value a run uses for a sample `x` from `bounds()`."""
        if self.values is not None:
            return self.values[min(int(x), len(self.values) - 1)]
        if self.kind is int:
            return int(round(x))
        return float(x)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: its fields, its resolved scenarios and its varied parameters."""

    spec: ExperimentSpec
    origin: str
    text: str
    base: Scenario
    compare: Scenario | None
    varied: tuple[Varied, ...]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def arms(self) -> tuple[str, ...]:
        return ("A", "B") if self.compare is not None else ("A",)

    def fingerprint(self) -> str:
        """A hash of everything that decides the runs' numbers (not the description)."""
        unused = set() if self.spec.precision is not None else {"precision"}  # older sweeps keep their hash
        fields = self.spec.model_dump(mode="json", exclude={"description", "sources", "name"} | unused)
        fields["base_hash"] = self.base.content_hash()
        fields["compare_hash"] = self.compare.content_hash() if self.compare is not None else None
        text = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def experiment_path(name_or_path: str | Path) -> Path:
    """The file for an experiment name in experiments/, or the given path."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return candidate
    return EXPERIMENT_DIR / f"{name_or_path}.yaml"


def _fields_of(loc: tuple, models: dict) -> list[str]:
    if len(loc) <= 1:
        key = ""
    elif f"{loc[0]}.*" in models:
        key = f"{loc[0]}.*"
    else:
        key = str(loc[0])
    model = models.get(key)
    return list(model.model_fields) if model else []


def _error_line(origin: str, err: dict, models: dict | None = None) -> str:
    """One line for a pydantic error: the file, the field, and what is allowed there.

    `models` maps a field's place ("" for the top level, "design", "parameters.*") to its
    pydantic model, to list the allowed fields; experiment files' by default."""
    loc = err["loc"]
    where = ".".join(str(p) for p in loc)
    kind, got, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"{origin}: {where}: unknown field (allowed: {', '.join(_fields_of(loc, models or _MODELS))})"
    if kind == "missing":
        return f"{origin}: {where}: required field is missing"
    if kind == "literal_error":
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"{origin}: {where}: must be one of {allowed}, got {brief(got)}"
    words = {"int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
             "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
             "string_type": "text", "dict_type": "a mapping of fields", "list_type": "a list",
             "model_type": "a mapping of fields"}
    if kind in words:
        return f"{origin}: {where}: must be {words[kind]}, got {brief(got)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt")))
        word = {"greater_than_equal": "at least", "less_than_equal": "at most", "greater_than": "above"}[kind]
        return f"{origin}: {where}: must be {word} {bound}, got {brief(got)}"
    if kind == "too_short":
        return f"{origin}: {where}: must not be empty"
    if kind == "string_pattern_mismatch" and loc == ("name",):
        return (f"{origin}: name: must be a plain name (letters, digits, _ - and ., up to 100 characters; "
                f"it names the output folder, so not a path), got {brief(got)}")
    return f"{origin}: {where}: {err['msg'][0].lower()}{err['msg'][1:]}, got {brief(got)}"


def _read(path: Path, origin: str, missing: str | None = None) -> tuple[dict, str]:
    """A YAML mapping and its text; one-line errors for a missing, malformed or non-mapping file."""
    if not path.is_file():
        if missing:
            raise ExperimentError(f"{origin}: {missing}")
        names = ", ".join(sorted(p.stem for p in EXPERIMENT_DIR.glob("*.yaml"))) or "none"
        raise ExperimentError(f"{origin}: no such experiment file (built-in experiments: {names})")
    data = read_yaml_file(path, origin, ExperimentError)
    if data is None:
        expected = "its fields" if missing else "base:, parameters: and design: fields"
        raise ExperimentError(f"{origin}: empty experiment file (expected {expected})")
    if not isinstance(data, dict):
        what = "fields" if missing else "base:, parameters: and design: fields"
        raise ExperimentError(f"{origin}: must be a mapping with {what}")
    return data, path.read_text(encoding="utf-8")


def _scenario(value: str, folder: Path, origin: str, field: str, changes: dict) -> Scenario:
    """base: or compare: as a built-in name or a file in the experiment file's folder tree."""
    from model.api import resolve

    candidate = Path(value)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ExperimentError(f"{origin}: {field}: {brief(value)}: must be a built-in scenario name or a path "
                              f"relative to this file inside its folder (no absolute paths or ..)")
    if (folder / candidate).is_file() or candidate.suffix in {".yaml", ".yml"}:
        target = folder / candidate
        if target.exists() and not target.resolve().is_relative_to(folder.resolve()):
            raise ExperimentError(f"{origin}: {field}: {brief(value)}: leads outside this file's folder")
        value = str(target)
    try:
        return resolve(value, changes, sources=("experiment overrides", "experiment patients"))
    except ScenarioError as exc:
        raise ExperimentError(f"{origin}: {field}: {exc}") from None


def _strip(message: str) -> str:
    return message.removeprefix("overrides: ")


def _check_parameter(path: str, rng: ParameterRange, exp: ExperimentSpec, base: Scenario, origin: str) -> Varied:
    from model.parameters import registry

    where = f"{origin}: parameters.{path}"
    param = registry().get(path)
    if param is None:
        close = difflib.get_close_matches(path, registry().keys(), n=1)
        hint = f"did you mean {close[0]}?" if close else "see docs/parameters.md"
        raise ExperimentError(f"{where}: unknown parameter ({hint})")
    if path in exp.overrides:
        raise ExperimentError(f"{where}: also fixed in overrides; vary it or fix it, not both")
    has_range = rng.low is not None or rng.high is not None
    if has_range == (rng.values is not None):
        raise ExperimentError(f"{where}: give either low and high, or values (a list)")
    if has_range:
        if rng.low is None or rng.high is None:
            raise ExperimentError(f"{where}: give both low and high")
        if param.type not in (int, float):
            raise ExperimentError(f"{where}: a text parameter takes values: [...] ({param.allowed}), not a range")
        if not rng.low < rng.high:
            raise ExperimentError(f"{where}: low ({rng.low:g}) must be below high ({rng.high:g})")
        for name, value in (("low", rng.low), ("high", rng.high)):
            outside = (param.low is not None and value < param.low) or (param.high is not None and value > param.high)
            if outside:
                raise ExperimentError(f"{where}.{name}: {value:g} is outside the allowed range ({param.allowed})")
    else:
        for value in rng.values:
            try:
                base.with_overrides({path: value})
            except ScenarioError as exc:
                raise ExperimentError(f"{where}.values: {_strip(str(exc)).removeprefix(path + ': ')}") from None
    grid = exp.design.method == "grid"
    if rng.steps is not None and not (grid and has_range):
        raise ExperimentError(f"{where}.steps: only for a grid design with low and high")
    if grid and has_range and rng.steps is None:
        raise ExperimentError(f"{where}: a grid design needs steps: (how many values from low to high) or values:")
    if exp.compare is None:
        if rng.arm == "B":
            raise ExperimentError(f"{where}.arm: B needs a compare: scenario (this experiment has one arm)")
        arms = frozenset({"A"})
    else:
        default = "B" if path.startswith("arrangement.") else "both"
        arm = rng.arm or default
        arms = frozenset({"A", "B"}) if arm == "both" else frozenset({arm})
    values = tuple(rng.values) if rng.values is not None else None
    return Varied(path, param.type, rng.low, rng.high, values, rng.steps, arms)


def _check_design(exp: ExperimentSpec, origin: str) -> None:
    design = exp.design
    where = f"{origin}: design"
    if design.method == "grid":
        if design.samples is not None:
            raise ExperimentError(f"{where}.samples: a grid runs every combination; remove samples")
        return
    if design.samples is None:
        what = {"latin": "points", "sobol": "base samples N (a power of 2)", "morris": "trajectories"}
        raise ExperimentError(f"{where}.samples: required for {design.method} ({what[design.method]})")
    if design.method == "sobol" and design.samples & (design.samples - 1):
        below = 1 << (design.samples.bit_length() - 1)
        raise ExperimentError(f"{where}.samples: must be a power of 2 for Sobol sampling, got {design.samples} "
                              f"(try {below} or {below * 2})")
    if design.method == "morris" and design.samples < 2:
        raise ExperimentError(f"{where}.samples: Morris needs at least 2 trajectories, got {design.samples}")
    if design.method in ("sobol", "morris") and len(exp.parameters) < 2:
        raise ExperimentError(f"{origin}: parameters: {design.method} needs at least 2 varied parameters")


def _check_outputs(exp: ExperimentSpec, origin: str) -> None:
    from model.tally import DETAIL_COUNTS, METRICS

    for index, name in enumerate(exp.outputs):
        if name not in METRICS and name not in DETAIL_COUNTS:
            raise ExperimentError(f"{origin}: outputs.{index}: unknown metric {name!r} "
                                  f"(one of {', '.join(METRICS)}, or a detail count)")


def parse_experiment(data: dict, origin: str, folder: Path, text: str = "") -> Experiment:
    """Validate an experiment's fields (already read from YAML) and resolve its scenarios."""
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(_error_line(origin, exc.errors()[0])) from None
    _check_design(spec, origin)
    _check_outputs(spec, origin)
    if spec.patients is not None and "area.population.patients" in spec.overrides:
        raise ExperimentError(f"{origin}: patients: also set in overrides as area.population.patients; give one")
    if spec.seeds == "common" and spec.seed + spec.replications - 1 > MAX_SEED:
        raise ExperimentError(f"{origin}: seed: replications use seeds seed to seed + replications - 1, which "
                              f"must stay at most 2**63 - 1")
    if spec.precision is not None:
        if spec.compare is None:
            raise ExperimentError(f"{origin}: precision: needs a compare: scenario (it narrows the B - A interval)")
        if spec.precision.max_replications < max(spec.replications, 3):
            raise ExperimentError(f"{origin}: precision.max_replications: must be at least the starting "
                                  f"replications ({max(spec.replications, 3)}), got {spec.precision.max_replications}")
    changes = dict(spec.overrides)
    if spec.patients is not None:
        changes["area.population.patients"] = spec.patients
    base = _scenario(spec.base, folder, origin, "base", changes)
    compare = _scenario(spec.compare, folder, origin, "compare", changes) if spec.compare else None
    varied = tuple(_check_parameter(path, rng, spec, base, origin) for path, rng in spec.parameters.items())
    return Experiment(spec, origin, text, base, compare, varied)


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Load and validate an experiment file (or a name of one in experiments/)."""
    path = experiment_path(name_or_path)
    origin = str(name_or_path)
    data, text = _read(path, origin)
    return parse_experiment(data, origin, path.parent, text)
