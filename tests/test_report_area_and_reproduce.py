"""The report's "Area described" lists every value either arm sets away from the defaults, in
plain words with where it was set; its "To reproduce" command runs as printed, from any folder."""
from __future__ import annotations

import html as html_module
import json
import re
import shlex

import pytest

from analysis.report import _area_section, _reproduce_paragraph
from carepath_cli import main

BASE = """\
extends: siloed
label: Northshire today
local:
  price_year: 2024/25
  adult_population: 400
  share_65_plus: 0.3
  council_adult_social_care_budget_m: 0.25
  acute_beds: 1
area:
  organisations: {councils: 2, hospitals: 1}
  costs: {nursing_week: 1100}
"""
OPTION = """\
extends: base.yaml
label: Northshire with a discharge team
local:
  team_costs: {integrated_discharge: 9000}
arrangement:
  integrated_discharge: {strength: 0.6}
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A comparison of two area files given by relative paths, as a planner types them."""
    from experiments.compare import compare

    root = tmp_path_factory.mktemp("planner")
    (root / "areas").mkdir()
    (root / "areas" / "base.yaml").write_text(BASE)
    (root / "areas" / "option.yaml").write_text(OPTION)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        comparison = compare("areas/base.yaml", "areas/option.yaml", replications=2, years=1, workers=1, seed0=5,
                             overrides={"area.context.partnership_quality": 0.8}, value_sources=("--set", "--patients"))
    return root, comparison


def test_area_described_lists_the_planners_area_for_both_arms_in_plain_words(made):
    _, comparison = made
    section = _area_section(comparison)
    for words in ("people with long-term conditions at the start", "share of adults aged 65 or over",
                  "council&#x27;s adult social care budget per person a year",
                  "acute beds per 1,000 people (for their emergency stays)", ">councils<",
                  "unit cost: nursing week", "discharge to assess: strength", "discharge to assess: running cost per head",
                  "(local.adult_population)", "(local.acute_beds)", "(local.team_costs.integrated_discharge)",
                  "areas/base.yaml", "areas/option.yaml", "--set"):
        assert words in section, words
    assert "<th>A</th><th>B</th><th>Default</th>" in section


@pytest.mark.slow
def test_the_reproduce_command_runs_as_printed_from_another_folder(made, tmp_path, monkeypatch, capsys):
    root, comparison = made
    paragraph = _reproduce_paragraph(comparison)
    command = html_module.unescape(re.search(r"<code>(.*?)</code>", paragraph, re.S).group(1))
    argv = shlex.split(command)
    assert argv[:2] == ["carepath", "compare"] and str(root / "areas" / "base.yaml") in argv
    assert "--seed" in argv and "area.context.partnership_quality=0.8" in argv
    monkeypatch.chdir(tmp_path)  # somewhere else entirely
    assert main([*argv[1:], "--json", "--workers", "1", "--no-progress"]) == 0
    again = json.loads(capsys.readouterr().out)["totals"]
    first = comparison.to_json()["totals"]
    for metric in ("emergency_admissions", "cost_total", "delayed_bed_days"):
        assert again[metric]["diff"] == first[metric]["diff"], metric
