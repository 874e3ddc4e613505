"""The planner's report: one self-contained HTML file for a comparison.

    from analysis.report import write_report
    write_report(comparison, Path("out/report.html"))

The file embeds its figures as PNG data and its styles inline, and links to nothing: it
opens offline, can be e-mailed, and a Content-Security-Policy forbids the browser from
fetching anything. It opens with the decision box for every option (analysis/decision_report.py),
which lever does the work and the uncertainty about the world; then, for each option against
the base, the plain-language summary, the headline table with 95% intervals, the plots, the
scenarios' differing parameters with their sources, and the provenance (seeds, replications,
code version, scenario hashes).
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from analysis import plots
from analysis.decision_report import attribution_section, decision_section, option_views, uncertainty_section
from analysis.labels import HEADLINE, fmt, metric_name, title_case, years_text
from analysis.provenance import (area_described, arms, differing_parameters, plain_citation, precision_text,
                                 reproduce_command, run_settings, seeds_text, shared_overrides)
from analysis.summary import (NO_CHANGE, difference, difference_cell, headline_table, interval_cell, interval_label,
                              summary_sentences, verdict)
from experiments.decision import interval_kind
from model.tally import METRICS

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b;
       max-width: 1120px; margin: 0 auto; padding: 1.5rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #005EB8; padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.lead { color: #444; margin-top: 0; }
.note { background: #f3f6fa; border-left: 4px solid #005EB8; padding: 0.6rem 0.9rem; }
ul.summary li { margin-bottom: 0.45rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.88rem; }
th, td { border: 1px solid #d0d5dc; padding: 0.3rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.unclear td { color: #555; }
tr.clear td.verdict { font-weight: 600; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e6ea; }
figcaption { font-size: 0.88rem; color: #444; margin-top: 0.3rem; }
nav ol { columns: 2; font-size: 0.92rem; }
details summary { cursor: pointer; color: #005EB8; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.decision-box { border: 2px solid #005EB8; border-radius: 4px; padding: 0.2rem 1rem; overflow-x: auto; }
h2.option { background: #005EB8; color: #fff; padding: 0.3rem 0.6rem; border: none; }
code { font-family: ui-monospace, Consolas, monospace; font-size: 0.9em; }
td.path, td.breakable { overflow-wrap: anywhere; }
td.path { font-family: ui-monospace, Consolas, monospace; font-size: 0.8em; }
pre.command { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f6fa; padding: 0.5rem 0.8rem; }
@media print { nav, details summary { display: none; } figure { break-inside: avoid; } }
"""

# Nothing may be fetched: images are data: URIs and the styles are inline.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

DECISION_SECTIONS = (("decision", "The decision"), ("levers", "Which lever does the work"),
                     ("uncertainty", "Uncertainty about the world"))
SECTIONS = (("summary", "In plain language"), ("headline", "Headline numbers"), ("figures", "Figures"),
            ("all-outputs", "All outputs"), ("area", "Area described"), ("scenarios", "Scenarios and their parameters"),
            ("provenance", "Provenance"))


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def figure_data_uri(fig) -> str:
    """A figure as a PNG data: URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig, alt: str, caption: str) -> str:
    return (f'<figure><img src="{figure_data_uri(fig)}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def table_html(frame: pd.DataFrame, numeric=(), row_classes=None, cell_classes=None) -> str:
    """A DataFrame as an HTML table, every cell escaped; numeric columns right-aligned."""
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cls = f' class="{row_classes[i]}"' if row_classes else ""
        cells = []
        for column, value in zip(frame.columns, row):
            classes = [c for c in ("num" if column in numeric else "", (cell_classes or {}).get(column, "")) if c]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{esc(value)}</td>")
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _summary_section(comparison, settings: dict, names: dict) -> str:
    n = settings["replications"]
    items = "".join(f"<li>{esc(s)}</li>" for s in summary_sentences(comparison))
    return f"""
<h2 id="summary">In plain language</h2>
<ul class="summary">{items}</ul>
<p class="note"><strong>How sure is this?</strong> Each difference is {esc(names['B'])} minus {esc(names['A'])},
paired replication by replication (both arms use the same seeds, so they differ only where the
arrangement makes them differ). The intervals are 95% confidence intervals over {n} replications:
where an interval includes zero, the report says the difference is {NO_CHANGE}; more replications
narrow the intervals (roughly with the square root of their number). {_interval_scope(comparison)}</p>"""


def _interval_scope(comparison) -> str:
    """What the intervals cover: chance only, or chance and the parameters drawn per replication."""
    if (comparison.meta or {}).get("uncertainty"):
        return ("These intervals are Monte Carlo + parameter uncertainty: each replication drew the uncertain "
                "parameters (lever strengths through partnership quality, costs, siloed frictions, effect sizes) "
                "from their ranges, the same draw in both arms (see Uncertainty about the world).")
    return ("These intervals are Monte Carlo only: they measure the model's chance variation. They do not include "
            "uncertainty in the parameters themselves (costs, effect sizes, ramp-up times), which "
            "<code>carepath compare --uncertainty</code> and a sensitivity analysis (<code>carepath "
            "sensitivity</code>) explore.")


def _headline_section(comparison, settings: dict) -> str:
    table = headline_table(comparison, patients=settings["patients"], ci_label=interval_label(comparison))
    diffs = [difference(comparison, m) for m in HEADLINE]
    diffs = [d for d in diffs if d is not None]
    classes = ["clear" if d.clear and d.n > 1 else "unclear" for d in diffs]
    numeric = [c for c in table.columns if c not in ("Metric", "Verdict")]
    return f"""
<h2 id="headline">Headline numbers</h2>
<p>Totals over {years_text(settings['years'])} for the whole area ({_people(settings)}), means over
{settings['replications']} replications; A is {esc(_arm_label(comparison, 'A'))}, B is
{esc(_arm_label(comparison, 'B'))}. Costs are undiscounted pounds except the net present value,
discounted at the HM Treasury Green Book rate of 3.5% a year.</p>
{table_html(table, numeric=numeric, row_classes=classes, cell_classes={'Verdict': 'verdict'})}"""


def _people(settings: dict) -> str:
    patients = settings.get("patients")
    return f"{int(patients):,} people with long-term conditions at the start" if patients else "all people"


def _arm_label(comparison, arm: str) -> str:
    return plots.scenario_names(comparison)[arm]


def _figures_section(comparison) -> str:
    names = plots.scenario_names(comparison)
    n = plots.replications(comparison)
    shown = [m for m in HEADLINE if m in comparison.runs.columns]
    parts = [
        (plots.time_series_grid(comparison, shown), "Headline metrics by year for both arms",
         f"Each year's mean over {n} replications for both arms; the shaded band is the 95% confidence "
         "interval of that mean. Where the bands overlap a lot, the arms are hard to tell apart in that year."),
        (plots.cumulative_difference_grid(comparison, shown), "Cumulative difference between the arms",
         f"The running total of {names['B']} minus {names['A']} from year 1, paired by replication, with its "
         "95% band. Where the band includes the zero line, the difference so far is "
         f"{NO_CHANGE}."),
        (plots.cost_by_payer(comparison), "Cost by payer and category for each arm",
         "Mean whole-run cost for each payer (NHS, council, self-funders), stacked by category, for both arms. "
         "A category below zero is money a payer receives (such as a pooled-budget transfer)."),
        (plots.cost_difference(comparison), "Which budget pays and which saves",
         "Left: the change in each payer's cost with its 95% interval (red: pays more; green: saves; grey: "
         "the interval includes zero). Right: the change in mean cost by category, split by who pays."),
        (plots.duplicate_visits(comparison), "Duplicate visits by type",
         "A duplicate visit is one whose purpose, for the same person and episode of need, another "
         "organisation's visit had already served within 28 days; counted from individuals' histories."),
        (plots.delayed_bed_days(comparison), "Delayed bed days by cause",
         "Days in hospital after being medically fit, by what the person was waiting for: NHS services "
         "or social care (assessment, package or placement)."),
    ]
    body = "".join(f"<h3>{esc(title)}</h3>{figure_html(fig, title, caption)}" for fig, title, caption in parts)
    kind = interval_kind(comparison)
    return (f'<h2 id="figures">Figures</h2><p>Every band and error bar in these figures is a 95% confidence '
            f"interval over replications: <strong>{esc(kind)}</strong>.</p>{body}")


def _all_outputs_section(comparison) -> str:
    ci_label = interval_label(comparison)
    rows = []
    classes = []
    for metric in METRICS:
        d = difference(comparison, metric)
        if d is None:
            continue
        rows.append({"Output": title_case(metric_name(metric)), "A (mean)": fmt(d.mean_a, metric),
                     "B (mean)": fmt(d.mean_b, metric), "Difference B − A": difference_cell(d),
                     ci_label: interval_cell(d), "Verdict": verdict(d)})
        classes.append("clear" if d.clear and d.n > 1 else "unclear")
    table = pd.DataFrame(rows)
    numeric = ["A (mean)", "B (mean)", "Difference B − A", ci_label]
    return f"""
<h2 id="all-outputs">All outputs</h2>
<p>Every output the model counts, totalled over the run (means over replications).</p>
{table_html(table, numeric=numeric, row_classes=classes, cell_classes={'Verdict': 'verdict'})}
<h3>Headline differences year by year</h3>
<p>Each row: the difference B − A in that year and its {esc(ci_label)} (one row a year, so
the table stays narrow however many years are simulated).</p>
{table_html(yearly_table(comparison, ci_label), numeric=['Difference B − A', ci_label])}"""


def yearly_table(comparison, ci_label: str = "95% CI") -> pd.DataFrame:
    """The headline differences year by year, one row per output and year."""
    years = sorted((p for p in comparison.summary["period"].astype(str).unique() if p != "total"), key=int)
    rows = []
    for metric in HEADLINE:
        first = True
        for year in years:
            d = difference(comparison, metric, year)
            if d is None:
                continue
            rows.append({"Output": title_case(metric_name(metric)) if first else "", "Year": year,
                         "Difference B − A": difference_cell(d), ci_label: interval_cell(d)})
            first = False
    return pd.DataFrame(rows, columns=["Output", "Year", "Difference B − A", ci_label])


def _area_section(comparison) -> str:
    """Every value either arm sets away from the model's defaults, in plain words, for both arms."""
    table = area_described(comparison)
    if table.empty:
        body = "<p>Both arms use the model's defaults throughout: an England-average area.</p>"
    else:
        body = table_html(table, cell_classes={"Parameter": "path", "Set by": "breakable"})
    return f"""
<h2 id="area">Area described</h2>
<p>Every value that differs from the model's England-average defaults, under either arm, with where it
was set: a scenario file (and, for figures given in the planner's own units, the <code>local:</code>
field it was converted from; docs/areas.md shows each conversion), <code>--patients</code> or
<code>--set</code>. Money is in 2017/18 prices, the model's price year.</p>
{body}"""


def _scenarios_section(comparison) -> str:
    both = arms(comparison)
    blocks = []
    for arm in ("A", "B"):
        item = both[arm]
        sources = "".join(f"<li>{esc(plain_citation(s))}</li>" for s in item.sources) or "<li>none listed</li>"
        blocks.append(f"""
<h3>{arm}: {esc(item.label or item.name)} <code>{esc(item.name)}</code></h3>
<p>{esc(item.description or 'No description recorded.')}</p>
<dl class="meta"><dt>File</dt><dd><code>{esc(item.origin or 'not recorded')}</code></dd>
<dt>Parameter hash</dt><dd><code>{esc(item.content_hash or 'not recorded')}</code></dd></dl>
<p>Sources the scenario cites:</p><ul>{sources}</ul>""")
    differing = differing_parameters(comparison)
    if differing.empty:
        table = "<p>The two arms have identical parameter values.</p>"
    else:
        table = table_html(differing, numeric=["A", "B", "Default"])
    note = ""
    if any(item.rebuilt for item in both.values()):
        note += ("<p class=\"note\">The comparison's metadata did not record full parameter values, so these "
                 "were rebuilt from the scenario files and overrides.</p>")
    if any(item.rebuilt and item.stale for item in both.values()):
        note += ("<p class=\"note\">A scenario file has changed since this comparison ran (its parameter "
                 "hash differs): the values shown are today's, not necessarily those that were run.</p>")
    common = shared_overrides(comparison)
    common_html = ""
    if common:
        listed = "".join(f"<li><code>{esc(k)}</code> = {esc(v)}</li>" for k, v in common.items())
        common_html = f"<p>Set for both arms alike:</p><ul>{listed}</ul>"
    return f"""
<h2 id="scenarios">Scenarios and their parameters</h2>
{''.join(blocks)}
<h3>Parameters that differ between the arms</h3>
<p>Each row is a parameter whose value differs; the source is that of the parameter's default in
<code>model/parameters.csv</code> (the scenario's own sources are listed above).</p>
{note}{table}{common_html}"""


def _provenance_section(comparison, settings: dict) -> str:
    both = arms(comparison)
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    how_many = precision_text(settings.get("precision"))
    items = [
        ("Code version", settings["code_version"]),
        ("Replications per arm", settings["replications"]),
        ("Seeds", seeds_text(settings["seeds"])),
        ("Years simulated", settings["years"]),
        ("People at the start", f"{int(settings['patients']):,}" if settings.get("patients") else "not recorded"),
        *((f"Scenario {arm}", f"{a.name} ({a.origin or 'origin not recorded'}), hash {a.content_hash or 'n/a'}")
          for arm, a in both.items()),
        *((("Number of replications", how_many),) if how_many else ()),
        *((("Comparison run", settings["created"]),) if settings.get("created") else ()),
        ("Report written", generated),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f"""
<h2 id="provenance">Provenance</h2>
<dl class="meta">{rows}</dl>
{_reproduce_paragraph(comparison)}"""


def _reproduce_paragraph(comparison) -> str:
    command = reproduce_command(comparison)
    if command is None:
        return ("<p>To reproduce: the arms were run with different overrides (from Python), so no single "
                "<code>carepath compare</code> command repeats them; the overrides are listed above.</p>")
    return (f"<p>To reproduce, with the same code version (the scenario files as they were then):</p>"
            f"<pre class=\"command\"><code>{esc(command)}</code></pre>")


def build_report(comparison, title: str | None = None) -> str:
    """The report as one HTML string: the decision sections, then each option against the base."""
    views = option_views(comparison)
    settings = run_settings(comparison)
    names = plots.scenario_names(views[0][1])
    if len(views) == 1:
        title = title or f"{title_case(names['B'])} compared with {names['A']}"
    else:
        title = title or f"{len(views)} options compared with {names['A']}"
    lead = (f"A simulation of care pathways in one local health and care economy: {_people(settings)}, "
            f"{years_text(settings['years'])}, {settings['replications']} replications per arm. "
            f"Code version {settings['code_version']}.")
    decision = "".join([
        decision_section(comparison, table_html, esc),
        attribution_section(comparison, figure_html, esc),
        uncertainty_section(comparison, table_html, figure_html, esc),
    ])
    if len(views) == 1:
        return page(title, lead, DECISION_SECTIONS + SECTIONS, decision + option_sections(views[0][1], settings))
    sections = list(DECISION_SECTIONS)
    body = [decision]
    for option, view in views:
        label = plots.scenario_names(view)["B"]
        sections.append((f"option-{option}", f"Option {option}: {label}"))
        section = option_sections(view, settings).replace(' id="', f' id="{option}-')
        body.append(f'<h2 class="option" id="option-{option}">Option {esc(option)}: {esc(label)} against '
                    f"{esc(names['A'])}</h2>{section}")
    return page(title, lead, sections, "".join(body))


def option_sections(comparison, settings: dict) -> str:
    """One option against the base (a two-arm comparison): the sections the report always had."""
    names = plots.scenario_names(comparison)
    return "".join([
        _summary_section(comparison, settings, names),
        _headline_section(comparison, settings),
        _figures_section(comparison),
        _all_outputs_section(comparison),
        _area_section(comparison),
        _scenarios_section(comparison),
        _provenance_section(comparison, settings),
    ])


def page(title: str, lead: str, sections, body: str) -> str:
    """A whole self-contained HTML page: the title, a lead paragraph, a contents list and the body."""
    nav = "".join(f'<li><a href="#{key}">{esc(label)}</a></li>' for key, label in sections)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="generator" content="carepath">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>carepath report: {esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>carepath: {esc(title)}</h1>
<p class="lead">{esc(lead)}</p>
<nav><ol>{nav}</ol></nav>
{body}
</body>
</html>
"""


def write_html(text: str, path: Path) -> Path:
    """Write a page to `path` atomically (a temporary file, then a rename); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(comparison, path: Path) -> Path:
    """Write the comparison's report to `path` atomically (a temporary file, then a rename).

    A failure part-way leaves no partial file, and an existing report is replaced only by a
    complete one. Returns the path.
    """
    return write_html(build_report(comparison), path)
