"""`carepath report RESULTS [--out FILE.html]`: the planner's report from saved results.

carepath_cli loads this module and calls `add_cli(subparsers)`.
"""
from __future__ import annotations

from pathlib import Path


def add_cli(subparsers) -> None:
    report = subparsers.add_parser(
        "report", help="write a self-contained HTML report from saved results",
        description="Write one self-contained HTML file (figures embedded, no external links, opens "
                    "offline) from a comparison folder written by `carepath compare --out DIR`, or from a "
                    "sweep folder written by `carepath sweep`/`carepath sensitivity`.")
    report.add_argument("results", metavar="RESULTS", help="a results folder (from carepath compare --out)")
    report.add_argument("--out", metavar="FILE.html",
                        help="where to write the report (default: RESULTS/report.html); a new file, or an "
                             "earlier carepath report with --force")
    report.add_argument("--force", action="store_true",
                        help="replace an earlier carepath report at that path (never other files)")
    report.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from analysis.load import ResultsError, kind_of, load_comparison
    from carepath_cli import UserError
    from experiments.output_folder import check_output_file

    folder = Path(args.results)
    out = Path(args.out) if args.out else folder / "report.html"
    check_output_file(out, (".html", ".htm"), args.force, "--out", "report")
    try:
        kind = kind_of(folder)
        if kind == "comparison":
            from analysis.report import write_report

            written = write_report(load_comparison(folder), out)
        elif kind == "sweep":
            from analysis.sweep import load_sweep, write_sweep_report

            written = write_sweep_report(load_sweep(folder), out)
        else:
            raise UserError(f"{folder}: holds one run, not a comparison; run `carepath compare A B --out DIR` "
                            "and report on that folder")
    except ResultsError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write the report ({exc.strerror or exc})") from None
    print(f"report written to {written}")
    return 0
