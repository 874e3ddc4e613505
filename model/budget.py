"""The council's social care budget, what it buys, its squeeze, and pooling with the NHS.

Why: a council's money buys its assessors, reablement places and home-care hours, so a cut
buys fewer; a council whose spending runs ahead of its budget tightens eligibility.
So austerity (a budget cut over a spending review: 28% in the 2010s) acts through eligibility
and purchased capacity, and slower packages shunt cost to the NHS as delayed bed days and
crises (docs/ODD.md, submodel 7.11).

A pooled budget (a Section 75 agreement, or a whole care trust) does two things, both paid
for by the NHS and counted in its costs (category `pooled_budget_transfer`): the NHS adds its
own contribution to the pooled part (`nhs_contribution`), which buys capacity through the
same mechanism as the council's money; and the partners share an overspend on the pooled
part, so the council's squeeze is eased. Nothing cancels the cut by construction.
"""
from __future__ import annotations

from model.costs import Payer

WEEKS_PER_YEAR = 52


class CouncilBudget:
    """One council's budget for the year, what it has spent on care, and how squeezed it is."""

    def __init__(self, context):
        self.context = context
        self.annual = 0.0  # the council's own budget this year, after any cut
        self.baseline = 0.0  # what it would have been without the cut
        self.nhs_contribution = 0.0  # NHS money added to the pool this year
        self.spent = 0.0  # this year's council-paid social care (assessments, reablement, care)
        self.covered = 0.0  # this year's overspend met by the NHS through the pool
        self.squeeze = 0.0

    def cut_share(self, year: int) -> float:
        ctx = self.context
        return ctx.austerity_cut * min(max(year, 0) / ctx.austerity_years, 1.0)

    def start_year(self, year: int, people: int, pooled_share: float, nhs_contribution: float) -> None:
        ctx = self.context
        growth = (1 + ctx.council_budget_growth) ** (year - 1)
        self.baseline = ctx.council_budget_per_person * growth * people
        self.annual = self.baseline * (1 - self.cut_share(year))
        self.nhs_contribution = nhs_contribution * pooled_share * self.annual
        self.spent = self.covered = 0.0

    def purchasing_power(self) -> float:
        """The share of baseline assessors, reablement places and home-care hours the council
        can buy this year: the money it has against the money it would have had, on the part
        of a cut that falls on commissioned capacity (`austerity_capacity_share`)."""
        money = (self.annual + self.nhs_contribution) / self.baseline if self.baseline > 0 else 1.0
        return 1 - self.context.austerity_capacity_share * (1 - money)

    def update(self, ledger, week_of_year: int, pooled_share: float) -> None:
        """Pay this week's share of the NHS contribution; recompute the squeeze, the NHS
        meeting the pooled share of any overspend."""
        if self.nhs_contribution > 0:
            weekly = self.nhs_contribution / WEEKS_PER_YEAR
            ledger.charge("pooled_budget_transfer", Payer.NHS, weekly)
            ledger.charge("pooled_budget_transfer", Payer.COUNCIL, -weekly)
        budget = self.annual + self.nhs_contribution
        allowed = budget * (week_of_year + 1) / WEEKS_PER_YEAR
        overspend = max(self.spent - allowed, 0.0)
        raw = overspend / allowed if allowed > 0 else 0.0
        covered = pooled_share * overspend - self.covered
        if covered > 0:
            ledger.charge("pooled_budget_transfer", Payer.NHS, covered)
            ledger.charge("pooled_budget_transfer", Payer.COUNCIL, -covered)
            self.covered += covered
        self.squeeze = raw * (1 - pooled_share)
