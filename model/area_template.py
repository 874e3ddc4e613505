"""`carepath area new NAME`: a commented scenario file for a planner's own area to start from.

Why a template: a planner knows their area in their own units (adults, £m, beds, a team's
£ a year); the file asks for exactly those, says where each figure usually comes from, and
validates as written, so the first run works before anything is changed.
"""
from __future__ import annotations

import re
from pathlib import Path

from model.area_units import price_years

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,59}")

TEMPLATE = """\
# {name}: a scenario for your own area, written by `carepath area new {name}`.
# Give your area's figures in the local: section in your own units; carepath converts them
# to the model's (docs/areas.md shows every conversion and where England's figures come
# from). The figures below are a made-up area of a quarter of a million adults: replace them.
#
#   carepath validate {file}                      # every mistake at once, one line each
#   carepath run {file} --years 1 --patients 2000 # a quick first run on a sample of its people
#   carepath compare {file} my_option.yaml --report report.html
#
# An option to compare is another file that starts `extends: {file}` and sets levers
# under arrangement: (docs/parameters.md lists them all).
name: {name}
label: {name}, as it is today
description: |
  {name} as it is today: siloed, each organisation assessing for itself, no pooled budget.
extends: siloed
sources:
  - "Adults and their 65+ share: ONS mid-year population estimates for the area"
  - "Council adult social care budget: the council's gross current expenditure (NHS England ASC-FR)"
  - "Acute beds: general and acute beds open overnight at the area's trusts (NHS England KH03)"
local:
  price_year: {price_year}   # the financial year your £ figures are in ({first_year} to {price_year})
  adult_population: 250000   # people aged 18 and over living in the area
  share_65_plus: 0.22        # share of those adults aged 65 or over (0.1 to 0.4)
  council_adult_social_care_budget_m: 130   # £ million a year the council spends on adult social care
  acute_beds: 575            # general and acute beds open overnight for the area's people
  # team_costs:              # what a team costs in £ a year, for a lever switched on below
  #   integrated_discharge: 900000
area:
  organisations: {{councils: 1, hospitals: 1}}   # more councils or hospitals add boundaries to cross
  # Unit costs in your price year, for example:
  # costs: {{nursing_week: 1100, home_care_hour: 28}}
arrangement:
  name: {name} as it is today
"""


class AreaFileError(ValueError):
    """A name or file `area new` cannot use; one line for the user."""


def new_area_file(name: str, folder: Path = Path(".")) -> Path:
    """Write NAME.yaml in `folder` from the template; never replace an existing file."""
    from model.scenario import builtin_names

    stem = name.removesuffix(".yaml")
    if not NAME_PATTERN.fullmatch(stem):
        raise AreaFileError(f"area new {name[:60]!r}: a name is a letter then up to 59 letters, digits, _ or - "
                            f"(it becomes NAME.yaml in the current folder)")
    if stem in builtin_names():
        raise AreaFileError(f"area new {stem}: {stem} is a built-in scenario's name; choose another, such as "
                            f"{stem}_area")
    path = Path(folder) / f"{stem}.yaml"
    text = TEMPLATE.format(name=stem, file=path.name, price_year=price_years()[-1], first_year=price_years()[0])
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise AreaFileError(f"area new {stem}: {path} already exists; nothing was written (choose another name "
                            f"or move that file)") from None
    except OSError as exc:
        raise AreaFileError(f"area new {stem}: cannot write {path} ({exc.strerror or exc})") from None
    return path
