"""Property: whatever YAML document or bytes a scenario or experiment file holds, loading it
gives a valid result or a one-line refusal (ScenarioError), never a traceback, in bounded memory."""
import tempfile
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.spec import load_experiment
from model.parameters import registry
from model.scenario import Scenario, ScenarioError, builtin_names, load_scenario

PATHS = sorted(registry())
FOLDER = Path(tempfile.mkdtemp(prefix="carepath-hypothesis-"))
MEMORY_LIMIT = 32 * 2**20

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["all", "dementia", "siloed", "../x", "/etc/passwd"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)


@st.composite
def parameter_sections(draw):
    """area:/arrangement: sections built from real parameter paths, with any values."""
    tree: dict = {}
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=6, unique=True)):
        *parents, leaf = path.split(".")
        node = tree
        for key in parents:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            node[leaf] = draw(values)
    return tree


scenario_documents = st.builds(
    lambda sections, meta: {**sections, **meta},
    parameter_sections(),
    st.fixed_dictionaries({}, optional={"name": values, "description": values, "sources": values,
                                        "extends": st.sampled_from([*builtin_names(), "nope", "../siloed", "/tmp/x",
                                                                    "sub/../../x.yaml", "s.yaml"]) | values}))

experiment_documents = st.fixed_dictionaries(
    {"name": st.sampled_from(["ok", "../../x", "/abs/dir", "a b"]) | values,
     "base": st.sampled_from(["siloed", "integrated", "nope", "../s.yaml"]) | values},
    optional={"compare": st.sampled_from(["integrated", "/etc/passwd"]) | values,
              "parameters": st.dictionaries(st.sampled_from(PATHS) | st.text(max_size=8),
                                            st.fixed_dictionaries({}, optional={"low": values, "high": values,
                                                                                "values": values, "steps": values,
                                                                                "arm": values}) | values,
                                            max_size=3),
              "design": st.fixed_dictionaries({"method": st.sampled_from(["grid", "latin", "sobol", "morris"]) | values},
                                              optional={"samples": values, "seed": values}) | values,
              "replications": values, "years": values, "patients": values, "seed": values, "seeds": values,
              "overrides": values, "outputs": values})


def documents(structured):
    dumped = structured.map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8"))
    return dumped | st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8"))


def load_within_bounds(load, content: bytes, name: str):
    path = FOLDER / name
    path.write_bytes(content)
    tracemalloc.start()
    try:
        try:
            result = load(path)
        except ScenarioError as exc:
            message = str(exc)
            assert "\n" not in message and len(message) < 1000, message[:2000]
            assert message.startswith(str(path)), message
            result = None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak / 2**20:.1f} MiB"
    return result


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(documents(scenario_documents))
def test_any_scenario_file_loads_or_is_refused_in_one_line(content):
    result = load_within_bounds(load_scenario, content, "s.yaml")
    assert result is None or isinstance(result, Scenario)


@pytest.mark.slow
@SETTINGS
@given(documents(experiment_documents))
def test_any_experiment_file_loads_or_is_refused_in_one_line(content):
    result = load_within_bounds(load_experiment, content, "e.yaml")
    assert result is None or result.spec.name
