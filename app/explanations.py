"""Each lever in plain English: what it changes in the pathway, and what the evidence says.

Written for health and care managers in a workshop, not for modellers. The mechanism
sentences follow docs/ODD.md (7.6-7.11); the evidence sentences name their published
sources. A lever the model adds later gets its unit phrase from model/parameters.csv until
someone writes its sentences here (the test file says which are missing).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    what_it_changes: str
    evidence: str


LEVER_EXPLANATIONS = {
    "arrangement.joint_assessment.strength": Explanation(
        "When someone starts to need help at home, one visit by an integrated team assesses "
        "both what the NHS and the council need to know, instead of an occupational therapist "
        "and a social worker each coming separately; and the team offers reablement before "
        "any care-home place (home first).",
        "Duplicated assessments are the part of integration that falls quickly and for sure; "
        "England has no national count of how often people are assessed twice (an assumption "
        "in parameters.csv)."),
    "arrangement.shared_record.strength": Explanation(
        "Staff can read what another organisation already found, so they repeat an assessment "
        "less often. It does not remove the second organisation's visit; it makes a repeat "
        "less likely.",
        "A plausible saving with no national measure of its size; its effect builds up over "
        "about three years (2 to 10) in evaluations of integration."),
    "arrangement.single_point_of_access.strength": Explanation(
        "One number to call: a GP's referral to social care is never lost between "
        "organisations and arrives without delay. More people then reach council services, "
        "so where home care is short, the queue for it grows.",
        "Lost and slow referrals are a recognised cost of working in silos; how many are "
        "lost nationally is not measured, so the size here is an assumption."),
    "arrangement.case_management.coverage": Explanation(
        "The people most at risk of a crisis get a named care coordinator who keeps in "
        "touch every month. It costs about \u00a31,500 a person a year.",
        "Trials found no significant fall in emergency admissions, bed days or deaths "
        "(Stokes et al., PLoS ONE 2015, 36 studies; Gravelle et al., BMJ 2007), so the model "
        "gives it none by default: expect cost without fewer admissions."),
    "arrangement.integrated_discharge.strength": Explanation(
        "Discharge to assess: a patient well enough to leave goes home as soon as a "
        "reablement place is free and is assessed there, instead of on the ward, where "
        "long-term needs look bigger and care homes are chosen more often.",
        "Delayed discharges cost the NHS about \u00a3820m a year; most delayed patients are "
        "over 65 (NAO, Discharging older patients from hospital, 2016)."),
    "arrangement.rapid_response.strength": Explanation(
        "A community team reaches some crises at home within hours, as many as its staff "
        "allow. The crises it can manage are the less acute ones, so it saves more A&E "
        "visits than admissions.",
        "Evaluations of rapid response and hospital at home suggest a quarter to a third of "
        "older people's crises can be managed at home; the team costs money every week."),
    "arrangement.pooled_budget.share": Explanation(
        "Part of the council's social-care budget is pooled with the NHS: the NHS adds money "
        "of its own, which buys assessors, reablement and home care, and shares any "
        "overspend, so eligibility tightens less. All of it is an NHS cost.",
        "Only 3.4% of spending was pooled in 2007/08 (Audit Commission 2009); Torbay's care "
        "trust, which pooled far more, had few delayed transfers (Ham 2010)."),
    "area.context.austerity_cut": Explanation(
        "The council's social-care budget is cut (phased in over four years): it buys fewer "
        "assessors, reablement places and home-care hours, so waits grow, and a council "
        "that overspends tightens who is eligible.",
        "Slower packages keep people in hospital: days waiting for home care doubled from "
        "2013 to 2015 (NAO 2016)."),
}


def explain(path: str, fallback: str) -> Explanation:
    """The plain-English explanation of a lever, or its unit phrase if none is written yet."""
    return LEVER_EXPLANATIONS.get(path, Explanation(fallback, "No evidence summary written yet."))
