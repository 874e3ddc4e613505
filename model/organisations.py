"""The organisations of one local health and care economy, as Mesa agents.

Patients are numpy columns (see population.py); the organisations are few, so they are
ordinary Mesa agents that hold what is theirs: capacity, waiting lists and a budget.
Capacities are set each year by CarePathModel.start_year.
"""
from __future__ import annotations

from collections import deque

import mesa

from model.budget import CouncilBudget
from model.queues import ServiceQueue


class GPPractice(mesa.Agent):
    """A general practice with weekly appointment capacity."""

    def __init__(self, model, number: int):
        super().__init__(model)
        self.number = number
        self.weekly_capacity = 0.0


class Hospital(mesa.Agent):
    """An acute hospital: A&E, emergency admissions, beds.

    Whether it is full is judged on the last four weeks' occupancy, not one week's: a run
    of 10,000 people holds a slice of a real hospital's beds, and one week's count at that
    size swings far more than a whole hospital's would.
    """

    PRESSURE_WEEKS = 4

    def __init__(self, model, number: int):
        super().__init__(model)
        self.number = number
        self.beds = 0.0
        self.delayed_patients = 0
        self.recent_occupancy: deque[int] = deque(maxlen=self.PRESSURE_WEEKS)

    def record_week_end(self, occupied: int, delayed: int) -> None:
        self.delayed_patients = delayed
        self.recent_occupancy.append(occupied)

    @property
    def occupied_beds(self) -> int:
        """Beds occupied at the end of the last week."""
        return self.recent_occupancy[-1] if self.recent_occupancy else 0

    @property
    def occupancy(self) -> float:
        """Recent average occupied beds as a share of the beds (0 before the first week ends)."""
        if not self.recent_occupancy or self.beds <= 0:
            return 0.0
        return sum(self.recent_occupancy) / len(self.recent_occupancy) / self.beds

    @property
    def is_full(self) -> bool:
        return self.occupancy >= 1.0


class CommunityHealthProvider(mesa.Agent):
    """District nurses, health OTs, NHS intermediate care and rapid response."""

    def __init__(self, model):
        super().__init__(model)
        self.assessment_queue = ServiceQueue("community assessments")
        self.intermediate_care_queue = ServiceQueue("intermediate care")
        self.weekly_assessments = 0.0
        self.intermediate_care_places = 0.0
        self.rapid_response_carry = 0.0


class CouncilSocialCare(mesa.Agent):
    """A council's adult social care: assessment, reablement, home care, placements."""

    def __init__(self, model, number: int, context):
        super().__init__(model)
        self.number = number
        self.assessment_queue = ServiceQueue("social care assessments")
        self.reablement_queue = ServiceQueue("reablement")
        self.home_care_queue = ServiceQueue("home care packages")
        self.care_home_queue = ServiceQueue("care home places")
        self.weekly_assessments = 0.0
        self.reablement_places = 0.0  # bought from the council's budget, set each year
        self.funded_scale = 0.0  # thousands of people its budget serves this year (for lever-funded places)
        self.home_care_hours_capacity = 0.0
        self.care_home_places = 0.0
        self.budget = CouncilBudget(context)
