"""The planner's report: built from a small real comparison, self-contained and honest.

The comparison is real model runs (siloed vs integrated, 500 people, 3 years, seeds 1-3),
made once for this module. The report must carry the numbers the comparison's JSON gives,
embed images that decode, refer to nothing outside itself, and say "not distinguishable
from no change" wherever an interval spans zero.
"""
from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

import carepath_cli
from analysis import report as report_module
from analysis.labels import HEADLINE, fmt, metric_name
from analysis.load import example_comparison, load_comparison
from analysis.provenance import plain_citation
from analysis.report import build_report, write_report
from analysis.summary import NO_CHANGE, Difference, metric_sentence, summary_sentences

DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(scope="module")
def comparison():
    return example_comparison(patients=500, years=3, replications=3)


@pytest.fixture(scope="module")
def html(comparison) -> str:
    return build_report(comparison)


def json_totals(comparison) -> dict:
    """The whole-run numbers as the comparison's JSON output gives them."""
    if hasattr(comparison, "to_json"):
        data = comparison.to_json()
        return json.loads(json.dumps(data if isinstance(data, dict) else json.loads(data), default=str))["totals"]
    rows = comparison.summary[comparison.summary["period"] == "total"]
    return {r["metric"]: r for r in rows.to_dict("records")}


@pytest.mark.slow
def test_report_contains_the_headline_numbers_the_json_gives(comparison, html):
    totals = json_totals(comparison)
    for metric in HEADLINE:
        row = totals[metric]
        d = Difference(metric, "total", row["mean_a"], row["mean_b"], row["diff"], row["ci_low"], row["ci_high"],
                       row["n"])
        diff, low, high = d.numbers()
        assert f"{diff} (95% CI {low} to {high})" in html or f"no {metric_name(metric)} in either" in html, metric
        assert f">{fmt(row['mean_a'], metric)}<" in html and f">{fmt(row['mean_b'], metric)}<" in html, metric
        if metric.startswith("cost_"):  # pounds to the pound, checked without the report's own formatter
            assert f"£{abs(round(row['mean_a'])):,}" in html


@pytest.mark.slow
def test_every_embedded_image_decodes(html):
    images = DATA_URI.findall(html)
    assert len(images) >= 6
    for payload in images:
        picture = Image.open(io.BytesIO(base64.b64decode(payload, validate=True)))
        picture.load()
        assert picture.format == "PNG" and picture.width >= 600 and picture.height >= 300


@pytest.mark.slow
def test_report_refers_to_nothing_outside_itself(html):
    text = DATA_URI.sub("data:", html)
    assert not re.search(r"https?:", text, re.IGNORECASE)
    assert "//" not in text
    for attribute in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text):
        assert attribute.startswith(("data:", "#")), attribute
    assert not re.search(r"<link|<script|@import|url\(", text, re.IGNORECASE)


def test_a_source_with_a_web_address_is_printed_as_plain_text():
    cited = plain_citation("Ham 2010, https://example.org/torbay.pdf and //cdn.example/x")
    assert "://" not in cited and "//" not in cited
    assert "example.org/torbay.pdf" in cited


def test_intervals_spanning_zero_are_called_no_change():
    unclear = Difference("emergency_admissions", "total", 200, 190, -10, -25, 5, 10)
    clear = Difference("emergency_admissions", "total", 200, 180, -20, -30, -10, 10)
    assert NO_CHANGE in metric_sentence(unclear, "siloed", "integrated", 5)
    sentence = metric_sentence(clear, "siloed", "integrated", 5)
    assert NO_CHANGE not in sentence and "fewer emergency admissions" in sentence
    assert "−20.0 (95% CI −30.0 to −10.0)" in sentence
    assert "no measure of uncertainty" in metric_sentence(
        Difference("emergency_admissions", "total", 200, 180, -20, float("nan"), float("nan"), 1), "a", "b", 5)


@pytest.mark.slow
def test_the_summary_says_no_change_exactly_where_the_real_interval_spans_zero(comparison):
    sentences = summary_sentences(comparison)
    totals = json_totals(comparison)
    for metric in HEADLINE:
        row = totals[metric]
        name = metric_name(metric)
        line = next(s for s in sentences if f" {name} " in s or s.endswith(f" {name}."))
        if row["mean_a"] == 0 and row["mean_b"] == 0:
            assert "in either" in line
        elif row["ci_low"] <= 0 <= row["ci_high"]:
            assert NO_CHANGE in line, line
        else:
            assert NO_CHANGE not in line, line
    assert any("Who pays" in s or "changes in cost" in s for s in sentences)


@pytest.mark.slow
def test_the_summary_reports_people_sent_home_for_want_of_a_bed(comparison):
    row = json_totals(comparison)["sent_home_no_bed"]
    line = [s for s in summary_sentences(comparison) if "for want of a bed" in s]
    assert row["mean_a"] + row["mean_b"] > 0 and len(line) == 1
    assert (NO_CHANGE in line[0]) == (row["ci_low"] <= 0 <= row["ci_high"])


@pytest.mark.slow
def test_report_shows_parameters_sources_and_provenance(comparison, html):
    assert "arrangement.joint_assessment.strength" in html  # differs between siloed and integrated
    assert "Source of the default" in html
    assert "Code version" in html and "Seeds" in html and "Replications per arm" in html
    meta = comparison.meta
    for arm in ("A", "B"):
        assert meta["hashes"][arm] in html
    assert str(meta["code_version"]) in html


@pytest.mark.slow
def test_write_report_leaves_no_partial_file(comparison, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("the old report")

    def broken(_comparison):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(report_module, "build_report", broken)
    with pytest.raises(RuntimeError):
        write_report(comparison, target)
    assert target.read_text() == "the old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def saved(comparison, folder: Path) -> Path:
    if hasattr(comparison, "save"):
        comparison.save(folder)
    else:
        folder.mkdir()
        comparison.runs.to_parquet(folder / "runs.parquet")
        comparison.summary.to_parquet(folder / "summary.parquet")
        (folder / "meta.json").write_text(json.dumps(comparison.meta, default=str))
    return folder


@pytest.mark.slow
def test_carepath_report_writes_the_report_from_a_comparison_folder(comparison, tmp_path, capsys):
    folder = saved(comparison, tmp_path / "compare")
    assert carepath_cli.main(["report", str(folder), "--out", str(tmp_path / "out" / "r.html")]) == 0
    written = (tmp_path / "out" / "r.html").read_text(encoding="utf-8")
    assert "In plain language" in written and len(DATA_URI.findall(written)) >= 6
    assert load_comparison(folder).runs.shape == comparison.runs.shape
    assert carepath_cli.main(["report", str(folder)]) == 0
    assert (folder / "report.html").exists()
    assert "report written to" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["report", "no/such/folder"], "no such results folder"),
    (["report", "{tmp}"], "not a results folder"),
    (["report", "{compare}", "--out", "{tmp}/report.pdf"], "ending in .html"),
])
@pytest.mark.slow
def test_carepath_report_refuses_bad_input_in_one_line(comparison, tmp_path, capsys, args, message):
    folder = saved(comparison, tmp_path / "compare")
    argv = [a.format(tmp=tmp_path, compare=folder) for a in args]
    assert carepath_cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
