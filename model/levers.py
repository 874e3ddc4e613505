"""Integration levers: how strong each is this week, whom it reaches, and what it costs.

Why a ramp: integration effects build over years (culture, shared systems, trust:
parameters.csv row 36, integration lag about 3 years), and set-up costs come first. A
lever's effect in a week is strength x partnership quality x the share of its ramp-up
completed since its start year.
"""
from __future__ import annotations

import numpy as np

from model.costs import Payer

RAMPED_LEVERS = ("joint_assessment", "shared_record", "single_point_of_access", "case_management",
                 "integrated_discharge", "rapid_response", "shared_commissioning")
# Who pays for running each lever (assumption: as these services were commissioned in
# the seeds: assessment and access teams by councils, records and clinical teams by the NHS).
LEVER_PAYER = {
    "joint_assessment": Payer.COUNCIL, "shared_record": Payer.NHS,
    "single_point_of_access": Payer.COUNCIL, "integrated_discharge": Payer.COUNCIL,
    "rapid_response": Payer.NHS, "shared_commissioning": Payer.COUNCIL,
}
WEEKS_PER_YEAR = 52


class Levers:
    """The arrangement's levers, evaluated week by week."""

    def __init__(self, arrangement, context):
        self.arrangement = arrangement
        self.quality = context.partnership_quality
        self.effect = {name: 0.0 for name in RAMPED_LEVERS}
        self.ramp = {name: 0.0 for name in RAMPED_LEVERS}
        self.pooled_share = 0.0
        self.dementia_only = arrangement.condition_focus == "dementia"

    def _nominal(self, name: str) -> float:
        lever = getattr(self.arrangement, name)
        return lever.coverage if name == "case_management" else lever.strength

    def update(self, week: int) -> None:
        years_in = week / WEEKS_PER_YEAR
        for name in RAMPED_LEVERS:
            lever = getattr(self.arrangement, name)
            since = years_in - (lever.start_year - 1)
            if since < 0:
                ramp = 0.0
            elif lever.ramp_years == 0:
                ramp = 1.0
            else:
                ramp = min(since / lever.ramp_years, 1.0)
            self.ramp[name] = ramp
            quality = 1.0 if name == "case_management" else self.quality
            self.effect[name] = self._nominal(name) * quality * ramp
        pooled = self.arrangement.pooled_budget
        self.pooled_share = pooled.share if years_in >= pooled.start_year - 1 else 0.0

    def reach(self, pop, ids: np.ndarray) -> np.ndarray:
        """Which of these people the levers reach (everyone, or one condition's pathway)."""
        if self.dementia_only:
            return pop.dementia[ids]
        return np.ones(len(ids), dtype=bool)

    def applies(self, name: str, streams, decision: str, step: int, pop, ids: np.ndarray) -> np.ndarray:
        """Per person: does this lever act on them now? (effect-strength Bernoulli x reach)."""
        effect = self.effect[name]
        if effect <= 0 or len(ids) == 0:
            return np.zeros(len(ids), dtype=bool)
        return streams.bernoulli(decision, step, ids, effect) & self.reach(pop, ids)

    def payer_for(self, name: str) -> Payer:
        """Who pays for a lever: the scenario's choice, or the body that usually runs it."""
        paid_by = {"nhs": Payer.NHS, "council": Payer.COUNCIL}.get(self.arrangement.integration_costs_paid_by)
        return paid_by if paid_by is not None else LEVER_PAYER.get(name, Payer.NHS)

    def charge_weekly_costs(self, ledger, week: int, people: int, reached: int) -> None:
        """Set-up costs over each lever's first year; running costs as it ramps up.

        Both scale with the lever's strength and with the people it reaches (everyone, or one
        condition's pathway): the per-head costs in the parameters are for a lever at full
        strength reaching everyone.
        """
        year = week // WEEKS_PER_YEAR + 1
        heads = reached if self.dementia_only else people
        for name in LEVER_PAYER:
            lever = getattr(self.arrangement, name)
            strength = self._nominal(name)
            if strength <= 0:
                continue
            payer = self.payer_for(name)
            if year == lever.start_year and lever.setup_cost_per_head > 0:
                ledger.charge("integration_setup", payer, lever.setup_cost_per_head * strength * heads / WEEKS_PER_YEAR)
            running = getattr(lever, "running_cost_per_head", 0.0)
            if running and self.ramp[name] > 0:
                ledger.charge("integration_running", payer,
                              running * strength * self.ramp[name] * heads / WEEKS_PER_YEAR)
