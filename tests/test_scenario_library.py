"""The scenario library: every required scenario ships, loads, explains itself and runs;
bad files are refused with one line and exit status 2, writing nothing.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from carepath_cli import main

from model.api import run
from model.parameters import registry
from model.scenario import SCENARIO_DIR, builtin_names, flatten, list_scenarios, load_scenario

REQUIRED = (
    "siloed", "integrated", "torbay_care_trust", "audit_commission_2009",
    "london_joint_commissioning", "nw_london_pilot", "health_and_wellbeing_board",
    "austerity_siloed", "austerity_pooled", "coterminous", "non_coterminous_city",
    "ccg_two_percent_fund", "dementia_pathway",
)
META_KEYS = {"name", "label", "description", "extends", "sources", "notes"}
EXIT_USAGE = 2


def raw(name: str) -> dict:
    return yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def carepath(*args: str) -> subprocess.CompletedProcess:
    """The installed command in its own process, as a user would run it."""
    script = Path(sys.executable).with_name("carepath")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "carepath_cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120)


def carepath_in_process(capsys, *args: str) -> subprocess.CompletedProcess:
    """The same command line through carepath_cli.main (fast; an uncaught exception fails the test)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


# --- the library ships and explains itself ----------------------------------------------

def test_every_required_scenario_ships():
    assert set(REQUIRED) <= set(builtin_names())


@pytest.mark.parametrize("name", REQUIRED)
def test_scenario_loads_with_a_description_and_sources(name):
    scenario = load_scenario(name)
    assert scenario.name == name == raw(name)["name"]
    first_line = scenario.description.splitlines()[0]
    assert first_line and len(first_line) <= 120, "the first line is the one-liner `carepath scenarios` shows"
    assert len(scenario.sources) >= 1
    assert all(isinstance(s, str) and s.strip() for s in raw(name)["sources"])
    assert not any("http" in s for s in scenario.sources), "sources are plain citations, no URLs"


@pytest.mark.slow
def test_carepath_scenarios_lists_them_all_with_their_one_liner():
    result = carepath("scenarios")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    for name in REQUIRED:
        assert name in listed
        assert list_scenarios()[name] in listed[name]


@pytest.mark.parametrize("name", REQUIRED)
def test_carepath_validate_accepts_each_file(capsys, name):
    result = carepath_in_process(capsys, "validate", str(SCENARIO_DIR / f"{name}.yaml"))
    assert result.returncode == 0, result.stderr
    assert "valid scenario" in result.stdout


# --- levers versus uncertainties ---------------------------------------------------------

@pytest.mark.parametrize("name", REQUIRED)
def test_files_set_only_area_uncertainties_and_arrangement_levers(name):
    data = raw(name)
    assert set(data) <= META_KEYS | {"area", "arrangement"}
    known = registry()
    for section in ("area", "arrangement"):
        for path in flatten(data.get(section) or {}, section):
            assert path.startswith(f"{section}.") and path in known, path


def changed_paths(child: str, parent: str) -> set[str]:
    a, b = load_scenario(child).values(), load_scenario(parent).values()
    return {path for path in a if a[path] != b[path]}


@pytest.mark.parametrize("child, parent, prefix", [
    ("austerity_siloed", "siloed", "area.context."),  # a context, not a lever
    ("non_coterminous_city", "siloed", "area.organisations."),
    ("austerity_pooled", "austerity_siloed", "arrangement."),  # only the lever differs
    ("london_joint_commissioning", "non_coterminous_city", "arrangement."),
    ("integrated", "siloed", "arrangement."),
    ("dementia_pathway", "integrated", "arrangement."),
    ("ccg_two_percent_fund", "siloed", "arrangement."),
])
def test_comparisons_differ_only_where_they_should(child, parent, prefix):
    changed = changed_paths(child, parent) - {"arrangement.name"}
    assert changed and all(path.startswith(prefix) for path in changed), sorted(changed)


def test_key_numbers_of_the_library():
    assert load_scenario("audit_commission_2009").arrangement.pooled_budget.share == pytest.approx(0.034)
    assert load_scenario("austerity_siloed").area.context.austerity_cut == pytest.approx(0.28)
    pooled = load_scenario("austerity_pooled")
    assert pooled.area.context.austerity_cut == pytest.approx(0.28) and pooled.arrangement.pooled_budget.share >= 0.8
    torbay = load_scenario("torbay_care_trust")
    assert torbay.arrangement.pooled_budget.share == 1.0
    assert (torbay.area.organisations.councils, torbay.area.organisations.hospitals) == (1, 1)
    city = load_scenario("non_coterminous_city").area.organisations
    assert (city.councils, city.hospitals) == (3, 2)
    assert load_scenario("ccg_two_percent_fund").arrangement.integration_costs_paid_by == "nhs"
    assert load_scenario("dementia_pathway").arrangement.condition_focus == "dementia"
    assert "--years 1" in load_scenario("nw_london_pilot").description
    for name in REQUIRED:  # the evidence says case management does not cut admissions
        assert load_scenario(name).arrangement.case_management.admission_rr == 1.0


@pytest.mark.parametrize("name", REQUIRED)
def test_each_scenario_runs(name):
    result = run(name, patients=200, years=1, seed=3)
    totals = result.totals
    assert totals["deaths"] >= 0 and totals["cost_total"] > 0
    assert result.meta["scenario"] == name


# --- extends -------------------------------------------------------------------------------

@pytest.mark.parametrize("child, chain", [
    ("dementia_pathway", ["integrated", "siloed"]),
    ("austerity_pooled", ["austerity_siloed", "siloed"]),
    ("london_joint_commissioning", ["non_coterminous_city", "siloed"]),
    ("nw_london_pilot", ["non_coterminous_city", "siloed"]),
])
def test_built_in_extends_chains_resolve(child, chain):
    names, current = [], child
    while "extends" in raw(current):
        current = raw(current)["extends"]
        names.append(current)
    assert names == chain
    values, top = load_scenario(child).values(), load_scenario(chain[0]).values()
    own = set(flatten({k: v for k, v in raw(child).items() if k in ("area", "arrangement")}))
    assert {p for p in values if values[p] != top[p]} <= own  # inherits everything it does not set


def test_extends_chain_of_files_resolves_by_path_and_by_name(tmp_path):
    (tmp_path / "base.yaml").write_text("name: base\nextends: austerity_siloed\n"
                                        "arrangement: {joint_assessment: {strength: 0.3}}\n")
    (tmp_path / "mid.yaml").write_text("name: mid\nextends: base.yaml\n"
                                       "arrangement: {joint_assessment: {ramp_years: 1}}\n")
    (tmp_path / "top.yaml").write_text("name: top\nextends: mid.yaml\n"
                                       "area: {context: {austerity_cut: 0.1}}\n")
    scenario = load_scenario(tmp_path / "top.yaml")
    assert scenario.arrangement.joint_assessment.strength == 0.3
    assert scenario.arrangement.joint_assessment.ramp_years == 1
    assert scenario.area.context.austerity_cut == 0.1
    assert scenario.area.context.austerity_years == 4


# --- bad files: one line, exit status 2, nothing written ---------------------------------

BAD_FILES = {
    "malformed_yaml": ("area: {population: {patients: 100\narrangement: [\n", ["YAML", "line"]),
    "unknown_key": ("arrangement: {shared_recrod: {strength: 0.5}}\n",
                    ["arrangement.shared_recrod", "unknown", "arrangement.shared_record"]),
    "unknown_leaf": ("area: {costs: {gp_consult: 40}}\n", ["area.costs.gp_consult", "unknown"]),
    "wrong_type": ("arrangement: {shared_record: {strength: high}}\n",
                   ["arrangement.shared_record.strength", "a number from 0 to 1", "'high'"]),
    "quoted_number": ("area: {organisations: {councils: '3'}}\n",
                      ["area.organisations.councils", "a whole number from 1 to 8"]),
    "out_of_range": ("arrangement: {pooled_budget: {share: 1.5}}\n",
                     ["arrangement.pooled_budget.share", "a number from 0 to 1", "1.5"]),
    "bad_choice": ("arrangement: {condition_focus: cancer}\n",
                   ["arrangement.condition_focus", "one of all, dementia", "cancer"]),
    "unknown_top_level": ("levers: {pooled_budget: 1}\n", ["levers", "allowed"]),
    "missing_parent": ("extends: no_such_scenario\n", ["no_such_scenario", "carepath scenarios"]),
}


CASES = sorted(BAD_FILES)


def check_refusal(result: subprocess.CompletedProcess, filename: str, expected: list[str]) -> None:
    assert result.returncode == EXIT_USAGE, result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, f"not one line: {message!r}"
    assert "Traceback" not in message
    assert filename in message
    for text in expected:
        assert text in message, (text, message)


@pytest.mark.parametrize("case", CASES)
def test_bad_file_is_refused_by_validate(tmp_path, capsys, case):
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    check_refusal(carepath_in_process(capsys, "validate", str(path)), path.name, expected)


@pytest.mark.parametrize("case", CASES)
def test_bad_file_is_refused_by_run_and_writes_nothing(tmp_path, capsys, case):
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    result = carepath_in_process(capsys, "run", str(path), "--patients", "200", "--years", "1", "--out", str(out))
    check_refusal(result, path.name, expected)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_the_installed_command_refuses_a_bad_file_without_a_traceback(tmp_path, command):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_FILES["out_of_range"][0])
    out = tmp_path / "out"
    extra = ["--patients", "200", "--years", "1", "--out", str(out)] if command == "run" else []
    check_refusal(carepath(command, str(path), *extra), path.name, BAD_FILES["out_of_range"][1])
    assert not out.exists()


def test_extends_loop_is_refused(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    check_refusal(carepath_in_process(capsys, "validate", str(tmp_path / "a.yaml")), "a.yaml", ["loop"])


def test_a_good_file_runs_and_writes(tmp_path, capsys):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ndescription: a test\nsources: [test]\nextends: integrated\n"
                    "arrangement: {pooled_budget: {share: 0.2}}\n")
    out = tmp_path / "out"
    result = carepath_in_process(capsys, "run", str(path), "--patients", "200", "--years", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "meta.json").exists()
