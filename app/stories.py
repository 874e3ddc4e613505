"""One person's pathway in plain words, read from a world's event log.

The model's own `person_story` is used when it has one; this is the app's fallback, so
"Follow one person" works with any model that keeps the event log.
"""
from __future__ import annotations

from model.eventlog import Event

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


def from_event_log(world, person_id: int) -> list[str]:
    """"Day 12: A&E attendance at the hospital (NHS, £148)", one line per event."""
    events = world.log.for_person(int(person_id))
    lines = []
    for row in events.itertuples(index=False):
        name = str(row.event)
        if name == "entry" and row.day == 0:
            continue  # everyone starting in the area
        words = WORDS.get(Event[name.upper()], name.replace("_", " ")).format(
            org=ORGANISATIONS.get(str(row.organisation), "another organisation"),
            purpose=PURPOSES.get(str(row.purpose), "assessment"))
        detail = [PAYERS[row.payer]] if row.payer in PAYERS else []
        if row.cost:
            detail.append(f"\u00a3{row.cost:,.0f}")
        line = f"Day {row.day}: {words[0].upper()}{words[1:]}"
        if detail:
            line += f" ({', '.join(detail)})"
        if row.duplicate:
            line += " \u2014 a second visit for the same assessment"
        lines.append(line)
    return lines
