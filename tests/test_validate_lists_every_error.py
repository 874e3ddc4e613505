"""`carepath validate` lists every mistake in a scenario file at once, one line each, exit 2;
`run` and `compare` still refuse in one line, saying how many more there are."""
from __future__ import annotations

import pytest

from carepath_cli import main

BAD = """\
extends: siloed
colour: blue
local:
  price_year: 2031/32
  adult_population: -5
area:
  capacity: {beds_per_1000: 99}
  costs: {home_care_hour: 60}
arrangement:
  rapid_response: {strenght: 0.5}
"""
EXPECTED = [("'colour'", "unknown top-level field"), ("local.price_year", "2014/15 to 2024/25"),
            ("local.adult_population", "100 to 60,000,000"), ("area.capacity.beds_per_1000", "0.5 to 20"),
            ("area.costs.home_care_hour", "14 to 25"),
            ("arrangement.rapid_response.strenght", "did you mean arrangement.rapid_response.strength?")]


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "northshire.yaml"
    path.write_text(BAD)
    return str(path)


def test_validate_lists_every_error_one_line_each(bad_file, capsys):
    assert main(["validate", bad_file]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == len(EXPECTED)
    for field, allowed in EXPECTED:
        line = next((x for x in lines if f": {field}" in x), None)
        assert line is not None, field
        assert line.startswith(f"carepath: error: {bad_file}: ") and allowed in line, line


def test_run_refuses_in_one_line_and_counts_the_rest(bad_file, capsys, tmp_path):
    assert main(["run", bad_file, "--years", "1", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"and {len(EXPECTED) - 1} more errors" in err
    assert not (tmp_path / "out").exists()


def test_a_valid_file_is_one_line_of_ok(capsys):
    assert main(["validate", "integrated"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "valid scenario 'integrated'" in out[0]
