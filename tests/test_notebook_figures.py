"""In a fresh IPython shell (as in a new Jupyter kernel), a carepath figure left as a cell's
value is shown as a picture, with no `%matplotlib inline` first."""
from __future__ import annotations

import subprocess
import sys

import pytest

SESSION = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell("from matplotlib.figure import Figure; before = Figure()")
plain, _ = shell.display_formatter.format(shell.user_ns["before"])
shell.run_cell("import analysis.plots; fig = Figure(); fig.add_subplot().plot([1, 2])")
shown, _ = shell.display_formatter.format(shell.user_ns["fig"])
print(sorted(plain), sorted(shown), shown["image/png"][:4] == b"\\x89PNG")
"""


@pytest.mark.slow
def test_a_figure_is_a_cells_picture_once_carepath_is_imported():
    done = subprocess.run([sys.executable, "-c", SESSION], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    # before: only the text "<Figure size ...>"; after importing carepath's analysis: a PNG too
    assert done.stdout.strip().splitlines()[-1] == "['text/plain'] ['image/png', 'text/plain'] True"
