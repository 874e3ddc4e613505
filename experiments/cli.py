"""`carepath compare`, `sweep`, `sensitivity`, `discover` and `calibrate` (loaded by carepath_cli)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from carepath_cli import (add_format_option, add_resolution_option, add_run_options, overrides_from, positive_int,
                          seed_number, whole_number)
from experiments.errors import ExperimentError
from model.user_errors import MAX_SEED, years_text

MAX_REPLICATIONS = 10_000  # a comparison holds its runs in memory; longer ones belong in a sweep


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def fraction(text: str) -> float:
    value = number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction between 0 and 1 (e.g. 0.02 for 2%), got {text}")
    return value


def replication_count(text: str) -> int:
    value = positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_REPLICATIONS:,} (for more, run the comparison "
                                         f"as a sweep: docs/experiments.md), got {value:,}")
    return value


def check_compare_request(args) -> None:
    """Everything about a comparison that can be refused before any run starts."""
    from experiments.compare import MIN_REPLICATIONS
    from experiments.output_folder import check_output_file, check_output_folder

    if args.precision and args.max_replications < MIN_REPLICATIONS + 1:
        raise ExperimentError(f"--max-replications {args.max_replications}: --precision starts with "
                              f"{MIN_REPLICATIONS} replications and adds more, so it needs at least "
                              f"{MIN_REPLICATIONS + 1}")
    most = args.max_replications if args.precision else (args.replications or 10)
    if args.seed + most - 1 > MAX_SEED:
        raise ExperimentError(f"--seed {args.seed}: replications use seeds up to seed + {most - 1}, which must stay "
                              f"at most 2**63 - 1")
    if args.out:
        check_output_folder(args.out, "comparison", args.force)
    if args.report:
        check_output_file(args.report, (".html", ".htm"), args.force, "--report", "report")


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text[:40]!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600 seconds, got {text[:40]}")
    return value


# -- compare ---------------------------------------------------------------------------------
def cmd_compare(args) -> int:
    from experiments.compare import compare

    check_compare_request(args)
    if args.report:
        write_report = _report_writer()
    comparison = compare(args.base, *args.options, replications=args.replications, precision=args.precision,
                         years=args.years, patients=args.patients, overrides=overrides_from(args),
                         workers=args.workers, seed0=args.seed, max_replications=args.max_replications,
                         progress=not args.no_progress, value_sources=("--set", "--patients"),
                         uncertainty=args.uncertainty, attribution=args.attribution, resolution=args.resolution)
    if args.out:
        comparison.save(Path(args.out), force=args.force, format=args.format)
    if args.report:
        write_report(comparison, Path(args.report))
    if args.json:
        print(json.dumps(comparison.to_json(), default=str))
    else:
        print_comparison(comparison)
        for what, where in (("results", args.out), ("report", args.report)):
            if where:
                print(f"{what} written to {where}")
    return 0


def _report_writer():
    try:
        from analysis.report import write_report
    except ModuleNotFoundError as exc:
        if exc.name not in ("analysis", "analysis.report"):
            raise
        # ExperimentError, not carepath_cli.UserError: the same class however carepath_cli was
        # loaded (as `carepath` or as __main__), so main() always shows it as one line.
        raise ExperimentError("--report: the report writer (analysis.report) is not in this installation yet; "
                        "use --out DIR to save the results") from None
    return write_report


def _number(value: float, money: bool) -> str:
    if value != value:  # NaN
        return "n/a"
    rounded = round(value)
    return ("-" if rounded < 0 else "") + ("£" if money else "") + f"{abs(rounded):,}"


def aligned_table(header: list[str], rows: list[list[str]], gap: int = 3) -> list[str]:
    """Lines of a plain-text table: the first column left-aligned, the others right-aligned, each
    as wide as its widest cell and `gap` spaces apart, so long scenario names never run together."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells) -> str:
        parts = [str(cells[0]).ljust(widths[0])] + [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
        return (" " * gap).join(parts).rstrip()
    return [line(header)] + [line(row) for row in rows]


def print_comparison(comparison) -> None:
    """The whole-run table: as it always was for two arms; with several options, one table
    with each option's paired difference from the base and its interval."""
    if len(comparison.options) > 1:
        print_options(comparison)
    else:
        print_two_arms(comparison)
    precision = comparison.meta.get("precision")
    if precision:
        achieved = ", ".join(f"{m} {v:.2%}" for m, v in precision["achieved"].items())
        state = "reached" if precision["converged"] else "NOT reached (hit --max-replications)"
        print(f"precision target {precision['target']:.2%} of A's mean {state}: half-widths {achieved}")


def _interval_note(meta: dict) -> str:
    if meta.get("uncertainty"):
        return ("the 95% interval includes parameter uncertainty (parameters drawn per replication; a "
                "confidence interval of the mean)")
    return "the 95% interval is Monte Carlo only (chance; parameters fixed)"


def print_options(comparison) -> None:
    from model.tally import METRICS

    meta = comparison.meta
    names = meta["scenarios"]
    seeds = meta["seeds"]
    options = comparison.options
    print(f"carepath compare: base {names['A']} (A) against " + ", ".join(f"{names[o]} ({o})" for o in options)
          + f" | {meta['patients']} people | {meta['years']} years | {meta['replications']} replications "
          f"(seeds {seeds[0]}-{seeds[-1]}) | {meta['code_version']}")
    print(f"Whole-run totals; X - A is option X's paired difference from the base (common random numbers); "
          f"{_interval_note(meta)}.")
    summary = comparison.summary[comparison.summary["period"] == "total"]
    rows = []
    for metric in METRICS:
        by_option = summary[summary["metric"] == metric].set_index("option")
        money = metric.startswith("cost_")
        rows.append([metric, _number(by_option.iloc[0]["mean_a"], money)]
                    + [f"{_number(r['diff'], money)} [{_number(r['ci_low'], money)}, {_number(r['ci_high'], money)}]"
                       for r in (by_option.loc[o] for o in options)])
    for line in aligned_table(["metric", f"A: {names['A']}"] + [f"{o} - A: {names[o]}" for o in options], rows):
        print(f"  {line}")


def print_two_arms(comparison) -> None:
    from model.tally import METRICS

    meta = comparison.meta
    names = meta["scenarios"]
    seeds = meta["seeds"]
    print(f"carepath compare: {names['A']} (A) vs {names['B']} (B) | {meta['patients']:,} people | "
          f"{years_text(meta['years'])} | {meta['replications']} replications (seeds {seeds[0]}-{seeds[-1]}) | "
          f"{meta['code_version']}")
    print("Whole-run totals; B - A is the paired difference (common random numbers) with its 95% interval.")
    totals = comparison.summary[comparison.summary["period"] == "total"].set_index("metric")
    rows = []
    for metric in METRICS:
        row = totals.loc[metric]
        money = metric.startswith("cost_")
        rows.append([metric, _number(row["mean_a"], money), _number(row["mean_b"], money), _number(row["diff"], money),
                     f"[{_number(row['ci_low'], money)}, {_number(row['ci_high'], money)}]"])
    for line in aligned_table(["metric", f"A: {names['A']}", f"B: {names['B']}", "B - A", "95% interval"], rows):
        print(f"  {line}")
    if meta.get("uncertainty"):
        print(f"Note: {_interval_note(meta)}.")


# -- sweep -----------------------------------------------------------------------------------
def cmd_sweep(args) -> int:
    from experiments.spec import load_experiment
    from experiments.sweep import run_sweep

    from experiments.output_folder import check_sweep_folder

    if args.rerun is not None:
        return _rerun(args)

    experiment = load_experiment(args.file)
    out = Path(args.out) if args.out else Path("out") / "sweeps" / experiment.name
    check_sweep_folder(out)
    try:
        report = run_sweep(experiment, out, workers=args.workers, scheduler=args.scheduler,
                           progress=not args.no_progress, worker_wait=args.worker_wait, resolution=args.resolution)
    except KeyboardInterrupt:
        from experiments.store import SweepStore

        done = len(SweepStore(out).completed())
        print(f"carepath: interrupted; finished runs are kept in {out}/ ({done} done); "
              f"run the same command again to resume", file=sys.stderr)
        raise
    minutes = report.elapsed / 60
    rate = f", {report.ran / minutes:.1f} runs/min" if report.ran and minutes > 0 else ""
    print(f"carepath sweep: {experiment.name} on {report.backend}: {report.ran} runs in "
          f"{report.elapsed:.1f} s{rate}; {report.completed} of {report.runs} complete")
    if report.failures:
        print(f"{len(report.failures)} runs failed (parameters, seed and error in {out}/failures.jsonl); "
              f"run the same command again to retry them", file=sys.stderr)
        for record in report.failures[:5]:
            print(f"  run {record['run_id']} (point {record['point']}, seed {record['seed']}): {record['error']}",
                  file=sys.stderr)
        return 1
    if args.format == "csv":
        from experiments.store import export_csv

        export_csv(out)
    print(f"results in {out}/runs.{args.format} (one row per run, arm and year) and {out}/design.{args.format}")
    if args.resolution != "year":
        print(f"by {args.resolution}: {out}/runs_by_period.{args.format} (one row per run, arm and {args.resolution})")
    if args.sensitivity:
        _print_sensitivity(out, None, as_json=False, save=None, method=None)
    return 0


def _rerun(args) -> int:
    from experiments.sweep import rerun

    folder = Path(args.out) if args.out else Path(args.file)
    if not (folder / "manifest.json").is_file():
        raise ExperimentError(f"--rerun: {folder} is not a sweep folder; give the sweep's results folder "
                              "(carepath sweep DIR --rerun RUN_ID)")
    again = rerun(folder, args.rerun)
    from model.tally import METRICS

    first = again.table.iloc[0]
    print(f"carepath sweep --rerun {again.run_id}: point {first['point']}, replication {first['replication']}, "
          f"seed {first['seed']}, model code {again.code_version}")
    totals = again.table.groupby("arm")[list(METRICS)].sum()
    for arm, row in totals.iterrows():
        print(f"  arm {arm}: " + ", ".join(f"{m} {row[m]:,.0f}" for m in ("emergency_admissions", "cost_total")))
    if again.stored is None:
        print("the sweep has no stored rows for this run yet, so there is nothing to check against")
        return 0
    if again.identical:
        print(f"identical to the stored rows ({len(again.table)} rows, every column; stored by model code "
              f"{again.stored_version})")
        return 0
    print(f"DIFFERS from the stored rows in {len(again.differences)} columns ({', '.join(again.differences[:6])}"
          f"{', ...' if len(again.differences) > 6 else ''}); stored by model code {again.stored_version}, "
          f"rerun by {again.code_version}", file=sys.stderr)
    return 1


# -- sensitivity -----------------------------------------------------------------------------
def cmd_sensitivity(args) -> int:
    if args.out:
        from experiments.output_folder import check_output_file

        check_output_file(args.out, (".csv", ".parquet"), option="--out", what="table of indices")
    _print_sensitivity(Path(args.results), args.output or None, as_json=args.json, save=args.out,
                       method=args.method)
    return 0


def _print_sensitivity(folder: Path, outputs, as_json: bool, save, method) -> None:
    from experiments.sensitivity import analyse, format_table, sobol_warnings
    from experiments.store import SweepStore

    indices = analyse(folder, outputs, method)
    manifest = SweepStore(folder).manifest()
    for line in sobol_warnings(indices, manifest.get("points", 0) and _base_samples(manifest),
                               manifest["problem"]["num_vars"], manifest.get("second_order", False)):
        print(line, file=sys.stderr)
    if save:
        path = Path(save)
        if path.suffix == ".parquet":
            indices.to_parquet(path, index=False)
        else:
            indices.to_csv(path, index=False)
    if as_json:
        print(indices.to_json(orient="records"))
    else:
        print(format_table(indices))


# -- discover --------------------------------------------------------------------------------
def cmd_discover(args) -> int:
    from experiments.discovery import discover, format_discovery

    if args.out:
        from experiments.output_folder import check_output_folder

        check_output_folder(args.out, "discovery", args.force)
    found = discover(Path(args.results), args.metric, below=args.below, above=args.above, boxes=args.boxes,
                     min_coverage=args.min_coverage, peel_alpha=args.peel_alpha, mass_min=args.mass_min)
    if args.out:
        found.save(Path(args.out), force=args.force)
    if args.json:
        print(json.dumps(found.to_json()))
    else:
        print(format_discovery(found))
        if args.out:
            print(f"boxes, limits, peeling trajectory (table and plot) written to {args.out}")
    return 0


# -- calibrate -------------------------------------------------------------------------------
def cmd_calibrate(args) -> int:
    from experiments.calibration import calibrate, format_result, load_calibration

    calibration = load_calibration(args.file)
    out = Path(args.out) if args.out else Path("out") / "calibrations" / calibration.name
    try:
        result = calibrate(calibration, out, workers=args.workers, progress=not args.no_progress)
    except KeyboardInterrupt:
        print(f"carepath: interrupted; finished trials are kept in {out}/study.db; "
              f"run the same command again to resume", file=sys.stderr)
        raise
    print(format_result(result, calibration))
    print(f"best parameters as a scenario: {out}/best_scenario.yaml (extends {calibration.spec.scenario}); "
          f"fit table and plot: {out}/fit.csv, {out}/fit.png; every trial: {out}/trials.csv")
    return 0


def share(text: str) -> float:
    value = number(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction above 0 and at most 1, got {text}")
    return value


def _base_samples(manifest: dict) -> int:
    """Sobol's base sample N from the number of points: N (k + 2), or N (2k + 2) with second order."""
    k = manifest["problem"]["num_vars"]
    return manifest["points"] // (2 * k + 2 if manifest.get("second_order") else k + 2)


def add_cli(subparsers) -> None:
    comp = subparsers.add_parser(
        "compare", help="compare a base scenario with one or more options on common random numbers, with paired "
                        "95%% intervals",
        description="Run a base scenario and one or more options on the same seeds (the same people and chances) "
                    "and report each metric's mean under each, each option's paired difference from the base and "
                    "its 95% interval, in total and by year. The report (--report) opens with a decision box per "
                    "option: net cost to each payer, cost per admission avoided, bed day saved and duplicate "
                    "visit avoided, and the payback year.")
    comp.add_argument("base", help="the base scenario (arm A): built-in name or YAML file")
    comp.add_argument("options", nargs="+", metavar="option",
                      help="one or more options (arms B, C, ...; at most 25): "
                           "built-in names or YAML files")
    how_many = comp.add_mutually_exclusive_group()
    how_many.add_argument("--replications", type=replication_count,
                          help=f"replications per arm (default 10, at most {MAX_REPLICATIONS:,})")
    how_many.add_argument("--precision", type=fraction, metavar="P",
                          help="add replications until each headline 95%% half-width is within P of A's mean "
                               "(e.g. 0.01)")
    comp.add_argument("--max-replications", type=replication_count, default=100,
                      help="upper limit for --precision (default 100; at least 4)")
    add_run_options(comp)
    comp.add_argument("--seed", type=seed_number, default=1,
                      help="seed of replication 1, 0 to 2**63 - 1 (default 1)")
    comp.add_argument("--workers", type=positive_int, help="local processes (default: one per core)")
    comp.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    comp.add_argument("--out", metavar="DIR", help="write runs.parquet, summary.parquet and meta.json here")
    add_format_option(comp)
    add_resolution_option(comp, "runs_by_period.parquet and summary_by_period.parquet with --out (and by_period "
                                "in --json)")
    comp.add_argument("--force", action="store_true",
                      help="replace an --out folder that holds an earlier comparison, and a --report file that "
                           "holds an earlier carepath report (never other files)")
    comp.add_argument("--report", metavar="FILE.html",
                      help="write an HTML report of the comparison (a new file, or an earlier report with --force)")
    comp.add_argument("--uncertainty", action="store_true",
                      help="draw every uncertain parameter (model/parameters.csv, uniform over its uncertainty "
                           "range) per replication, the same draw for every arm, so intervals include what we do "
                           "not know about the world; the report adds the probability each option saves each "
                           "payer money and acceptability curves (use 30 or more replications)")
    comp.add_argument("--attribution", type=positive_int, nargs="?", const=3, default=0, metavar="R",
                      help="split each option's effect among its levers (Shapley values, a waterfall in the "
                           "report) over the first R replications (default 3 when given without R). Costs up to "
                           "2**k - 2 extra runs per replication for an option with k levers (k at most 5; beyond, "
                           "24 sampled orders)")
    comp.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    comp.set_defaults(handler=cmd_compare)

    sweep = subparsers.add_parser(
        "sweep", help="run an experiment file's design, locally or on a Dask cluster (resumable)",
        description="Run every point x replication of an experiment file, streaming each finished run to "
                    "Parquet in --out. Run it again after an interruption to resume.")
    sweep.add_argument("file", help="experiment YAML file (or the name of one in experiments/); with --rerun, "
                                    "the sweep's results folder")
    sweep.add_argument("--rerun", type=whole_number, metavar="RUN_ID",
                       help="run one run of a sweep again from its recorded provenance (the experiment file as "
                            "run, seed and point) and check it against the stored rows; exit 1 if they differ")
    sweep.add_argument("--workers", type=positive_int, help="local processes (default: one per core)")
    sweep.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster at this scheduler address, e.g. tcp://127.0.0.1:8786")
    sweep.add_argument("--worker-wait", type=seconds, default=30.0, metavar="SECONDS",
                       help="with --scheduler: how long to wait for the cluster to have a worker before "
                            "giving up (default 30)")
    sweep.add_argument("--out", metavar="DIR",
                       help="results folder (default out/sweeps/NAME): new, empty, or this sweep's to resume")
    sweep.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                       help="csv: also write runs.csv and design.csv when the sweep is complete (the Parquet "
                            "files stay: resuming reads them)")
    add_resolution_option(sweep, "runs_by_period.parquet (a sweep resumes only at the resolution it was started "
                                 "with)")
    sweep.add_argument("--sensitivity", action="store_true",
                       help="print sensitivity indices when the sweep is complete (Sobol or Morris for their "
                            "designs, the delta measure for others)")
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    sweep.set_defaults(handler=cmd_sweep)

    sens = subparsers.add_parser(
        "sensitivity", help="sensitivity indices of a finished sweep, any design (through SALib)",
        description="Compute sensitivity indices from a finished sweep: Sobol or Morris for a sweep made with "
                    "that design; for any design (Latin hypercube, grid, ...) the delta moment-independent "
                    "measure, RBD-FAST or PAWN. Warns on stderr when Sobol indices fall outside [0, 1] or "
                    "their intervals are wide, naming the sample size to use.")
    sens.add_argument("results", help="the sweep's results folder")
    sens.add_argument("--method", choices=("sobol", "morris", "delta", "rbd_fast", "pawn"),
                      help="default: the design's own (sobol or morris), else delta")
    sens.add_argument("--output", action="append", metavar="METRIC",
                      help="metric to analyse (repeatable; default: the experiment's outputs)")
    sens.add_argument("--json", action="store_true", help="print the indices as JSON records")
    sens.add_argument("--out", metavar="FILE",
                      help="also write the indices to FILE (.csv or .parquet; a new file, never replaced)")
    sens.set_defaults(handler=cmd_sensitivity)

    disc = subparsers.add_parser(
        "discover", help="scenario discovery (PRIM): where in a sweep's ranges a condition on an output holds",
        description="Find boxes of parameter ranges where a condition on each design point's outcome holds "
                    "(for a paired sweep the outcome is the effect B - A, mean over replications of the whole-run "
                    "total), with PRIM from the EMA Workbench. Example: --metric cost_nhs --below 0 (the option "
                    "lowers the NHS's cost).")
    disc.add_argument("results", help="a complete sweep's results folder")
    disc.add_argument("--metric", required=True, help="output column, e.g. cost_nhs or emergency_admissions")
    side = disc.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=number, metavar="VALUE", help="points of interest: outcome below VALUE")
    side.add_argument("--above", type=number, metavar="VALUE", help="points of interest: outcome above VALUE")
    disc.add_argument("--boxes", type=positive_int, default=1, help="how many boxes to look for (default 1)")
    disc.add_argument("--min-coverage", type=share, default=0.8,
                      help="report the densest box on the trajectory covering at least this share of the "
                           "points of interest (default 0.8)")
    disc.add_argument("--peel-alpha", type=share, default=0.05, help="share peeled off at each step (default 0.05)")
    disc.add_argument("--mass-min", type=share, default=0.05,
                      help="smallest share of all points a box may hold (default 0.05)")
    disc.add_argument("--json", action="store_true", help="print the boxes as one JSON object")
    disc.add_argument("--out", metavar="DIR", help="write boxes.csv, limits.csv, trajectory.csv, points.csv, "
                                                   "discovery.json and peeling_trajectory.png here")
    disc.add_argument("--force", action="store_true",
                      help="replace an --out folder that holds an earlier discovery (never other files)")
    disc.set_defaults(handler=cmd_discover)

    cal = subparsers.add_parser(
        "calibrate", help="fit parameters to targets with Optuna (resumable, common random numbers)",
        description="Fit a calibration file's parameters to its targets (outputs per 1,000 person-years, or "
                    "facts of model/validation.py) with Optuna's TPE sampler. Each trial runs the same seeds. "
                    "The study is kept in --out/study.db: run the same command again to resume or, after "
                    "raising trials:, to continue.")
    cal.add_argument("file", help="calibration YAML file (see docs/experiments.md, Calibration)")
    cal.add_argument("--out", metavar="DIR", help="results folder (default out/calibrations/NAME)")
    cal.add_argument("--workers", type=positive_int,
                     help="local processes for each trial's replications (default: one per core, at most "
                          "the replications)")
    cal.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    cal.set_defaults(handler=cmd_calibrate)
