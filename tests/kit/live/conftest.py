"""A started session with an animator and three phones, for the live tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from kit.content.library import deck_by_revision_id
from kit.extensions import socketio
from slides import Deck
from tests.factories import join_as, login, make_group, make_session, make_user


@dataclass
class Live:
    """Everything a live test needs."""

    app: Flask
    session_id: int
    code: str
    deck: Deck
    animator_http: FlaskClient

    def animator(self, session_id: int | None = None) -> SocketIOTestClient:
        """An animator window connected to the session."""
        return socketio.test_client(self.app, namespace="/animateur", auth={"session": session_id or self.session_id},
                                    flask_test_client=self.animator_http)

    def phone(self, nickname: str) -> SocketIOTestClient:
        """A phone joined as `nickname` and connected."""
        http = join_as(self.app, self.code, nickname)
        return socketio.test_client(self.app, namespace="/participant", auth={"code": self.code},
                                    flask_test_client=http)

    def quiz_number(self, kind: str | None = None) -> int:
        """The number of the first question of this kind (any real quiz if None), past the check « avant »."""
        return next(q.number for q in self.deck.quizzes
                    if q.check != "avant" and ((kind is None and not q.is_poll) or q.kind == kind))


@pytest.fixture
def live(app: Flask) -> Live:
    """A live session of module 1 for a group of Awa, Bruno and Chloé."""
    with app.app_context():
        animator = make_user()
        group = make_group(animator)
        session = make_session(group)
        session_id, code = session.id, session.join_code
    with app.test_request_context():
        deck = deck_by_revision_id(session.revision_id)
    http = app.test_client()
    login(http)
    return Live(app, session_id, code, deck, http)


def events(client: SocketIOTestClient, name: str, namespace: str) -> list[dict]:
    """The payloads of the events `name` received so far (and forget them all)."""
    return [e["args"][0] for e in client.get_received(namespace) if e["name"] == name]


def last_state(client: SocketIOTestClient, namespace: str) -> dict:
    """The latest `state` received."""
    states = events(client, "state", namespace)
    assert states, "no state received"
    return states[-1]
