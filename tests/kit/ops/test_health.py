"""GET /sante (kit/ops/views/health.py): 200 when the database (and Redis, with a queue) answers, 503 otherwise."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

from flask import Flask

from kit.live import presence
from tests.kit.ops.support import free_port, make_app, require_postgres, require_redis


def app_on(tmp_path: Path, **config: Any) -> Flask:
    """An app on an empty SQLite file: the check needs no table."""
    return make_app(f"sqlite:///{tmp_path / 'vide.sqlite3'}", **config)


def test_healthy(tmp_path: Path) -> None:
    response = app_on(tmp_path).test_client().get("/sante")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["etat"] == "ok"
    assert body["version"] == version("kit-animateur")
    assert body["pid"] == os.getpid()
    assert body["worker"] is None  # no Socket.IO connection yet: the check registers no worker
    assert body["verifications"]["base"]["etat"] == "ok"
    assert "redis" not in body["verifications"]  # no message queue: nothing to check


def test_the_worker_id_once_registered(tmp_path: Path) -> None:
    app = app_on(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'base.sqlite3'}")
    with app.app_context():
        from kit.extensions import db

        db.create_all()
        wid = presence.worker_id()
    assert app.test_client().get("/sante").get_json()["worker"] == wid


def test_database_down(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'absent' / 'dossier' / 'kit.sqlite3'}")
    response = app.test_client().get("/sante")
    assert response.status_code == 503
    body = response.get_json()
    assert body["etat"] == "erreur"
    assert body["verifications"]["base"] == {"etat": "erreur", "erreur": "OperationalError",
                                             "duree_ms": body["verifications"]["base"]["duree_ms"]}
    assert "absent" not in response.get_data(as_text=True)  # the type of the error only, no path or address


def test_redis_down(tmp_path: Path) -> None:
    app = app_on(tmp_path, SOCKETIO_MESSAGE_QUEUE=f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().get("/sante")
    assert response.status_code == 503
    checks = response.get_json()["verifications"]
    assert checks["base"]["etat"] == "ok"
    assert checks["redis"]["etat"] == "erreur" and checks["redis"]["erreur"] == "ConnectionError"
    assert checks["redis"]["duree_ms"] < 2000


def test_redis_up(tmp_path: Path) -> None:
    app = app_on(tmp_path, SOCKETIO_MESSAGE_QUEUE=require_redis())
    response = app.test_client().get("/sante")
    assert response.status_code == 200
    assert response.get_json()["verifications"]["redis"]["etat"] == "ok"


def test_postgresql_up() -> None:
    app = make_app(require_postgres())
    response = app.test_client().get("/sante")
    assert response.status_code == 200
    assert response.get_json()["verifications"]["base"]["etat"] == "ok"
    with app.app_context():
        from kit.extensions import db

        db.engine.dispose()


def test_no_rate_limit_and_no_csrf(tmp_path: Path) -> None:
    app = app_on(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert [client.get("/sante").status_code for _ in range(5)] == [200] * 5
    assert [client.get("/connexion").status_code for _ in range(3)][-1] == 429  # the limit is on elsewhere
    assert client.head("/sante").status_code == 200


def test_others_get_the_state_only(tmp_path: Path) -> None:
    """The host name, pid and version tell an attacker what runs where: not for a phone on the network."""
    client = app_on(tmp_path).test_client()
    response = client.get("/sante", environ_base={"REMOTE_ADDR": "192.168.1.23"})
    assert response.status_code == 200 and response.get_json() == {"etat": "ok"}
    assert client.get("/sante?token=", environ_base={"REMOTE_ADDR": "192.168.1.23"}).get_json() == {"etat": "ok"}


def test_the_loopback_and_the_token_get_the_details(tmp_path: Path) -> None:
    client = app_on(tmp_path, HEALTH_TOKEN="jeton-de-supervision").test_client()
    far = {"REMOTE_ADDR": "203.0.113.9"}
    assert "hote" in client.get("/sante", environ_base={"REMOTE_ADDR": "::1"}).get_json()
    token = {"X-Health-Token": "jeton-de-supervision"}
    assert "pid" in client.get("/sante", headers=token, environ_base=far).get_json()
    assert "version" in client.get("/sante?token=jeton-de-supervision", environ_base=far).get_json()
    assert client.get("/sante?token=autre", environ_base=far).get_json() == {"etat": "ok"}


def test_a_failing_check_says_erreur_to_everyone_but_names_the_part_only_for_the_details(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'absent' / 'dossier' / 'kit.sqlite3'}")
    response = app.test_client().get("/sante", environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert response.status_code == 503 and response.get_json() == {"etat": "erreur"}


def test_behind_a_trusted_proxy_the_loopback_is_the_phones_address(tmp_path: Path) -> None:
    client = app_on(tmp_path, TRUSTED_PROXIES=1).test_client()
    body = client.get("/sante", headers={"X-Forwarded-For": "198.51.100.4"}).get_json()
    assert body == {"etat": "ok"}
