"""The data dictionary (model/outputs.py): every output column has a unit, a kind and a
definition; docs/outputs.md is generated from it; totals and labels follow it."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from model.outputs import COLUMNS, END, FLOW, ID, LEVEL, combine

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_output_docs.py"
DOCS = ROOT / "docs" / "outputs.md"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_output_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_outputs_md_matches_the_registry():
    assert DOCS.exists(), "docs/outputs.md is missing: run .venv/bin/python scripts/make_output_docs.py"
    assert DOCS.read_text(encoding="utf-8") == load_generator().render(), (
        "docs/outputs.md is out of date: run .venv/bin/python scripts/make_output_docs.py")


def test_every_column_of_the_result_tables_is_in_the_dictionary(small_run):
    result = small_run("integrated", patients=150, years=1, seed=1)
    columns = set(result.by_year.columns) | set(result.by_period("month").columns)
    missing = sorted(columns - set(COLUMNS))
    assert not missing, f"columns without a dictionary entry: {missing}"
    text = load_generator().render()
    for name in columns:
        assert text.count(f"| `{name}` |") == 1, name


def test_every_entry_has_a_unit_a_known_kind_and_a_definition():
    for entry in COLUMNS.values():
        assert entry.unit.strip() and entry.definition.strip().endswith("."), entry.name
        assert entry.kind in (FLOW, LEVEL, END, ID), entry.name
    assert COLUMNS["waiting_list_council"].kind == LEVEL and COLUMNS["people_with_coordinator"].kind == LEVEL
    assert COLUMNS["people_end"].kind == END
    assert COLUMNS["person_days"].unit == "person-days" and COLUMNS["cost_total"].unit == "£"


def test_the_whole_run_averages_levels_and_sums_flows(small_run):
    result = small_run("integrated", patients=150, years=2, seed=1)
    by_year, totals = result.by_year, result.totals
    assert totals["waiting_list_council"] == pytest.approx(by_year["waiting_list_council"].mean())
    assert totals["people_with_coordinator"] == pytest.approx(by_year["people_with_coordinator"].mean())
    assert totals["emergency_admissions"] == by_year["emergency_admissions"].sum()
    assert totals["people_end"] == by_year["people_end"].iloc[-1]


def test_combine_weights_levels_by_weeks_and_keeps_groups():
    rows = pd.DataFrame({"replication": [1, 1, 2, 2], "weeks": [4, 5, 4, 5],
                         "waiting_list_council": [2.0, 11.0, 1.0, 1.0], "deaths": [1, 2, 3, 4]})
    out = combine(rows, ["replication"], "weeks").set_index("replication")
    assert out.loc[1, "waiting_list_council"] == pytest.approx((4 * 2 + 5 * 11) / 9)
    assert out.loc[2, "deaths"] == 7 and "weeks" not in out


@pytest.mark.slow
def test_comparison_total_averages_levels(small_run):
    from experiments.stats import summarise

    runs = []
    for arm, scenario in (("A", "siloed"), ("B", "integrated")):
        for replication in (1, 2):
            table = small_run(scenario, patients=150, years=2, seed=replication).by_year.copy()
            runs.append(table.assign(arm=arm, scenario=scenario, replication=replication, seed=replication))
    summary = summarise(pd.concat(runs, ignore_index=True)).set_index(["metric", "period"])
    years = summary.loc["waiting_list_council"]
    assert years.loc["total", "mean_a"] == pytest.approx((years.loc["1", "mean_a"] + years.loc["2", "mean_a"]) / 2)


def test_axis_units_come_from_the_dictionary():
    from analysis.labels import axis_label, unit

    assert unit("person_days") == "person-days"
    assert unit("days_at_home") == "person-days"
    assert unit("home_care_hours") == "hours"
    assert unit("cost_nhs") == "£"
    assert unit("waiting_list_council") == "people"
    assert "person-days" in axis_label("unmet_need_days", "per year")
