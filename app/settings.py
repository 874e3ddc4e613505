"""What the workshop controls set: the levers, the context, and how each world is built.

The two worlds share everything but the arrangement. Both are built from the chosen
preset (a built-in scenario) so they live in the same area; the siloed world then takes
the siloed scenario's arrangement, the integrated world the lever values on screen. The
context (austerity, population size, seed) is the same for both, so any difference on
screen is caused by the arrangement.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from app.explanations import explain
from model.api import list_scenarios, load_scenario
from model.levers import RAMPED_LEVERS
from model.parameters import registry

SILOED = "siloed"
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Control:
    """One slider: a dotted scenario path and what the room sees. Its range and meaning
    come from the parameter registry (model/parameters.csv), the single source for both."""

    path: str
    label: str

    @property
    def parameter(self):
        return registry()[self.path]

    @property
    def low(self) -> float:
        return float(self.parameter.low)

    @property
    def high(self) -> float:
        return float(self.parameter.high)

    @property
    def step(self) -> float:
        return (self.high - self.low) / 20

    @property
    def explanation(self):
        """What the lever changes in the pathway and what the evidence says (app/explanations.py)."""
        return explain(self.path, self.parameter.unit)


# The integration levers (integrated world only), in the order a facilitator explains them.
LEVERS = tuple(Control(path, label) for path, label in (
    ("arrangement.joint_assessment.strength", "Joint assessment"),
    ("arrangement.shared_record.strength", "Shared care record"),
    ("arrangement.single_point_of_access.strength", "Single point of access"),
    ("arrangement.case_management.coverage", "Case management coverage"),
    ("arrangement.integrated_discharge.strength", "Integrated discharge"),
    ("arrangement.rapid_response.strength", "Rapid response at home"),
    ("arrangement.pooled_budget.share", "Pooled budget"),
))
# The context, the same in both worlds.
AUSTERITY = Control("area.context.austerity_cut", "Austerity: council budget cut")
REACH_PATH = "arrangement.condition_focus"
REACH_CHOICES = {"all": "everyone", "dementia": "the dementia pathway only"}
# Levers that build up over years in reality (the model's lever registry); the workshop can skip that.
RAMPED = RAMPED_LEVERS


class SeedError(ValueError):
    """A seed the person typed that cannot be used; the message says what would work."""


def parse_seed(text: object) -> int:
    """The seed a person typed, as an int; SeedError (a sentence for the screen) if unusable."""
    raw = str(text).strip().replace("_", "").replace(",", "")
    if not raw:
        raise SeedError("Type a seed: a whole number such as 1 or 42.")
    try:
        value = int(raw)
    except ValueError:
        try:
            as_float = float(raw)
        except ValueError:
            raise SeedError(f"\u201c{text}\u201d is not a number: type a whole number such as 42.") from None
        if not as_float.is_integer():
            raise SeedError(f"\u201c{text}\u201d is not a whole number: type one such as 42.") from None
        value = int(as_float)
    if not 0 <= value <= MAX_SEED:
        raise SeedError(f"The seed must be between 0 and {MAX_SEED:,}; got {value:,}.")
    return value


@cache
def presets() -> dict[str, str]:
    """Built-in scenarios a facilitator can start from: name -> one-line description."""
    return dict(list_scenarios())


@cache
def scenario_values(name: str) -> dict[str, object]:
    """Every parameter of a built-in scenario, by dotted path."""
    return dict(load_scenario(name).values())


def default_preset() -> str:
    names = list(presets())
    return "integrated" if "integrated" in names else next((n for n in names if n != SILOED), SILOED)


# Who lives in the workshop's area. A few hundred people drawn like a whole town's adults
# with a long-term condition rarely fill a hospital bed, so a room sees an empty ward; the
# frailer older cohort (people aged 75 and over, crises about as often as care-home
# residents have emergency admissions, frailty building up faster) keeps beds occupied and
# delays visible at workshop sizes. It is a teaching population, not a real area.
POPULATIONS = {
    "town": ("adults with a long-term condition (as the preset's area)", {}),
    "frail_older": ("a frailer older cohort (75 and over)", {
        "area.population.min_age": 75,
        "area.crisis.rate_at_75": 0.55,
        "area.prevalence.frailty_progression_rate": 0.25,
    }),
}
PATIENTS_RANGE = (50, 1000)


@dataclass(frozen=True)
class WorkshopSettings:
    """Everything the controls set. Frozen: a change makes a new value, so the page can tell
    what the running worlds use from what the controls now say."""

    preset: str = field(default_factory=default_preset)
    patients: int = 500
    seed: int = 1
    levers: tuple[tuple[str, float], ...] = ()
    austerity_cut: float = 0.0
    reach: str = "all"
    full_strength_now: bool = True
    population: str = "town"

    @classmethod
    def checked(cls, **values) -> "WorkshopSettings":
        """Settings from stored values, refused (ValueError, one line) if any is out of range."""
        settings = cls(**values)
        if settings.preset not in presets():
            raise ValueError(f"preset {settings.preset!r} is not a built-in scenario")
        low, high = PATIENTS_RANGE
        if not isinstance(settings.patients, int) or not low <= settings.patients <= high:
            raise ValueError(f"patients must be a whole number from {low} to {high}, got {settings.patients!r}")
        if not isinstance(settings.seed, int):
            raise ValueError(f"seed must be a whole number, got {settings.seed!r}")
        parse_seed(settings.seed)
        if settings.reach not in REACH_CHOICES:
            raise ValueError(f"reach must be one of {sorted(REACH_CHOICES)}, got {settings.reach!r}")
        if settings.population not in POPULATIONS:
            raise ValueError(f"population must be one of {sorted(POPULATIONS)}, got {settings.population!r}")
        if not isinstance(settings.full_strength_now, bool):
            raise ValueError(f"full_strength_now must be true or false, got {settings.full_strength_now!r}")
        if sorted(p for p, _ in settings.levers) != sorted(c.path for c in LEVERS):
            raise ValueError(f"levers must be exactly {[c.path for c in LEVERS]}")
        for control, value in [(c, settings.lever(c.path)) for c in LEVERS] + [(AUSTERITY, settings.austerity_cut)]:
            if not control.low <= value <= control.high:
                raise ValueError(f"{control.path} must be from {control.low} to {control.high}, got {value}")
        return settings

    @classmethod
    def from_preset(cls, preset: str | None = None, **changes) -> "WorkshopSettings":
        """The preset's own lever values and context, with any changes."""
        preset = preset or default_preset()
        values = scenario_values(preset)
        levers = tuple((c.path, float(values[c.path])) for c in LEVERS)
        base = cls(preset=preset, levers=levers, austerity_cut=float(values[AUSTERITY.path]),
                   reach=str(values.get(REACH_PATH, "all")))
        return replace(base, **changes)

    def lever(self, path: str) -> float:
        return dict(self.levers)[path]

    def with_lever(self, path: str, value: float) -> "WorkshopSettings":
        """A copy with one lever moved; the value is kept inside the parameter's range (a
        browser slider can hand over 0.30000000000000004, which the scenario would refuse)."""
        parameter = registry()[path]
        value = min(max(round(float(value), 6), parameter.low), parameter.high)
        return replace(self, levers=tuple((p, value if p == path else v) for p, v in self.levers))

    def world_overrides(self, world: str) -> dict[str, object]:
        """Overrides on the preset that make this world: `siloed` or `integrated`."""
        overrides: dict[str, object] = {AUSTERITY.path: float(self.austerity_cut)}
        overrides.update(POPULATIONS[self.population][1])
        if world == SILOED:
            siloed = scenario_values(SILOED)
            overrides.update({p: v for p, v in siloed.items() if p.startswith("arrangement.")})
            return overrides
        overrides.update({path: float(value) for path, value in self.levers})
        overrides[REACH_PATH] = self.reach
        if self.full_strength_now:
            preset = scenario_values(self.preset)
            for lever in RAMPED:
                if f"arrangement.{lever}.ramp_years" in preset:
                    overrides[f"arrangement.{lever}.ramp_years"] = 0.0
                    overrides[f"arrangement.{lever}.start_year"] = 1
            if "arrangement.pooled_budget.start_year" in preset:
                overrides["arrangement.pooled_budget.start_year"] = 1
        return overrides
