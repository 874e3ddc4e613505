"""`carepath area new NAME` writes a commented file for the planner's own area that validates
and runs as written, and never replaces a file."""
from __future__ import annotations

import pytest

from carepath_cli import main
from model.api import run
from model.scenario import load_scenario


def test_area_new_writes_a_commented_file_that_validates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["area", "new", "northshire"]) == 0
    text = (tmp_path / "northshire.yaml").read_text()
    for field in ("price_year", "adult_population", "share_65_plus", "council_adult_social_care_budget_m",
                  "acute_beds", "team_costs"):
        line = next(x for x in text.splitlines() if field in x)
        assert "#" in line, f"{field} is not explained"
    capsys.readouterr()
    assert main(["validate", "northshire.yaml"]) == 0
    assert "people with long-term conditions" in capsys.readouterr().out
    scenario = load_scenario("northshire.yaml")
    assert scenario.local and scenario.value_sources["area.capacity.beds_per_1000"].endswith("(local.acute_beds)")


def test_the_new_area_runs_on_a_sample_of_its_people(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["area", "new", "southshire"]) == 0
    result = run("southshire.yaml", patients=150, years=1, seed=3)
    assert result.meta["patients"] == 150 and result.totals["cost_total"] > 0


def test_area_new_never_replaces_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "eastshire.yaml").write_text("mine\n")
    assert main(["area", "new", "eastshire"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "already exists" in err and "nothing was written" in err
    assert (tmp_path / "eastshire.yaml").read_text() == "mine\n"


@pytest.mark.parametrize("name, words", [("integrated", "built-in"), ("../up", "a letter"), ("9lives", "a letter"),
                                         ("x" * 80, "a letter")])
def test_area_new_refuses_an_unusable_name_in_one_line(tmp_path, monkeypatch, capsys, name, words):
    monkeypatch.chdir(tmp_path)
    assert main(["area", "new", name]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err
    assert list(tmp_path.iterdir()) == []
