"""Hospital stays: admission, the clinical stay, and exact counting of (delayed) bed days.

A stay runs from the admission day to the discharge day. From the medically-fit day on,
every day is a delayed bed day (a delayed transfer of care), billed as an excess bed day;
the first `stay_delay_nhs` of those days are the NHS's (ward assessment, hand-offs, waiting
for NHS intermediate care, patient choice), the rest social care's (council assessment,
reablement, a package or a place).

Beds are limited. A hospital's fullness is its last four weeks' average occupancy. As it
fills, clinical stays shorten (`stay_cut_*`: hospitals discharge earlier under pressure)
and, past `admission_pressure_from`, A&E admits fewer people (admission_cut, used by
crisis.py; Blom et al. 2014). Beds grow each year by `capacity.growth_per_year`, the
documented rule for capacity (carepath_model.start_year).
"""
from __future__ import annotations

import numpy as np

from model.costs import Payer
from model.eventlog import Event, Organisation
from model.needs import Stage, set_stage
from model.population import NO_DAY, Place, has_care_home_place
from model.timing import DAYS_PER_WEEK


def admit(m, ids: np.ndarray, day: np.ndarray, length_of_stay: np.ndarray | None = None) -> None:
    """Emergency admissions. Whatever the person was waiting for or receiving at home stops:
    their need is planned for afresh on the ward (docs/ODD.md, known gaps). The clinical stay
    is drawn, unless given (a dying person's last days)."""
    pop, area = m.pop, m.config.area
    if len(ids) == 0:
        return
    readmitted = day - pop.last_discharge_day[ids] <= area.hospital.readmission_window_days
    old_at_home = (pop.age[ids] >= 65) & (pop.place[ids] == Place.HOME)
    in_care_home = pop.place[ids] == Place.CARE_HOME
    m.tally.add("readmissions_28d", int(readmitted.sum()))
    m.tally.add("emergency_admissions", len(ids))
    m.tally.add("emergency_admissions_65_home", int(old_at_home.sum()))
    m.tally.add("emergency_admissions_care_home", int(in_care_home.sum()))
    los = clinical_length_of_stay(m, ids) if length_of_stay is None else length_of_stay
    m.tally.add("admissions_zero_day", int((los == 0).sum()))
    m.tally.add("overnight_admissions", int((los > 0).sum()))
    m.tally.add("clinical_bed_days", float(los.sum()))
    with_need = ids[pop.stage[ids] != Stage.NONE]
    set_stage(m, with_need, Stage.ON_WARD)
    pop.place[ids] = Place.HOSPITAL
    pop.admit_day[ids] = day
    pop.fit_day[ids] = day + los
    pop.discharge_day[ids] = NO_DAY
    pop.discharge_planned[ids] = False
    pop.stay_delay_nhs[ids] = 0
    cost = area.costs.emergency_admission
    m.ledger.charge("inpatient", Payer.NHS, cost * len(ids))
    m.log.record(ids, day, Event.EMERGENCY_ADMISSION, Organisation.HOSPITAL, Payer.NHS, cost)


def clinical_length_of_stay(m, ids: np.ndarray) -> np.ndarray:
    """About a third of emergency admissions are zero-day; the rest log-normal (Steventon
    2018: 10.8 nights for people with 5+ conditions), shortened when the hospital is full."""
    hosp = m.config.area.hospital
    zero = m.streams.bernoulli("stay.zero_day", m.week, ids, hosp.zero_day_share)
    sigma = hosp.length_of_stay_log_sd
    mu = np.log(hosp.length_of_stay_mean) - sigma**2 / 2
    los = np.exp(mu + sigma * m.streams.normal("stay.length", m.week, ids))
    los = los * (1 - stay_cut(m)[m.pop.hospital[ids]])
    return np.where(zero, 0, np.maximum(np.rint(los), 1)).astype(np.int64)


def _pressure_response(m, per_occupancy: float, start: float, largest: float) -> np.ndarray:
    """For each hospital, a response rising in proportion to occupancy above `start`, capped.

    Proportional, not a threshold: one bed should not tip a whole week, which would spoil
    the common-random-numbers pairing between arrangements.
    """
    occupancy = np.array([h.occupancy for h in m.hospitals])
    return np.clip(per_occupancy * (occupancy - start), 0.0, largest)


def stay_cut(m) -> np.ndarray:
    """For each hospital, how much shorter clinical stays are because it is full."""
    h = m.config.area.hospital
    return _pressure_response(m, h.stay_cut_per_occupancy, h.stay_cut_from, h.stay_cut_max)


def admission_cut(m) -> np.ndarray:
    """For each hospital, the share of would-be admissions A&E sends home for want of a bed
    (Blom et al., Int J Emerg Med 2014: the admitted share falls once occupancy passes 95%)."""
    h = m.config.area.hospital
    return _pressure_response(m, h.admission_cut_per_occupancy, h.admission_pressure_from, h.admission_cut_max)


def count_stay_days(m, ids: np.ndarray, until) -> None:
    """Count this week's bed days (and delayed ones, by cause) up to `until` (exclusive)."""
    if len(ids) == 0:
        return
    pop = m.pop
    start = np.maximum(pop.admit_day[ids], m.week_start)
    end = np.minimum(np.asarray(until), m.week_end)
    days = np.maximum(end - start, 0)
    fit = np.maximum(pop.fit_day[ids], m.week_start)
    nhs_until = pop.fit_day[ids] + pop.stay_delay_nhs[ids]
    delayed = np.maximum(end - fit, 0)
    delayed_nhs = np.minimum(np.maximum(np.minimum(end, nhs_until) - fit, 0), delayed)
    delayed_total = float(delayed.sum())
    m.tally.add("bed_days", float(days.sum()))
    m.tally.add("delayed_bed_days", delayed_total)
    m.tally.add("delayed_bed_days_nhs", float(delayed_nhs.sum()))
    m.tally.add("delayed_bed_days_social_care", delayed_total - float(delayed_nhs.sum()))
    m.ledger.charge("excess_bed_days", Payer.NHS, m.config.area.costs.excess_bed_day * delayed_total)


def count_week_end(m) -> None:
    """Bed days this week for everyone still in hospital at the week's end."""
    ids = np.flatnonzero(m.pop.view("place") == int(Place.HOSPITAL))
    count_stay_days(m, ids, np.full(len(ids), m.week_end))
    for h in m.hospitals:
        here = ids[m.pop.hospital[ids] == h.number]
        h.record_week_end(len(here), int((m.pop.fit_day[here] < m.week_end).sum()))
        m.tally.add("over_capacity_bed_days", DAYS_PER_WEEK * max(0.0, len(here) - h.beds))
        m.tally.add("bed_capacity_days", DAYS_PER_WEEK * h.beds)
        m.tally.add("hospital_full_weeks", h.is_full / len(m.hospitals))


def ready_to_leave(m, ids: np.ndarray, day) -> None:
    """What an inpatient waited for is ready: they leave that day, or when medically fit if
    that is later (a place found while they are still being treated)."""
    if len(ids) == 0:
        return
    m.pop.discharge_day[ids] = np.maximum(np.asarray(day), m.pop.fit_day[ids])


def release_inpatients(m, ids: np.ndarray, day: np.ndarray) -> None:
    """Of people whose care has just started, those still in hospital can leave (that day,
    or when medically fit)."""
    inpatients = m.pop.place[ids] == Place.HOSPITAL
    ready_to_leave(m, ids[inpatients], day[inpatients])


def leave(m, ids: np.ndarray, day: np.ndarray) -> None:
    """Discharge: count the last days, go back to a care home if that is home."""
    pop = m.pop
    if len(ids) == 0:
        return
    count_stay_days(m, ids, day)
    lives_in_care_home = has_care_home_place(pop.package[ids])
    pop.place[ids] = np.where(lives_in_care_home, Place.CARE_HOME, Place.HOME)
    pop.last_discharge_day[ids] = day
    m.risks.note_discharges(ids)
    pop.discharge_day[ids] = NO_DAY
    pop.discharge_planned[ids] = False
    m.tally.add("discharges", len(ids))
    m.log.record(ids, day, Event.DISCHARGE, Organisation.HOSPITAL)
