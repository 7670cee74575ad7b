"""What the lighter hot paths must keep: the rules a phone's connection and an animator's event check."""

from __future__ import annotations

import gc
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, Request, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import MapAdapter

from kit.extensions import db, socketio
from kit.live import presence
from kit.models import Attendance, Presence, Role, User, Worker, utcnow
from tests.factories import login, make_user

from .conftest import Live, events, last_state

A, P = "/animateur", "/participant"


def test_joining_records_presence_and_attendance_together(live: Live) -> None:
    live.phone("Awa")
    live.phone("Awa")  # a second phone of the same participant: still one attendance
    with live.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Presence)) == 2
        assert db.session.scalars(sa.select(Attendance.present)).all() == [True]


def test_reconnecting_keeps_an_attendance_the_animator_corrected(live: Live) -> None:
    live.phone("Bruno").disconnect(namespace=P)
    with live.app.app_context():
        db.session.execute(sa.update(Attendance).values(present=False))
        db.session.commit()
    live.phone("Bruno")
    with live.app.app_context():
        assert db.session.scalars(sa.select(Attendance.present)).all() == [False]


def test_the_roster_does_not_count_the_phones_of_a_dead_process(live: Live) -> None:
    live.phone("Awa")
    with live.app.app_context():
        db.session.execute(sa.update(Worker).values(seen_at=utcnow() - presence.ALIVE_FOR - timedelta(seconds=1)))
        db.session.commit()
    animator = live.animator()
    awa = next(p for p in events(animator, "roster", A)[-1]["participants"] if p["nickname"] == "Awa")
    assert awa["present"] and not awa["connected"]


def test_a_phone_that_joins_during_a_question_gets_its_own_answer(live: Live) -> None:
    number = live.quiz_number("unique")
    animator, awa = live.animator(), live.phone("Awa")
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    assert awa.emit("answer", {"quiz": number, "choices": [1]}, namespace=P, callback=True)["ok"]
    again = live.phone("Awa")  # e.g. the page reloaded
    question = last_state(again, P)["question"]
    assert question["number"] == number and question["state"] == "open" and question["my_answer"] == [1]
    assert last_state(live.phone("Bruno"), P)["question"]["my_answer"] is None
    assert last_state(animator, A)["question"]["answered"] == 1  # refreshed when the phones joined
    assert animator.emit("sync", {}, namespace=A, callback=True)["state"]["question"]["answered"] == 1


def test_an_animator_whose_account_is_deactivated_is_refused_at_the_next_event(live: Live) -> None:
    animator = live.animator()
    assert animator.emit("goto", {"slide": 2}, namespace=A, callback=True)["ok"]
    with live.app.app_context():
        db.session.execute(sa.update(User).values(active=False))
        db.session.commit()
    ack = animator.emit("goto", {"slide": 3}, namespace=A, callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "interdit"


def test_an_admin_who_loses_the_role_no_longer_drives_another_animators_session(live: Live) -> None:
    with live.app.app_context():
        make_user("admin@test.fr", role=Role.ADMIN.value)
    http = live.app.test_client()
    login(http, "admin@test.fr")
    admin = socketio.test_client(live.app, namespace=A, auth={"session": live.session_id}, flask_test_client=http)
    assert admin.is_connected(A)
    assert admin.emit("goto", {"slide": 1}, namespace=A, callback=True)["ok"]
    with live.app.app_context():
        db.session.execute(sa.update(User).where(User.email == "admin@test.fr").values(role=Role.ANIMATOR.value))
        db.session.commit()
    ack = admin.emit("goto", {"slide": 2}, namespace=A, callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "interdit"


def test_socket_events_leave_no_reference_cycle_for_the_garbage_collector(live: Live) -> None:
    """Cyclic garbage is freed only by the collector, whose pauses stop every connection of the process."""
    number = live.quiz_number("unique")
    animator = live.animator()
    phones = [live.phone(name) for name in ("Awa", "Bruno", "Chloé", "Dario")]
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    assert phones[0].emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)["ok"]  # warm up
    gc.collect()
    # Held until the end: an earlier test's leftovers (an engine whose last thread ends now) cannot become
    # garbage during the window, so what is found there was made by these events.
    existing = gc.get_objects()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage instead of freed
    try:
        for choice in range(5):  # 20 answers, 5 per phone: under the flood guard
            for phone in phones:
                reply = phone.emit("answer", {"quiz": number, "choices": [choice % 2]}, namespace=P, callback=True)
                assert reply["ok"], reply
        gc.collect()
        found = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        del existing
    # Each event used to build a request context for /socket.io/ that raised NotFound with its traceback.
    assert not found["NotFound"] and not found["RequestContext"], found.most_common(10)
    # What is left is werkzeug's URL matcher: a recursive closure per match (8 objects), in every request too.
    assert sum(found.values()) <= 20 * 8, found.most_common(10)


@pytest.mark.parametrize(("method", "headers"), [
    ("GET", {}), ("POST", {}), ("GET", {"Upgrade": "websocket", "Connection": "Upgrade"})],
    ids=["polling-get", "polling-post", "websocket"])
def test_the_socketio_request_context_matches_a_route(app: Flask, method: str, headers: dict[str, str]) -> None:
    """The context of every Socket.IO event is built from this request: a routing error there is garbage."""
    with app.test_request_context("/socket.io/?EIO=4&transport=websocket", method=method, headers=headers):
        assert request.routing_exception is None
        assert request.url_rule is not None and request.url_rule.endpoint == "socketio_transport"


def test_socket_events_do_not_match_their_url_again(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event's request context comes from its connection's environ: its route is matched once (kit/app.py)."""
    animator, awa = live.animator(), live.phone("Awa")
    matched: list[str] = []
    original = MapAdapter.match

    def counting(self: MapAdapter, *args: object, **kwargs: object) -> object:
        matched.append(self.path_info)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MapAdapter, "match", counting)
    number = live.quiz_number("unique")
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    for choice in (0, 1, 0):
        assert awa.emit("answer", {"quiz": number, "choices": [choice]}, namespace=P, callback=True)["ok"]
    assert matched == []  # matched when each connection was made, never at an event
    assert live.animator_http.get("/animateur/").status_code == 200  # HTTP requests are matched as before
    assert matched == ["/animateur/"]
    with live.app.test_request_context("/socket.io/"):
        assert request.url_rule is not None and request.url_rule.endpoint == "socketio_transport"
        assert request.view_args == {}


def test_socket_events_do_not_decode_the_session_cookie_again(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    animator, awa = live.animator(), live.phone("Awa")
    decoded: list[str] = []
    original = SecureCookieSessionInterface.open_session

    def counting(self: SecureCookieSessionInterface, app: Flask, request: Request) -> object:
        decoded.append(request.path)
        return original(self, app, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    number = live.quiz_number("unique")
    assert animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)["ok"]
    assert awa.emit("answer", {"quiz": number, "choices": [0]}, namespace=P, callback=True)["ok"]
    assert animator.emit("sync", {}, namespace=A, callback=True)["state"]["question"]["answered"] == 1
    assert decoded == []  # the connection's own copy of the session served every event
    assert live.animator_http.get("/animateur/").status_code == 200  # HTTP requests still read the cookie
    assert decoded
