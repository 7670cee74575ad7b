"""Helpers of the operations tests (tests/kit/ops/); no test here.

They build their own databases and start their own processes (run.py, gunicorn), so that they do not
depend on the shared fixtures. PostgreSQL and Redis are the local services of the CI: without them,
the tests that need them are skipped with a message, and fail when CI=true.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from kit import create_app
from kit.content.shipped import import_files
from kit.extensions import db
from kit.people.demo import create_demo
from tests.servers import (
    ServerProcess,
    start_demo_session,  # noqa: F401 (used by the ops tests through here)
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parents[3]
IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"

OPS_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SOCKETIO_ASYNC_MODE": "threading",
    "WORKER_HEARTBEAT": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}


def unavailable(message: str) -> None:
    """Skip the test, or fail it under CI where the services must be there."""
    if IN_CI:
        pytest.fail(f"CI=true : {message}")
    pytest.skip(f"{message} (ce test échoue avec CI=true)")


def require_postgres() -> str:
    """The URL of the local PostgreSQL server's `test` database, or skip."""
    try:
        engine = sa.create_engine(f"{POSTGRES_SERVER}/test", connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        unavailable(f"PostgreSQL injoignable sur 127.0.0.1:5432 ({type(error).__name__})")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        unavailable("pg_dump ou pg_restore introuvable (paquet postgresql-client)")
    return f"{POSTGRES_SERVER}/test"


def require_redis() -> str:
    """The local Redis URL, or skip."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        unavailable(f"Redis injoignable sur 127.0.0.1:6379 ({type(error).__name__})")
    return REDIS_URL


def create_postgres_database() -> str:
    """A new empty database `kit_ops_…`; its URL."""
    name = f"kit_ops_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(f"{require_postgres()}", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{POSTGRES_SERVER}/{name}"


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database, even with connections left."""
    name = sa.engine.make_url(url).database
    assert name and name.startswith("kit_ops_")
    admin = sa.create_engine(f"{POSTGRES_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(database_url: str, **overrides: Any) -> Flask:
    """An app of the factory on this database."""
    return create_app({**OPS_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})


def migrate(database_url: str, demo: bool = False) -> None:
    """Create the tables and load the modules (and the demo accounts and session, if asked)."""
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        import_files()
        if demo:
            create_demo()
        db.engine.dispose()


_seed: dict[str, Path] = {}


def demo_sqlite(folder: Path) -> Path:
    """A SQLite file with the modules and the demo, copied from one built once per run."""
    if "demo" not in _seed:
        keep = tempfile.TemporaryDirectory(prefix="kit-ops-seed-")
        atexit.register(keep.cleanup)
        path = Path(keep.name) / "demo.sqlite3"
        migrate(f"sqlite:///{path}", demo=True)
        _seed["demo"] = path
    target = folder / "demo.sqlite3"
    with closing(sqlite3.connect(_seed["demo"])) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # the seed is in WAL mode: a file copy could miss its last pages
    return target


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@dataclass
class Process(ServerProcess):
    """A server started as a subprocess on 127.0.0.1, its output in a file."""

    command: list[str] = field(default_factory=list, kw_only=True)

    def start(self, timeout: float = 40) -> Process:
        """Start it and wait until /sante answers 200."""
        env = {**os.environ, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": "false",
               "JOIN_BASE_URL": self.url, **self.env}
        for name in ("FLASK_APP", "SOCKETIO_MESSAGE_QUEUE", "DATABASE_URL", "LOG_FORMAT", "LOG_LEVEL"):
            if name not in self.env:
                env.pop(name, None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        if wait_until_serving(self.process, self.url + "/sante", timeout, self.output):
            return self
        self.kill()
        raise RuntimeError(f"le serveur n'a pas démarré : {self.output()[-3000:]}")

    def signal(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send a signal and wait for the exit status."""
        assert self.process is not None
        self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """Stop it at once if it still runs (clean-up after a failed test)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        """What it printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def run_py(database_url: str, port: int, log: Path, **env: str) -> Process:
    """`python run.py` on 127.0.0.1:port."""
    return Process(port, log, {"HOST": "127.0.0.1", "PORT": str(port), "DATABASE_URL": database_url, **env},
                   command=[sys.executable, "run.py"])


def gunicorn(database_url: str, port: int, log: Path, **env: str) -> Process:
    """`gunicorn -c deploy/gunicorn.conf.py run:app` on 127.0.0.1:port."""
    return Process(port, log, {"BIND": f"127.0.0.1:{port}", "DATABASE_URL": database_url, **env},
                   command=[str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "run:app"])


def rows(database_url: str, query: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a server's database, read from outside the server."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query))]
    finally:
        engine.dispose()
