"""Write docs/outputs.md, the data dictionary, from the registry (model/outputs.py).

Usage:
    .venv/bin/python scripts/make_output_docs.py          # rewrite docs/outputs.md
    .venv/bin/python scripts/make_output_docs.py --check  # exit 1 if it is out of date

Why generated: each output column's unit, kind (flow, level, end of period) and meaning live
in one place in the code, which the totals, the axis labels and this file all read, so the
three cannot drift (tests/test_output_dictionary.py fails when the file is stale).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.costs import CATEGORIES  # noqa: E402 - needs the repository on the path
from model.eventlog import COSTS_NOT_EVENTS, EVENT_CATEGORIES  # noqa: E402
from model.outputs import COLUMNS, END, FLOW, ID, LEVEL, CATEGORY_DEFINITIONS  # noqa: E402
from model.tally import METRICS  # noqa: E402

OUTPUT = ROOT / "docs" / "outputs.md"
REGENERATE = ".venv/bin/python scripts/make_output_docs.py"

INTRO = f"""# Outputs: the data dictionary

Generated file: do not edit by hand. It is written from model/outputs.py by
`{REGENERATE}` (tests/test_output_dictionary.py checks it is current).

Every table of results (a run's `by_year` and `by_period`, a comparison's `runs` and
`runs_by_period`, a sweep's `runs`) has one row per period and these columns. Each column is
one of three kinds, and every sum over periods (the `total` period, whole-run totals,
months and years built from weeks) follows its kind:

- **{FLOW}**: something that happens during the period (admissions, bed days, pounds spent).
  Summed over periods.
- **{LEVEL}**: a state, averaged over the weeks of the period (each week's value at its end).
  Averaged over periods, weighted by their weeks: a run's `waiting_list_council` is the mean
  list over all its weeks, not the years' means added up.
- **{END}**: a state at the period's end; a run's value is its last period's.

Rates per 1,000 (`RunResult.per_1000()`, calibration targets) divide a flow by person-years:
`person_days` / 365.25.

## Time resolution

`carepath run`, `carepath compare` and `carepath sweep` take `--resolution week|month|year`
(default year). A model year is 52 weeks. Weeks are the model's own step; a **month** is 4 or
5 whole weeks (week w of a year falls in month floor((w - 1) x 12 / 52) + 1), so no week is
split and twelve months make the year exactly. A finer resolution adds a table with a
`period` column counting from 1 over the whole run, the period's `year` and its number of
`weeks`; the yearly tables stay as they are. Weeks and months are built from the model's
weekly record (model/collector.py), so they add up to the years to rounding (about 1e-9 of
the value); the yearly tables are the model's own counts.

The headline metrics are also in the model's Mesa `DataCollector`
(`model.datacollector.get_model_vars_dataframe()`: one row per week, each week's own values).
"""

EVENTS = """
## The event log and what it does not hold

`carepath run --event-log` keeps one row per event (`kind` = `event`): who, which day, what,
which organisation and payer, and the event's `cost` with its ledger `category`. Events carry
the costs of the care that comes one contact at a time: {event_costs}, and assessment visits
(`community` when the NHS pays, `assessments` when the council does).

These costs are **not events**: they accrue by the week, per head or per person in care, and
the ledger (`cost_*`) holds them without any event:

{not_events}

So the events' costs alone fall short of `cost_total`. The log therefore carries them as
rows of `kind` = `weekly_cost`: one per week, cost category and payer, dated the week's first
day, with `person_id` -1 and `event` `weekly_cost`. Each is what the ledger spent that week in
that category and payer less the events' own costs there, so **events + weekly_cost rows sum
to `cost_total`** (and by payer to `cost_nhs`, `cost_council`, `cost_self_funded`) to rounding;
tests/test_eventlog_costs.py checks it. `pooled_budget_transfer` rows net to zero across
payers: they move money between the NHS and the council.
"""



def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _table(names) -> list[str]:
    lines = ["| column | unit | kind | definition |", "|---|---|---|---|"]
    for name in names:
        c = COLUMNS[name]
        lines.append(f"| `{c.name}` | {_cell(c.unit)} | {c.kind} | {_cell(c.definition)} |")
    return lines


def render() -> str:
    identifiers = [n for n, c in COLUMNS.items() if c.kind == ID]
    headline = list(METRICS)
    costs = [n for n in COLUMNS if n.startswith("cost_") and n not in headline]
    others = [n for n in COLUMNS if n not in identifiers and n not in headline and n not in costs]
    parts = [INTRO, "## Identifiers", "", *_table(identifiers), "",
             "A comparison's and a sweep's tables also carry `arm` (A or B), `scenario`, `replication`, `seed` "
             "and, in a sweep, `run_id`, `point`, `code_version` and the values of the varied parameters by "
             "their dotted paths (docs/parameters.md).", "",
             "## Headline metrics", "", *_table(headline), "",
             "## Further counts", "", *_table(others), "",
             "## Costs by category and payer", "",
             f"Categories: {', '.join(f'`{c}` ({CATEGORY_DEFINITIONS[c]})' for c in CATEGORIES)}.", "",
             *_table(costs)]
    event_costs = ", ".join(f"`{c}`" for c in sorted(set(EVENT_CATEGORIES.values())))
    not_events = "\n".join(f"- `{c}`: {text}" for c, text in COSTS_NOT_EVENTS.items())
    parts.append(EVENTS.format(event_costs=event_costs, not_events=not_events))
    return "\n".join(parts).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="Write docs/outputs.md from model/outputs.py.")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/outputs.md is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"docs/outputs.md is out of date: run {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(COLUMNS)} columns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
