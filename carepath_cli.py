"""The `carepath` command line: one entry point, a subcommand per job.

Subcommands live beside the code they drive: `run`, `scenarios` and `validate` here;
`compare`, `sweep`, `sensitivity`, `discover` and `calibrate` in experiments/cli.py;
`report` in analysis/cli.py; `app` in app/cli.py. Every error a user can cause prints one
line and exits with status 2, including argparse's own (see `OneLineParser`). SIGTERM is
handled like Ctrl-C, so a `kill` stops a sweep or comparison the same orderly way.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import signal
import sys
from pathlib import Path

from model.user_errors import MAX_SEED, ScenarioError, years_text

EXIT_USAGE = 2
PLUGINS = ("experiments.cli", "analysis.cli", "app.cli")


class UserError(Exception):
    """A mistake in what the user asked for; shown as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (`carepath COMMAND: error: ...`) and exit 2,
    and a mistyped choice (a subcommand, a --format) names the nearest instead of all of them."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {nearest_choice(message)} (see {self.prog} --help)\n")


_INVALID_CHOICE = re.compile(r"^(?P<head>.*invalid choice: )'(?P<typed>[^']*)' \(choose from (?P<choices>.*)\)$")


def nearest_choice(message: str) -> str:
    """argparse's "invalid choice: 'compar' (choose from 'run', ...)" as "... did you mean 'compare'?";
    with no near name, a short list is kept and a long one (the subcommands) is counted."""
    import difflib

    match = _INVALID_CHOICE.match(message)
    if not match:
        return message
    choices = re.findall(r"'([^']*)'", match["choices"])
    typed = match["typed"]
    close = difflib.get_close_matches(typed, choices, n=1, cutoff=0.5)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif len(choices) <= 8:  # a short list is clearer than a count
        hint = "choose from " + ", ".join(choices)
    else:
        hint = f"{len(choices)} choices"
    return f"{match['head']}'{typed[:40]}' ({hint})"


def parse_assignment(text: str) -> tuple[str, object]:
    """`path=value` from --set, with the value read as YAML (numbers, true/false, text)."""
    from model.bounded_yaml import parse_yaml

    if "=" not in text:
        raise UserError(f"--set {text[:60]}: expected PATH=VALUE, e.g. arrangement.shared_record.strength=0.5")
    path, raw = text.split("=", 1)
    path = path.strip()
    return path, parse_yaml(raw, f"--set {path[:60]}", UserError)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text[:40]!r}") from None


def seed_number(text: str) -> int:
    """A seed: a whole number from 0 to 2**63 - 1 (larger ones would silently wrap round)."""
    value = whole_number(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63 - 1, got {text[:40]}")
    return value


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs the model."""
    parser.add_argument("--patients", type=positive_int, default=None,
                        help="people at the start (default: the scenario's area.population.patients, 10000 "
                             "unless the scenario sets it; --set area.population.patients=N wins over this)")
    parser.add_argument("--years", type=positive_int, default=5, help="years to simulate (default 5)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                        help="override a scenario parameter, e.g. --set arrangement.shared_record.strength=0.5 "
                             "(repeatable; names in docs/parameters.md)")


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                        help="file format of the tables written with --out (default parquet)")


def add_resolution_option(parser: argparse.ArgumentParser, tables: str) -> None:
    parser.add_argument("--resolution", choices=("week", "month", "year"), default="year",
                        help=f"time resolution of the results (default year). week or month: also write {tables} "
                             "with one row per period (a period column counting from 1, its year and its weeks; "
                             "months are 4 or 5 whole weeks); levels are averaged, flows summed (docs/outputs.md)")


def overrides_from(args) -> dict:
    return dict(parse_assignment(item) for item in args.overrides)


def cmd_run(args) -> int:
    from experiments.output_folder import check_output_folder, write_frame, write_output_folder
    from model.api import resolve, run

    if args.out:
        check_output_folder(args.out, "run", args.force)
    scenario = resolve(args.scenario, overrides_from(args), args.patients, sources=("--set", "--patients"))
    result = run(scenario, years=args.years, seed=args.seed, event_log=args.event_log)
    if args.out:
        def write(folder: Path) -> None:
            write_frame(result.by_year, folder, "by_year", args.format)
            if args.resolution != "year":
                write_frame(result.by_period(args.resolution), folder, "by_period", args.format)
            write_frame(result.totals.to_frame("total").rename_axis("metric").reset_index(), folder, "totals",
                        args.format)
            if result.events is not None:
                write_frame(result.events, folder, "events", args.format)
            (folder / "meta.json").write_text(json.dumps({**result.meta, "resolution": args.resolution}, indent=2,
                                                         default=str))

        write_output_folder(args.out, "run", write, args.force)
    if args.json:
        print(json.dumps(result.headline(args.resolution), default=str))
    else:
        print_summary(result, args.out, args.format, args.resolution)
    return 0


def print_summary(result, out, fmt: str = "parquet", resolution: str = "year") -> None:
    from model.tally import METRICS

    meta = result.meta
    print(f"carepath run: {meta['scenario']} | {meta['patients']:,} people | {years_text(meta['years'])} | "
          f"seed {meta['seed']} | {meta['code_version']}")
    totals = result.totals
    for name in METRICS:
        value = totals[name]
        shown = f"£{value:,.0f}" if name.startswith("cost_") else f"{value:,.0f}"
        print(f"  {name:24s} {shown:>18s}")
    if out:
        by_period = f"by_period.{fmt} (by {resolution}), " if resolution != "year" else ""
        print(f"results written to {out}/ (by_year.{fmt}, {by_period}totals.{fmt}, meta.json)")


def cmd_scenarios(args) -> int:
    from model.scenario import list_scenarios

    scenarios = list_scenarios()
    width = max(len(n) for n in scenarios)
    for name, line in scenarios.items():
        print(f"{name:{width}s}  {line}")
    return 0


def cmd_validate(args) -> int:
    """Every error in the file, one line each (not only the first), exit 2; or a one-line OK."""
    from model.scenario import load_scenario

    try:
        scenario = load_scenario(args.file)
    except ScenarioError as exc:
        for line in exc.lines:
            print(f"carepath: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    changed = len(scenario.values())
    print(f"{args.file}: valid scenario '{scenario.name}' ({changed} parameters, hash {scenario.content_hash()})")
    if scenario.local:
        print(f"  in the model's units: {scenario.area.population.patients:,} people with long-term conditions "
              f"(docs/areas.md shows every conversion)")
    return 0


def cmd_area_new(args) -> int:
    from model.area_template import AreaFileError, new_area_file

    try:
        path = new_area_file(args.name)
    except AreaFileError as exc:
        raise UserError(str(exc)) from None
    print(f"wrote {path}: fill in your area's figures, then `carepath validate {path}`")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="carepath",
        description="Simulate care pathways in English health and social care, siloed vs integrated.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario and report its outputs",
                         description="Run one scenario (a built-in name or a YAML file) and report its outputs.")
    run.add_argument("scenario", help="built-in name (see `carepath scenarios`) or path to a scenario YAML file")
    add_run_options(run)
    run.add_argument("--seed", type=seed_number, default=1, help="random seed, 0 to 2**63 - 1 (default 1)")
    run.add_argument("--out", metavar="DIR", help="write by_year.parquet, totals.parquet and meta.json here")
    add_format_option(run)
    add_resolution_option(run, "by_period.parquet (with --out) and by_period in --json")
    run.add_argument("--force", action="store_true",
                     help="replace an --out folder that holds an earlier run's results (never other files)")
    run.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    run.add_argument("--event-log", action="store_true", help="keep the per-person event log (written with --out)")
    run.set_defaults(handler=cmd_run)

    scen = sub.add_parser("scenarios", help="list the built-in scenario library")
    scen.set_defaults(handler=cmd_scenarios)

    val = sub.add_parser("validate", help="check a scenario file and list everything wrong, one line each")
    val.add_argument("file", help="path to a scenario YAML file (or a built-in name)")
    val.set_defaults(handler=cmd_validate)

    area = sub.add_parser("area", help="start a scenario file for your own area, in your own units",
                          description="Write a commented scenario file for your own area (adults, their 65+ share, "
                                      "the council's budget in £m, acute beds, teams' £ a year, a price year); "
                                      "docs/areas.md explains each figure.")
    area_sub = area.add_subparsers(dest="area_command", required=True, metavar="ACTION")
    new = area_sub.add_parser("new", help="write NAME.yaml in the current folder (never replaces a file)",
                              description="Write NAME.yaml in the current folder from a commented template that "
                                          "validates as written; an existing file is never replaced.")
    new.add_argument("name", help="the area's name: a letter, then letters, digits, _ or -")
    new.set_defaults(handler=cmd_area_new)

    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.add_cli(sub)
    return parser


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops work as Ctrl-C does
    try:
        status = args.handler(args) or 0
        sys.stdout.flush()  # inside the try: a reader that has gone (`| head`) is seen here
        return status
    except BrokenPipeError:
        # The reader of our output stopped early, as `carepath run --json | head` does: that is
        # not an error. Point stdout at /dev/null so the interpreter's last flush is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ScenarioError, UserError) as exc:
        print(f"carepath: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("carepath: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
