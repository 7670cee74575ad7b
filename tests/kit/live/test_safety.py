"""Every refused event: a French `error`, a failed ack, and nothing changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kit.extensions import db, socketio
from kit.models import Answer, TrainingSession
from tests.factories import login, make_group, make_session, make_user

from .conftest import Live, events, last_state

A, P = "/animateur", "/participant"


def refused(client: object, event: str, payload: object, namespace: str, code: str) -> dict:
    """Emit, and check the refusal: failed ack with `code`, and the same `error` event."""
    ack = client.emit(event, payload, namespace=namespace, callback=True)  # type: ignore[attr-defined]
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    errors = events(client, "error", namespace)  # type: ignore[arg-type]
    assert errors and errors[-1] == ack["error"]
    assert errors[-1]["message"][0].isupper()  # a French sentence, not a code
    return ack["error"]


def answers_count(live: Live) -> int:
    """How many answers are stored."""
    with live.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) or 0


def version(live: Live) -> int:
    """The session's live state version."""
    with live.app.app_context():
        return db.session.get(TrainingSession, live.session_id).version


@pytest.mark.parametrize("event", ["goto", "question", "answer_for", "black"])
def test_a_phone_cannot_do_an_animator_action(live: Live, event: str) -> None:
    phone = live.phone("Awa")
    before = version(live)
    # The participant namespace has no such event: nothing is handled, nothing changes.
    ack = phone.emit(event, {"slide": 3, "action": "open", "quiz": 1}, namespace=P, callback=True)
    assert not ack or ack.get("ok") is not True
    assert version(live) == before


def test_a_phone_cannot_connect_as_an_animator(live: Live) -> None:
    from tests.factories import join_as

    http = join_as(live.app, live.code, "Awa")
    client = socketio.test_client(live.app, namespace=A, auth={"session": live.session_id}, flask_test_client=http)
    assert not client.is_connected(A)


def test_an_animator_cannot_drive_another_animators_session(live: Live) -> None:
    with live.app.app_context():
        other = make_user("autre@test.fr")
        other_session = make_session(make_group(other, ("Zoé",)))
        other_id = other_session.id
    assert not live.animator(other_id).is_connected(A)
    http = live.app.test_client()
    login(http, "autre@test.fr")
    intruder = socketio.test_client(live.app, namespace=A, auth={"session": live.session_id}, flask_test_client=http)
    assert not intruder.is_connected(A)
    assert http.get(f"/animateur/seances/{live.session_id}").status_code == 404


def test_anonymous_animator_connection_is_refused(live: Live) -> None:
    client = socketio.test_client(live.app, namespace=A, auth={"session": live.session_id})
    assert not client.is_connected(A)


@pytest.mark.parametrize("auth", [None, {}, {"code": "000000"}, {"code": "12"}, {"code": ["123456"]}, "123456"])
def test_phone_connection_with_a_bad_code_is_refused(live: Live, auth: object) -> None:
    from tests.factories import join_as

    http = join_as(live.app, live.code, "Awa")
    client = socketio.test_client(live.app, namespace=P, auth=auth, flask_test_client=http)
    assert not client.is_connected(P)


def test_phone_without_device_cookie_is_refused(live: Live) -> None:
    client = socketio.test_client(live.app, namespace=P, auth={"code": live.code})
    assert not client.is_connected(P)


def test_phone_of_another_group_is_refused(live: Live) -> None:
    from tests.factories import join_as

    with live.app.app_context():
        other = make_session(make_group(make_user("b@test.fr"), ("Zoé",)))
        other_code = other.join_code
    http = join_as(live.app, other_code, "Zoé")
    client = socketio.test_client(live.app, namespace=P, auth={"code": live.code}, flask_test_client=http)
    assert not client.is_connected(P)


@pytest.mark.parametrize(("payload", "code"), [
    ("pas un objet", "mal_forme"),
    ([1, 2], "mal_forme"),
    ({"quiz": "1", "choices": [0]}, "mal_forme"),
    ({"quiz": 1.5, "choices": [0]}, "mal_forme"),
    ({"quiz": True, "choices": [0]}, "mal_forme"),
    ({"quiz": 1, "choices": 0}, "choix_invalide"),
    ({"quiz": 1, "choices": []}, "choix_invalide"),
    ({"quiz": 1, "choices": ["A"]}, "mal_forme"),
    ({"quiz": 1, "choices": [0, 1, 2, 3, 4, 5, 6]}, "choix_invalide"),
    ({"quiz": 1, "choices": [0], "extra": 1}, "mal_forme"),
    ({"quiz": 1, "choices": [0], "x" * 2000: 1}, "mal_forme"),
    ({"quiz": 999, "choices": [0]}, "hors_limites"),
    ({"quiz": 0, "choices": [0]}, "hors_limites"),
    ({"quiz": 1, "choices": [0]}, "pas_ouverte"),
])
def test_malformed_or_early_answers(live: Live, payload: object, code: str) -> None:
    phone = live.phone("Awa")
    refused(phone, "answer", payload, P, code)
    assert answers_count(live) == 0


@pytest.mark.parametrize(("choices", "code"), [([9], "choix_invalide"), ([-1], "choix_invalide"),
                                               ([0, 0], "choix_invalide"), ([0, 1], "choix_invalide")])
def test_invalid_choices_for_an_open_single_choice_question(live: Live, choices: list, code: str) -> None:
    number = live.quiz_number("unique")
    live.animator().emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    phone = live.phone("Awa")
    refused(phone, "answer", {"quiz": number, "choices": choices}, P, code)
    assert answers_count(live) == 0


def test_multiple_choice_accepts_several_answers(live: Live) -> None:
    number = live.quiz_number("multiple")
    live.animator().emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    ack = live.phone("Awa").emit("answer", {"quiz": number, "choices": [2, 0]}, namespace=P, callback=True)
    assert ack["choices"] == [0, 2]


def test_answer_to_a_question_that_is_not_the_open_one(live: Live) -> None:
    first, second = [q.number for q in live.deck.quizzes][:2]
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": first}, namespace=A, callback=True)
    animator.emit("question", {"action": "open", "quiz": second}, namespace=A, callback=True)
    phone = live.phone("Awa")
    refused(phone, "answer", {"quiz": first, "choices": [0]}, P, "fermee")


def test_duplicate_answers_store_one_row(live: Live) -> None:
    number = live.quiz_number()
    live.animator().emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    phone = live.phone("Awa")
    for _ in range(5):
        assert phone.emit("answer", {"quiz": number, "choices": [1]}, namespace=P, callback=True)["ok"]
    assert answers_count(live) == 1


def test_flooding_is_refused(live: Live) -> None:
    number = live.quiz_number()
    live.animator().emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    phone = live.phone("Awa")
    acks = [phone.emit("sync", {}, namespace=P, callback=True) for _ in range(15)]
    assert any(a["ok"] is False and a["error"]["code"] == "trop_vite" for a in acks)


@pytest.mark.parametrize(("event", "payload", "code"), [
    ("goto", {"slide": -1}, "hors_limites"),
    ("goto", {"slide": 9999}, "hors_limites"),
    ("goto", {"slide": "3"}, "mal_forme"),
    ("goto", {}, "mal_forme"),
    ("goto", None, "mal_forme"),
    ("question", {"action": "delete", "quiz": 1}, "mal_forme"),
    ("question", {"action": "open", "quiz": 0}, "hors_limites"),
    ("question", {"action": "open"}, "mal_forme"),
    ("question", {"action": "close", "quiz": 1}, "pas_ouverte"),
    ("question", {"action": "reveal", "quiz": 1}, "pas_ouverte"),
    ("answer_for", {"participant": 99999, "quiz": 1, "choices": [0]}, "hors_groupe"),
    ("answer_for", {"participant": "x", "quiz": 1, "choices": [0]}, "mal_forme"),
    ("black", {"on": "oui"}, "mal_forme"),
    ("black", {}, "mal_forme"),
    ("sync", {"x": 1}, "mal_forme"),
])
def test_malformed_animator_events(live: Live, event: str, payload: object, code: str) -> None:
    animator = live.animator()
    before = version(live)
    refused(animator, event, payload, A, code)
    assert version(live) == before


def test_answer_for_someone_of_another_group(live: Live) -> None:
    with live.app.app_context():
        other = make_group(make_user("c@test.fr"), ("Zoé",))
        zoe = other.participants[0].id
    animator = live.animator()
    animator.emit("question", {"action": "open", "quiz": 1}, namespace=A, callback=True)
    refused(animator, "answer_for", {"participant": zoe, "quiz": 1, "choices": [0]}, A, "hors_groupe")


def test_a_revealed_question_cannot_be_reopened(live: Live) -> None:
    animator, number = live.animator(), live.quiz_number()
    animator.emit("question", {"action": "open", "quiz": number}, namespace=A, callback=True)
    animator.emit("question", {"action": "reveal", "quiz": number}, namespace=A, callback=True)
    refused(animator, "question", {"action": "open", "quiz": number}, A, "revelee")


def test_ended_session_refuses_everything(live: Live) -> None:
    animator, phone = live.animator(), live.phone("Awa")
    response = live.animator_http.post(f"/animateur/seances/{live.session_id}/terminer")
    assert response.status_code == 302
    assert last_state(phone, P)["status"] == "ended"
    refused(animator, "goto", {"slide": 2}, A, "pas_en_cours")
    refused(phone, "answer", {"quiz": 1, "choices": [0]}, P, "pas_en_cours")
    # The code expired with the session.
    assert live.app.test_client().get(f"/j/{live.code}").status_code == 404
    from tests.factories import join_as

    http = live.app.test_client()
    assert http.post("/j", data={"code": live.code}).status_code == 400
    del join_as
    late = socketio.test_client(live.app, namespace=P, auth={"code": live.code})
    assert not late.is_connected(P)


def test_black_reaches_the_other_windows_only(live: Live) -> None:
    first, second, phone = live.animator(), live.animator(), live.phone("Awa")
    events(second, "black", A)
    assert first.emit("black", {"on": True}, namespace=A, callback=True) == {"ok": True, "on": True}
    assert events(second, "black", A) == [{"on": True}]
    assert events(first, "black", A) == []
    assert events(phone, "black", P) == []


def test_sync_returns_the_whole_state(live: Live) -> None:
    animator, phone = live.animator(), live.phone("Awa")
    animator.emit("goto", {"slide": 7}, namespace=A, callback=True)
    assert phone.emit("sync", {}, namespace=P, callback=True)["state"]["slide"]["number"] == 7
    state = animator.emit("sync", {}, namespace=A, callback=True)["state"]
    assert state["join_code"] == live.code and state["slide"]["number"] == 7
