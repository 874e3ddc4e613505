"""Several options against one base: every arm on the same people and chances, one summary
per option, the same numbers as the two-arm comparison, one JSON with every option's
differences and decision measures, and the command line."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.compare import compare, load_comparison
from experiments.spec import ExperimentError

SMALL = dict(patients=300, years=2, replications=3, workers=1)
OPTIONS = ("integrated", "austerity_pooled")


@pytest.fixture(scope="module")
def several():
    return compare("siloed", *OPTIONS, **SMALL)


@pytest.mark.slow
def test_every_arm_runs_the_same_seeds(several):
    runs = several.runs
    assert sorted(runs["arm"].unique()) == ["A", "B", "C"]
    assert several.options == ["B", "C"]
    assert several.meta["scenarios"] == {"A": "siloed", "B": "integrated", "C": "austerity_pooled"}
    for arm in "ABC":
        rows = runs[runs["arm"] == arm]
        assert sorted(rows["seed"].unique()) == [1, 2, 3]


@pytest.mark.slow
def test_each_option_is_exactly_its_own_two_arm_comparison(several):
    """Common random numbers keyed by person: adding an option changes no other option's numbers."""
    two = compare("siloed", "integrated", **SMALL)
    pd.testing.assert_frame_equal(several.versus("B").summary, two.summary)
    pd.testing.assert_frame_equal(several.versus("B").runs, two.runs)
    assert set(several.summary["option"]) == {"B", "C"}
    c = several.versus("C")
    assert c.meta["scenarios"] == {"A": "siloed", "B": "austerity_pooled"}
    assert sorted(c.runs["arm"].unique()) == ["A", "B"]


@pytest.mark.slow
def test_json_gives_every_option_its_differences_and_decision(several):
    data = json.loads(json.dumps(several.to_json(), allow_nan=False))
    assert set(data["options"]) == {"B", "C"}
    for option in ("B", "C"):
        entry = data["options"][option]
        summary = several.summary[(several.summary.option == option) & (several.summary.period == "total")]
        row = summary.set_index("metric").loc["cost_nhs"]
        assert entry["totals"]["cost_nhs"]["diff"] == pytest.approx(row["diff"])
        assert entry["totals"]["cost_nhs"]["ci_low"] == pytest.approx(row["ci_low"])
        decision = entry["decision"]
        for key in ("net_cost_nhs", "net_cost_council", "net_cost_self_funders", "cost_per_admission_avoided",
                    "cost_per_bed_day_saved", "cost_per_duplicate_visit_avoided", "payback_year"):
            assert key in decision, key
        assert decision["net_cost_nhs"]["value"] == pytest.approx(row["diff"])
    # the two-arm keys stay, for the first option
    assert data["totals"] == data["options"]["B"]["totals"]


@pytest.mark.slow
def test_save_and_load_keeps_every_option(several, tmp_path):
    several.save(tmp_path / "c")
    again = load_comparison(tmp_path / "c")
    assert again.options == ["B", "C"]
    pd.testing.assert_frame_equal(again.summary, several.summary)


def test_a_base_alone_is_refused():
    with pytest.raises(ExperimentError, match="at least one option"):
        compare("siloed", **SMALL)


@pytest.mark.slow
def test_cli_takes_several_options_and_prints_one_table(capsys):
    from carepath_cli import main

    args = ["compare", "siloed", *OPTIONS, "--replications", "2", "--patients", "200", "--years", "1",
            "--workers", "1", "--no-progress"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "B - A: integrated" in out and "C - A: austerity_pooled" in out
    assert out.count("cost_nhs") == 1  # one table, a row per metric
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["options"]) == {"B", "C"}
