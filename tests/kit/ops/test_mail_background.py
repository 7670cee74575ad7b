"""E-mail never blocks a request: against a real server (run.py, gevent), a request that queues a message
answers at once while the SMTP server is silent, and the server's own greenlet delivers to a real one."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from kit.extensions import db
from kit.models import MailMessage, MailStatus, Role
from tests.conftest import free_port, make_app
from tests.databases import Databases
from tests.factories import PASSWORD, make_user
from tests.kit.ops.smtp_server import start_smtp
from tests.servers import AppServer
from tests.web import WebClient


class Tarpit:
    """A "server" on 127.0.0.1 that accepts SMTP connections and never says a word."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        for connection in self.held:
            connection.close()
        self.listener.close()


@pytest.fixture
def admin_database(databases: Databases) -> Iterator[str]:
    url = databases.seeded()
    app = make_app(url)
    with app.app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
        db.engine.dispose()
    yield url
    databases.release(url)


def serve(database: str, port: int, tmp_path: Path) -> AppServer:
    return AppServer(database, free_port(), tmp_path / "server.log", env={
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_SECURITY": "none", "MAIL_FROM": "kit@test.fr",
        "MAIL_SEND_SECONDS": "0.2", "MAIL_TIMEOUT": "30"}).start()


def queue_test_mail(admin: WebClient) -> float:
    started = time.perf_counter()
    response = admin.submit("/admin/courriels/", "/admin/courriels/essai", {"address": "cip@test.fr"})
    assert response.status_code == 302, response.text[:500]
    return time.perf_counter() - started


def statuses(database: str) -> list[tuple[str, int]]:
    app = make_app(database)
    with app.app_context():
        rows = db.session.execute(sa.select(MailMessage.status, MailMessage.attempts).order_by(MailMessage.id)).all()
        return [(status, attempts) for status, attempts in rows]


def test_a_silent_smtp_server_blocks_no_request(admin_database: str, tmp_path: Path) -> None:
    tarpit = Tarpit()
    server = serve(admin_database, tarpit.port, tmp_path)
    try:
        admin = WebClient(server.url)
        admin.login("admin@test.fr", PASSWORD)
        assert queue_test_mail(admin) < 1.0
        deadline = time.monotonic() + 10
        while not tarpit.held and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tarpit.held, "le serveur n'a pas essayé d'envoyer le courriel"
        # The sender now waits for a greeting that never comes (MAIL_TIMEOUT = 30 s): nobody else waits.
        waits = [queue_test_mail(admin) for _ in range(3)]
        for _ in range(10):
            started = time.perf_counter()
            assert admin.get("/admin/courriels/").status_code == 200
            waits.append(time.perf_counter() - started)
        assert max(waits) < 1.0, waits
        page = admin.get("/admin/courriels/").text
        assert "127.0.0.1:" in page and page.count("courriel d&#39;essai") >= 4
    finally:
        server.stop()
        tarpit.close()
    found = statuses(admin_database)
    assert len(found) == 4 and all(status == MailStatus.PENDING for status, _ in found)
    assert found[0][1] == 1  # the first one claimed, its attempt counted: retried later, never lost


def test_the_serving_process_delivers_in_the_background(admin_database: str, tmp_path: Path) -> None:
    port = free_port()
    controller, inbox = start_smtp(port)
    server = serve(admin_database, port, tmp_path)
    try:
        admin = WebClient(server.url)
        admin.login("admin@test.fr", PASSWORD)
        assert queue_test_mail(admin) < 1.0
        deadline = time.monotonic() + 10
        while not inbox.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [recipients for _, recipients, _ in inbox.received] == [["cip@test.fr"]]
        assert "Envoyé : <strong>1</strong>" in admin.get("/admin/courriels/").text
    finally:
        server.stop()
        controller.stop()
    assert statuses(admin_database) == [(MailStatus.SENT.value, 1)]
