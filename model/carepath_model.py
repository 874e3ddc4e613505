"""The care-pathway model: one local health and care economy, week by week.

Mesa's Model orchestrates; organisations are Mesa agents; patients are numpy columns
updated by one module per mechanism. `WEEK` below is the order of events in a week.
"""
from __future__ import annotations

import mesa
import numpy as np
from mesa.time.events import Schedule

from model import (assessment, care_homes, coordination, crisis, demography, discharge, home_care, hospital,
                   intermediate_care, needs, primary_care, reablement)
from model.collector import WeeklyRecord
from model.costs import CostLedger, Payer
from model.duplicates import VisitRegistry
from model.eventlog import Event, EventLog
from model.headcount import headcount
from model.levers import Levers
from model.mesa_arguments import model_arguments
from model.needs import ReferralInbox
from model.organisations import CommunityHealthProvider, CouncilSocialCare, GPPractice, Hospital
from model.population import Location, Package, Place, Population, generate_people, initial_care
from model.randomness import RandomStreams
from model.risk import RiskFactors
from model.scenario import Scenario
from model.tally import Tally
from model.timing import DAYS_PER_WEEK, WEEKS_PER_YEAR, slow_process_due

# Every four weeks, before the week's own events (timing.slow_process_due).
SLOW_STEP = (
    demography.entrants, demography.age_people, demography.new_conditions, demography.frailty_progression,
    demography.carer_breakdown, needs.resolve_unmet_needs,
)
# The week, in order. Each mechanism hands people on through waiting lists; what it hands
# on late in the week is taken up the next week.
WEEK = (
    primary_care.consultations,  # GP and nurse consultations, which can uncover a need
    coordination.case_management,  # risk stratification and coordinators' contacts
    crisis.crises,  # crises: rapid response at home, or A&E and admission
    discharge.plan_discharges,  # the way out for those medically fit this week
    assessment.take_referrals,  # this week's new needs at home, routed to assessment
    assessment.serve_assessments,  # assessment visits and the council's decisions
    intermediate_care.start_episodes,  # NHS intermediate care, as places allow
    reablement.start_episodes,  # reablement, as places allow
    home_care.start_packages,  # home care, as hours allow
    care_homes.start_placements,  # care-home placements, as places allow
    discharge.complete_discharges,  # those whose way out is ready leave
    reablement.end_episodes,  # reablement ends: recovered, or assessed again at home
    intermediate_care.week_of_care,  # a week of intermediate care; episodes end
    home_care.week_of_care,  # a week of home care and its charges
    care_homes.week_of_fees,  # a week of care-home fees and spend-down
    hospital.count_week_end,  # bed days and occupancy
)


class CarePathModel(mesa.Model):
    """Adults with long-term conditions moving between GP, hospital, community and council care.

    Args:
        config: a validated Scenario (area + arrangement), or a built-in name or YAML path.
        seed: one integer that reproduces the run exactly (None: 1); Mesa's `rng` is the same.
        years: how many years to keep results for (the run may be stepped further).
        event_log: keep the per-person event log.
        scenario, patients, rng, overrides and dotted keyword parameters
            (`**{"arrangement.joint_assessment.strength": 0.5}`): the Mesa way, as
            `mesa.batch_run` passes them (model/mesa_arguments.py).

    `self.datacollector` (Mesa's DataCollector) holds the headline metrics each week.
    """

    def __init__(self, config: Scenario | str | None = None, seed: int | None = None, years: int = 5,
                 event_log: bool = False, *, scenario: Scenario | str | None = None, patients: int | None = None,
                 rng: int | None = None, overrides: dict | None = None, **dotted):
        config, seed = model_arguments(config, scenario, seed, rng, patients, overrides, dotted)
        super().__init__(rng=seed)
        self.config = config
        self.seed = seed
        self.years = years
        area = config.area
        self.streams = RandomStreams(seed, person_years=config.area.population.patients * years)
        self.tally = Tally(years)
        self.ledger = CostLedger(years, area.costs.discount_rate)
        self.log = EventLog(event_log)
        self.levers = Levers(config.arrangement, area.context)
        self.referrals = ReferralInbox()
        self.week = 0
        self.week_start = 0
        self.week_end = DAYS_PER_WEEK

        count = area.population.patients
        self.initial_people = count
        self.capacity_scale = count / 1000  # capacities are per 1,000 people at the start, grown yearly
        self.nhs_capacity_scale = self.capacity_scale  # this year's, with NHS growth (start_year)
        self.pop = Population(capacity=int(count * 1.2) + 16, compiled=self.streams.compiled)
        people, _ = generate_people(area, self.streams, count, 0, day=0)
        initial_care(area, self.streams, people, np.arange(count))
        ids = self.pop.append(people)
        self.visits = VisitRegistry(self.pop.capacity, area.assessment.duplicate_window_days, self.streams.compiled)
        self.log.record(ids, 0, Event.ENTRY)
        self.risks = RiskFactors()
        self.risks.refresh(self)

        self.practices = [GPPractice(self, n) for n in range(area.population.gp_practices)]
        self.hospitals = [Hospital(self, n) for n in range(area.organisations.hospitals)]
        self.community = CommunityHealthProvider(self)
        self.councils = [CouncilSocialCare(self, n, area.context) for n in range(area.organisations.councils)]
        self._initial_lists = np.bincount(self.pop.view("gp_practice"), minlength=len(self.practices))
        self._initial_catchments = np.bincount(self.pop.view("hospital"), minlength=len(self.hospitals))
        self._initial_residents = np.bincount(self.pop.view("council"), minlength=len(self.councils))
        self.schedule_recurring(self.start_year, Schedule(interval=WEEKS_PER_YEAR, start=0.5))
        self.collector = WeeklyRecord(self)
        self.datacollector = self.collector.datacollector

    # --- the week -----------------------------------------------------------------------
    def step(self) -> None:
        """One week: the slow processes every four weeks, then the week's events (WEEK)."""
        self._begin_week()
        demography.deaths(self)
        if slow_process_due(self.week):
            for process in SLOW_STEP:
                process(self)
            self.risks.refresh(self)
        for mechanism in WEEK:
            mechanism(self)
        self._end_week()
        self.collector.end_week(self)

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
        counts = headcount(self)
        people = counts.alive
        reached = counts.with_dementia if self.levers.dementia_only else people
        self.levers.charge_weekly_costs(self.ledger, self.week, people, reached)
        self._charge_back_office(people)
        for council in self.councils:
            council.budget.update(self.ledger, self.week % WEEKS_PER_YEAR, self.levers.pooled_share)
        self.tally.add("days_at_home", DAYS_PER_WEEK * counts.at_home)
        self.tally.add("unmet_need_days", DAYS_PER_WEEK * counts.unmet_need)
        self.tally.add("person_days", DAYS_PER_WEEK * people)
        self.tally.add("person_days_65_home", DAYS_PER_WEEK * counts.aged_65_at_home)
        self.tally.add("person_days_care_home", DAYS_PER_WEEK * counts.in_care_home)
        self.tally.add("person_days_multimorbid", DAYS_PER_WEEK * counts.multimorbid_out_of_hospital)
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
        """At each year boundary: capacities and budgets are set for the coming year.

        Capacities are per 1,000 people at the start, shared out by each organisation's
        starting list, catchment or residents. NHS capacities (GP appointments, beds, community
        assessors, intermediate care, rapid response) grow by `capacity.growth_per_year`; council-commissioned
        ones (assessors, reablement, home-care hours, care-home places) grow with the council's
        budget (`context.council_budget_growth`), and what a cut leaves of its money buys
        fewer assessors, reablement places and home-care hours (budget.py).
        """
        area = self.config.area
        cap = area.capacity
        year = int(self.time // WEEKS_PER_YEAR) + 1
        nhs_growth = (1 + cap.growth_per_year) ** (year - 1)
        for practice, size in zip(self.practices, self._initial_lists):
            practice.weekly_capacity = area.primary_care.capacity_per_1000_per_week * size / 1000 * nhs_growth
        for hosp, size in zip(self.hospitals, self._initial_catchments):
            hosp.beds = cap.beds_per_1000 * size / 1000 * nhs_growth
        per_1000 = self.nhs_capacity_scale = self.capacity_scale * nhs_growth
        self.community.weekly_assessments = cap.community_assessments_per_1000_per_week * per_1000
        self.community.intermediate_care_places = cap.intermediate_care_places_per_1000 * per_1000
        pop = self.pop
        residents = np.bincount(pop.view("council")[pop.view("alive")], minlength=len(self.councils))
        shares = self._initial_residents / max(self._initial_residents.sum(), 1)
        pooled = self.pooled_share_in(year)
        contribution = self.config.arrangement.pooled_budget.nhs_contribution
        council_growth = (1 + area.context.council_budget_growth) ** (year - 1)
        for council, people, share in zip(self.councils, residents, shares):
            council.budget.start_year(year, int(people), pooled, contribution)
            funded = self.capacity_scale * share * council_growth  # what its budget's growth pays for
            bought = funded * council.budget.purchasing_power()
            council.weekly_assessments = cap.social_care_assessments_per_1000_per_week * bought
            council.reablement_places = cap.reablement_places_per_1000 * bought
            council.funded_scale = funded
            council.home_care_hours_capacity = cap.home_care_hours_per_1000_per_week * bought
            council.care_home_places = cap.care_home_places_per_1000 * funded

    def pooled_share_in(self, year: int) -> float:
        pooled = self.config.arrangement.pooled_budget
        return pooled.share if year >= pooled.start_year else 0.0

    # --- what a council's squeeze means for these people ----------------------------------
    def squeeze_of(self, ids: np.ndarray) -> np.ndarray:
        squeezes = np.array([c.budget.squeeze for c in self.councils])
        return squeezes[self.pop.council[ids]]

    # --- reading the state ----------------------------------------------------------------
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
        with_care = (pop.view("package") == Package.HOME_CARE) | (pop.view("stage") == needs.Stage.IN_REABLEMENT)
        loc[(place == Place.HOME) & with_care] = Location.HOME_WITH_CARE
        loc[place == Place.CARE_HOME] = Location.CARE_HOME
        in_hospital = place == Place.HOSPITAL
        loc[in_hospital] = Location.WARD
        loc[in_hospital & (pop.view("fit_day") < self.week_end)] = Location.DELAYED
        loc[place == Place.DEAD] = Location.DEAD
        return loc
