"""The care-pathway model: one local health and care economy, week by week.

Mesa's Model orchestrates; organisations are Mesa agents; patients are numpy columns
updated by one module per mechanism. `step()` below is the order of events in a week.
"""
from __future__ import annotations

import mesa
import numpy as np
from mesa.time.events import Schedule

from model import (assessment, coordination, crisis, demography, discharge, hospital, needs,
                   primary_care, social_care)
from model.costs import CostLedger, Payer
from model.duplicates import VisitRegistry
from model.eventlog import Event, EventLog
from model.levers import Levers
from model.organisations import (Commissioners, CommunityHealthProvider, CouncilSocialCare,
                                 GPPractice, Hospital)
from model.population import Location, Package, Place, Population, generate_people, initial_care
from model.randomness import RandomStreams
from model.risk import RiskFactors
from model.scenario import Scenario
from model.tally import Tally
from model.timing import DAYS_PER_WEEK, WEEKS_PER_YEAR, slow_process_due


class CarePathModel(mesa.Model):
    """Adults with long-term conditions moving between GP, hospital, community and council care.

    Args:
        config: a validated Scenario (area + arrangement).
        seed: one integer that reproduces the run exactly.
        years: how many years to keep results for (the run may be stepped further).
        event_log: keep the per-person event log.
    """

    def __init__(self, config: Scenario, seed: int = 1, years: int = 5, event_log: bool = False):
        super().__init__(rng=seed)
        self.config = config
        self.seed = seed
        self.years = years
        area = config.area
        self.streams = RandomStreams(seed)
        self.tally = Tally(years)
        self.ledger = CostLedger(years, area.costs.discount_rate)
        self.log = EventLog(event_log)
        self.levers = Levers(config.arrangement, area.context)
        self.week = 0
        self.week_start = 0
        self.week_end = DAYS_PER_WEEK

        count = area.population.patients
        self.initial_people = count
        self.pop = Population(capacity=int(count * 1.2) + 16)
        people, _ = generate_people(area, self.streams, count, 0, day=0)
        initial_care(area, self.streams, people, np.arange(count))
        ids = self.pop.append(people)
        self.visits = VisitRegistry(self.pop.capacity, area.assessment.duplicate_window_days)
        self.log.record(ids, 0, Event.ENTRY)
        self.risks = RiskFactors()
        self.risks.refresh(self)

        self.practices = [GPPractice(self, n) for n in range(area.population.gp_practices)]
        self.hospitals = [Hospital(self, n) for n in range(area.organisations.hospitals)]
        self.community = CommunityHealthProvider(self)
        self.councils = [CouncilSocialCare(self, n, area.context) for n in range(area.organisations.councils)]
        self.commissioners = Commissioners(self)
        self.schedule_recurring(self.start_year, Schedule(interval=WEEKS_PER_YEAR, start=0.5))

    # --- the week -----------------------------------------------------------------------
    def step(self) -> None:
        """One week, in this order."""
        self._begin_week()
        demography.deaths(self)
        if slow_process_due(self.week):  # every four weeks
            demography.entrants(self)
            demography.age_people(self)
            demography.new_conditions(self)
            demography.frailty_progression(self)
            demography.carer_breakdown(self)
            needs.resolve_unmet_needs(self)
            self.risks.refresh(self)
        primary_care.consultations(self)
        coordination.case_management(self)
        crisis.crises(self)
        discharge.plan_discharges(self)
        assessment.serve_assessments(self)
        social_care.serve_packages(self)
        discharge.complete_discharges(self)
        social_care.ongoing_care(self)
        hospital.count_week_end(self)
        self._end_week()

    def _begin_week(self) -> None:
        self.week = self.steps - 1
        self.week_start = self.week * DAYS_PER_WEEK
        self.week_end = self.week_start + DAYS_PER_WEEK
        year_index = self.week // WEEKS_PER_YEAR
        if year_index >= self.tally.years:
            self._extend_years(year_index + 1)
        self.tally.year_index = self.ledger.year_index = year_index
        self.levers.update(self.week)

    def _end_week(self) -> None:
        pop = self.pop
        alive = pop.view("alive")
        people = int(alive.sum())
        reached = int((alive & pop.view("dementia")).sum()) if self.levers.dementia_only else people
        self.levers.charge_weekly_costs(self.ledger, self.week, people, reached)
        self._charge_back_office(people)
        for council in self.councils:
            council.budget.update(self.ledger, self.week % WEEKS_PER_YEAR, self.levers.pooled_share)
        at_home = alive & (pop.view("place") == Place.HOME)
        self.tally.add("days_at_home", DAYS_PER_WEEK * int(at_home.sum()))
        self.tally.add("unmet_need_days", DAYS_PER_WEEK * int((pop.view("unmet_need") & at_home).sum()))
        self.tally.add("person_days", DAYS_PER_WEEK * people)
        old_home = at_home & (pop.view("age") >= 65)
        self.tally.add("person_days_65_home", DAYS_PER_WEEK * int(old_home.sum()))
        in_care_home = alive & (pop.view("place") == Place.CARE_HOME)
        self.tally.add("person_days_care_home", DAYS_PER_WEEK * int(in_care_home.sum()))
        multimorbid = alive & (pop.view("n_conditions") >= 2) & (pop.view("place") != Place.HOSPITAL)
        self.tally.add("person_days_multimorbid", DAYS_PER_WEEK * int(multimorbid.sum()))
        waiting = sum(len(c.assessment_queue) for c in self.councils)
        self.tally.add("waiting_list_council", waiting / WEEKS_PER_YEAR)
        squeezed = sum(c.budget.squeeze > 0 for c in self.councils)
        self.tally.add("budget_squeeze_weeks", squeezed / len(self.councils))

    def _charge_back_office(self, people: int) -> None:
        """Commissioning support per head, less the duplicated share that sharing removes."""
        costs = self.config.area.costs
        saving = self.levers.effect["shared_commissioning"] * costs.back_office_duplicated_share
        for payer, per_head in ((Payer.NHS, costs.back_office_nhs_per_head),
                                (Payer.COUNCIL, costs.back_office_council_per_head)):
            self.ledger.charge("back_office", payer, per_head * (1 - saving) * people / WEEKS_PER_YEAR)

    def _extend_years(self, years: int) -> None:
        extra = years - self.tally.years
        for name, values in self.tally.counts.items():
            self.tally.counts[name] = np.concatenate([values, np.zeros(extra)])
        self.tally.years = years
        self.ledger.amounts = np.concatenate([self.ledger.amounts, np.zeros((extra, *self.ledger.amounts.shape[1:]))])

    # --- organisation-level events (Mesa's event list) ------------------------------------
    def start_year(self) -> None:
        """At each year boundary: capacities and budgets are set for the coming year."""
        area = self.config.area
        year = int(self.time // WEEKS_PER_YEAR) + 1
        growth = (1 + area.capacity.growth_per_year) ** (year - 1)
        pop = self.pop
        alive = pop.view("alive")
        per_1000 = self.initial_people / 1000 * growth
        if not hasattr(self, "_initial_lists"):  # capacity follows the starting list, catchment and council sizes
            self._initial_lists = np.bincount(pop.view("gp_practice")[alive], minlength=len(self.practices))
            self._initial_catchments = np.bincount(pop.view("hospital")[alive], minlength=len(self.hospitals))
            self._initial_residents = np.bincount(pop.view("council")[alive], minlength=len(self.councils))
        for practice, size in zip(self.practices, self._initial_lists):
            practice.weekly_capacity = area.primary_care.capacity_per_1000_per_week * size / 1000 * growth
        for hosp, size in zip(self.hospitals, self._initial_catchments):
            hosp.beds = area.capacity.beds_per_1000 * size / 1000 * growth
        self.community.weekly_assessments = area.capacity.community_assessments_per_1000_per_week * per_1000
        residents = np.bincount(pop.view("council")[alive], minlength=len(self.councils))
        shares = self._initial_residents / max(self._initial_residents.sum(), 1)
        for council, people, share in zip(self.councils, residents, shares):
            council.budget.start_year(year, int(people))
            bought = per_1000 * share * council.budget.purchasing_power(year, self.pooled_share_in(year))
            council.weekly_assessments = area.capacity.social_care_assessments_per_1000_per_week * bought
            council.home_care_hours_capacity = area.capacity.home_care_hours_per_1000_per_week * bought
            council.care_home_places = area.capacity.care_home_places_per_1000 * per_1000 * share

    def pooled_share_in(self, year: int) -> float:
        pooled = self.config.arrangement.pooled_budget
        return pooled.share if year >= pooled.start_year else 0.0

    # --- what a council's squeeze means for these people ----------------------------------
    def squeeze_of(self, ids: np.ndarray) -> np.ndarray:
        squeezes = np.array([c.budget.squeeze for c in self.councils])
        return squeezes[self.pop.council[ids]]

    # --- reading the state ----------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.week // WEEKS_PER_YEAR + 1

    @property
    def day(self) -> int:
        return self.week_end

    @property
    def population(self) -> Population:
        return self.pop

    def run_years(self, years: int) -> None:
        for _ in range(years * WEEKS_PER_YEAR):
            self.step()

    def tallies(self) -> dict[str, float]:
        """Running totals so far: counts and costs."""
        totals = self.tally.totals_so_far()
        for name, values in self.ledger.by_year().items():
            totals[name] = float(values.sum())
        return totals

    def locations(self) -> np.ndarray:
        """Where each person is now, as Location codes (for drawing)."""
        pop = self.pop
        place = pop.view("place")
        loc = np.full(pop.size, Location.HOME, dtype=np.int8)
        with_care = np.isin(pop.view("package"), (Package.HOME_CARE, Package.REABLEMENT))
        loc[(place == Place.HOME) & with_care] = Location.HOME_WITH_CARE
        loc[place == Place.CARE_HOME] = Location.CARE_HOME
        in_hospital = place == Place.HOSPITAL
        loc[in_hospital] = Location.WARD
        loc[in_hospital & (pop.view("fit_day") < self.week_end)] = Location.DELAYED
        loc[place == Place.DEAD] = Location.DEAD
        return loc
