"""Integration levers: what each changes in the pathway, how strong it is this week, whom it
reaches, and what it costs.

`LEVERS` is the one registry of levers: the week's mechanisms read their effects by these
names, and the workshop app, the parameter reference and the tests derive their lists and
explanations from it. Why a ramp: integration effects build over years (culture, shared
systems, trust; an integration lag of about 3 years, 2-10, in the Pioneer and Vanguard
evaluations and at Torbay), and set-up costs come first. A lever's effect in a week is
strength x partnership quality x the share of its ramp-up completed since its start year.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.costs import Payer


@dataclass(frozen=True)
class Lever:
    """One lever: who pays for running it, what it changes, and what the evidence says."""

    name: str
    payer: Payer | None  # None: no running cost of its own (case management charges per patient)
    changes: str  # what it changes in the pathway, in plain English
    evidence: str  # what evaluations found, in a sentence


LEVERS = {lever.name: lever for lever in (
    Lever("joint_assessment", Payer.COUNCIL,
          "One visit by an integrated health and social care team assesses a need at home for both "
          "organisations, instead of two or four separate visits, and offers reablement before any "
          "long-term placement.",
          "Duplicate visits fall quickly; trusted assessors cut care-home discharge delays in local "
          "reports (no national trial)."),
    Lever("shared_record", Payer.NHS,
          "Organisations can read each other's assessments, so they repeat fewer of them.",
          "No national quantification of repeated assessments; qualitative evidence that shared "
          "records reduce them."),
    Lever("single_point_of_access", Payer.COUNCIL,
          "One call routes a referral to social care at once: none is lost between services or "
          "delayed while a signposted person finds their way.",
          "A recognised remedy for referrals lost between services; no trial of its effect."),
    Lever("case_management", None,
          "The highest-risk people at home get a named coordinator who contacts them every month.",
          "No significant effect on admissions, costs or mortality (Stokes et al. 2015, 36 studies); "
          "better experience."),
    Lever("integrated_discharge", Payer.COUNCIL,
          "Discharge to assess: people leave hospital as soon as a reablement place is free and are "
          "assessed at home afterwards, rather than on the ward.",
          "Assessment in hospital overstates long-term needs (NHS England, 2016); Torbay kept delays "
          "minimal."),
    Lever("rapid_response", Payer.NHS,
          "A community team meets some crises at home within hours instead of A&E, as far as its "
          "staff allow.",
          "Admission avoidance at home is safe (Shepperd et al., Cochrane 2016); integration "
          "evaluations saw no fall in emergency admissions."),
    Lever("shared_commissioning", Payer.COUNCIL,
          "The NHS and the council share commissioning support, removing back-office work done twice.",
          "Seeds' figure: 25 GBP a head each for NHS and council commissioning support, partly duplicated."),
)}
# Levers whose effect ramps up from a start year (pooled budgets start at once: budget.py).
RAMPED_LEVERS = tuple(LEVERS)
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

    def reablement_places_per_1000(self) -> float:
        """Reablement places that home-first levers bring with them, at their achieved strength:
        discharge to assess and integrated teams send people home to be reabled, which needs
        reablement staff (funded by the lever; each episode is still charged to the council)."""
        return sum(getattr(self.arrangement, name).reablement_places_per_1000 * self.effect[name]
                   for name in ("joint_assessment", "integrated_discharge"))

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
        return paid_by if paid_by is not None else (LEVERS[name].payer or Payer.NHS)

    def charge_weekly_costs(self, ledger, week: int, people: int, reached: int) -> None:
        """Set-up costs over each lever's first year; running costs as it ramps up.

        Both scale with the lever's strength and with the people it reaches (everyone, or one
        condition's pathway): the per-head costs in the parameters are for a lever at full
        strength reaching everyone.
        """
        year = week // WEEKS_PER_YEAR + 1
        heads = reached if self.dementia_only else people
        for name in (n for n, lever in LEVERS.items() if lever.payer is not None):
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
