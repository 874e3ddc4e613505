"""Plain words for a planner: scenarios by their labels, "no change" for a difference of exactly
zero, "1 year", the nearest name for a typo, and a terminal table whose headers do not run together."""
from __future__ import annotations

import re

import pytest

from analysis import report as report_module
from analysis.report import yearly_table
from analysis.summary import headline_table, summary_sentences
from carepath_cli import main
from experiments.cli import aligned_table


@pytest.fixture(scope="module")
def identical():
    """Two scenarios with the same settings (coterminous is the siloed default stated explicitly):
    every paired difference is exactly zero."""
    from experiments.compare import compare

    return compare("siloed", "coterminous", replications=2, years=1, patients=120, workers=1)


@pytest.mark.slow  # a small real comparison (4 runs)
def test_titles_and_sentences_use_the_scenarios_labels(identical, monkeypatch):
    monkeypatch.setattr(report_module, "_figures_section", lambda comparison: "")  # figures are tested elsewhere
    page = report_module.build_report(identical)
    assert "<h1>carepath: Coterminous area, siloed compared with Siloed baseline</h1>" in page
    assert all("Siloed baseline" in s or "Coterminous area" in s or "did not change" in s
               for s in summary_sentences(identical))


@pytest.mark.slow  # a small real comparison (4 runs)
def test_a_difference_of_exactly_zero_is_no_change(identical):
    sentences = " ".join(summary_sentences(identical))
    assert "did not change" in sentences and "changed by 0" not in sentences and "CI 0" not in sentences
    table = headline_table(identical)
    assert set(table["Difference B − A"]) == {"no change"} and set(table["95% CI"]) == {"—"}
    assert set(yearly_table(identical)["Difference B − A"]) == {"no change"}


@pytest.mark.slow  # a small real comparison (4 runs)
def test_one_year_is_1_year(identical, monkeypatch):
    monkeypatch.setattr(report_module, "_figures_section", lambda comparison: "")
    page = report_module.build_report(identical)
    assert "1 year" in page and "1 years" not in page


def test_a_mistyped_subcommand_suggests_the_nearest(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["compar", "siloed", "integrated"])
    err = capsys.readouterr().err.strip()
    assert stopped.value.code == 2 and len(err.splitlines()) == 1
    assert "did you mean 'compare'?" in err and "sweep" not in err


@pytest.mark.parametrize("argv, nearest", [(["run", "integratd"], "integrated"),
                                           (["validate", "torbay_care_trsut"], "torbay_care_trust")])
def test_a_mistyped_scenario_name_suggests_the_nearest(capsys, argv, nearest):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert f"did you mean {nearest}?" in err and "austerity_pooled" not in err and len(err.splitlines()) == 1


def test_a_mistyped_extends_suggests_the_nearest(tmp_path, capsys):
    path = tmp_path / "a.yaml"
    path.write_text("extends: siloeed\n")
    assert main(["validate", str(path)]) == 2
    assert "did you mean siloed?" in capsys.readouterr().err


def test_compare_table_headers_stay_apart_however_long_the_names():
    names = ("northshire_joint_discharge_team_2025", "northshire_pooled_budget_and_team")
    lines = aligned_table(["metric", f"A: {names[0]}", f"B: {names[1]}", "B - A", "95% interval"],
                          [["cost_total", "£12,345,678", "£12,000,000", "-£345,678", "[-£400,000, -£290,000]"]])
    header, row = lines
    assert re.split(r" {3,}", header) == ["metric", f"A: {names[0]}", f"B: {names[1]}", "B - A", "95% interval"]
    for cell in ("£12,345,678", "£12,000,000", "-£345,678"):  # each value ends under its header's end
        end = row.index(cell) + len(cell)
        assert header[end - 1] != " " and (end == len(header) or header[end] == " ")
