"""Benchmark: throughput and peak memory of one model run (issue 2's performance targets).

Prints patient-years per second and peak memory for 10,000 and 100,000 patients over 10
years on the integrated scenario, and how time scales with patients and with years.
Targets on a 2-core machine, one process: 100,000 x 10 years in under 10 s, memory under
1 GB, time growing no worse than linearly. Each case runs in a fresh process so its peak
memory is its own. Usage: python benchmarks/bench_model.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, resource, time
from model.api import run
start = time.perf_counter()
result = run("integrated", patients={patients}, years={years}, seed=1, event_log={event_log})
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
person_years = float(result.by_year["person_days"].sum()) / 365.25
events = 0 if result.events is None else len(result.events)
print(json.dumps({{"patients": {patients}, "years": {years}, "seconds": elapsed,
                  "peak_mb": peak_mb, "person_years": person_years, "events": events}}))
"""


def measure(patients: int, years: int, event_log: bool = False) -> dict:
    code = CASE.format(patients=patients, years=years, event_log=event_log)
    out = subprocess.run([sys.executable, "-c", code],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller cases, for a smoke check")
    args = parser.parse_args()
    big = 20_000 if args.quick else 100_000
    cases = [(10_000, 10), (big, 10), (big, 5)]
    results = [measure(p, y) for p, y in cases]
    print(f"{'patients':>9} {'years':>5} {'seconds':>8} {'patient-years/s':>16} {'peak MB':>8}")
    for r in results:
        rate = r["person_years"] / r["seconds"]
        print(f"{r['patients']:>9,} {r['years']:>5} {r['seconds']:>8.2f} {rate:>16,.0f} {r['peak_mb']:>8.0f}")
    small, large, half = results
    print(f"scaling with patients (x{large['patients'] / small['patients']:.0f}): "
          f"time x{large['seconds'] / small['seconds']:.2f}")
    print(f"scaling with years (5 -> 10): time x{large['seconds'] / half['seconds']:.2f}")
    if not args.quick:
        ok = large["seconds"] < 10 and large["peak_mb"] < 1024
        print(f"target 100,000 x 10 years < 10 s and < 1 GB: {'met' if ok else 'NOT met'}")
    plain, logged = measure(10_000, 5), measure(10_000, 5, event_log=True)
    print(f"event log on, 10,000 x 5 years: {logged['seconds']:.2f} s vs {plain['seconds']:.2f} s off, "
          f"{logged['events']:,} events, peak {logged['peak_mb']:.0f} MB vs {plain['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
