"""The presenter's observation grid over Socket.IO: `observe`, its refusals, and who hears about it."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask_socketio import SocketIOTestClient

from kit.extensions import db
from kit.live import guard
from kit.models import Participant, SkillObservation, TrainingSession
from tests.factories import make_group, make_session, make_user
from tests.kit.live.conftest import Live, events
from tests.skill_decks import use_skilled_module

A, P = "/animateur", "/participant"


@pytest.fixture
def grid(live: Live) -> Live:
    """The live session on a version of its module whose first activity declares « deverrouiller » and
    « wifi », shown now."""
    with live.app.app_context():
        live.grid_slide = use_skilled_module(live.session_id)  # type: ignore[attr-defined]
    return live


def activity(live: Live) -> int:
    """The slide that declares skills, shown to the group."""
    return live.grid_slide  # type: ignore[attr-defined, no-any-return]


def pid(live: Live, nickname: str) -> int:
    with live.app.app_context():
        return db.session.scalar(sa.select(Participant.id).where(Participant.nickname == nickname))


def tap(window: SocketIOTestClient, live: Live, nickname: str, level: str | None, skill: str = "wifi",
        **changes: Any) -> dict[str, Any]:
    payload = {"slide": activity(live), "participant": pid(live, nickname), "skill": skill, "level": level, **changes}
    return window.emit("observe", payload, namespace=A, callback=True)


def stored(live: Live) -> list[tuple[str, str, str]]:
    with live.app.app_context():
        return [tuple(r) for r in db.session.execute(  # type: ignore[misc]
            sa.select(Participant.nickname, SkillObservation.skill, SkillObservation.level)
            .join(Participant, Participant.id == SkillObservation.participant_id)
            .where(SkillObservation.session_id == live.session_id).order_by(Participant.nickname))]


def refused(ack: dict[str, Any], code: str) -> None:
    assert not ack["ok"], ack
    assert ack["error"]["code"] == code, ack


def test_a_tap_is_stored_acked_and_sent_to_every_animator_window_not_the_phones(grid: Live) -> None:
    live = grid
    phone = live.phone("Awa")
    presenter, second = live.animator(), live.animator()
    for client, namespace in ((phone, P), (presenter, A), (second, A)):
        client.get_received(namespace)
    ack = tap(presenter, live, "Awa", "avec_aide")
    assert ack == {"ok": True, "slide": activity(live), "participant": pid(live, "Awa"), "skill": "wifi",
                   "level": "avec_aide"}
    assert stored(live) == [("Awa", "wifi", "avec_aide")]
    expected = {k: v for k, v in ack.items() if k != "ok"}
    assert events(second, "observation", A) == [expected]
    assert events(presenter, "observation", A) == [expected]
    assert phone.get_received(P) == []

    # Changed later, then cleared with null.
    assert tap(second, live, "Awa", "seul")["ok"]
    assert stored(live) == [("Awa", "wifi", "seul")]
    ack = tap(presenter, live, "Awa", None)
    assert ack["ok"] and ack["level"] is None
    assert stored(live) == []
    assert events(second, "observation", A)[-1]["level"] is None
    assert phone.get_received(P) == []


def test_a_window_that_connects_gets_the_sessions_levels(grid: Live) -> None:
    live = grid
    window = live.animator()
    assert tap(window, live, "Awa", "seul")["ok"]
    assert tap(window, live, "Bruno", "pas_encore", skill="deverrouiller")["ok"]
    reloaded = live.animator()
    got = events(reloaded, "observations", A)
    assert got == [{"session": live.session_id, "levels": [
        {"participant": pid(live, "Awa"), "skill": "wifi", "level": "seul"},
        {"participant": pid(live, "Bruno"), "skill": "deverrouiller", "level": "pas_encore"}]}]


def test_a_phone_cannot_observe(grid: Live) -> None:
    live = grid
    phone = live.phone("Awa")
    ack = phone.emit("observe", {"slide": activity(live), "participant": pid(live, "Awa"), "skill": "wifi",
                                 "level": "seul"}, namespace=P, callback=True)
    refused(ack, guard.UNKNOWN)
    assert stored(live) == []


def test_another_animators_window_is_refused(grid: Live) -> None:
    """A window of another animator cannot connect to this session; its own session does not take the tap."""
    live = grid
    with live.app.app_context():
        other = make_session(make_group(make_user("autre@test.fr"), ("Zoé",)))
        other_id = other.id
    from tests.factories import login

    http = live.app.test_client()
    login(http, "autre@test.fr")
    from kit.extensions import socketio

    intruder = socketio.test_client(live.app, namespace=A, auth={"session": live.session_id}, flask_test_client=http)
    assert not intruder.is_connected(A)
    # Connected to their own session, the participant of this one is not of their group.
    own = socketio.test_client(live.app, namespace=A, auth={"session": other_id}, flask_test_client=http)
    assert own.emit("goto", {"slide": activity(live)}, namespace=A, callback=True)["ok"]
    refused(tap(own, live, "Awa", "seul"), "hors_groupe")
    assert stored(live) == []


def test_a_signed_out_window_is_refused(grid: Live) -> None:
    live = grid
    window = live.animator()
    live.animator_http.post("/deconnexion")
    refused(tap(window, live, "Awa", "seul"), "interdit")
    assert stored(live) == []


def test_a_skill_that_is_not_on_the_current_slide_is_refused(grid: Live) -> None:
    live = grid
    window = live.animator()
    refused(tap(window, live, "Awa", "seul", skill="application"), "hors_diapo")
    # The same skill on a slide without skills, once the group moved on.
    assert window.emit("goto", {"slide": 1}, namespace=A, callback=True)["ok"]
    refused(tap(window, live, "Awa", "seul", slide=1), "hors_diapo")
    assert stored(live) == []


def test_a_tap_for_a_slide_the_group_left_is_refused(grid: Live) -> None:
    live = grid
    window, other = live.animator(), live.animator()
    assert other.emit("goto", {"slide": activity(live) + 1}, namespace=A, callback=True)["ok"]
    refused(tap(window, live, "Awa", "seul"), "autre_diapo")
    assert stored(live) == []


@pytest.mark.parametrize("change, code", [
    ({"level": "bien"}, "mal_forme"),
    ({"level": 1}, "mal_forme"),
    ({"level": "SEUL"}, "mal_forme"),
    ({"skill": ""}, "mal_forme"),
    ({"skill": ["wifi"]}, "mal_forme"),
    ({"skill": "x" * 41}, "mal_forme"),
    ({"participant": "1"}, "mal_forme"),
    ({"participant": 0}, "hors_limites"),
    ({"participant": 2**31 - 1}, "hors_groupe"),
    ({"slide": 0}, "hors_limites"),
    ({"slide": 10_000}, "hors_limites"),
    ({"extra": 1}, "mal_forme"),
])
def test_bad_payloads_are_refused(grid: Live, change: dict[str, Any], code: str) -> None:
    live = grid
    window = live.animator()
    payload = {"slide": activity(live), "participant": pid(live, "Awa"), "skill": "wifi", "level": "seul", **change}
    refused(window.emit("observe", payload, namespace=A, callback=True), code)
    assert stored(live) == []


def test_the_level_key_is_required(grid: Live) -> None:
    live = grid
    window = live.animator()
    ack = window.emit("observe", {"slide": activity(live), "participant": pid(live, "Awa"), "skill": "wifi"},
                      namespace=A, callback=True)
    refused(ack, "mal_forme")


def test_an_ended_session_takes_no_tap(grid: Live) -> None:
    live = grid
    window = live.animator()
    with live.app.app_context():
        from kit.live import service

        service.end(db.session.get(TrainingSession, live.session_id))
        db.session.commit()
    refused(tap(window, live, "Awa", "seul"), "pas_en_cours")


def test_taps_are_rate_limited_like_every_event(grid: Live) -> None:
    live = grid
    window = live.animator()
    acks = [tap(window, live, "Awa", level) for level in ("seul", "avec_aide", "pas_encore", None) * 3]
    assert all(a["ok"] for a in acks[:guard.EVENTS_PER_SECOND])
    refused(acks[guard.EVENTS_PER_SECOND], "trop_vite")
