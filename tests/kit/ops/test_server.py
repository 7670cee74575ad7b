"""run.py as a production process: TCP_NODELAY, gevent patching, graceful stop on SIGTERM and SIGINT,
and the Redis message queue. Real processes on 127.0.0.1, python-socketio clients."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.kit.ops.support import (
    ROOT,
    Process,
    demo_sqlite,
    free_port,
    port_open,
    require_redis,
    rows,
    run_py,
    start_demo_session,
)
from tests.web import WebClient


class Phone:
    """A participant's Socket.IO client that reconnects by itself and records its states."""

    def __init__(self, url: str, code: str, nickname: str) -> None:
        web = WebClient(url)
        web.join(code, nickname)
        self.states: list[dict[str, Any]] = []
        self.disconnects = 0
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=0.5)
        self.sio.on("state", self._on_state, namespace="/participant")
        self.sio.on("disconnect", self._on_disconnect, namespace="/participant")
        self.sio.connect(url, namespaces=["/participant"], auth={"code": code},
                         headers={"Cookie": web.cookie_header()}, transports=["websocket"], wait_timeout=10)

    def _on_state(self, state: dict[str, Any]) -> None:
        with self.changed:
            self.states.append(state)
            self.changed.notify_all()

    def _on_disconnect(self, *_args: object) -> None:
        with self.changed:
            self.disconnects += 1
            self.changed.notify_all()

    def wait(self, check: Callable[[], bool], timeout: float = 20) -> None:
        """Wait until `check()` holds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not check():
                left = deadline - time.monotonic()
                assert left > 0, f"attente trop longue ; états : {self.states[-1:]}"
                self.changed.wait(min(left, 0.2))

    def connected(self) -> bool:
        """Whether its namespace is connected right now."""
        return "/participant" in self.sio.namespaces

    def close(self) -> None:
        """Disconnect for good."""
        self.sio.disconnect()


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Servers started by a test; killed at the end if the test left them running."""
    started: list[Process] = []
    yield started
    for process in started:
        process.kill()


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON log lines of a process's output."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_importing_run_patches_gevent_sets_tcp_nodelay_and_serves_nothing(tmp_path: Path) -> None:
    # A subprocess: importing run.py monkey-patches the whole interpreter, which pytest's must not be.
    script = """
import socket
import run
from gevent import monkey
listener = run.make_listener("127.0.0.1", 0)
client = socket.create_connection(listener.getsockname())
accepted, _ = listener.accept()
print(monkey.is_module_patched("socket"), monkey.is_module_patched("threading"),
      listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
      accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "LOG_LEVEL": "WARNING",
                               "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}"})
    assert done.returncode == 0, done.stderr[-3000:]
    # Patched before anything else; TCP_NODELAY on the listener and on the connection it accepted;
    # and the import returned: no server was started (gunicorn imports run:app).
    assert done.stdout.split() == ["True", "True", "True", "True"]


def test_sigterm_finishes_requests_cuts_phones_and_forgets_the_worker(tmp_path: Path,
                                                                      processes: list[Process]) -> None:
    database = f"sqlite:///{demo_sqlite(tmp_path)}"
    port = free_port()
    server = run_py(database, port, tmp_path / "a.log", GRACEFUL_TIMEOUT="10").start()
    processes.append(server)
    _, _, code = start_demo_session(server.url)
    phone = Phone(server.url, code, "Awa")
    try:
        phone.wait(lambda: bool(phone.states))
        [(worker,)] = rows(database, "SELECT id FROM worker")
        assert rows(database, "SELECT worker_id FROM presence") == [(worker,)]

        # A request in progress: its headers are not finished when the signal comes.
        slow = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow.sendall(b"GET /sante HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.3)
        asked = time.monotonic()
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)

        deadline = time.monotonic() + 10
        while port_open(port):  # no new connection is accepted…
            assert time.monotonic() < deadline, "le port écoute encore"
            time.sleep(0.05)
        phone.wait(lambda: phone.disconnects >= 1)  # …phones are cut, to reconnect elsewhere…
        assert server.process.poll() is None  # …but the request in progress is waited for
        slow.sendall(b"\r\n")
        with slow, slow.makefile("rb") as reader:
            answer = reader.read()  # the server closes the connection after answering
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert b'"etat":"ok"' in answer

        assert server.process.wait(timeout=15) == 0
        assert time.monotonic() - asked < 8  # nothing waited for the 10 s of GRACEFUL_TIMEOUT
        assert rows(database, "SELECT id FROM worker") == []
        assert rows(database, "SELECT sid FROM presence") == []
        messages = [line["message"] for line in json_lines(server.output()) if line["logger"] == "kit.server"]
        assert messages[-1] == "arrêt propre"

        # Another process on the same address: the phone comes back by itself.
        second = run_py(database, port, tmp_path / "b.log").start()
        processes.append(second)
        phone.wait(phone.connected, timeout=30)
        [(new_worker,)] = rows(database, "SELECT worker_id FROM presence")
        assert new_worker != worker
        assert second.signal(signal.SIGTERM) == 0
    finally:
        phone.close()


def test_sigint_stops_cleanly_and_the_banner_is_printed(tmp_path: Path, processes: list[Process]) -> None:
    port = free_port()
    server = run_py(f"sqlite:///{demo_sqlite(tmp_path)}", port, tmp_path / "run.log").start()
    processes.append(server)
    assert server.signal(signal.SIGINT) == 0
    assert not port_open(port)
    output = server.output()
    assert f"Kit Animateur : http://localhost:{port}" in output
    assert "arrêt propre" in [line["message"] for line in json_lines(output)]
    assert "Traceback" not in output


def test_the_redis_message_queue_works_in_run_py(tmp_path: Path, processes: list[Process]) -> None:
    queue = require_redis()
    server = run_py(f"sqlite:///{demo_sqlite(tmp_path)}", free_port(), tmp_path / "run.log",
                    SOCKETIO_MESSAGE_QUEUE=queue).start()
    processes.append(server)
    health = json.loads(WebClient(server.url).get("/sante").text)
    assert health["verifications"]["redis"]["etat"] == "ok"
    animator_web, session_id, code = start_demo_session(server.url)
    animator = socketio.Client()
    animator.connect(server.url, namespaces=["/animateur"], auth={"session": session_id},
                     headers={"Cookie": animator_web.cookie_header()}, transports=["websocket"], wait_timeout=10)
    phone = Phone(server.url, code, "Bruno")
    try:
        phone.wait(lambda: bool(phone.states))
        # Every emit goes out through Redis and back: with a blocking Redis client, nothing would arrive.
        assert animator.call("question", {"action": "open", "quiz": 2}, namespace="/animateur", timeout=10)["ok"]
        phone.wait(lambda: any((s.get("question") or {}).get("state") == "open" for s in phone.states))
    finally:
        phone.close()
        animator.disconnect()
    assert server.signal(signal.SIGTERM) == 0
