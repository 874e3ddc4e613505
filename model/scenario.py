"""Scenario files: an area (uncertainties) plus an arrangement (levers), validated on load.

A scenario is YAML with `area:` and `arrangement:` sections whose keys are the dotted paths
of `parameters.csv`. It may `extends:` another scenario, by built-in name or by a relative
path to a file in the folder tree of the file the user named (never an absolute path, `..`,
or a link out of that tree), and override a few values. Files are read with the bounded
loader (model/bounded_yaml.py). Unknown keys, wrong types and out-of-range values are
refused with a `ScenarioError` whose message is one line naming the file, the field and
what is allowed; a value is echoed only from the file or command line the user gave, never
from a file it extends. Each scenario records where every non-default value came from.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from model.bounded_yaml import read_yaml_file
from model.parameters import Parameter, defaults_tree, registry

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
META_KEYS = {"name", "description", "extends", "sources", "notes"}
MAX_SEED = 2**63 - 1


def brief(value: Any, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short so a huge value cannot flood the screen."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_seed(seed: Any, where: str = "seed") -> int:
    """A seed must be a whole number from 0 to 2**63 - 1 (larger ones would silently wrap)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ScenarioError(f"{where}: must be a whole number from 0 to 2**63 - 1, got {brief(seed)}")
    return seed


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
    value_sources: dict = field(default_factory=dict)  # dotted path -> where a non-default value came from

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

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> "Scenario":
        """A copy with some dotted-path values changed, validated like a file.

        `source` says where the values came from (e.g. "--set"); it is kept in `value_sources`.
        """
        tree = self.params.model_dump()
        set_paths(tree, overrides, origin="overrides")
        params = validate_tree(tree, origin="overrides")
        merged = {**self.overrides, **overrides}
        sources = {**self.value_sources, **{path: source for path in overrides}}
        return Scenario(self.name, self.description, params, self.sources, self.origin, merged, sources)


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


def _error_line(origin: str, err: dict, shown: bool = True) -> str:
    path = ".".join(str(p) for p in err["loc"])
    param = registry().get(path)
    got = f", got {brief(err.get('input'))}" if shown else " (the value is in a file it extends; not shown)"
    if err["type"] == "extra_forbidden":
        return f"{origin}: {path}: unknown field ({_suggest(path)})"
    if param is None:
        return f"{origin}: {path}: must be a section of fields{got}"
    return f"{origin}: {path}: must be {param.allowed}{got}"


def validate_tree(tree: dict, origin: str, hidden: set[str] = frozenset()) -> BaseModel:
    """Validate a nested parameter dict; raise ScenarioError naming the first bad field.

    Values at paths in `hidden` (or below them) came from a file the user did not name and
    are not echoed.
    """
    try:
        return parameter_schema().model_validate(tree)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        shown = not any(path == h or path.startswith(h + ".") or h.startswith(path + ".") for h in hidden)
        raise ScenarioError(_error_line(origin, err, shown)) from None


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
    data = read_yaml_file(path, origin, ScenarioError)
    if data is None:
        raise ScenarioError(f"{origin}: empty scenario file (expected a mapping with area: and arrangement: "
                            f"sections, or extends: a scenario)")
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: must be a mapping with area: and arrangement: sections")
    return data


def _is_plain_name(text: str) -> bool:
    return bool(text) and "/" not in text and "\\" not in text and text not in (".", "..")


def _parent_file(child: Path, parent: str, root: Path, origin: str) -> Path | None:
    """Where `extends: parent` points: a built-in name, or a file in `root`'s folder tree.

    Why confined: a scenario file passed around a team must not be able to read (and echo in
    an error) any other file on the machine.
    """
    relative = Path(parent)
    if relative.is_absolute() or ".." in relative.parts or relative.drive:
        raise ScenarioError(f"{origin}: extends: {brief(parent)}: must be a built-in name or a path relative to "
                            f"this file inside its folder (no absolute paths or ..)")
    candidates = [child.parent / relative]
    if relative.suffix not in (".yaml", ".yml"):
        candidates.append(child.parent / f"{parent}.yaml")
    if _is_plain_name(parent):
        candidates.append(SCENARIO_DIR / f"{parent}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            home = SCENARIO_DIR if candidate.parent == SCENARIO_DIR else root
            if not candidate.resolve().is_relative_to(home.resolve()):
                raise ScenarioError(f"{origin}: extends: {brief(parent)}: leads outside the folder of "
                                    f"{'the scenario library' if home == SCENARIO_DIR else 'the file you named'}")
            return candidate
    return None


def _leaf_paths(tree: dict, prefix: str = "") -> list[str]:
    return list(flatten(tree, prefix)) if isinstance(tree, dict) else [prefix]


def _resolve(path: Path, origin: str, seen: tuple[Path, ...], root: Path,
             named: bool = True) -> tuple[dict, dict, dict]:
    """Merge a file over what it extends; return (metadata, parameter tree, path -> file it came from).

    `named` is True for the file the user named: only its values appear in error messages.
    """
    data = _read_yaml(path, origin)
    for key in data:
        if key not in META_KEYS | {"area", "arrangement"}:
            allowed = ", ".join(sorted(META_KEYS | {"area", "arrangement"}))
            shown = f"{brief(key, 40)}: " if named else ""
            raise ScenarioError(f"{origin}: {shown}unknown top-level field (allowed: {allowed})")
    base_tree: dict = defaults_tree()
    sources: dict[str, str] = {}
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(f"{origin}: extends: must be a scenario name or path, got {brief(parent)}")
        parent_path = _parent_file(path, parent, root, origin)
        if parent_path is None:
            names = ", ".join(builtin_names())
            raise ScenarioError(f"{origin}: extends: no scenario {brief(parent)} (built-ins: {names}; "
                                f"or a path relative to this file)")
        if parent_path.resolve() in seen:
            raise ScenarioError(f"{origin}: extends: {brief(parent)} extends itself in a loop")
        parent_origin = (f"scenarios/{parent_path.name}" if parent_path.parent == SCENARIO_DIR
                         else str(parent_path))
        _, base_tree, sources = _resolve(parent_path, parent_origin, seen + (parent_path.resolve(),), root,
                                         named=False)
    params = {k: data[k] for k in ("area", "arrangement") if k in data}
    for section, value in params.items():
        if not isinstance(value, dict):
            got = f", got {brief(value)}" if named else ""
            raise ScenarioError(f"{origin}: {section}: must be a section of fields{got}")
        sources.update({leaf: origin for leaf in _leaf_paths(value, section)})
    return data, _deep_merge(base_tree, params), sources


def load_scenario(name_or_path: str | Path = "siloed", overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a built-in scenario by name, or a YAML file, then apply dotted-path overrides."""
    path = scenario_path(name_or_path)
    origin = str(name_or_path) if path.parent != SCENARIO_DIR else f"scenarios/{path.name}"
    meta, tree, value_sources = _resolve(path, origin, (path.resolve(),), path.parent)
    hidden = {leaf for leaf, source in value_sources.items() if source != origin}
    params = validate_tree(tree, origin, hidden)
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        raise ScenarioError(f"{origin}: sources: must be a list of references")
    scenario = Scenario(
        name=str(meta.get("name", path.stem)),
        description=str(meta.get("description", "")).strip(),
        params=params,
        sources=tuple(str(s) for s in sources),
        origin=origin,
        value_sources=value_sources,
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
