"""The per-person event log: it reconciles with the counts, and duplicates can be audited from it."""
import numpy as np
import pytest

WINDOW = 28


@pytest.mark.slow
def test_event_log_reconciles_with_the_tallies(small_run):
    result = small_run("siloed", patients=2000, years=2, seed=2, event_log=True)
    events, t = result.events, result.totals
    count = lambda name: int((events.event == name).sum())  # noqa: E731
    assert count("emergency_admission") == t["emergency_admissions"]
    assert count("ae_attendance") == t["ae_attendances"]
    assert count("death") == t["deaths"]
    assert count("gp_consultation") + count("nurse_consultation") == t["gp_consultations"]
    assert count("care_home_admission") == t["care_home_admissions"]
    assert int(events.duplicate.sum()) == t["duplicate_visits"]
    logged_gp_cost = events.loc[events.event.isin(["gp_consultation", "nurse_consultation"]), "cost"].sum()
    assert np.isclose(logged_gp_cost, t["cost_gp"])
    assert set(events.columns) >= {"person_id", "day", "event", "organisation", "payer", "cost"}


def audit_duplicates(visits):
    """Recompute duplicates from the log alone, by the ODD's definition (docs/ODD.md, submodel 7.9)."""
    flags = []
    last = {}  # (person, purpose, organisation) -> (day, episode)
    for row in visits.itertuples():
        earlier = [(day, ep) for (p, pur, org), (day, ep) in last.items()
                   if p == row.person_id and pur == row.purpose and org != row.organisation]
        flags.append(any(ep == row.episode and row.day - day <= WINDOW for day, ep in earlier))
        last[(row.person_id, row.purpose, row.organisation)] = (row.day, row.episode)
    return np.array(flags)


@pytest.mark.slow
def test_duplicates_audited_from_the_log_match_the_model(small_run):
    events = small_run("siloed", patients=2000, years=2, seed=2, event_log=True).events
    visits = events[events.event == "assessment_visit"].copy()
    visits["order"] = np.arange(len(visits))
    visits = visits.sort_values(["day", "order"], kind="stable")
    assert len(visits) > 100
    audited = audit_duplicates(visits)
    assert audited.sum() > 10
    assert np.array_equal(audited, visits["duplicate"].to_numpy())
