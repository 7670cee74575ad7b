"""Three attendance states per half-day and person: set by the phone, corrected by the animator."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from kit.extensions import db
from kit.live.attendance import attendance_lines, save_attendance, set_state
from kit.models import Attendance, TrainingSession
from kit.reports.rules import ABSENT, EXCUSED, PRESENT, attendance_state
from tests.factories import login, make_group, make_session, make_user


def test_the_state_of_a_row() -> None:
    assert attendance_state(None, None) == ABSENT  # no row
    assert attendance_state(True, False) == PRESENT
    assert attendance_state(False, True) == EXCUSED
    assert attendance_state(False, False) == ABSENT
    assert attendance_state(True, True) == PRESENT  # came after all


def rows(session_id: int) -> dict[int, tuple[bool, bool, int | None]]:
    return {a.participant_id: (a.present, a.excused, a.corrected_by_id) for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == session_id))}


def test_set_state_corrects_one_person(app: Flask) -> None:
    with app.app_context():
        animator = make_user()
        group = make_group(animator)
        live = make_session(group)
        awa, bruno, _chloe = (p.id for p in group.participants)
        assert set_state(live, awa, ABSENT, animator.id) is False  # no row stays no row
        assert set_state(live, awa, EXCUSED, animator.id) is True
        db.session.commit()
        assert rows(live.id) == {awa: (False, True, animator.id)}
        assert set_state(live, awa, EXCUSED, animator.id) is False  # already
        assert set_state(live, awa, PRESENT, animator.id) is True
        assert set_state(live, bruno, PRESENT, animator.id) is True
        db.session.commit()
        assert rows(live.id) == {awa: (True, False, animator.id), bruno: (True, False, animator.id)}
        assert set_state(live, awa, ABSENT, animator.id) is True
        db.session.commit()
        assert rows(live.id)[awa] == (False, False, animator.id)
        assert {line.participant.nickname: line.state for line in attendance_lines(live)} == {
            "Awa": ABSENT, "Bruno": PRESENT, "Chloé": ABSENT}


def test_save_attendance_takes_the_excused(app: Flask) -> None:
    with app.app_context():
        animator = make_user()
        group = make_group(animator)
        live = make_session(group)
        awa, bruno, chloe = (p.id for p in group.participants)
        assert save_attendance(live, {awa}, animator.id, {bruno}) == 2
        db.session.commit()
        assert rows(live.id) == {awa: (True, False, animator.id), bruno: (False, True, animator.id)}
        assert save_attendance(live, {awa, chloe}, animator.id) == 2  # Bruno: absent now, Chloé present
        db.session.commit()
        assert rows(live.id)[bruno] == (False, False, animator.id)


def test_the_seance_page_takes_three_states(app: Flask) -> None:
    with app.app_context():
        animator = make_user()
        group = make_group(animator)
        live = make_session(group)
        session_id = live.id
        awa, bruno, chloe = (p.id for p in group.participants)
    client = app.test_client()
    login(client)
    url = f"/animateur/seances/{session_id}/presences"
    page = client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)
    assert page.count('value="absent" checked') == 3 and "Excusé·e" in page
    response = client.post(url, data={f"etat-{awa}": "present", f"etat-{bruno}": "excused", f"etat-{chloe}": "absent"})
    assert response.status_code == 302
    page = client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)
    assert f'name="etat-{awa}" value="present" checked' in page
    assert f'name="etat-{bruno}" value="excused" checked' in page
    assert f'name="etat-{chloe}" value="absent" checked' in page
    # Bad input: a French 400, nothing changed.
    assert client.post(url, data={f"etat-{awa}": "malade"}).status_code == 400
    assert client.post(url, data={"etat-999999": "present"}).status_code == 400
    assert client.post(url, data={"etat-abc": "present"}).status_code == 400
    with app.app_context():
        assert rows(session_id)[bruno][:2] == (False, True)
    # Once ended: confirmed with the excused kept, and shown again after an error.
    client.post(f"/animateur/seances/{session_id}/terminer")
    bad = client.post(url, data={f"etat-{bruno}": "excused", "minutes": "x"})
    assert bad.status_code == 400 and f'name="etat-{bruno}" value="excused" checked' in bad.get_data(as_text=True)
    assert client.post(url, data={f"etat-{bruno}": "excused", f"etat-{awa}": "present",
                                  "minutes": "200"}).status_code == 302
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).attendance_confirmed_at is not None
        assert {pid: state[:2] for pid, state in rows(session_id).items()} == {
            awa: (True, False), bruno: (False, True)}  # Chloé: no row, absent

