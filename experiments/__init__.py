"""Experiments on the care-pathway model: paired comparisons, sweeps and sensitivity analysis.

- `experiments.compare.compare(a, b, ...)`: two scenarios on common random numbers, with
  paired 95% intervals (or as many replications as a target precision needs).
- `experiments.sweep.run_sweep(file, out, ...)`: an experiment file's design, run in local
  processes or on a Dask cluster, streamed to Parquet part files and resumable.
- `experiments.sensitivity.analyse(folder)`: Sobol or Morris indices of a finished sweep.

The design choices (seeds, storage layout, resume, paired arms) are in docs/experiments.md.
"""
