"""Benchmark: a sweep of 200 runs (10,000 patients, 5 years) on 2 local workers.

    .venv/bin/python benchmarks/bench_sweep.py            # the issue's figures (about 10 minutes)
    .venv/bin/python benchmarks/bench_sweep.py --runs 20 --patients 2000   # a quick look

Reports runs per minute, the coordinating process's memory (peak, and resident size as the
sweep goes, which should stay flat), and the sweep machinery's overhead against the same
runs (same scenarios, same seeds) called one after another in a plain loop:
- wall-clock: sweep time vs loop time / workers (what the machinery and the pool cost);
- coordinator CPU per run (building tasks, writing parts, the progress bar);
- with --serial, also a 1-worker sweep against the loop (both single-core, like for like).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def experiment(folder: Path, runs: int, patients: int, years: int) -> Path:
    points = max(1, runs // 2)
    data = {
        "name": "bench_sweep", "base": "siloed",
        "parameters": {"area.crisis.rate_at_75": {"low": 0.10, "high": 0.18},
                       "area.hospital.length_of_stay_mean": {"low": 6, "high": 13}},
        "design": {"method": "latin", "samples": points, "seed": 1},
        "replications": runs // points, "years": years, "patients": patients,
    }
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class MemorySampler(threading.Thread):
    """Samples this process's resident memory and the number of finished parts."""

    def __init__(self, parts: Path):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.parts = parts
        self.samples: list[tuple[int, int]] = []  # (parts done, rss bytes)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.25):
            done = len(list(self.parts.glob("run-*.parquet"))) if self.parts.exists() else 0
            self.samples.append((done, self.process.memory_info().rss))

    def peak(self) -> float:
        return max(rss for _, rss in self.samples) / 2**20

    def rss_at(self, fraction: float, total: int) -> float:
        wanted = [rss for done, rss in self.samples if done >= fraction * total]
        return (wanted[0] if wanted else self.samples[-1][1]) / 2**20


def timed_sweep(path: Path, out: Path, workers: int, runs: int) -> dict:
    from experiments.sweep import run_sweep

    sampler = MemorySampler(out / "parts")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    sampler.start()
    start = time.perf_counter()
    report = run_sweep(path, out, workers=workers, progress=False)
    wall = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    assert report.complete, report.failures[:1]
    coordinator_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {"wall": wall, "coordinator_cpu": coordinator_cpu, "sampler": sampler, "runs": runs}


def plain_loop(path: Path, runs: int) -> tuple[float, float]:
    """The same runs, called one after another through model.api.run: (wall, CPU) seconds."""
    from experiments.spec import load_experiment
    from experiments.sweep import Plan
    from experiments.worker import build_scenario
    from model.api import run

    plan = Plan(load_experiment(path))
    start, cpu = time.perf_counter(), time.process_time()
    for task in plan.tasks(range(runs)):
        for arm in task.arms:
            run(build_scenario(arm), years=task.years, seed=task.seed)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--serial", action="store_true", help="also time a 1-worker sweep against the loop")
    args = parser.parse_args()

    import experiments.sweep  # noqa: F401 - imports are not the machinery's per-run cost
    from SALib.sample import latin  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = experiment(folder, args.runs, args.patients, args.years)
        print(f"bench_sweep: {args.runs} runs x {args.patients} patients x {args.years} years, "
              f"{args.workers} workers", flush=True)
        sweep = timed_sweep(path, folder / "sweep", args.workers, args.runs)
        print(f"  sweep ({args.workers} workers): {sweep['wall']:.1f} s", flush=True)
        loop, loop_cpu = plain_loop(path, args.runs)
        print(f"  plain loop (1 process): {loop:.1f} s", flush=True)
        serial = timed_sweep(path, folder / "serial", 1, args.runs) if args.serial else None

    sampler = sweep["sampler"]
    process_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    ideal = loop / args.workers
    print()
    print(f"runs per minute ({args.workers} workers):   {args.runs / sweep['wall'] * 60:.1f}")
    print(f"runs per minute (plain loop):  {args.runs / loop * 60:.1f}")
    print(f"speed-up over the loop:        {loop / sweep['wall']:.2f}x (ideal {args.workers}x)")
    print(f"wall overhead vs loop/{args.workers}:       {sweep['wall'] - ideal:+.1f} s "
          f"({(sweep['wall'] - ideal) / ideal:+.1%}; {(sweep['wall'] - ideal) / args.runs * 1000:+.0f} ms a run)")
    print(f"coordinator CPU per run:       {sweep['coordinator_cpu'] / args.runs * 1000:.0f} ms "
          f"(model run itself: {loop / args.runs * 1000:.0f} ms)")
    model_cpu = loop_cpu / args.runs  # CPU seconds a run takes in the plain loop: like for like with the coordinator's
    print(f"sweep machinery's overhead:    {sweep['coordinator_cpu'] / args.runs / model_cpu:.1%} of model time "
          f"(coordinator CPU per run / a plain run's CPU, {model_cpu * 1000:.0f} ms; target under 5%)")
    if serial:
        print(f"1-worker sweep vs loop:        {serial['wall']:.1f} s vs {loop:.1f} s "
              f"({(serial['wall'] - loop) / loop:+.1%})")
    print(f"coordinator memory during the {args.workers}-worker sweep: peak {sampler.peak():.0f} MiB; resident at "
          f"10% / 50% / 100% of runs: {sampler.rss_at(0.1, args.runs):.0f} / {sampler.rss_at(0.5, args.runs):.0f} / "
          f"{sampler.rss_at(1.0, args.runs):.0f} MiB")
    print(f"(this benchmark process's own peak, including the in-process loop: {process_peak:.0f} MiB)")


if __name__ == "__main__":
    main()
