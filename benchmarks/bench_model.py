"""Benchmark: throughput, peak memory and scaling of one model run (docs/performance.md).

Targets on this 2-core machine, one process, integrated scenario: 100,000 people x 10 years
in 4 s or less in-process (250,000 patient-years a second or more) under 1 GB; 1,000,000 x 10
years under 45 s and 2 GB (`--million`); time linear in people and in years, reported as the
exponents of a log-log fit (1.0 is linear). Each case runs in a fresh process, so its peak
memory is its own; both wall and CPU seconds are printed, since on a shared machine wall time
measures the neighbours as much as the model.

    .venv/bin/python benchmarks/bench_model.py             # 100,000 x 10, scaling, event log
    .venv/bin/python benchmarks/bench_model.py --quick     # a smaller smoke check
    .venv/bin/python benchmarks/bench_model.py --million   # also 1,000,000 x 10 years
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np

CASE = r"""
import json, resource, time
from model.api import run
import numpy as np
from model.randomness import RandomStreams
run("integrated", patients=200, years=1, seed=1)  # imports and one-off set-up are not the run's cost,
RandomStreams(1).bernoulli("warm", 0, np.arange(3), 0.5)  # nor is loading the compiled draws
start, cpu = time.perf_counter(), time.process_time()
result = run("integrated", patients={patients}, years={years}, seed=1, event_log={event_log})
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
person_years = float(result.by_year["person_days"].sum()) / 365.25
events = 0 if result.events is None else len(result.events)
print(json.dumps({{"patients": {patients}, "years": {years}, "seconds": elapsed, "cpu": cpu,
                  "peak_mb": peak_mb, "person_years": person_years, "events": events}}))
"""


def measure(patients: int, years: int, event_log: bool = False) -> dict:
    code = CASE.format(patients=patients, years=years, event_log=event_log)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def show(r: dict) -> None:
    print(f"{r['patients']:>9,} {r['years']:>5} {r['seconds']:>8.2f} {r['cpu']:>8.2f} "
          f"{r['person_years'] / r['seconds']:>12,.0f} {r['person_years'] / r['cpu']:>12,.0f} {r['peak_mb']:>8.0f}")


def exponent(sizes, results) -> float:
    """The slope of log CPU time against log size: 1.0 is linear."""
    return float(np.polyfit(np.log(sizes), np.log([r["cpu"] for r in results]), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller cases, for a smoke check")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 people x 10 years")
    args = parser.parse_args()
    big, years = (20_000, 4) if args.quick else (100_000, 10)
    print(f"{'patients':>9} {'years':>5} {'wall s':>8} {'CPU s':>8} {'p-yrs/s wall':>12} {'p-yrs/s CPU':>12} "
          f"{'peak MB':>8}")
    main_case = measure(big, years)
    show(main_case)
    people = [big // 4, big // 2, big]
    by_people = [measure(p, years) for p in people[:-1]] + [main_case]
    year_counts = [max(years // 4, 1), max(years // 2, 1), years]
    by_years = [measure(big, y) for y in year_counts[:-1]] + [main_case]
    for r in by_people[:-1] + by_years[:-1]:
        show(r)
    print(f"time ~ people^{exponent(people, by_people):.2f} ({people[0]:,} to {people[-1]:,}, {years} years); "
          f"time ~ years^{exponent(year_counts, by_years):.2f} ({year_counts[0]} to {years} years, {big:,} people)")
    if not args.quick:
        ok = main_case["seconds"] <= 4 and main_case["peak_mb"] < 1024
        print(f"target 100,000 x 10 years <= 4 s and < 1 GB: {'met' if ok else 'NOT met'} "
              f"({main_case['seconds']:.1f} s wall, {main_case['cpu']:.1f} s CPU, {main_case['peak_mb']:.0f} MB)")
    if args.million:
        million = measure(1_000_000, 10)
        show(million)
        ok = million["seconds"] < 45 and million["peak_mb"] < 2048
        print(f"target 1,000,000 x 10 years < 45 s and < 2 GB: {'met' if ok else 'NOT met'}")
    plain, logged = measure(10_000, 5), measure(10_000, 5, event_log=True)
    print(f"event log on, 10,000 x 5 years: {logged['seconds']:.2f} s vs {plain['seconds']:.2f} s off, "
          f"{logged['events']:,} events, peak {logged['peak_mb']:.0f} MB vs {plain['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
