"""The observations service: one row per session, participant and skill, changed in place, cleared on demand.

The race runs in two OS processes released together by a barrier, on SQLite and, with
KIT_TEST_DATABASE=postgresql, on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from multiprocessing.synchronize import Barrier

import pytest
import sqlalchemy as sa
from flask import Flask

from kit.evidence import observations
from kit.extensions import db
from kit.models import Participant, SkillObservation, TrainingSession
from tests.factories import make_group, make_session, make_user


def _session(app: Flask) -> dict[str, int]:
    with app.app_context():
        session = make_session(make_group(make_user()))
        participants = sorted(p.id for p in session.group.participants)
        return {"session": session.id, "group": session.group_id, "awa": participants[0],
                "bruno": participants[1], "animator": session.animator_id}


def _rows(session_id: int) -> list[tuple[int, str, str, int | None]]:
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        sa.select(SkillObservation.participant_id, SkillObservation.skill, SkillObservation.level,
                  SkillObservation.slide).where(SkillObservation.session_id == session_id)
        .order_by(SkillObservation.participant_id, SkillObservation.skill))]


def test_observe_then_change_keeps_one_row(app: Flask) -> None:
    ids = _session(app)
    with app.app_context():
        observations.observe(ids["session"], ids["awa"], "wifi", "pas_encore", slide=9,
                             observed_by_id=ids["animator"])
        assert _rows(ids["session"]) == [(ids["awa"], "wifi", "pas_encore", 9)]
        observations.observe(ids["session"], ids["awa"], "wifi", "avec_aide", slide=12)
        observations.observe(ids["session"], ids["awa"], "wifi", "seul", slide=12)
        assert _rows(ids["session"]) == [(ids["awa"], "wifi", "seul", 12)]
        observations.observe(ids["session"], ids["bruno"], "wifi", "avec_aide", slide=12)
        observations.observe(ids["session"], ids["awa"], "deverrouiller", "seul", slide=12)
        assert len(_rows(ids["session"])) == 3


def test_clear_forgets_only_that_cell(app: Flask) -> None:
    ids = _session(app)
    with app.app_context():
        observations.observe(ids["session"], ids["awa"], "wifi", "seul")
        observations.observe(ids["session"], ids["awa"], "deverrouiller", "seul")
        observations.clear(ids["session"], ids["awa"], "wifi")
        observations.clear(ids["session"], ids["awa"], "wifi")  # twice: nothing to clear, no error
        assert _rows(ids["session"]) == [(ids["awa"], "deverrouiller", "seul", None)]


def test_an_unknown_level_is_refused(app: Flask) -> None:
    ids = _session(app)
    with app.app_context(), pytest.raises(ValueError):
        observations.observe(ids["session"], ids["awa"], "wifi", "bien")


def test_session_grid_is_the_group_times_the_slides_skills(app: Flask) -> None:
    ids = _session(app)
    with app.app_context():
        observations.observe(ids["session"], ids["bruno"], "wifi", "avec_aide")
        observations.observe(ids["session"], ids["bruno"], "application", "seul")  # not on this slide
        grid = observations.session_grid(ids["session"], ids["group"], ("deverrouiller", "wifi"))
        assert [s.id for s in grid.skills] == ["deverrouiller", "wifi"]
        assert grid.skills[1].label == "Se connecter à un réseau Wi-Fi"
        assert [r.nickname for r in grid.rows] == ["Awa", "Bruno", "Chloé"]
        assert grid.rows[0].levels == {"deverrouiller": None, "wifi": None}
        assert grid.rows[1].levels == {"deverrouiller": None, "wifi": "avec_aide"}
        assert observations.session_levels(ids["session"]) == [(ids["bruno"], "application", "seul"),
                                                                (ids["bruno"], "wifi", "avec_aide")]


def test_observations_of_a_participant_across_the_groups_sessions(app: Flask) -> None:
    ids = _session(app)
    with app.app_context():
        group = db.session.get(Participant, ids["awa"]).group
        later = make_session(group, "04-installer-applications", start=False)
        later.day = date.today() + timedelta(days=7)
        db.session.commit()
        # A task attested before the grid existed (migration 0010): no session.
        db.session.add(SkillObservation(session_id=None, participant_id=ids["awa"], skill="navigateur", level="seul"))
        db.session.commit()
        observations.observe(later.id, ids["awa"], "application", "avec_aide", slide=20)
        observations.observe(ids["session"], ids["awa"], "wifi", "pas_encore", slide=9)
        observations.observe(later.id, ids["awa"], "wifi", "seul", slide=21)
        observations.observe(ids["session"], ids["bruno"], "wifi", "seul")  # someone else's
        seen = observations.observations_of(ids["awa"])
        assert [(o.skill, o.level, o.module_slug) for o in seen] == [
            ("navigateur", "seul", None),
            ("wifi", "pas_encore", "01-smartphone-wifi"),
            ("application", "avec_aide", "04-installer-applications"),
            ("wifi", "seul", "04-installer-applications")]
        assert seen[1].day == date.today() and seen[1].session_id == ids["session"] and seen[1].slide == 9
        assert seen[2].label == "Trouver et installer une application"
        assert seen[0].observed_at.tzinfo is not None
        assert observations.best_levels(ids["awa"]) == {"navigateur": "seul", "wifi": "seul",
                                                        "application": "avec_aide"}


def test_deleting_a_session_deletes_its_observations(app: Flask) -> None:
    ids = _session(app)
    with app.app_context():
        observations.observe(ids["session"], ids["awa"], "wifi", "seul")
        db.session.delete(db.session.get(TrainingSession, ids["session"]))
        db.session.commit()
        assert observations.observations_of(ids["awa"]) == []


# --- Two animator windows tapping the same cell at the same moment -----------------------------------

def _tap(url: str, ids: dict[str, int], level: str, barrier: Barrier, results: multiprocessing.Queue) -> None:
    """In its own process: the service's upsert, started with the other process's."""
    from tests.conftest import make_app

    app = make_app(url)
    with app.app_context():
        barrier.wait(timeout=30)
        observations.observe(ids["session"], ids["awa"], "wifi", level, slide=5)
        results.put(level)
        db.session.remove()
        db.engine.dispose()


def test_two_windows_tapping_at_once_leave_one_row(app: Flask, database: str) -> None:
    ids = _session(app)
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no connection shared by fork
    for _round in range(2):  # the first race inserts, the second updates
        barrier, results = context.Barrier(2), context.Queue()
        processes = [context.Process(target=_tap, args=(database, ids, level, barrier, results))
                     for level in ("seul", "avec_aide")]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
            assert process.exitcode == 0, "a writing process failed"
        assert sorted(results.get(timeout=5) for _ in processes) == ["avec_aide", "seul"]
        with app.app_context():
            rows = _rows(ids["session"])
            assert len(rows) == 1 and rows[0][2] in ("seul", "avec_aide")
