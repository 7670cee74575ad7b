"""The tests' databases: SQLite files by default, PostgreSQL with KIT_TEST_DATABASE=postgresql.

Every test gets its own database, copied from one seeded (migrated, modules imported) at the
start of the run: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. The real
servers' tests also go through Redis as the Socket.IO message queue when KIT_TEST_MESSAGE_QUEUE
is set. Where PostgreSQL or Redis is asked for but absent, the run is skipped with a message,
and fails under CI=true.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

BACKEND = os.environ.get("KIT_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("KIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MESSAGE_QUEUE = os.environ.get("KIT_TEST_MESSAGE_QUEUE") or None
IN_CI = os.environ.get("CI", "").lower() == "true"
PREFIX = "kit_t_"  # every database a run creates on PostgreSQL; left-overs of a killed run are dropped


def postgres_problem(admin_url: str = POSTGRES_ADMIN_URL) -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg (psycopg[binary]) n'est pas installé"
    try:
        engine = sa.create_engine(admin_url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as error:
        return f"PostgreSQL injoignable à {admin_url} ({type(error.orig or error).__name__})"
    return None


def redis_problem(url: str | None = MESSAGE_QUEUE) -> str | None:
    """Why Redis cannot be used, or None when it can."""
    if not url:
        return "KIT_TEST_MESSAGE_QUEUE n'est pas réglé"
    try:
        import redis
    except ImportError:
        return "le paquet redis n'est pas installé"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis injoignable à {url} ({type(error).__name__})"
    return None


def backend_problem() -> str | None:
    """Why the backends this run asks for are unusable, or None."""
    if BACKEND not in ("sqlite", "postgresql"):
        return f"KIT_TEST_DATABASE={BACKEND!r} : attendu « sqlite » ou « postgresql »"
    problem = postgres_problem() if BACKEND == "postgresql" else None
    if problem is None and MESSAGE_QUEUE:
        problem = redis_problem()
    return problem


class Databases:
    """Creates the run's databases; `seeded()` and `empty()` return SQLAlchemy URLs."""

    def seeded(self) -> str:
        """A new database holding a copy of the seed."""
        raise NotImplementedError

    def empty(self) -> str:
        """A new database with nothing in it, not even tables."""
        raise NotImplementedError

    def seed(self, build: Callable[[str], None]) -> None:
        """Build the seed once, with `build(url)`."""
        raise NotImplementedError

    def release(self, url: str) -> None:
        """A test is done with this database (PostgreSQL drops it; pytest prunes SQLite files)."""

    def close(self) -> None:
        """Drop what the run created."""


@dataclass
class SqliteDatabases(Databases):
    """SQLite files in one folder of the run."""

    folder: Path
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def _path(self, kind: str) -> Path:
        return self.folder / f"{kind}-{next(self._numbers)}.sqlite3"

    def seed(self, build: Callable[[str], None]) -> None:
        self._seed = self.folder / "seed.sqlite3"
        build(f"sqlite:///{self._seed}")

    def seeded(self) -> str:
        path = self._path("db")
        shutil.copyfile(self._seed, path)
        return f"sqlite:///{path}"

    def empty(self) -> str:
        return f"sqlite:///{self._path('empty')}"


@dataclass
class PostgresDatabases(Databases):
    """Databases of one PostgreSQL server, copied from a seed database used as a template."""

    admin_url: str
    _created: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self._run = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"  # the pid tells whether the run is over
        self._numbers = itertools.count()
        self._drop_leftovers()

    def _url(self, name: str) -> str:
        return sa.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> list[Any]:
        with self._admin.connect() as connection:
            result = connection.execute(sa.text(sql))
            return list(result) if result.returns_rows else []

    def _drop_leftovers(self) -> None:
        # Only databases of runs that are over (their pytest process is gone): other runs may be going on.
        rows = self._execute(f"SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'")
        for (name,) in rows:
            owner = name.removeprefix(PREFIX).split("_")[0]
            if owner.isdigit() and not psutil.pid_exists(int(owner)):
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _create(self, template: str | None = None) -> str:
        name = f"{PREFIX}{self._run}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self._created.append(name)
        return name

    def seed(self, build: Callable[[str], None]) -> None:
        self._seed = self._create()
        build(self._url(self._seed))

    def seeded(self) -> str:
        return self._url(self._create(template=self._seed))

    def empty(self) -> str:
        return self._url(self._create())

    def release(self, url: str) -> None:
        # Closed by force: a test may leave a connection open (a killed server's, say).
        name = sa.make_url(url).database
        if name in self._created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._created.remove(name)

    def close(self) -> None:
        for name in list(self._created):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()
        self._admin.dispose()


def make_databases(folder: Path) -> Databases:
    """The run's databases, on the backend that KIT_TEST_DATABASE names."""
    if BACKEND == "postgresql":
        return PostgresDatabases(POSTGRES_ADMIN_URL)
    return SqliteDatabases(folder)


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement on a test database, outside any app (committed at once)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()
