"""Experiments on the care-pathway model: paired comparisons, sweeps and sensitivity analysis.

- `experiments.compare.compare(base, option, ...)`: a base and one or more options on common
  random numbers, with paired 95% intervals (or as many replications as a target precision
  needs), optionally with parameter uncertainty (`uncertainty.py`) and lever attribution
  (`attribution.py`); `decision.py` gives the decision measures (cost per admission avoided,
  payback year, ...).
- `experiments.sweep.run_sweep(file, out, ...)`: an experiment file's design, run in local
  processes or on a Dask cluster, streamed to Parquet part files and resumable.
- `experiments.sensitivity.analyse(folder)`: sensitivity indices of a finished sweep (Sobol or
  Morris for their designs; delta, RBD-FAST or PAWN for any design).
- `experiments.discovery.discover(folder, metric, below=...)`: scenario discovery (PRIM).
- `experiments.calibration.calibrate(file, out)`: fit parameters to targets (Optuna).

The design choices (seeds, storage layout, resume, paired arms) are in docs/experiments.md.
"""
try:  # figures (discovery, calibration) show as a notebook cell's value; analysis may be absent
    from analysis.notebook import show_figures_in_notebooks
except ImportError:
    pass
else:
    show_figures_in_notebooks()
