"""The guided workshop: exercises built into the app, in the order a session runs them.

Each exercise has a question for the room, the settings it loads (both worlds rebuilt at
once), what to watch, how far to run, and a reveal: what the model shows and what the
published evidence says, in one or two sentences. docs/app.md is the facilitator's guide
that goes with them (timings, what to say, what the room usually gets wrong).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.settings import WorkshopSettings

JOINT = "arrangement.joint_assessment.strength"
DISCHARGE = "arrangement.integrated_discharge.strength"


def _only(lever: str, **changes) -> Callable[[], WorkshopSettings]:
    """The siloed preset with one lever at full strength in the integrated world."""
    def settings() -> WorkshopSettings:
        return WorkshopSettings.from_preset("siloed", **changes).with_lever(lever, 1.0)
    return settings


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    question: str
    settings: Callable[[], WorkshopSettings]
    watch: str
    reveal: str
    run_to_week: int = 0  # where the worlds start after loading (0: the room steps from week 0)


EXERCISES = (
    Exercise(
        "same_world", "1. The same world twice",
        "Both worlds hold the same 500 people and face the same chances; neither is integrated. "
        "After a year, how different will they be?",
        lambda: WorkshopSettings.from_preset("siloed"),
        "Press \u25b6 and watch the right-hand column of the tallies and the difference chart.",
        "Identical, week after week: when the worlds differ later, the arrangement caused it. "
        "The grey band shows something else: how far the difference moves when the same settings "
        "meet other people and other chances."),
    Exercise(
        "joint_assessment", "2. Joint assessment alone",
        "The NHS and the council now assess people together, one visit instead of two. "
        "What falls first: second visits, emergency admissions, or cost?",
        _only(JOINT),
        "The pink rings and marks on the maps, and the duplicate-visits row.",
        "Second visits fall at once; admissions and cost hardly move. Evaluations agree: "
        "duplication falls fast, while emergency admissions did not fall in England's "
        "Integrated Care Pilots (+2%; RAND Europe and Ernst & Young, 2012)."),
    Exercise(
        "discharge_to_assess", "3. Discharge to assess",
        "Patients well enough to leave go home and are assessed there. What happens to the "
        "orange beds, and to the council's bill?",
        _only(DISCHARGE, population="frail_older"),
        "The orange beds (well enough to leave) and the delayed-bed-days row; then the "
        "council's cost.",
        "Fewer beds are held by people well enough to leave, and the council pays sooner for "
        "care at home. Delays cost the NHS about \u00a3820m a year (NAO 2016); 28% of lost bed "
        "days were waiting for council care (Wood et al., 2023)."),
    Exercise(
        "austerity_pooling", "4. Austerity, with and without a pooled budget",
        "The council's budget is cut by 28%. The integrated world pools the whole social-care "
        "budget with the NHS. Who ends up paying, and do patients notice?",
        lambda: WorkshopSettings.from_preset("austerity_pooled", population="frail_older"),
        "The cost to the NHS and to the council, and delayed bed days; switch the difference "
        "chart to each in turn and jump to year 5.",
        "Pooling moves part of the council's overspend onto the NHS and keeps assessments "
        "moving, but in this model the shift is small against chance: look at whether the band "
        "clears zero before drawing a lesson (docs/calibration.md)."),
    Exercise(
        "year_1_vs_5", "5. Year 1 against year 5",
        "Every lever builds up over about three years, as in reality. After one year, does "
        "integration save money? And after five?",
        lambda: WorkshopSettings.from_preset("integrated", full_strength_now=False),
        "Total cost in the tallies and the difference chart at year 1; then press "
        "\u201cJump to year 5\u201d.",
        "Year 1 carries the set-up costs and little of the benefit; by year 5 duplicate visits, "
        "admissions and delayed bed days are lower in every run, while the money difference "
        "could still be chance. Pilots judged after one year (Curry et al., 2013) saw no fall "
        "in admissions.",
        run_to_week=52),
)
