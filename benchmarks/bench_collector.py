"""Benchmark: what the weekly record and Mesa DataCollector (model/collector.py) cost per week.

Steps the integrated scenario week by week and times the record's end-of-week work (the
snapshot and DataCollector.collect) against the whole step, for a small and a large
population; also times building the weekly frame and the monthly table after the run.
The record's cost does not grow with patients, so its share falls as runs get bigger.
Usage: python benchmarks/bench_collector.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(patients: int, years: int) -> dict:
    from model.api import build_model
    from model.collector import by_period
    from model.timing import WEEKS_PER_YEAR

    model = build_model("integrated", patients=patients, years=years, seed=1)
    record = model.collector
    end_week = record.end_week
    spent = [0.0]

    def timed(m) -> None:
        start = time.perf_counter()
        end_week(m)
        spent[0] += time.perf_counter() - start

    record.end_week = timed
    start = time.perf_counter()
    model.run_for(years * WEEKS_PER_YEAR)
    total = time.perf_counter() - start
    start = time.perf_counter()
    months = by_period(record.frame(), "month")
    after = time.perf_counter() - start
    weeks = years * WEEKS_PER_YEAR
    return {"patients": patients, "years": years, "run_seconds": round(total, 3),
            "record_us_per_week": round(spent[0] / weeks * 1e6, 1), "record_share": round(spent[0] / total, 4),
            "monthly_table_seconds": round(after, 3), "months": len(months)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cases only")
    args = parser.parse_args()
    cases = [(1_000, 2)] if args.quick else [(1_000, 2), (10_000, 5)]
    for patients, years in cases:
        print(json.dumps(measure(patients, years)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
