"""The week's headcounts: who is alive, at home, with an unmet need, in a care home.

Why one function: the end of each week counts the same people six ways (person-days, days at
home, unmet-need days, the denominators of the validation rates); one pass serves them all.
"""
from __future__ import annotations

from typing import NamedTuple

from model.needs import UNMET_NEED_CODES, unmet_need
from model.population import Place


class Headcount(NamedTuple):
    alive: int
    with_dementia: int
    at_home: int
    unmet_need: int  # at home with an open need no service meets yet (needs.unmet_need)
    aged_65_at_home: int
    in_care_home: int
    multimorbid_out_of_hospital: int  # two or more conditions, not in hospital


def headcount(m) -> Headcount:
    """This week's counts, compiled where the run's draws are (the same numbers either way)."""
    if not m.streams.compiled:
        return headcount_numpy(m)
    from model import passes_compiled

    pop = m.pop
    counts = passes_compiled.headcount(
        pop.view("alive"), pop.view("dementia"), pop.view("place"), pop.view("stage"), pop.view("package"),
        m.risks.aged_65, pop.view("n_conditions"), int(Place.HOSPITAL), int(Place.CARE_HOME),
        *UNMET_NEED_CODES)
    return Headcount(*(int(c) for c in counts))


def headcount_numpy(m) -> Headcount:
    pop = m.pop
    alive, place = pop.view("alive"), pop.view("place")
    home, care_home, hospital = int(Place.HOME), int(Place.CARE_HOME), int(Place.HOSPITAL)  # population.holding
    at_home = alive & (place == home)
    return Headcount(
        alive=int(alive.sum()),
        with_dementia=int((alive & pop.view("dementia")).sum()),
        at_home=int(at_home.sum()),
        unmet_need=int(unmet_need(m).sum()),
        aged_65_at_home=int((at_home & (pop.view("age") >= 65)).sum()),
        in_care_home=int((alive & (place == care_home)).sum()),
        multimorbid_out_of_hospital=int((alive & (pop.view("n_conditions") >= 2) & (place != hospital)).sum()),
    )
