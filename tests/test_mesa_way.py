"""The model used the Mesa way: `mesa.batch_run` on a scenario name and plain keyword
parameters, and Mesa's DataCollector holding the headline metrics each week."""
from __future__ import annotations

import mesa
import numpy as np
import pytest

from model.api import resolve
from model.carepath_model import CarePathModel
from model.scenario import ScenarioError
from model.tally import METRICS
from model.timing import WEEKS_PER_YEAR


def test_batch_run_works_on_a_scenario_name_and_plain_parameters():
    results = mesa.batch_run(CarePathModel, parameters={"scenario": ["integrated"], "patients": [300], "years": [1]},
                             max_steps=5, number_processes=1, display_progress=False)
    assert len(results) == 1
    row = results[0]
    assert row["scenario"] == "integrated" and row["Step"] == 5
    assert set(METRICS) <= set(row)
    assert row["days_at_home"] > 0 and row["cost_total"] > 0  # the fifth week's own values


def test_batch_run_seeds_through_rng_and_repeats_exactly():
    def run(seeds):
        return mesa.batch_run(CarePathModel, parameters={"scenario": ["siloed"], "patients": [200], "years": [1]},
                              rng=seeds, max_steps=4, number_processes=1, display_progress=False)

    first, again = run([5, 6]), run([5, 6])
    assert [r["cost_total"] for r in first] == [r["cost_total"] for r in again]
    assert first[0]["cost_total"] != first[1]["cost_total"]  # different seeds, different people


def test_datacollector_has_one_row_per_week_of_headline_metrics_matching_the_weekly_record():
    model = CarePathModel("siloed", patients=300, years=1, rng=2)
    model.run_for(WEEKS_PER_YEAR)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == WEEKS_PER_YEAR
    assert list(frame.columns) == list(METRICS)
    weekly = model.collector.frame()
    for metric in METRICS:
        assert np.allclose(frame[metric], weekly[metric]), metric
    # the weeks add up to the year the model counted
    tallies = model.tallies()
    for metric in ("emergency_admissions", "bed_days", "cost_total", "cost_council"):
        assert frame[metric].sum() == pytest.approx(tallies[metric], rel=1e-9)


def test_keyword_forms_build_the_same_model_as_a_resolved_scenario():
    dotted = {"arrangement.joint_assessment.strength": 0.5}
    by_keywords = CarePathModel(scenario="siloed", patients=250, years=1, rng=9, **dotted)
    by_dict = CarePathModel("siloed", patients=250, years=1, seed=9, overrides=dotted)
    original = CarePathModel(resolve("siloed", dotted, 250), seed=9, years=1)
    for model in (by_keywords, by_dict, original):
        model.run_for(8)
    assert by_keywords.config.values() == original.config.values() == by_dict.config.values()
    assert by_keywords.tallies() == original.tallies() == by_dict.tallies()
    assert by_keywords.seed == 9


def test_the_original_call_is_unchanged_and_no_seed_means_seed_1():
    scenario = resolve("siloed", patients=150)
    assert CarePathModel(scenario).seed == 1
    assert CarePathModel(scenario, 3, 2).seed == 3
    assert CarePathModel(scenario, seed=None).config is scenario


@pytest.mark.parametrize("kwargs, words", [
    ({"rng": np.random.default_rng(1)}, "rng: must be a whole number"),
    ({"seed": 1, "rng": 2}, "seed or rng, not both"),
    ({"scenario": 42}, "scenario must be a Scenario"),
    ({"scenario": "siloed", "config": "integrated"}, "scenario once (config or scenario)"),
    ({"arrangement.joint_assessment.strength": 2}, "joint_assessment.strength"),
])
def test_bad_keyword_parameters_get_one_line_messages(kwargs, words):
    with pytest.raises(ScenarioError) as caught:
        CarePathModel(patients=100, years=1, **kwargs)
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_mesas_own_plot_component_draws_the_datacollectors_weekly_series():
    """Mesa's SolaraViz plot component (make_plot_component) reads model.datacollector: rendered
    outside a server, it draws one line per measure, week by week, with the collector's values."""
    import ipywidgets
    import solara
    from mesa.visualization.components import make_plot_component

    model = CarePathModel("integrated", patients=200, years=1, rng=3)
    model.run_for(6)
    measures = ["emergency_admissions", "bed_days"]
    drawn = {}

    def keep_lines(ax):
        drawn.update({line.get_label(): list(line.get_ydata()) for line in ax.get_lines()})

    make, _ = make_plot_component(measures, post_process=keep_lines)
    _, rendered = solara.render(make(model), handle_error=False)
    frame = model.datacollector.get_model_vars_dataframe()
    assert drawn == {m: list(frame[m]) for m in measures} and len(frame) == 6
    assert any(drawn["bed_days"])
    picture = rendered.find(ipywidgets.Image).widget.value
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
