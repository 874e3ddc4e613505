"""Scenario files: an area (uncertainties) plus an arrangement (levers), validated on load.

A scenario is YAML with `area:` and `arrangement:` sections whose keys are the dotted paths
of `parameters.csv`. It may `extends:` another scenario (by built-in name or relative
path) and override a few values. Unknown keys, wrong types and out-of-range values are
refused with a `ScenarioError` whose message is one line naming the file, the field and
what is allowed.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from model.parameters import Parameter, defaults_tree, registry

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
META_KEYS = {"name", "description", "extends", "sources", "notes"}


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line for the user."""


def _field_for(param: Parameter):
    if param.choices:
        return (Literal[param.choices], Field(param.default))
    constraints = {}
    if param.low is not None:
        constraints["ge"] = param.low
    if param.high is not None:
        constraints["le"] = param.high
    return (param.type, Field(param.default, strict=True, **constraints))


def _build_section(name: str, tree: dict, prefix: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            sub = _build_section(f"{name}_{key}", value, path)
            fields[key] = (sub, Field(default_factory=sub))
        else:
            fields[key] = _field_for(registry()[path])
    config = ConfigDict(extra="forbid", frozen=True)
    return create_model(name.title().replace("_", ""), __config__=config, **fields)


@cache
def parameter_schema() -> type[BaseModel]:
    """The pydantic model of a scenario's parameters, generated from the registry."""
    return _build_section("Parameters", defaults_tree(), "")


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its metadata and its parameters (`.area`, `.arrangement`)."""

    name: str
    description: str
    params: BaseModel
    sources: tuple[str, ...] = ()
    origin: str = "<defaults>"
    overrides: dict = field(default_factory=dict)

    @property
    def area(self):
        return self.params.area

    @property
    def arrangement(self):
        return self.params.arrangement

    def values(self) -> dict[str, Any]:
        """Every parameter's value by dotted path."""
        return flatten(self.params.model_dump())

    def content_hash(self) -> str:
        """A short hash of every parameter value: the same numbers give the same hash."""
        text = json.dumps(self.values(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_overrides(self, overrides: dict[str, Any]) -> "Scenario":
        """A copy with some dotted-path values changed, validated like a file."""
        tree = self.params.model_dump()
        set_paths(tree, overrides, origin="overrides")
        params = validate_tree(tree, origin="overrides")
        merged = {**self.overrides, **overrides}
        return Scenario(self.name, self.description, params, self.sources, self.origin, merged)


def flatten(tree: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


def set_paths(tree: dict, values: dict[str, Any], origin: str) -> None:
    """Set dotted-path values in a nested dict, refusing paths the registry does not know."""
    known = registry()
    for path, value in values.items():
        if path not in known:
            raise ScenarioError(f"{origin}: {path}: unknown parameter ({_suggest(path)})")
        node = tree
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value


def _suggest(path: str) -> str:
    import difflib

    close = difflib.get_close_matches(path, registry().keys(), n=1)
    return f"did you mean {close[0]}?" if close else "see docs/parameters.md"


def _deep_merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _error_line(origin: str, err: dict) -> str:
    path = ".".join(str(p) for p in err["loc"])
    param = registry().get(path)
    got = err.get("input")
    if err["type"] == "extra_forbidden":
        return f"{origin}: {path}: unknown field ({_suggest(path)})"
    if param is None:
        return f"{origin}: {path}: must be a section of fields, got {got!r}"
    return f"{origin}: {path}: must be {param.allowed}, got {got!r}"


def validate_tree(tree: dict, origin: str) -> BaseModel:
    """Validate a nested parameter dict; raise ScenarioError naming the first bad field."""
    try:
        return parameter_schema().model_validate(tree)
    except ValidationError as exc:
        raise ScenarioError(_error_line(origin, exc.errors()[0])) from None


def scenario_path(name_or_path: str | Path) -> Path:
    """The file for a built-in scenario name, or the given path."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name_or_path}.yaml"


def _read_yaml(path: Path, origin: str) -> dict:
    if not path.is_file():
        names = ", ".join(sorted(builtin_names()))
        raise ScenarioError(f"{origin}: no such scenario file or built-in name (built-ins: {names})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ScenarioError(f"{origin}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: must be a mapping with area: and arrangement: sections")
    return data


def _parent_file(child: Path, parent: str) -> Path | None:
    """Where `extends: parent` points: a file beside the child, or a built-in scenario."""
    for candidate in (child.parent / parent, child.parent / f"{parent}.yaml", SCENARIO_DIR / f"{parent}.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _resolve(path: Path, origin: str, seen: tuple[Path, ...]) -> tuple[dict, dict]:
    """Merge a file over what it extends; return (metadata, parameter tree)."""
    data = _read_yaml(path, origin)
    for key in data:
        if key not in META_KEYS | {"area", "arrangement"}:
            allowed = ", ".join(sorted(META_KEYS | {"area", "arrangement"}))
            raise ScenarioError(f"{origin}: {key}: unknown top-level field (allowed: {allowed})")
    base_tree: dict = defaults_tree()
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(f"{origin}: extends: must be a scenario name or path, got {parent!r}")
        parent_path = _parent_file(path, parent)
        if parent_path is None:
            names = ", ".join(builtin_names())
            raise ScenarioError(f"{origin}: extends: no scenario {parent!r} (built-ins: {names}; "
                                f"or a path relative to this file)")
        if parent_path.resolve() in seen:
            raise ScenarioError(f"{origin}: extends: {parent!r} extends itself in a loop")
        _, base_tree = _resolve(parent_path, str(parent_path), seen + (parent_path.resolve(),))
    params = {k: data[k] for k in ("area", "arrangement") if k in data}
    for section, value in params.items():
        if not isinstance(value, dict):
            raise ScenarioError(f"{origin}: {section}: must be a section of fields, got {value!r}")
    return data, _deep_merge(base_tree, params)


def load_scenario(name_or_path: str | Path = "siloed", overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a built-in scenario by name, or a YAML file, then apply dotted-path overrides."""
    path = scenario_path(name_or_path)
    origin = str(name_or_path) if path.parent != SCENARIO_DIR else f"scenarios/{path.name}"
    meta, tree = _resolve(path, origin, (path.resolve(),))
    params = validate_tree(tree, origin)
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        raise ScenarioError(f"{origin}: sources: must be a list of references")
    scenario = Scenario(
        name=str(meta.get("name", path.stem)),
        description=str(meta.get("description", "")).strip(),
        params=params,
        sources=tuple(str(s) for s in sources),
        origin=origin,
    )
    return scenario.with_overrides(overrides) if overrides else scenario


def default_scenario() -> Scenario:
    """The registry's defaults, which are the siloed arrangement."""
    return Scenario("defaults", "registry defaults", validate_tree(defaults_tree(), "<defaults>"))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def list_scenarios() -> dict[str, str]:
    """Built-in scenario names with the first line of their description."""
    out = {}
    for name in builtin_names():
        data = _read_yaml(scenario_path(name), name)
        out[name] = str(data.get("description", "")).strip().splitlines()[0] if data.get("description") else ""
    return out
