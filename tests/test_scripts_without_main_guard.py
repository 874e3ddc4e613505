"""A researcher's script that calls compare(..., workers=2) at top level, without an
`if __name__ == "__main__":` guard, or fed on standard input, works: worker processes start
without re-running the main script (experiments/backends.py says why)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = """
from experiments.compare import compare
c = compare("siloed", "integrated", replications=2, years=1, patients=200, workers=2)
print("diff", round(float(c.summary.query("period == 'total' and metric == 'cost_total'")["diff"].iloc[0])))
"""


@pytest.mark.slow
def test_an_unguarded_script_and_the_same_script_on_stdin_both_run(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(SCRIPT)
    as_file = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert as_file.returncode == 0, as_file.stderr[-2000:]
    on_stdin = subprocess.run([sys.executable, "-"], input=SCRIPT, cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)
    assert on_stdin.returncode == 0, on_stdin.stderr[-2000:]
    assert as_file.stdout.startswith("diff ") and as_file.stdout == on_stdin.stdout
    assert "worker process died" not in as_file.stderr + on_stdin.stderr
