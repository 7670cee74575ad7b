"""`gunicorn -c deploy/gunicorn.conf.py run:app`: health, JSON logs, a phone over Socket.IO, clean SIGTERM."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kit.ops.support import (
    Process,
    demo_sqlite,
    free_port,
    gunicorn,
    port_open,
    rows,
    start_demo_session,
)
from tests.kit.ops.test_server import Phone
from tests.web import WebClient


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Process]:
    """gunicorn on a free port of 127.0.0.1, with the demo database; a long GRACEFUL_TIMEOUT."""
    process = gunicorn(f"sqlite:///{demo_sqlite(tmp_path)}", free_port(), tmp_path / "gunicorn.log",
                       GRACEFUL_TIMEOUT="20")
    process.start()
    yield process
    process.kill()


def test_gunicorn_serves_http_and_socketio_then_stops_cleanly(server: Process) -> None:
    web = WebClient(server.url)
    health = json.loads(web.get("/sante").text)
    assert health["etat"] == "ok"
    assert server.process is not None and health["pid"] != server.process.pid  # the worker answers, not the master
    database = server.env["DATABASE_URL"]

    _, _, code = start_demo_session(server.url)
    phone = Phone(server.url, code, "Chloé")  # a WebSocket through gevent-websocket's gunicorn worker
    try:
        phone.wait(lambda: bool(phone.states))
        [(worker,)] = rows(database, "SELECT id FROM worker")
        assert rows(database, "SELECT worker_id FROM presence") == [(worker,)]

        asked = time.monotonic()
        assert server.signal(signal.SIGTERM) == 0
        # The open WebSocket did not hold the stop for the 20 s of graceful_timeout: it was cut at once.
        assert time.monotonic() - asked < 12
        phone.wait(lambda: phone.disconnects >= 1)
    finally:
        phone.close()
    assert not port_open(server.port)
    assert rows(database, "SELECT id FROM worker") == []
    assert rows(database, "SELECT sid FROM presence") == []

    # Every line is JSON, gunicorn's own included; the app wrote the access lines, once each.
    lines = [json.loads(line) for line in server.output().splitlines() if line.strip()]
    assert {"gunicorn.error", "kit.access", "kit.server"} <= {line["logger"] for line in lines}
    joins = [line for line in lines if line.get("path", "").startswith("/j/") and line["method"] == "POST"]
    assert len(joins) == 1 and joins[0]["status"] == 302
    assert [line["message"] for line in lines if line["logger"] == "kit.server"][-1] == "arrêt propre"
