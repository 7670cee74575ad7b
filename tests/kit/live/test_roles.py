"""The roles matrix of the Socket.IO events: who may connect to each namespace and send each event.

Like tests/kit/people/test_roles.py for the pages, it fails when a namespace gains an event that is not in
the matrix. The rule itself lives in kit/people/access.py (may_drive) and the namespaces' on_connect.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from kit.extensions import db, socketio
from kit.live.namespaces import AnimatorNamespace, ParticipantNamespace
from kit.models import Role
from tests.factories import join_as, login, make_group, make_session, make_user
from tests.kit.live.conftest import Live

A, P = "/animateur", "/participant"
OK, REFUSED = "ok", "connexion refusée"

# Who tries, on the animators' namespace and on the phones' one.
ANIMATOR_KINDS = {"animateur de la séance": OK, "admin": OK, "autre animateur": REFUSED, "coordination": REFUSED,
                  "sans compte": REFUSED, "téléphone": REFUSED}
PHONE_KINDS = {"téléphone": OK, "téléphone d'une autre séance": OK, "animateur sans appareil": REFUSED,
               "sans compte": REFUSED}

# Each event with a payload that succeeds for whoever may send it (the question to answer is opened first).
ANIMATOR_EVENTS: dict[str, Callable[[Live], dict[str, Any]]] = {
    "goto": lambda live: {"slide": 1},
    "question": lambda live: {"action": "close", "quiz": live.quiz_number()},
    "answer_for": lambda live: {"participant": participant_id(live, "Bruno"), "quiz": live.quiz_number(),
                                "choices": [0]},
    "attendance_for": lambda live: {"participant": participant_id(live, "Bruno"), "state": "excused"},
    "black": lambda live: {"on": True},
    "sync": lambda live: {},
    "approve_device": lambda live: {"claim": pending_claim(live), "accept": True},
    "observe": lambda live: observe_payload(live),
}
PHONE_EVENTS: dict[str, Callable[[Live], dict[str, Any]]] = {
    "answer": lambda live: {"quiz": live.quiz_number(), "choices": [0]},
    "sync": lambda live: {},
}


def participant_id(live: Live, nickname: str) -> int:
    from kit.models import Participant

    with live.app.app_context():
        return db.session.scalar(db.select(Participant.id).where(Participant.nickname == nickname))


def pending_claim(live: Live) -> int:
    """A new phone asking to be Chloé while Chloé's phone is connected: the claim's id."""
    from kit.models import DeviceClaim

    live.chloe = live.phone("Chloé")  # type: ignore[attr-defined]  # kept connected for the test
    join_as(live.app, live.code, "Chloé", approve=False)
    with live.app.app_context():
        return db.session.scalar(db.select(DeviceClaim.id).where(DeviceClaim.status == "pending"))


def observe_payload(live: Live) -> dict[str, Any]:
    """A cell of the observation grid: the session moves to an activity that declares « wifi »."""
    from tests.skill_decks import use_skilled_module

    with live.app.app_context():
        slide = use_skilled_module(live.session_id)
    return {"slide": slide, "participant": participant_id(live, "Bruno"), "skill": "wifi", "level": "seul"}


def handled_events(namespace: type) -> set[str]:
    """The events a namespace class handles (its on_<event> methods, but connect and disconnect)."""
    return {name[3:] for name, _ in inspect.getmembers(namespace, inspect.isfunction)
            if name.startswith("on_") and name not in ("on_connect", "on_disconnect")}


def client_of(live: Live, kind: str, namespace: str) -> SocketIOTestClient:
    """A Socket.IO test client of this kind of person, connecting to the live session."""
    http = live.app.test_client()
    if kind in ("admin", "autre animateur", "coordination"):
        email = {"admin": "admin@test.fr", "autre animateur": "autre@test.fr", "coordination": "coord@test.fr"}[kind]
        role = {"admin": Role.ADMIN, "autre animateur": Role.ANIMATOR, "coordination": Role.COORDINATOR}[kind]
        with live.app.app_context():
            make_user(email, role.value)
        login(http, email)
    elif kind in ("animateur de la séance", "animateur sans appareil"):
        http = live.animator_http
    elif kind == "téléphone":
        http = join_as(live.app, live.code, "Awa")
    elif kind == "téléphone d'une autre séance":
        with live.app.app_context():
            other = make_session(make_group(make_user("autre2@test.fr"), ("Zoé",)))
            code = other.join_code
        http = join_as(live.app, code, "Zoé")
        return socketio.test_client(live.app, namespace=P, auth={"code": code}, flask_test_client=http)
    auth = {"session": live.session_id} if namespace == A else {"code": live.code}
    return socketio.test_client(live.app, namespace=namespace, auth=auth, flask_test_client=http)


def open_question(live: Live) -> None:
    window = live.animator()
    ack = window.emit("question", {"action": "open", "quiz": live.quiz_number()}, namespace=A, callback=True)
    assert ack["ok"], ack
    window.disconnect(A)


def test_every_event_is_in_the_matrix() -> None:
    assert handled_events(AnimatorNamespace) == set(ANIMATOR_EVENTS), "événement /animateur absent de la matrice"
    assert handled_events(ParticipantNamespace) == set(PHONE_EVENTS), "événement /participant absent de la matrice"


@pytest.mark.parametrize("event", sorted(ANIMATOR_EVENTS))
@pytest.mark.parametrize("kind", list(ANIMATOR_KINDS))
def test_animator_events(live: Live, kind: str, event: str) -> None:
    open_question(live)
    client = client_of(live, kind, A)
    if ANIMATOR_KINDS[kind] == REFUSED:
        assert not client.is_connected(A)
        return
    ack = client.emit(event, ANIMATOR_EVENTS[event](live), namespace=A, callback=True)
    assert ack["ok"], ack


@pytest.mark.parametrize("event", sorted(PHONE_EVENTS))
@pytest.mark.parametrize("kind", list(PHONE_KINDS))
def test_phone_events(live: Live, kind: str, event: str) -> None:
    open_question(live)
    client = client_of(live, kind, P)
    if PHONE_KINDS[kind] == REFUSED:
        assert not client.is_connected(P)
        return
    ack = client.emit(event, PHONE_EVENTS[event](live), namespace=P, callback=True)
    if kind == "téléphone d'une autre séance" and event == "answer":
        # Connected to its own session only: the question is not open there, and this session is untouched.
        assert not ack["ok"] and ack["error"]["code"] == "pas_ouverte"
        return
    assert ack["ok"], ack
