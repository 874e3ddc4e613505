"""One person's pathway in plain words, read from a world's event log.

It reads the raw event columns the app copied out of the log week by week (the page's
snapshot), never the live log, so it is safe while the worlds are playing.
"""
from __future__ import annotations

import numpy as np

from model.eventlog import Event, Organisation, Purpose

WORDS = {
    Event.ENTRY: "joined the area's population with a long-term condition",
    Event.DEATH: "died",
    Event.GP_CONSULTATION: "saw a GP",
    Event.NURSE_CONSULTATION: "saw the practice nurse",
    Event.AE_ATTENDANCE: "A&E attendance",
    Event.EMERGENCY_ADMISSION: "admitted to hospital as an emergency",
    Event.MEDICALLY_FIT: "well enough to leave hospital",
    Event.DISCHARGE: "left hospital",
    Event.RAPID_RESPONSE: "crisis met at home by the rapid response team",
    Event.NEED_START: "started to need help at home",
    Event.ASSESSMENT_VISIT: "{purpose} by {org}",
    Event.REABLEMENT_START: "reablement started",
    Event.HOME_CARE_START: "home care started",
    Event.CARE_HOME_ADMISSION: "moved into a care home",
    Event.CARER_BREAKDOWN: "their carer could no longer cope",
    Event.COORDINATOR_ASSIGNED: "given a named care coordinator",
    Event.COMMUNITY_CONTACT: "visit from {org}",
    Event.FOUND_INELIGIBLE: "found not eligible for council-funded care",
    Event.REFERRAL_LOST: "a referral to {org} was lost between organisations",
    Event.REFERRAL_SENT: "referred to {org}",
    Event.NEED_RESOLVED: "no longer needs help",
    Event.REABLEMENT_END: "reablement ended",
    Event.SELF_ARRANGED_CARE: "arranged and paid for their own care",
    Event.SENT_HOME_NO_BED: "sent home from A&E: they needed a bed but the hospital was full",
    Event.INTERMEDIATE_CARE_START: "left hospital for a few weeks of NHS rehabilitation (intermediate care)",
    Event.INTERMEDIATE_CARE_END: "intermediate care ended",
}
ORGANISATIONS = {"gp_practice": "the GP practice", "hospital": "the hospital", "council": "the council",
                 "community_health": "community health", "integrated_team": "the integrated team",
                 "private": "a private provider"}
PURPOSES = {"functional": "home assessment (an occupational therapist)", "needs": "needs assessment"}
PAYERS = {"nhs": "NHS", "council": "council", "self_funded": "paid by them"}


PAYER_CODES = {0: "nhs", 1: "council", 2: "self_funded"}


def from_event_chunks(chunks, person_id: int) -> list[str]:
    """"Day 12: A&E attendance (NHS, \u00a3148)", one line per event, in time order.

    Args:
        chunks: event columns (as `EventLog.since` returns them), one dict per week.
        person_id: whose story.
    """
    rows = []
    for columns in chunks:
        mine = np.flatnonzero(columns["person_id"] == person_id)
        rows.extend((int(columns["day"][k]), len(rows), {f: columns[f][k] for f in columns}) for k in mine)
    rows.sort(key=lambda row: row[:2])
    return [line for line in (_sentence(row) for _, _, row in rows) if line]


def _name(enum, code: int) -> str:
    try:
        return enum(int(code)).name.lower()
    except ValueError:
        return "unknown"


def _sentence(row: dict) -> str | None:
    code, day = int(row["event"]), int(row["day"])
    if code == Event.ENTRY and day == 0:
        return None  # everyone starting in the area
    try:
        template = WORDS.get(Event(code), Event(code).name.lower().replace("_", " "))
    except ValueError:  # an event this version of the app does not know yet
        template = f"event {code}"
    words = template.format(org=ORGANISATIONS.get(_name(Organisation, row["organisation"]), "another organisation"),
                            purpose=PURPOSES.get(_name(Purpose, row["purpose"]), "assessment"))
    payer = PAYER_CODES.get(int(row["payer"]))
    detail = [PAYERS[payer]] if payer else []
    if row["cost"]:
        detail.append(f"\u00a3{float(row['cost']):,.0f}")
    line = f"Day {day}: {words[0].upper()}{words[1:]}"
    if detail:
        line += f" ({', '.join(detail)})"
    if row["duplicate"]:
        line += " \u2014 a second visit for the same assessment"
    return line
