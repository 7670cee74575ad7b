"""What a session counts for: real durations, confirmed attendance, and the rules of kit/reports/rules.py."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from kit.extensions import db, socketio
from kit.models import Attendance, Participant, TrainingSession, utcnow
from kit.reports.figures import animator_history, participant_history
from kit.reports.rules import counted_sessions
from tests.conftest import make_app
from tests.factories import join_as, login, make_group, make_user
from tests.histories import SLUGS, attendance, run_session


def plain(response: object) -> str:
    """A page's text, tags removed and spaces collapsed."""
    page = html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def started_with_phones(app: Flask, client: FlaskClient, nicknames: tuple[str, ...] = ("Awa",)) -> int:
    """A session started through the app, a phone joining for each nickname then leaving at once."""
    with app.app_context():
        group = make_group(make_user(), ("Awa", "Bruno"))
        group_id = group.id
    login(client)
    response = client.post("/animateur/seances/nouvelle", data={"group": group_id, "module": SLUGS[0],
                                                                "day": "2026-11-20"})
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/animateur/seances/{session_id}/demarrer")
    with app.app_context():
        code = db.session.get(TrainingSession, session_id).join_code
    for nickname in nicknames:
        phone = socketio.test_client(app, namespace="/participant", auth={"code": code},
                                     flask_test_client=join_as(app, code, nickname))
        assert phone.is_connected("/participant")
        phone.disconnect(namespace="/participant")
    return session_id


def ids_of(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {p.nickname: p.id for p in db.session.scalars(sa.select(Participant))}


def test_a_three_minute_session_does_not_count(app: Flask, client: FlaskClient) -> None:
    session_id = started_with_phones(app, client)
    with app.app_context():  # started three minutes ago
        live = db.session.get(TrainingSession, session_id)
        live.started_at = utcnow() - timedelta(minutes=3)
        db.session.commit()
    client.post(f"/animateur/seances/{session_id}/terminer")
    page = plain(client.get(f"/animateur/seances/{session_id}"))
    assert "Confirmez les présences" in page and "Durée réelle, du démarrage à la fin : 3 min" in page
    assert 'value="3"' in client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)
    awa = ids_of(app)["Awa"]
    response = client.post(f"/animateur/seances/{session_id}/presences", data={"present": [str(awa)], "minutes": "3"})
    assert response.status_code == 302
    assert "ne compte pas comme demi-journée" in plain(client.get(f"/animateur/seances/{session_id}"))
    with app.app_context():
        live = db.session.get(TrainingSession, session_id)
        assert live.attendance_confirmed_at is not None and live.counted_minutes is None
        history = animator_history(live.animator_id)
        assert history.sessions == 0 and history.minutes == 0
        assert participant_history(awa).modules_attended == frozenset()
    progress = plain(client.get("/progression/"))
    assert "0 séance animée" in progress and "0 h de formation données" in progress
    assert "3 h 30" not in progress


def test_a_few_seconds_attendance_is_not_pre_ticked_and_does_not_count(app: Flask, client: FlaskClient) -> None:
    session_id = started_with_phones(app, client, ("Awa", "Bruno"))
    client.post(f"/animateur/seances/{session_id}/terminer")
    page = client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)
    assert 'value="present" checked' not in page  # both phones stayed a few seconds
    assert page.count('value="absent" checked') == 2
    # The animator keeps the pre-filled list and gives the half-day's length.
    assert client.post(f"/animateur/seances/{session_id}/presences", data={"minutes": "210"}).status_code == 302
    people = ids_of(app)
    with app.app_context():
        assert attendance(session_id) == {people["Awa"]: False, people["Bruno"]: False}
        assert participant_history(people["Awa"]).modules_attended == frozenset()
        assert [s.minutes for s in counted_sessions()] == [210]  # the session counts, nobody was there


def test_the_confirmed_attendance_counts(app: Flask, client: FlaskClient) -> None:
    session_id = started_with_phones(app, client, ("Awa", "Bruno"))
    people = ids_of(app)
    with app.app_context():  # Awa's phone stayed 40 minutes; the session lasted 3 h 30
        row = db.session.scalar(sa.select(Attendance).where(Attendance.participant_id == people["Awa"]))
        row.seconds_present = 40 * 60
        db.session.get(TrainingSession, session_id).started_at = utcnow() - timedelta(minutes=210)
        db.session.commit()
    client.post(f"/animateur/seances/{session_id}/terminer")
    page = client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)
    assert f'name="etat-{people["Awa"]}" value="present" checked' in page
    assert f'name="etat-{people["Bruno"]}" value="absent" checked' in page
    assert "(téléphone, 40 min)" in page and 'value="210"' in page
    with app.app_context():  # not confirmed yet: nothing counts
        assert counted_sessions() == [] and participant_history(people["Awa"]).modules_attended == frozenset()
    assert "Présences à confirmer" in plain(client.get("/animateur/"))
    response = client.post(f"/animateur/seances/{session_id}/presences",
                           data={"present": [str(people["Awa"])], "minutes": "210"})
    assert response.status_code == 302
    with app.app_context():
        assert participant_history(people["Awa"]).modules_attended == {1}
        assert participant_history(people["Bruno"]).modules_attended == frozenset()
        history = animator_history(db.session.get(TrainingSession, session_id).animator_id)
        assert history.sessions == 1 and history.hours == 3.5 and history.participants_trained() == 1
    assert "3 h 30 de formation données" in plain(client.get("/progression/"))
    assert "Présences à confirmer" not in plain(client.get("/animateur/"))


def test_the_animator_corrects_the_duration_within_the_limits(app: Flask, client: FlaskClient) -> None:
    session_id = started_with_phones(app, client, ())
    client.post(f"/animateur/seances/{session_id}/terminer")
    url = f"/animateur/seances/{session_id}/presences"
    awa = str(ids_of(app)["Awa"])
    for bad in ("", "trois", "-5", "99999"):
        response = client.post(url, data={"present": [awa], "minutes": bad})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "Indiquez la durée de la séance en minutes" in html.unescape(page)
        assert f'name="etat-{awa}" value="present" checked' in page  # the ticks are kept
    with app.app_context():
        assert db.session.get(TrainingSession, session_id).attendance_confirmed_at is None
    assert client.post(url, data={"present": [awa], "minutes": "400"}).status_code == 302
    with app.app_context():
        live = db.session.get(TrainingSession, session_id)
        assert live.counted_minutes == 400
        assert [s.minutes for s in counted_sessions()] == [300]  # HALF_DAY_MAX_MINUTES
    app.config["HALF_DAY_MIN_MINUTES"] = 500
    with app.app_context():
        assert counted_sessions() == []


def test_a_phone_disconnecting_adds_its_time(app: Flask) -> None:
    with app.app_context():
        group = make_group(make_user(), ("Awa",))
        session = run_session(group, SLUGS[0], end=False)
        code = session.join_code
        session_id, awa = session.id, group.participants[0].id
    phone = socketio.test_client(app, namespace="/participant", auth={"code": code},
                                 flask_test_client=join_as(app, code, "Awa"))
    with app.app_context():
        db.session.execute(sa.text("UPDATE presence SET connected_at = :t"), {"t": utcnow() - timedelta(minutes=45)})
        db.session.commit()
    phone.disconnect(namespace="/participant")
    with app.app_context():
        row = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session_id,
                                                            Attendance.participant_id == awa))
        assert 45 * 60 <= row.seconds_present < 46 * 60


def test_the_migration_keeps_the_ended_sessions_confirmed(empty_database: str) -> None:
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO module_revision (slug, source, source_hash, message, author, "
                                       "created_at, published, number, is_draft) "
                                       "VALUES ('a', 'x', 'h', '', '', '2026-01-01', :yes, 1, :no)"),
                               {"yes": True, "no": False})
            connection.execute(sa.text("INSERT INTO user_account (email, name, password_hash, role, active, created_at)"
                                       " VALUES ('a@b.fr', 'A', 'h', 'animator', :yes, '2026-01-01')"), {"yes": True})
            connection.execute(sa.text("INSERT INTO training_group (name, animator_id, created_at) "
                                       "VALUES ('G', 1, '2026-01-01')"))
            for status, ended in (("ended", "2026-01-01 12:00:00"), ("live", None)):
                connection.execute(sa.text(
                    "INSERT INTO training_session (group_id, animator_id, module_slug, revision_id, day, status, "
                    "current_slide, version, created_at, started_at, ended_at) VALUES (1, 1, 'a', 1, '2026-01-01', "
                    ":status, 0, 0, '2026-01-01', '2026-01-01 09:00:00', :ended)"), {"status": status, "ended": ended})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT status, attendance_confirmed_at IS NOT NULL FROM training_session ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("ended", True), ("live", False)]
        db.engine.dispose()
