"""The council's social care budget, its squeeze, and pooling with the NHS.

Why: a council that overspends tightens eligibility and slows packages, which shunts cost
to the NHS as delayed bed days and crises (MODEL.md s3); a pooled budget lets the NHS
cover part of the gap instead. Austerity cuts the budget over a spending review (28% in
the seeds). The squeeze is the council's year-to-date overspend as a share of budget.
"""
from __future__ import annotations

from model.costs import Payer

WEEKS_PER_YEAR = 52


class CouncilBudget:
    """One council's budget for the year, what it has spent on care, and how squeezed it is."""

    def __init__(self, context):
        self.context = context
        self.annual = 0.0
        self.spent = 0.0  # this year's council-paid social care (assessments, reablement, care)
        self.covered = 0.0  # this year's overspend met from the pool
        self.squeeze = 0.0

    def cut_share(self, year: int) -> float:
        ctx = self.context
        return ctx.austerity_cut * min(max(year, 0) / ctx.austerity_years, 1.0)

    def start_year(self, year: int, people: int) -> None:
        ctx = self.context
        growth = (1 + ctx.council_budget_growth) ** (year - 1)
        self.annual = ctx.council_budget_per_person * growth * people * (1 - self.cut_share(year))
        self.spent = self.covered = 0.0

    def purchasing_power(self, year: int, pooled_share: float) -> float:
        """The share of baseline assessors and home-care hours the council can buy this year.

        Austerity cuts capacity as well as thresholds; pooled money protects it.
        """
        ctx = self.context
        return 1 - self.cut_share(year) * ctx.austerity_capacity_share * (1 - pooled_share)

    def update(self, ledger, week_of_year: int, pooled_share: float) -> None:
        """Recompute the squeeze; move the pooled share of the overspend to the NHS."""
        allowed = self.annual * (week_of_year + 1) / WEEKS_PER_YEAR
        overspend = max(self.spent - allowed, 0.0)
        raw = overspend / allowed if allowed > 0 else 0.0
        covered = pooled_share * overspend - self.covered
        if covered > 0:
            ledger.charge("pooled_budget_transfer", Payer.NHS, covered)
            ledger.charge("pooled_budget_transfer", Payer.COUNCIL, -covered)
            self.covered += covered
        self.squeeze = raw * (1 - pooled_share)
