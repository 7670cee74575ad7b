"""Every event of docs/protocol.md, fuzzed from every kind of connection; what is refused changes nothing.

Hypothesis draws an event name (the protocol's, reserved ones, the other namespace's, random text), zero to
three arguments (near-valid payloads and random JSON) and a connection: a phone of the session, a phone of
another session, the session's animator, another animator driving their own session. Each event must get a
dict acknowledgement; a refused one carries a documented code and leaves every table as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask_socketio import SocketIOTestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.extensions import db, socketio
from kit.live import frames, guard
from kit.live.namespaces import AnimatorNamespace, ParticipantNamespace
from tests.factories import join_as, login, make_group, make_session, make_user
from tests.kit.live.conftest import Live

A, P = "/animateur", "/participant"
PROTOCOL = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"
RESERVED = ["connect", "disconnect", "connect_error", "message", "json", "*", ""]


def protocol_events(namespace: str) -> set[str]:
    """The client → server events that docs/protocol.md lists for a namespace."""
    text = PROTOCOL.read_text()
    section = text.split(f"## Namespace `{namespace}`", 1)[1].split("\n## ", 1)[0]
    table = section.split("### Client → server", 1)[1].split("###", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE))


def documented_codes() -> set[str]:
    """The error codes of docs/protocol.md."""
    table = PROTOCOL.read_text().split("### Error codes", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE))


EVENTS = {A: sorted(protocol_events(A)), P: sorted(protocol_events(P))}
KEYS = ["slide", "action", "quiz", "participant", "choices", "on", "session", "code", "x"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
small_values = (st.integers(min_value=-3, max_value=60) | st.integers() | st.booleans()
                | st.sampled_from(["open", "close", "reveal", "delete", "1", ""])
                | st.lists(st.integers(min_value=-2, max_value=8), max_size=8) | st.none() | json_values)
near_valid = st.dictionaries(st.sampled_from(KEYS), small_values, max_size=4)
payloads = st.lists(near_valid | json_values, max_size=3)


def test_the_protocol_lists_every_handled_event() -> None:
    """The fuzz covers what docs/protocol.md lists: it must be what the namespaces handle."""
    assert set(EVENTS[A]) == {n[3:] for n in dir(AnimatorNamespace) if getattr(getattr(AnimatorNamespace, n),
                                                                               "live_event", False)}
    assert set(EVENTS[P]) == {n[3:] for n in dir(ParticipantNamespace)
                              if getattr(getattr(ParticipantNamespace, n), "live_event", False)}
    assert {"mal_forme", "evenement_inconnu", "trop_vite"} <= documented_codes()


def dump(live: Live) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with live.app.app_context():
        return {table.name: sorted(map(tuple, db.session.execute(sa.select(table)).all()), key=repr)
                for table in db.metadata.sorted_tables}


@pytest.fixture
def connections(live: Live, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, tuple[SocketIOTestClient, str]]]:
    """The four kinds of connection, with the flood limits out of the way (they have their own tests)."""
    monkeypatch.setattr(guard, "EVENTS_PER_SECOND", 10**6)
    monkeypatch.setattr(frames, "FRAMES_PER_SECOND", 10**6)
    with live.app.app_context():
        other = make_user("autre@test.fr")
        other_session = make_session(make_group(other, ("Zoé", "Yann")))
        other_id, other_code = other_session.id, other_session.join_code
    other_http = live.app.test_client()
    login(other_http, "autre@test.fr")
    made = {
        "téléphone": (live.phone("Awa"), P),
        "téléphone d'une autre séance": (socketio.test_client(live.app, namespace=P, auth={"code": other_code},
                                                              flask_test_client=join_as(live.app, other_code, "Zoé")),
                                         P),
        "animateur": (live.animator(), A),
        "autre animateur": (socketio.test_client(live.app, namespace=A, auth={"session": other_id},
                                                 flask_test_client=other_http), A),
    }
    for client, namespace in made.values():
        assert client.is_connected(namespace)
    yield made
    for client, namespace in made.values():
        if client.is_connected(namespace):
            client.disconnect(namespace)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_events_are_answered_and_refusals_change_nothing(live: Live, connections: dict, data: st.DataObject
                                                                ) -> None:
    kind = data.draw(st.sampled_from(sorted(connections)), label="connexion")
    client, namespace = connections[kind]
    other = A if namespace == P else P
    event = data.draw(st.sampled_from(EVENTS[namespace]) | st.sampled_from(EVENTS[other])
                      | st.sampled_from(RESERVED) | st.text(max_size=12), label="événement")
    args = data.draw(payloads, label="arguments")
    before = dump(live)
    ack = client.emit(event, *args, namespace=namespace, callback=True)
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if not ack["ok"]:
        assert ack["error"]["code"] in documented_codes() and ack["error"]["code"] != "serveur", ack
        assert ack["error"]["message"][:1].isupper(), ack
        assert dump(live) == before, f"{event} {args!r} refusé ({ack}) mais la base a changé"
    assert client.is_connected(namespace)
    client.get_received(namespace)


@pytest.mark.parametrize("event", ["connect", "disconnect"])
def test_reserved_names_sent_as_events_are_refused(live: Live, event: str) -> None:
    phone = live.phone("Awa")
    window = live.animator()
    window.get_received(A)
    before = dump(live)
    ack = phone.emit(event, {"code": live.code}, namespace=P, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "evenement_inconnu"
    assert dump(live) == before
    roster = [e for e in window.get_received(A) if e["name"] == "roster"]
    assert not roster, "the animator's roster changed"
    quiz = live.quiz_number()
    window.emit("question", {"action": "open", "quiz": quiz}, namespace=A, callback=True)
    assert phone.emit("answer", {"quiz": quiz, "choices": [0]}, namespace=P, callback=True)["ok"]


def test_reserved_names_count_in_the_flood_guard(live: Live) -> None:
    phone = live.phone("Awa")
    acks = [phone.emit("connect", {"code": live.code}, namespace=P, callback=True) for _ in range(12)]
    assert acks[-1]["error"]["code"] == "trop_vite"


@pytest.mark.parametrize(("namespace", "event", "args"), [
    (P, "answer", ({"quiz": 1, "choices": [0]}, {"x": 1})),
    (P, "sync", ({}, {})),
    (A, "goto", ({"slide": 1}, 2, 3)),
])
def test_extra_arguments_are_refused_as_malformed(live: Live, namespace: str, event: str, args: tuple) -> None:
    client = live.phone("Awa") if namespace == P else live.animator()
    before = dump(live)
    ack = client.emit(event, *args, namespace=namespace, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "mal_forme"
    assert dump(live) == before


@pytest.mark.parametrize(("namespace", "event"), [(P, "goto"), (P, "black"), (A, "answer"), (A, "nimporte")])
def test_another_namespaces_event_gets_a_documented_refusal(live: Live, namespace: str, event: str) -> None:
    client = live.phone("Awa") if namespace == P else live.animator()
    ack = client.emit(event, {"slide": 2, "on": True, "quiz": 1, "choices": [0]}, namespace=namespace, callback=True)
    assert ack == {"ok": False, "error": {"code": "evenement_inconnu", "message": "Cet événement n'existe pas ici."}}


def test_a_huge_session_number_gets_the_french_refusal(live: Live, caplog: pytest.LogCaptureFixture) -> None:
    client = socketio.test_client(live.app, namespace=A, auth={"session": 2**70}, flask_test_client=live.animator_http)
    assert not client.is_connected(A)
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "a traceback was logged"
