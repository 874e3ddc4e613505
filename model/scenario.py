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
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from model.area_units import (MODEL_PRICE_YEAR, AreaUnitsError, derive, from_model_prices, is_price, read_local,
                              to_model_prices)
from model.parameters import Parameter, defaults_tree, registry
from model.user_errors import MAX_SEED, ScenarioError, years_text
from model.wording import brief

if TYPE_CHECKING:
    from pydantic import BaseModel

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
META_KEYS = {"name", "label", "description", "extends", "sources", "notes"}
TOP_LEVEL = META_KEYS | {"local", "area", "arrangement"}


def check_seed(seed: Any, where: str = "seed") -> int:
    """A seed must be a whole number from 0 to 2**63 - 1 (larger ones would silently wrap)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ScenarioError(f"{where}: must be a whole number from 0 to 2**63 - 1, got {brief(seed)}")
    return seed


# pydantic and PyYAML are imported where a scenario is first validated or read, not at the
# top: `carepath --help`, a sweep's coordinator and `import model.api` need neither
# (docs/performance.md, import time).


def _field_for(param: Parameter):
    from pydantic import Field

    if param.choices:
        return (Literal[param.choices], Field(param.default))
    constraints = {}
    if param.low is not None:
        constraints["ge"] = param.low
    if param.high is not None:
        constraints["le"] = param.high
    return (param.type, Field(param.default, strict=True, **constraints))


def _build_section(name: str, tree: dict, prefix: str) -> type[BaseModel]:
    from pydantic import ConfigDict, Field, create_model

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
    label: str = ""  # a plain name for titles ("Fully integrated"); the name if the file gives none
    file: str = ""  # the file's absolute path, or "" for a built-in scenario (a name reproduces it)
    local: dict = field(default_factory=dict)  # the `local:` section, money in the model's prices
    template: str = ""  # the description as written, placeholders and all (refilled after overrides)

    @property
    def title(self) -> str:
        return self.label or self.name

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
        description = (render_description(self.template, flatten(params.model_dump()), self.origin)
                       if self.template else self.description)
        return replace(self, params=params, overrides=merged, value_sources=sources, description=description)


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


def _error_line(origin: str, err: dict, shown: bool = True, priced: dict | None = None) -> str:
    path = ".".join(str(p) for p in err["loc"])
    param = registry().get(path)
    got = f", got {brief(err.get('input'))}" if shown else " (the value is in a file it extends; not shown)"
    if err["type"] == "extra_forbidden":
        return f"{origin}: {path}: unknown field ({_suggest(path)})"
    if param is None:
        return f"{origin}: {path}: must be a section of fields{got}"
    if priced and path in priced and shown:
        original, year = priced[path]
        low, high = (f"{from_model_prices(v, year):,.0f}" for v in (param.low, param.high))
        return (f"{origin}: {path}: must be {param.allowed} in {MODEL_PRICE_YEAR} prices, which is {low} to "
                f"{high} in {year} prices (local.price_year), got {brief(original)}")
    return f"{origin}: {path}: must be {param.allowed}{got}"


def tree_errors(tree: dict, origin: str, hidden: set[str] = frozenset(),
                priced: dict | None = None) -> tuple[BaseModel | None, list[str]]:
    """Validate a nested parameter dict: (the parameters, []) or (None, one line per bad field).

    Values at paths in `hidden` (or below them) came from a file the user did not name and
    are not echoed. `priced` maps paths given in a file's own price year to (value, year).
    """
    from pydantic import ValidationError

    try:
        return parameter_schema().model_validate(tree), []
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"])
            shown = not any(path == h or path.startswith(h + ".") or h.startswith(path + ".") for h in hidden)
            lines.append(_error_line(origin, err, shown, priced))
        return None, lines


def validate_tree(tree: dict, origin: str, hidden: set[str] = frozenset()) -> BaseModel:
    """Validate a nested parameter dict; raise ScenarioError listing every bad field."""
    params, lines = tree_errors(tree, origin, hidden)
    if lines:
        raise ScenarioError(lines[0], lines) from None
    return params


def scenario_path(name_or_path: str | Path) -> Path:
    """The file for a built-in scenario name, or the given path."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return candidate
    return SCENARIO_DIR / f"{name_or_path}.yaml"


def _read_yaml(path: Path, origin: str) -> dict:
    from model.bounded_yaml import read_yaml_file

    if not path.is_file():
        raise ScenarioError(f"{origin}: no such scenario file or built-in name ({_nearest_scenario(origin)})")
    data = read_yaml_file(path, origin, ScenarioError)
    if data is None:
        raise ScenarioError(f"{origin}: empty scenario file (expected a mapping with area: and arrangement: "
                            f"sections, or extends: a scenario)")
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: must be a mapping with area: and arrangement: sections")
    return data


def _nearest_scenario(typed: str) -> str:
    """'did you mean integrated?' for a mistyped built-in name, else where to look."""
    import difflib

    stem = Path(typed).stem if typed.endswith((".yaml", ".yml")) else typed
    close = difflib.get_close_matches(stem, builtin_names(), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return "carepath scenarios lists the built-in names"


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


@dataclass
class _Resolved:
    """A file merged over what it extends."""

    meta: dict
    tree: dict
    sources: dict  # dotted path -> the file it came from
    local: dict = field(default_factory=dict)  # the merged `local:` section, money in model prices
    local_sources: dict = field(default_factory=dict)  # local field -> the file it came from
    priced: dict = field(default_factory=dict)  # path -> (value as written, price year), named file only
    problems: list = field(default_factory=list)  # the named file's errors, every one
    chain: list = field(default_factory=list)  # the files, least specific (the furthest parent) first


def _resolve(path: Path, origin: str, seen: tuple[Path, ...], root: Path, named: bool = True) -> _Resolved:
    """Merge a file over what it extends, money moved to the model's price year.

    `named` is True for the file the user named: only its values appear in error messages,
    and its errors are collected (`problems`) rather than raised one at a time.
    """
    data = _read_yaml(path, origin)
    problems = []
    for key in data:
        if key not in TOP_LEVEL:
            allowed = ", ".join(sorted(TOP_LEVEL))
            shown = f"{brief(key, 40)}: " if named else ""
            problems.append(f"{origin}: {shown}unknown top-level field (allowed: {allowed})")
    resolved = _Resolved(data, defaults_tree(), {})
    if "extends" in data:
        parent = data["extends"]
        if not isinstance(parent, str):
            raise ScenarioError(f"{origin}: extends: must be a scenario name or path, got {brief(parent)}")
        parent_path = _parent_file(path, parent, root, origin)
        if parent_path is None:
            raise ScenarioError(f"{origin}: extends: no scenario {brief(parent)} ({_nearest_scenario(parent)}; "
                                f"or a path relative to this file)")
        if parent_path.resolve() in seen:
            raise ScenarioError(f"{origin}: extends: {brief(parent)} extends itself in a loop")
        parent_origin = (f"scenarios/{parent_path.name}" if parent_path.parent == SCENARIO_DIR
                         else str(parent_path))
        parent_resolved = _resolve(parent_path, parent_origin, seen + (parent_path.resolve(),), root, named=False)
        if parent_resolved.problems:
            lines = parent_resolved.problems
            raise ScenarioError(lines[0], lines)
        resolved = _Resolved(data, parent_resolved.tree, parent_resolved.sources, parent_resolved.local,
                             parent_resolved.local_sources, chain=parent_resolved.chain)
    own_local = {}
    if "local" in data:
        own_local, lines = read_local(data["local"], origin, named)
        problems += lines
    price_year = own_local.get("price_year", MODEL_PRICE_YEAR)
    params = {}
    for section in ("area", "arrangement"):
        if section not in data:
            continue
        value = data[section]
        if not isinstance(value, dict):
            got = f", got {brief(value)}" if named else ""
            problems.append(f"{origin}: {section}: must be a section of fields{got}")
            continue
        params[section] = _in_model_prices(value, section, price_year, resolved.priced if named else {})
        resolved.sources.update({leaf: origin for leaf in _leaf_paths(value, section)})
    resolved.tree = _deep_merge(resolved.tree, params)
    for key, value in _local_in_model_prices(own_local, price_year).items():
        resolved.local[key] = value
        resolved.local_sources[key] = origin
    resolved.problems = problems
    resolved.chain = [*resolved.chain, origin]
    if problems and not named:
        raise ScenarioError(problems[0], problems)
    return resolved


def _in_model_prices(section: dict, prefix: str, price_year: str, priced: dict) -> dict:
    """A copy of a file's section with its prices (£ per something) moved to the model's price year."""
    if price_year == MODEL_PRICE_YEAR:
        return section
    out = {}
    for key, value in section.items():
        path = f"{prefix}.{key}"
        if isinstance(value, dict):
            out[key] = _in_model_prices(value, path, price_year, priced)
        elif is_price(path) and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = to_model_prices(float(value), price_year)
            priced[path] = (value, price_year)
        else:
            out[key] = value
    return out


def _local_in_model_prices(local: dict, price_year: str) -> dict:
    out = {k: v for k, v in local.items() if k != "price_year"}
    if "council_adult_social_care_budget_m" in out:
        out["council_adult_social_care_budget_m"] = to_model_prices(out["council_adult_social_care_budget_m"],
                                                                    price_year)
    if out.get("team_costs"):
        out["team_costs"] = {team: to_model_prices(cost, price_year) for team, cost in out["team_costs"].items()}
    return out


def _apply_local(resolved: _Resolved, params: BaseModel, origin: str) -> tuple[dict, list[str]]:
    """Set the parameters a `local:` section gives (docs/areas.md); return (path -> source, errors)."""
    if not resolved.local:
        return {}, []
    try:
        derived = derive(resolved.local, params, default_scenario())
    except AreaUnitsError as exc:
        field_name = str(exc).split(":")[0].removeprefix("local.").split(".")[0]
        return {}, [f"{resolved.local_sources.get(field_name, origin)}: {exc}"]
    problems, sources = [], {}
    for path, (local_field, value) in derived.items():
        top = local_field.split(".")[0]
        where = resolved.local_sources.get(top, origin)
        explicit = resolved.sources.get(path)
        if explicit == where:
            problems.append(f"{where}: local.{local_field}: also sets {path}, which this file sets too; "
                            f"give one of them")
            continue
        if explicit in resolved.chain and resolved.chain.index(explicit) > resolved.chain.index(where):
            continue  # a file extending the one with `local:` set this value itself: the more specific wins
        param = registry()[path]
        if param.low is not None and not param.low <= value <= param.high:
            shown = f"{value:,.4g}" if isinstance(value, float) else f"{value:,}"
            problems.append(f"{where}: local.{local_field}: gives {path} = {shown}, which must be {param.allowed} "
                            f"(docs/areas.md shows the conversion)")
            continue
        set_paths(resolved.tree, {path: value}, origin)
        sources[path] = f"{where} (local.{local_field})"
    return sources, problems


_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)(?::([^{}]*))?\}")


def render_description(text: str, values: dict[str, Any], origin: str) -> str:
    """A description with `{dotted.path}` or `{dotted.path:format}` filled from the settings.

    The format is Python's (`:g`, `:.0%`) or `:years` ("1 year", "2.5 years"). Why: a
    description that states lever values from the file itself cannot disagree with it.
    """
    def fill(match: re.Match) -> str:
        path, spec = match.group(1), match.group(2) or ""
        if path not in values:
            raise ScenarioError(f"{origin}: description: {{{path}}}: unknown parameter ({_suggest(path)})")
        try:
            if spec == "years":
                return years_text(values[path])
            return format(values[path], spec)
        except (ValueError, TypeError):
            raise ScenarioError(f"{origin}: description: {{{path}:{spec}}}: not a format for "
                                f"{brief(values[path])}") from None
    return _PLACEHOLDER.sub(fill, text)


def load_scenario(name_or_path: str | Path = "siloed", overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a built-in scenario by name, or a YAML file, then apply dotted-path overrides.

    Every error in the file the user named is found before any is raised: the ScenarioError
    carries them all in `lines` (one line each).
    """
    path = scenario_path(name_or_path)
    origin = str(name_or_path) if path.parent != SCENARIO_DIR else f"scenarios/{path.name}"
    resolved = _resolve(path, origin, (path.resolve(),), path.parent)
    hidden = {leaf for leaf, source in resolved.sources.items() if source != origin}
    params, lines = tree_errors(resolved.tree, origin, hidden, resolved.priced)
    problems = resolved.problems + lines
    value_sources = dict(resolved.sources)
    if params is not None and not problems:
        derived, local_problems = _apply_local(resolved, params, origin)
        problems += local_problems
        if derived and not problems:
            params = validate_tree(resolved.tree, origin, hidden)
            value_sources.update(derived)
    meta = resolved.meta
    sources = meta.get("sources") or []
    if not isinstance(sources, list):
        problems.append(f"{origin}: sources: must be a list of references")
    if problems:
        raise ScenarioError(problems[0], problems)
    values = flatten(params.model_dump())
    template = str(meta.get("description", "")).strip()
    scenario = Scenario(
        name=str(meta.get("name", path.stem)),
        description=render_description(template, values, origin),
        template=template,
        params=params,
        sources=tuple(str(s) for s in sources),
        origin=origin,
        value_sources=value_sources,
        label=str(meta.get("label", "")).strip(),
        file="" if path.parent == SCENARIO_DIR else str(path.resolve()),
        local=dict(resolved.local),
    )
    return scenario.with_overrides(overrides) if overrides else scenario


def default_scenario() -> Scenario:
    """The registry's defaults, which are the siloed arrangement."""
    return Scenario("defaults", "registry defaults", validate_tree(defaults_tree(), "<defaults>"))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def list_scenarios() -> dict[str, str]:
    """Built-in scenario names with the first line of their description (settings filled in)."""
    out = {}
    for name in builtin_names():
        description = load_scenario(name).description
        out[name] = description.splitlines()[0] if description else ""
    return out


def resolve(scenario: str | Path | Scenario, overrides: dict[str, Any] | None = None,
            patients: int | None = None, sources: tuple[str, str] = ("overrides", "patients")) -> Scenario:
    """A Scenario from a name, a file or a Scenario, with overrides and a population size.

    `patients=None` keeps the scenario's own population. An explicit `overrides` value of
    area.population.patients wins over `patients` (the more specific setting). `sources`
    labels where overrides and patients came from in the scenario's `value_sources`
    (the CLI passes ("--set", "--patients")).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if patients is not None and "area.population.patients" not in (overrides or {}):
        sc = sc.with_overrides({"area.population.patients": patients}, source=sources[1])
    return sc.with_overrides(overrides, source=sources[0]) if overrides else sc
