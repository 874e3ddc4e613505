"""Analysis and the planner's report: tidy tables, plots, plain-language sentences, HTML.

- `analysis.load`: read a run, a comparison or a sweep folder into pandas tables.
- `analysis.intervals`: means and paired 95% t intervals over replications.
- `analysis.plots`: matplotlib figures of a comparison (one function per picture).
- `analysis.summary`: the comparison in plain-language sentences.
- `analysis.provenance`: scenarios, differing parameters with their sources, seeds, code version.
- `analysis.report`: `write_report(comparison, path)`, the self-contained HTML report.
- `analysis.sweep`: a sweep's tables, sensitivity/tornado/scatter plots and report.
- `analysis.cli`: `carepath report RESULTS [--out FILE.html]`.
- `analysis.notebook`: figures show as a notebook cell's value without `%matplotlib inline`.
"""
from analysis.notebook import show_figures_in_notebooks

show_figures_in_notebooks()
