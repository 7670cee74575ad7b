"""A first start that cannot go wrong: the database brought up to date by itself, the addresses in plain sight,
and a warning in plain French when phones could not reach the server (issue 17, items 11 to 13)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kit.extensions import db
from kit.models import ModuleRevision
from kit.ops import schema
from kit.ops.banner import banner
from kit.ops.logs import HumanFormatter, OperatorsOnly, chosen_format
from tests.conftest import dispose, free_port, make_app
from tests.factories import login, make_group, make_session, make_user
from tests.kit.ops.support import run_py
from tests.web import WebClient


def test_an_empty_database_is_migrated_and_gets_the_modules(empty_database: str) -> None:
    app = make_app(empty_database)
    try:
        before, after, imported = schema.bring_up_to_date(app)
        assert before is None and after == schema.head_revision()
        assert sorted(imported) == sorted(p.stem for p in (Path(__file__).parents[3] / "modules").glob("*.md"))
        # A second start finds everything done.
        assert schema.bring_up_to_date(app) == (after, after, [])
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleRevision)) == len(imported)
    finally:
        dispose(app)


def test_run_py_on_a_new_database_serves_pages(empty_database: str, tmp_path: Path) -> None:
    server = run_py(empty_database, free_port(), tmp_path / "run.log").start()
    try:
        web = WebClient(server.url)
        for page in ("/", "/connexion", "/j"):
            assert web.get(page).status_code == 200, page
        assert "Module 1" in web.get("/").text or "module" in web.get("/").text.lower()
    finally:
        server.kill()
    assert "no such table" not in server.output() and "Traceback" not in server.output()


def test_the_terminal_shows_the_addresses_and_a_qr_code() -> None:
    text = banner("0.0.0.0", 5000, ["192.168.1.20"], terminal=True)
    assert "http://localhost:5000" in text and "http://192.168.1.20:5000/j" in text
    assert "▄" in text and "█" in text  # the QR code, in block characters
    assert "Attention" not in text


def test_listening_on_the_loopback_is_explained_with_the_fix() -> None:
    for terminal in (True, False):
        text = banner("127.0.0.1", 5000, ["192.168.1.20"], terminal=terminal)
        assert "192.168.1.20" not in text
        assert "n'écoute que sur cet ordinateur" in text and "HOST=0.0.0.0" in text


def test_a_pipe_keeps_the_plain_lines() -> None:
    text = banner("0.0.0.0", 5000, ["10.0.0.2"], terminal=False)
    assert text.splitlines() == ["Kit Animateur : http://localhost:5000", "Sur le réseau local : http://10.0.0.2:5000"]


def test_logs_are_json_in_a_pipe_and_short_french_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert chosen_format("auto") == "json"  # pytest's stderr is not a terminal
    assert chosen_format("text") == "text" and chosen_format("nonsense") == "json"
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert chosen_format(None) == "human"
    pause = logging.LogRecord("kit.gc", logging.WARNING, "", 0, "pause du ramasse-miettes : %d ms", (159,), None)
    assert not OperatorsOnly().filter(pause)  # an operator's line, not the animator's
    stopped = logging.LogRecord("kit.server", logging.WARNING, "", 0, "le port est pris", (), None)
    assert OperatorsOnly().filter(stopped)
    line = HumanFormatter().format(stopped)
    assert line.endswith("Attention : le port est pris") and "WARNING" not in line and "{" not in line


@pytest.fixture
def listening_on_loopback(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    app.config.update(LISTEN_HOST="127.0.0.1", JOIN_BASE_URL=None)
    monkeypatch.setattr("kit.live.addresses.lan_addresses", lambda: ["192.168.1.20"])
    return app


def session_page(app: Flask) -> str:
    """The page of a started session, as its animator sees it."""
    with app.app_context():
        session = make_session(make_group(make_user()))
        session_id = session.id
    client = app.test_client()
    login(client)
    return client.get(f"/animateur/seances/{session_id}").get_data(as_text=True)


def test_the_seance_page_warns_when_phones_cannot_reach_the_server(listening_on_loopback: Flask) -> None:
    page = session_page(listening_on_loopback)
    assert "Les téléphones ne pourront pas ouvrir http://192.168.1.20" in page and "HOST=0.0.0.0" in page


@pytest.mark.parametrize("settings", [{"JOIN_BASE_URL": "https://kit.example.org"}, {"LISTEN_HOST": "0.0.0.0"}],
                         ids=["behind-a-proxy", "every-interface"])
def test_no_warning_when_phones_can_reach_it(listening_on_loopback: Flask, settings: dict[str, str]) -> None:
    listening_on_loopback.config.update(settings)
    assert "ne pourront pas ouvrir" not in session_page(listening_on_loopback)


def test_the_favicon_is_served(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00" and response.cache_control.max_age == 7 * 24 * 3600


def test_a_seance_sheet_leads_back_to_the_seance(app: Flask) -> None:
    with app.app_context():
        session_id = make_session(make_group(make_user())).id
    client = app.test_client()
    login(client)
    for page in ("fiche", "trame"):
        html = client.get(f"/animateur/seances/{session_id}/{page}").get_data(as_text=True)
        assert f'href="/animateur/seances/{session_id}">Retour à la séance' in html, page
