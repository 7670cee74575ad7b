"""Fixtures shared by every test: the app built from the factory, a client, a live server."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from werkzeug.serving import make_server

from kit import create_app
from kit.content import import_files
from kit.demo import create_demo
from kit.extensions import db
from tests.servers import AppServer

ROOT = Path(__file__).resolve().parent.parent


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "WTF_CSRF_ENABLED": False,  # CSRF has its own tests, which turn it back on
    "RATELIMIT_ENABLED": False,  # likewise for rate limits
    "SOCKETIO_ASYNC_MODE": "threading",
    "LIVE_REFRESH_SECONDS": 0,  # roster and results are sent at once, inside the handler
    "WORKER_HEARTBEAT": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast: tests hash passwords often
}


def make_app(database: Path, **overrides: object) -> Flask:
    """An app of the factory for tests, on this SQLite file."""
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", **overrides})


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated and loaded with the shipped modules, built once and copied per test."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    app = make_app(path)
    with app.app_context():
        upgrade()
        import_files()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path: Path, seeded_database: Path) -> Iterator[Flask]:
    """An app on its own copy of the seeded database."""
    database = tmp_path / "test.sqlite3"
    shutil.copyfile(seeded_database, database)
    app = make_app(database)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, seeded_database: Path) -> Iterator[str]:
    """The app served on 127.0.0.1 in a thread, for browsers; yields its base URL."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    shutil.copyfile(seeded_database, path)
    app = make_app(path)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def app_server(tmp_path: Path, seeded_database: Path) -> Iterator[AppServer]:
    """A real gevent server (run.py) on 127.0.0.1 with the demo animator, group and session."""
    database = tmp_path / "server.sqlite3"
    shutil.copyfile(seeded_database, database)
    app = make_app(database)
    with app.app_context():
        create_demo()
        db.engine.dispose()
    server = AppServer(database, free_port(), tmp_path / "server.log").start()
    yield server
    server.stop()
