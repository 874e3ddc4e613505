"""Council social care: eligibility, the means test, reablement, home care and care homes.

Eligibility tightens when the council's budget is squeezed (budget.py). The means test
(row 39): capital above the upper limit makes a self-funder, who pays in full (care homes
at the self-funder premium, row 41) and often arranges care outside council pathways,
sometimes going without (MODEL.md s3, fact 6); between the limits a tariff of 1 GBP a week
per 250 GBP is paid towards care. Savings always count; the home's value counts for a care
home only, unless someone else lives in it. Care-home fees are spent down from capital, so
self-funders become council-funded in time. Packages and places are limited, so people wait.
"""
from __future__ import annotations

import numpy as np

from model import discharge, needs
from model.costs import Payer
from model.eventlog import Event, Organisation
from model.needs import NeedKind
from model.population import NO_DAY, Package, Place
from model.timing import DAYS_PER_WEEK, weekly_probability, whole_days

ROUTE_COMMUNITY = 0
ROUTE_HOSPITAL = 1
REABLEMENT_FLAG = 4  # added to a home-care queue entry's route when it is reablement


def assessable_capital(m, ids: np.ndarray, care_home) -> np.ndarray:
    """Capital the means test counts: savings always; the home's value only for a care home,
    and only when nobody else lives in it (the disregard for a partner at home)."""
    pop = m.pop
    counts_home = np.asarray(care_home) & pop.lives_alone[ids]
    return pop.capital[ids] + np.where(counts_home, pop.housing[ids], 0.0)


def is_self_funder(m, ids: np.ndarray, care_home) -> np.ndarray:
    return assessable_capital(m, ids, care_home) > m.config.area.context.means_test_upper


def payer_of_care(m, ids: np.ndarray, care_home) -> np.ndarray:
    return np.where(is_self_funder(m, ids, care_home), Payer.SELF_FUNDED, Payer.COUNCIL).astype(np.int64)


def weekly_tariff(m, ids: np.ndarray, care_home) -> np.ndarray:
    """What someone between the capital limits pays a week towards council-funded care."""
    return _tariff(assessable_capital(m, ids, care_home), m.config.area.context)


def _tariff(assessable: np.ndarray, ctx) -> np.ndarray:
    """1 GBP a week per whole 250 GBP above the lower limit; none above the upper (self-funders)."""
    over = np.clip(assessable - ctx.means_test_lower, 0, None)
    return np.where(assessable > ctx.means_test_upper, 0.0, np.floor(over / 250.0))


def charge_council(m, category: str, ids: np.ndarray, amounts) -> None:
    """Council-paid social care: into the ledger and against each person's own council's budget."""
    amounts = np.broadcast_to(np.asarray(amounts, dtype=float), np.shape(ids))
    m.ledger.charge(category, Payer.COUNCIL, float(amounts.sum()))
    spent = np.bincount(m.pop.council[ids], weights=amounts, minlength=len(m.councils))
    for council, amount in zip(m.councils, spent):
        council.budget.spent += amount


def outside_council_pathway(m, ids: np.ndarray) -> np.ndarray:
    """Self-funders who arrange care privately instead of coming to the council."""
    contact = m.streams.bernoulli("care.self_funder_contact", m.week, ids,
                                  m.config.area.social_care.self_funder_council_contact)
    return is_self_funder(m, ids, m.pop.need_kind[ids] == NeedKind.CARE_HOME) & ~contact


def self_arrange(m, ids: np.ndarray, day: np.ndarray) -> None:
    """Self-funders outside council pathways buy care privately, or go without."""
    if len(ids) == 0:
        return
    sc = m.config.area.social_care
    without = m.streams.bernoulli("care.go_without", m.week, ids, sc.self_funder_go_without)
    m.tally.add("self_funders_without_care", int(without.sum()))
    buyers, buy_day = ids[~without], day[~without]
    m.log.record(buyers, buy_day, Event.SELF_ARRANGED_CARE, Organisation.PRIVATE, Payer.SELF_FUNDED)
    to_care_home = m.pop.need_kind[buyers] == NeedKind.CARE_HOME
    wait = whole_days(m.streams.exponential("care.private_wait", m.week, buyers, sc.package_arrangement_days))
    queue_care_home(m, buyers[to_care_home], buy_day[to_care_home] + wait[to_care_home], ROUTE_COMMUNITY)
    home = ~to_care_home
    queue_home_care(m, buyers[home], buy_day[home] + wait[home], ROUTE_COMMUNITY)


def decide(m, ids: np.ndarray, day: np.ndarray, route: int = ROUTE_COMMUNITY) -> np.ndarray:
    """After a council (or joint) assessment: eligible? Then reablement, home care or a
    place. Returns who was found eligible."""
    if len(ids) == 0:
        return ids
    sc = m.config.area.social_care
    squeeze = m.squeeze_of(ids)
    share = np.clip(sc.eligibility_share * (1 - sc.squeeze_eligibility_drop * squeeze), 0, 1)
    eligible = m.streams.bernoulli("care.eligible", m.week, ids, share)
    m.tally.add("ineligible_assessments", int((~eligible).sum()))
    m.log.record(ids[~eligible], day[~eligible], Event.FOUND_INELIGIBLE, Organisation.COUNCIL)
    refused = ids[~eligible]
    pop = m.pop
    # Someone refused who already has home care keeps it and this episode ends; someone at
    # home with nothing goes on with an unmet need (which can resolve, and raises crisis risk).
    needs.close_need(m, refused[pop.package[refused] == Package.HOME_CARE])
    at_home = refused[(pop.place[refused] == Place.HOME) & (pop.package[refused] == Package.NONE)]
    pop.unmet_need[at_home] = True
    ids, day, squeeze = ids[eligible], day[eligible], squeeze[eligible]
    slowdown = 1 + sc.squeeze_delay_multiplier * squeeze
    to_care_home = m.pop.need_kind[ids] == NeedKind.CARE_HOME
    wait_home = whole_days(m.streams.exponential("care.placement_search", m.week, ids,
                                                 sc.placement_search_days) * slowdown)
    queue_care_home(m, ids[to_care_home], day[to_care_home] + wait_home[to_care_home], route)
    rest = ~to_care_home
    reable = rest & m.streams.bernoulli("care.reablement_first", m.week, ids, sc.reablement_share)
    wait_package = whole_days(m.streams.exponential("care.package_arrangement", m.week, ids,
                                                    sc.package_arrangement_days) * slowdown)
    queue_home_care(m, ids[rest], day[rest] + wait_package[rest], route, reable[rest])
    return ids


def queue_home_care(m, ids, ready_day, route: int, reablement=None) -> None:
    """Wait for home-care hours (reablement draws on the same carers)."""
    flags = np.where(reablement if reablement is not None else False, REABLEMENT_FLAG, 0)
    routes = np.broadcast_to(route | flags, np.shape(ids))
    hours = m.config.area.social_care.home_care_hours_mean
    for council in m.councils:
        here = m.pop.council[ids] == council.number
        council.home_care_queue.add(ids[here], np.asarray(ready_day)[here], m.pop.episode[ids[here]],
                                    routes[here], hours)


def queue_care_home(m, ids, ready_day, route: int) -> None:
    for council in m.councils:
        here = m.pop.council[ids] == council.number
        council.care_home_queue.add(ids[here], np.asarray(ready_day)[here], m.pop.episode[ids[here]], route)


def serve_packages(m) -> None:
    """Start packages and placements as far as free hours and places allow."""
    pop = m.pop
    waiting, episode = needs.open_need(m), pop.view("episode")
    alive = pop.view("alive")
    for council in m.councils:
        mine = alive & (pop.view("council") == council.number)
        hours_in_use = pop.view("home_care_hours")[mine].sum()
        free_hours = max(council.home_care_hours_capacity - hours_in_use, 0.0)
        person, day, _, route, _ = council.home_care_queue.serve(m.week_start, m.week_end, free_hours,
                                                                 waiting, episode)
        start_home_care(m, person, day, route & ROUTE_HOSPITAL, (route & REABLEMENT_FLAG) > 0)
        residents = int((mine & np.isin(pop.view("package"), (Package.RESIDENTIAL, Package.NURSING))).sum())
        free_places = max(council.care_home_places - residents, 0.0)
        person, day, _, route, _ = council.care_home_queue.serve(m.week_start, m.week_end, free_places,
                                                                 waiting, episode)
        start_care_home(m, person, day, route)
    end_reablement(m)


def start_home_care(m, ids, day, route, reablement) -> None:
    """A package starts: reablement for up to six weeks, or ongoing home care."""
    if len(ids) == 0:
        return
    pop, sc, costs = m.pop, m.config.area.social_care, m.config.area.costs
    reable, ongoing = ids[reablement], ids[~reablement]
    pop.package[reable] = Package.REABLEMENT
    pop.package_until[reable] = day[reablement] + sc.reablement_weeks * DAYS_PER_WEEK
    pop.home_care_hours[reable] = sc.home_care_hours_mean
    m.tally.add("reablement_episodes", len(reable))
    # Reablement is free to the person for up to six weeks (charging rules); the council pays.
    charge_council(m, "reablement", reable, costs.reablement_episode)
    m.log.record(reable, day[reablement], Event.REABLEMENT_START, Organisation.COUNCIL, Payer.COUNCIL,
                 costs.reablement_episode)
    pop.package[ongoing] = Package.HOME_CARE
    pop.home_care_hours[ongoing] = sc.home_care_hours_mean
    m.log.record(ongoing, day[~reablement], Event.HOME_CARE_START, Organisation.COUNCIL,
                 payer_of_care(m, ongoing, care_home=False))
    pop.unmet_need[ids] = False
    needs.close_need(m, ongoing)
    hospital_route = ids[(route == ROUTE_HOSPITAL) & (pop.place[ids] == Place.HOSPITAL)]
    discharge.care_ready(m, hospital_route, day[(route == ROUTE_HOSPITAL) & (pop.place[ids] == Place.HOSPITAL)])


def start_care_home(m, ids, day, route) -> None:
    """A permanent placement: residential or nursing, paid by council or self."""
    if len(ids) == 0:
        return
    pop = m.pop
    nursing = m.streams.bernoulli("care.nursing", m.week, ids, m.config.area.social_care.care_home_nursing_share)
    pop.package[ids] = np.where(nursing, Package.NURSING, Package.RESIDENTIAL)
    pop.home_care_hours[ids] = 0.0
    pop.coordinator[ids] = False
    needs.close_need(m, ids)
    m.tally.add("care_home_admissions", len(ids))
    m.log.record(ids, day, Event.CARE_HOME_ADMISSION, Organisation.COUNCIL, payer_of_care(m, ids, care_home=True))
    in_hospital = pop.place[ids] == Place.HOSPITAL
    at_home = ~in_hospital
    pop.place[ids[at_home]] = Place.CARE_HOME
    discharge.care_ready(m, ids[in_hospital], day[in_hospital])


def end_reablement(m) -> None:
    """After reablement most need no ongoing care (row 38); the rest wait for home care."""
    pop = m.pop
    ids = np.flatnonzero((pop.view("package") == Package.REABLEMENT) & (pop.view("package_until") < m.week_end)
                         & pop.view("alive"))
    if len(ids) == 0:
        return
    day = pop.package_until[ids]
    recovered = m.streams.bernoulli("care.reablement_success", m.week, ids,
                                    m.config.area.social_care.reablement_success)
    pop.package[ids] = Package.NONE
    pop.home_care_hours[ids] = 0.0
    pop.package_until[ids] = NO_DAY
    m.log.record(ids, day, Event.REABLEMENT_END, Organisation.COUNCIL)
    needs.close_need(m, ids[recovered])
    still = ids[~recovered]
    pop.need_since[still] = day[~recovered]
    queue_home_care(m, still, day[~recovered], ROUTE_COMMUNITY)


def ongoing_care(m) -> None:
    """A week of home care and care-home costs, split by the means test; packages end."""
    pop, sc, costs = m.pop, m.config.area.social_care, m.config.area.costs
    alive = pop.view("alive")
    package = pop.view("package")
    home = np.flatnonzero(alive & (package == Package.HOME_CARE) & (pop.view("place") == Place.HOME))
    hours = pop.home_care_hours[home]
    m.tally.add("home_care_hours", float(hours.sum()))
    _charge_with_means_test(m, "home_care", home, hours * costs.home_care_hour, premium=0.0, care_home=False)
    reabling = np.flatnonzero(alive & (package == Package.REABLEMENT))
    m.tally.add("home_care_hours", float(pop.home_care_hours[reabling].sum()))
    residents = np.flatnonzero(alive & np.isin(package, (Package.RESIDENTIAL, Package.NURSING)))
    weekly = np.where(pop.package[residents] == Package.NURSING, costs.nursing_week, costs.residential_week)
    paid, self_funded = _charge_with_means_test(m, "care_homes", residents, weekly,
                                                premium=costs.self_funder_premium, care_home=True)
    spend_down(m, residents, paid)
    m.tally.add("care_home_days_self_funded", DAYS_PER_WEEK * int(self_funded.sum()))
    m.tally.add("care_home_days", DAYS_PER_WEEK * len(residents))
    ending = home[m.streams.bernoulli("care.package_ends", m.week, home, weekly_probability(sc.package_end_rate))]
    pop.package[ending] = Package.NONE
    pop.home_care_hours[ending] = 0.0


def _charge_with_means_test(m, category: str, ids, amounts, premium: float,
                            care_home: bool) -> tuple[np.ndarray, np.ndarray]:
    """Charge a week of care by the means test; returns what each person paid themselves,
    and who paid in full (the self-funders)."""
    ctx = m.config.area.context
    assessable = assessable_capital(m, ids, care_home)  # once: this runs every week for everyone in care
    self_funded = assessable > ctx.means_test_upper
    tariff = np.minimum(_tariff(assessable, ctx), amounts)
    self_pays = np.where(self_funded, amounts * (1 + premium), tariff)
    council_pays = np.where(self_funded, 0.0, amounts - tariff)
    m.ledger.charge(category, Payer.SELF_FUNDED, float(self_pays.sum()))
    charge_council(m, category, ids, council_pays)
    return self_pays, self_funded


def spend_down(m, ids: np.ndarray, paid: np.ndarray) -> None:
    """Care-home fees come out of savings, then out of the home's value, so a self-funder
    spends down to the upper limit and the council takes over (then the tariff, down to the
    lower limit). Home-care charges are not taken from capital: people's income meets most
    of them, and the model has no income."""
    pop = m.pop
    from_savings = np.minimum(paid, pop.capital[ids])
    pop.capital[ids] -= from_savings
    pop.housing[ids] = np.maximum(pop.housing[ids] - (paid - from_savings), 0.0)
