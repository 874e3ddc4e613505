"""Importing the API and the comparison code loads no heavy library until it is needed.

Why: every `carepath` command and every sweep worker pays for what these imports load; Mesa
(and with it pandas, scipy and networkx) is loaded when a model is built, pandas and scipy when
a table or an interval is made (docs/performance.md). Import time itself is measured in
benchmarks/bench_import.py, not here.
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"mesa", "pandas", "scipy", "networkx", "pyarrow", "matplotlib", "dask", "SALib", "optuna", "ema_workbench",
         "numba"}


def loaded_after(statement: str) -> set[str]:
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_api_and_comparisons_loads_no_heavy_library():
    assert loaded_after("import model.api, experiments.compare") & HEAVY == set()


def test_the_scenario_schema_and_reader_load_when_a_scenario_is_first_read():
    """pydantic and PyYAML cost about a fifth of a second to import and build; `import model.api`
    leaves them until a scenario is validated or read."""
    assert loaded_after("import model.api, experiments.compare") & {"pydantic", "yaml"} == set()
    assert {"pydantic", "yaml"} <= loaded_after("import model.api\nmodel.api.load_scenario('integrated')")



def test_help_pages_load_neither_the_scenario_schema_nor_numpy():
    """`carepath run --help` builds the whole parser (every command's options) without pydantic,
    PyYAML or numpy: what it needs of the scenario code (its error, the largest seed) lives in
    model/user_errors.py."""
    statement = ("import contextlib, io, carepath_cli\n"
                 "for argv in (['--help'], ['run', '--help'], ['sweep', '--help']):\n"
                 "    try:\n"
                 "        with contextlib.redirect_stdout(io.StringIO()):\n"
                 "            carepath_cli.main(argv)\n"
                 "    except SystemExit:\n"
                 "        pass")
    assert loaded_after(statement) & (HEAVY | {"numpy", "pydantic", "yaml"}) == set()


def test_a_sweeps_coordinator_does_not_load_mesa(tmp_path):
    """The process that hands out a sweep's runs and writes their parts (pandas and pyarrow)
    builds no model, so it loads neither Mesa nor the compiler: at 10,000 people x 5 years
    Mesa's import alone was about 5% of a run's time, charged to the sweep machinery."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text("name: tiny\nbase: siloed\nparameters:\n  area.crisis.rate_at_75: {low: 0.1, high: 0.18}\n"
                    "design: {method: latin, samples: 2, seed: 1}\nyears: 1\npatients: 300\n")
    statement = ("from experiments.sweep import run_sweep\n"
                 f"report = run_sweep({str(spec)!r}, {str(tmp_path / 'out')!r}, workers=2, progress=False)\n"
                 "assert report.complete")
    assert loaded_after(statement) & {"mesa", "networkx", "numba"} == set()
