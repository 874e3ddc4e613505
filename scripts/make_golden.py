"""Regenerate the golden baseline: `by_year` of siloed and integrated, 2,000 people x 2 years, seed 1.

Run on purpose only, when a change to the model's behaviour is intended:

    .venv/bin/python scripts/make_golden.py

then read the diff of tests/golden/*.csv and explain it in the commit message. A refactor or a
speed-up must leave these files unchanged (tests/test_golden_baseline.py checks it exactly).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOLDEN = ROOT / "tests" / "golden"
CASES = {"siloed": {}, "integrated": {}}
PATIENTS, YEARS, SEED = 2000, 2, 1


def golden_table(scenario: str):
    """The by-year table exactly as the golden file stores it (17 significant digits)."""
    from model.api import run

    return run(scenario, patients=PATIENTS, years=YEARS, seed=SEED).by_year


def path_for(scenario: str) -> Path:
    return GOLDEN / f"by_year_{scenario}.csv"


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for scenario in CASES:
        table = golden_table(scenario)
        # One row per metric, one column per year: a changed number shows as one changed line.
        table.set_index("year").T.rename_axis("metric").to_csv(path_for(scenario), float_format="%.17g")
        print(f"wrote {path_for(scenario).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
