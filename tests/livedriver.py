"""The animator's side of a live session on a real server (run.py): sign in over HTTP, start the
demo session, then drive slides and questions over Socket.IO (docs/protocol.md, namespace /animateur)."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import socketio

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.web import WebClient

ANIMATORS = "/animateur"


class LiveAnimator:
    """The demo animator, signed in, with the demo session started and a window connected to it."""

    def __init__(self, base_url: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD,
                 session_id: int | None = None) -> None:
        """The demo animator and session, or another account's session (`session_id`) of the test's data."""
        self.base_url = base_url
        self.web = WebClient(base_url)
        self.web.login(email, password)
        if session_id is None:
            found = re.search(r"/animateur/seances/(\d+)", self.web.get("/animateur/").text)
            assert found, "la séance de démonstration est introuvable"
            session_id = int(found.group(1))
        self.session_id = session_id
        self.client: socketio.Client | None = None
        self.state: dict[str, Any] = {}
        self.roster: list[dict[str, Any]] = []
        self._changed = threading.Condition()

    @property
    def session_page(self) -> str:
        """The animator's page of the session (start, end)."""
        return f"/animateur/seances/{self.session_id}"

    def start(self) -> str:
        """Start the session (it gets its join code), connect a window, return the code."""
        response = self.web.submit(self.session_page, self.session_page + "/demarrer", {})
        assert response.status_code == 302, response.text[:500]
        self.connect()
        return self.code

    def end(self) -> None:
        """End the session from its page, as the animator does."""
        response = self.web.submit(self.session_page, self.session_page + "/terminer", {})
        assert response.status_code == 302, response.text[:500]

    def connect(self) -> None:
        """(Re)connect an animator window and wait for its first state."""
        self.close()
        self.state = {}
        client = socketio.Client(reconnection=False)
        client.on("state", self._on_state, namespace=ANIMATORS)
        client.on("roster", self._on_roster, namespace=ANIMATORS)
        client.connect(self.base_url, namespaces=[ANIMATORS], auth={"session": self.session_id},
                       headers={"Cookie": self.web.cookie_header()}, transports=["websocket"], wait_timeout=10)
        self.client = client
        self.wait_for(lambda state: bool(state))

    def close(self) -> None:
        """Disconnect the window, if any."""
        if self.client is not None:
            self.client.disconnect()
            self.client = None

    def _on_roster(self, roster: dict[str, Any]) -> None:
        with self._changed:
            self.roster = roster.get("participants", [])
            self._changed.notify_all()

    def participant_id(self, nickname: str) -> int:
        """The id of a participant of the group, from the roster the animator windows receive."""
        deadline = time.monotonic() + 10
        with self._changed:
            while True:
                found = [p["id"] for p in self.roster if p["nickname"] == nickname]
                if found:
                    return int(found[0])
                left = deadline - time.monotonic()
                assert left > 0, f"{nickname} absent de la liste : {self.roster}"
                self._changed.wait(left)

    def _on_state(self, state: dict[str, Any]) -> None:
        with self._changed:
            if not self.state or state.get("version", 0) >= self.state.get("version", 0):
                self.state = state
            self._changed.notify_all()

    def wait_for(self, check: Any, timeout: float = 10) -> dict[str, Any]:
        """Wait until the latest state passes `check`; return it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check(self.state):
                left = deadline - time.monotonic()
                assert left > 0, f"état attendu non reçu ; dernier état : {self.state}"
                self._changed.wait(left)
            return self.state

    @property
    def code(self) -> str:
        """The session's join code."""
        return str(self.wait_for(lambda state: bool(state.get("join_code")))["join_code"])

    def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send an event and return its acknowledgement, which must be a success."""
        assert self.client is not None
        ack = self.client.call(event, payload, namespace=ANIMATORS, timeout=10)
        assert ack and ack.get("ok"), f"{event} {payload} refusé : {ack}"
        return ack

    def goto(self, slide: int) -> None:
        """Move every window and phone to this slide."""
        self.call("goto", {"slide": slide})

    def question(self, action: str, quiz: int) -> None:
        """Open, close or reveal a question."""
        self.call("question", {"action": action, "quiz": quiz})

    def tally(self, quiz: int, expected: list[int], timeout: float = 10) -> None:
        """Wait until the server counts exactly these answers for the question.

        Answers reach the animator windows as `answers` events, not new states: ask for the whole state.
        """
        deadline = time.monotonic() + timeout
        while True:
            question = self.call("sync", {})["state"].get("question") or {}
            if question.get("number") == quiz and question.get("tally") == expected:
                return
            assert time.monotonic() < deadline, f"décompte attendu {expected}, reçu : {question.get('tally')}"
            time.sleep(0.2)
