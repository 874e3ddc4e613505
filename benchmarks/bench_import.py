"""Benchmark: what importing carepath costs, paid by every `carepath` command and sweep worker.

Each case runs in a fresh interpreter, several times; the median is printed. For an import
statement: its CPU and wall seconds (timed inside the process around the statement, so the
interpreter's own start-up is left out), peak memory, and which heavy libraries it loaded.
For a command (`carepath run --help`): the whole process's CPU seconds, start-up included.
Target: under 0.5 s for `import model.api, experiments.compare` and `carepath run --help`
(docs/performance.md). A model run needs Mesa, and Mesa imports pandas, scipy and networkx
itself: the "model run's imports" line shows that floor.

    .venv/bin/python benchmarks/bench_import.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "scipy", "matplotlib", "dask", "distributed", "SALib", "optuna", "ema_workbench", "mesa",
         "networkx", "pyarrow", "solara", "app")
STATEMENTS = {
    "import model.api, experiments.compare": "import model.api, experiments.compare",
    "import experiments.sweep": "import experiments.sweep",
    "a model run's imports (Mesa)": "import model.api, model.carepath_model",
}
PROBE = r"""
import json, resource, sys, time
cpu, wall = time.process_time(), time.perf_counter()
{statement}
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"cpu": cpu, "wall": wall, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy": heavy}}))
"""


def time_statement(statement: str) -> dict:
    code = PROBE.format(statement=statement, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_command(args: list[str]) -> float:
    """CPU seconds of a whole child process (start-up included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per case (the median is shown)")
    args = parser.parse_args()
    print(f"{'what':<40} {'CPU s':>6} {'wall s':>7} {'peak MB':>8}  heavy libraries loaded")
    for label, statement in STATEMENTS.items():
        runs = [time_statement(statement) for _ in range(args.repeat)]
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        print(f"{label:<40} {cpu:>6.2f} {wall:>7.2f} {peak:>8.0f}  {', '.join(runs[0]['heavy']) or 'none'}")
    for label, command in {"carepath run --help (whole process)": ["carepath_cli.py", "run", "--help"],
                           "python -c pass (interpreter start-up)": ["-c", "pass"]}.items():
        cpu = statistics.median(time_command([sys.executable, *command]) for _ in range(args.repeat))
        print(f"{label:<40} {cpu:>6.2f}")


if __name__ == "__main__":
    main()
