"""A session kept under an id: what a reload gets back, and stored sessions that are refused."""
from __future__ import annotations

import json

import pytest

from app.session import SessionError, SessionState, SessionStore, id_from_query, new_id
from app.settings import WorkshopSettings


def test_a_saved_session_comes_back_whole_even_after_a_restart(tmp_path):
    state = SessionState(WorkshopSettings.from_preset("austerity_pooled", patients=300, seed=9,
                                                      population="frail_older"), week=37, followed=12)
    session_id = new_id()
    SessionStore(tmp_path).save(session_id, state)
    assert SessionStore(tmp_path).load(session_id) == state  # a new store: read from the file


def test_an_unknown_session_is_none_and_the_address_gives_the_id(tmp_path):
    assert SessionStore(tmp_path).load("abcdefgh") is None
    assert id_from_query("session=abc_DEF-12&x=1") == "abc_DEF-12"
    assert id_from_query("x=1") is None and id_from_query(None) is None
    assert id_from_query("session=../../etc") is None


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(week=-3), "week must be"),
    (lambda d: d.update(week="ten"), "week must be"),
    (lambda d: d.update(followed="Bob"), "followed must be"),
    (lambda d: d["settings"].update(patients=10**6), "patients must be"),
    (lambda d: d["settings"].update(preset="atlantis"), "preset 'atlantis'"),
    (lambda d: d["settings"].update(colour="red"), "unknown fields"),
    (lambda d: d["settings"].update(austerity_cut=5), "austerity_cut must be"),
    (lambda d: d["settings"].update(population="martians"), "population must be"),
    (lambda d: d.pop("settings"), "not a saved session"),
])
def test_a_stored_session_that_cannot_be_used_is_refused_in_one_line(tmp_path, change, says):
    data = json.loads(SessionState(WorkshopSettings.from_preset()).to_json())
    change(data)
    (tmp_path / "abcdefgh.json").write_text(json.dumps(data))
    with pytest.raises(SessionError, match=says) as problem:
        SessionStore(tmp_path).load("abcdefgh")
    assert "\n" not in str(problem.value) and "abcdefgh.json" in str(problem.value)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "abcdefgh.json").write_text("{half")
    with pytest.raises(SessionError, match="not a saved session"):
        SessionStore(tmp_path).load("abcdefgh")
