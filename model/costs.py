"""Cost by payer and category, by year, and its net present value.

Why a ledger: the outputs are cost by payer (NHS, council, self-funded) and by category,
undiscounted and discounted at the HM Treasury Green Book rate (3.5%); keeping one matrix per year
makes "costs add up across payers and categories" true by construction and testable.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np


class Payer(IntEnum):
    NHS = 0
    COUNCIL = 1
    SELF_FUNDED = 2


CATEGORIES = (
    "gp", "ae", "inpatient", "excess_bed_days", "community", "intermediate_care", "assessments", "reablement",
    "home_care", "care_homes", "coordination", "back_office", "integration_setup",
    "integration_running", "pooled_budget_transfer",
)
CATEGORY_INDEX = {name: i for i, name in enumerate(CATEGORIES)}
PAYER_NAMES = {Payer.NHS: "nhs", Payer.COUNCIL: "council", Payer.SELF_FUNDED: "self_funded"}


class CostLedger:
    """Money spent, as an array [year, category, payer] in pounds."""

    def __init__(self, years: int, discount_rate: float):
        self.amounts = np.zeros((years, len(CATEGORIES), len(Payer)))
        self.discount_rate = discount_rate
        self.year_index = 0

    def charge(self, category: str, payer: Payer, amount: float) -> None:
        self.amounts[self.year_index, CATEGORY_INDEX[category], payer] += amount

    def charge_split(self, category: str, payers: np.ndarray, amounts: np.ndarray) -> None:
        """Charge per-person amounts to each person's own payer."""
        row = self.amounts[self.year_index, CATEGORY_INDEX[category]]
        row += np.bincount(payers, weights=amounts, minlength=len(Payer))[: len(Payer)]

    def discount_factors(self) -> np.ndarray:
        """Green Book factors: year 1 is the present, year n is discounted n-1 times."""
        years = np.arange(self.amounts.shape[0])
        return 1.0 / (1.0 + self.discount_rate) ** years

    def by_year(self) -> dict[str, np.ndarray]:
        """Yearly cost columns: totals, by payer, by category, by category and payer, and NPV."""
        out = {
            "cost_total": self.amounts.sum(axis=(1, 2)),
            "cost_nhs": self.amounts[:, :, Payer.NHS].sum(axis=1),
            "cost_council": self.amounts[:, :, Payer.COUNCIL].sum(axis=1),
            "cost_self_funded": self.amounts[:, :, Payer.SELF_FUNDED].sum(axis=1),
        }
        out["cost_npv"] = out["cost_total"] * self.discount_factors()
        for name, i in CATEGORY_INDEX.items():
            out[f"cost_{name}"] = self.amounts[:, i, :].sum(axis=1)
            for payer, payer_name in PAYER_NAMES.items():
                out[f"cost_{name}__{payer_name}"] = self.amounts[:, i, payer]
        return out
