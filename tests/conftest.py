"""Fixtures shared by every test: the app built from the factory, a client, a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from werkzeug.serving import make_server

from kit import create_app
from kit.content.shipped import import_files
from kit.extensions import db
from kit.models import Role
from kit.people.demo import create_demo
from tests.databases import BACKEND, IN_CI, MESSAGE_QUEUE, Databases, backend_problem, make_databases
from tests.factories import login, make_user
from tests.histories import make_siae
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
    # A checkout where the README's `flask setup --demo` ran has instance/demo: the tests never issue trial
    # badges unless they ask (tests/kit/badges/test_trial.py).
    "BADGES_TRIAL": False,
}


def pytest_report_header() -> str:
    return f"base de test : {BACKEND}" + (f", file de messages Socket.IO : {MESSAGE_QUEUE}" if MESSAGE_QUEUE else "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the PostgreSQL or Redis that the run asks for: skip it all, or fail under CI."""
    problem = backend_problem()
    if problem is None:
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true : {problem}. Ces tests ne peuvent pas être sautés en CI.")
    skip = pytest.mark.skip(reason=f"{problem} : tests sautés (ils échouent avec CI=true)")
    for item in items:
        item.add_marker(skip)


_made_apps: list[Flask] = []


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app of the factory for tests, on this database (a URL from the `databases` fixture).

    Its connections are closed at the end of the test that made it (see `_close_made_apps`).
    """
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    _made_apps.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_made_apps() -> Iterator[None]:
    """Close the connections of the apps a test made, so none is left for the garbage collector
    (psycopg warns about those, and the warning is an error here) and its database can be dropped."""
    made = len(_made_apps)
    yield
    while len(_made_apps) > made:
        dispose(_made_apps.pop())


def seed(url: str) -> None:
    """Migrate a database and load the shipped modules into it."""
    app = make_app(url)
    with app.app_context():
        upgrade()
        import_files()
        db.engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """The run's databases; `databases.seeded()` is a new copy of the seed (migrated, modules loaded)."""
    made = make_databases(tmp_path_factory.mktemp("databases"))
    made.seed(seed)
    yield made
    made.close()


@pytest.fixture
def database(databases: Databases) -> Iterator[str]:
    """The URL of a new copy of the seeded database, dropped after the test."""
    url = databases.seeded()
    yield url
    databases.release(url)


@pytest.fixture
def empty_database(databases: Databases) -> Iterator[str]:
    """The URL of a new database with no table at all, dropped after the test."""
    url = databases.empty()
    yield url
    databases.release(url)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite file, for the single-laptop benchmarks of tests/bench."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    seed(f"sqlite:///{path}")
    return path


def dispose(app: Flask) -> None:
    """Close the app's connections (PostgreSQL cannot drop a database still in use)."""
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(database: str) -> Iterator[Flask]:
    """An app on its own copy of the seeded database."""
    app = make_app(database)
    yield app
    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    """The client signed in as an admin (admin@test.fr, the content team too), with one structure."""
    with app.app_context():
        make_user("admin@test.fr", Role.ADMIN.value)
        make_siae("Régie A")
    login(client, "admin@test.fr")
    return client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for the whole run (browser tests, page weights); under CI its absence fails."""
    from tests.browser.helpers import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium introuvable à {CHROMIUM} : .ci/run doit l'installer")
        pytest.skip(f"Chromium introuvable à {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 by a thread (werkzeug) while the block runs; its base URL. Disposes the app after."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        dispose(app)


@pytest.fixture(scope="session")
def live_server(databases: Databases) -> Iterator[str]:
    """The app served on 127.0.0.1 in a thread, for browsers; yields its base URL."""
    with served(make_app(databases.seeded())) as url:
        yield url


def demo_database(databases: Databases) -> str:
    """A new seeded database with the demo animator, group and session."""
    url = databases.seeded()
    app = make_app(url)
    with app.app_context():
        create_demo()
    dispose(app)
    return url


@pytest.fixture
def app_server(tmp_path: Path, databases: Databases) -> Iterator[AppServer]:
    """A real gevent server (run.py) on 127.0.0.1 with the demo animator, group and session."""
    server = AppServer(demo_database(databases), free_port(), tmp_path / "server.log").start()
    yield server
    server.stop()
    databases.release(server.database_url)
