"""The means test for council-arranged care, and who pays for a week of it.

Savings always count; the home's value counts for a care home only, and only when nobody
else lives in it (the disregard for a partner at home). Capital above the upper limit makes
a self-funder, who pays in full (care homes at the self-funder premium, CMA 2017); between
the limits a tariff of 1 GBP a week per 250 GBP is paid towards care (DHSC charging
guidance). Care-home fees are spent down from capital, so self-funders become council-funded
in time.
"""
from __future__ import annotations

import numpy as np

from model.costs import Payer
from model.population import per_person


def assessable_capital(m, ids: np.ndarray, care_home) -> np.ndarray:
    pop = m.pop
    counts_home = np.asarray(care_home) & pop.lives_alone[ids]
    return pop.capital[ids] + np.where(counts_home, pop.housing[ids], 0.0)


def is_self_funder(m, ids: np.ndarray, care_home) -> np.ndarray:
    return assessable_capital(m, ids, care_home) > m.config.area.context.means_test_upper


def payer_of_care(m, ids: np.ndarray, care_home) -> np.ndarray:
    return np.where(is_self_funder(m, ids, care_home), Payer.SELF_FUNDED, Payer.COUNCIL).astype(np.int64)


def tariff(assessable: np.ndarray, ctx) -> np.ndarray:
    """1 GBP a week per whole 250 GBP above the lower limit; none above the upper (self-funders)."""
    over = np.clip(assessable - ctx.means_test_lower, 0, None)
    return np.where(assessable > ctx.means_test_upper, 0.0, np.floor(over / 250.0))


def charge_council(m, category: str, ids: np.ndarray, amounts) -> None:
    """Council-paid social care: into the ledger and against each person's own council's budget."""
    if len(ids) == 0:
        return
    amounts = per_person(amounts, len(ids), float)
    m.ledger.charge(category, Payer.COUNCIL, float(amounts.sum()))
    spent = np.bincount(m.pop.council[ids], weights=amounts, minlength=len(m.councils))
    for council, amount in zip(m.councils, spent):
        council.budget.spent += amount


def charge_week_of_care(m, category: str, ids, amounts, premium: float,
                        care_home: bool) -> tuple[np.ndarray, np.ndarray]:
    """Charge a week of care by the means test; return what each person paid themselves,
    and who paid in full (the self-funders)."""
    ctx = m.config.area.context
    if m.streams.compiled:  # the same numbers, in one pass (passes_compiled.py)
        from model import passes_compiled
        pop = m.pop
        self_pays, self_funded, council_pays = passes_compiled.week_of_charges(
            np.asarray(ids, dtype=np.int64), np.asarray(amounts, dtype=np.float64), 1 + premium, bool(care_home),
            pop.capital, pop.housing, pop.lives_alone, float(ctx.means_test_lower), float(ctx.means_test_upper))
    else:
        assessable = assessable_capital(m, ids, care_home)  # once: this runs every week for everyone in care
        self_funded = assessable > ctx.means_test_upper
        own_share = np.minimum(tariff(assessable, ctx), amounts)
        self_pays = np.where(self_funded, amounts * (1 + premium), own_share)
        council_pays = np.where(self_funded, 0.0, amounts - own_share)
    m.ledger.charge(category, Payer.SELF_FUNDED, float(self_pays.sum()))
    charge_council(m, category, ids, council_pays)
    return self_pays, self_funded


def spend_down(m, ids: np.ndarray, paid: np.ndarray) -> None:
    """Care-home fees come out of savings, then out of the home's value, so a self-funder
    spends down to the upper limit and the council takes over. Home-care charges are not
    taken from capital: people's income meets most of them, and the model has no income."""
    pop = m.pop
    from_savings = np.minimum(paid, pop.capital[ids])
    pop.capital[ids] -= from_savings
    pop.housing[ids] = np.maximum(pop.housing[ids] - (paid - from_savings), 0.0)
