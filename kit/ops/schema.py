"""The database brought up to date at start, as well-known self-hosted apps do.

`python run.py` on a new instance used to answer every page with a 500 ("no such table") until someone ran
`flask setup`. Now the server applies the migrations that the database lacks, and imports the shipped
modules that have no revision yet, before it listens. Demo data stays a choice made on purpose
(`flask setup --demo`). Several processes may start at once (gunicorn, one per port): a lock makes them
migrate one after the other, and each finds the work done by the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from kit.content.shipped import import_files
from kit.extensions import MIGRATIONS_DIR, db

log = logging.getLogger("kit.schema")

# Any constant shared by the processes of one deployment: PostgreSQL's advisory lock for the migrations.
ADVISORY_LOCK = 0x4B495441  # "KITA"


def current_revision(connection: sa.Connection) -> str | None:
    """The migration the database is at; None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The last migration of this version of the code."""
    return ScriptDirectory(MIGRATIONS_DIR).get_current_head()


def bring_up_to_date(app: Flask) -> tuple[str | None, str | None, list[str]]:
    """Migrate the database to the code's head and import new shipped modules.

    Returns (revision before, revision after, slugs imported).
    """
    with app.app_context(), _migration_lock(app):
        with db.engine.connect() as connection:
            before = current_revision(connection)
        head = head_revision()
        if before != head:
            log.info("mise à jour de la base de données : %s → %s", before or "vide", head,
                     extra={"from_revision": before, "to_revision": head})
            upgrade(directory=MIGRATIONS_DIR)
        imported = import_files(author="premier démarrage", only_new=True)
        if imported:
            log.info("modules livrés importés : %s", ", ".join(imported), extra={"modules": imported})
        db.session.remove()
        return before, head, imported


@contextlib.contextmanager
def _migration_lock(app: Flask) -> Iterator[None]:
    """One process at a time: an advisory lock on PostgreSQL, a file lock beside SQLite's file."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK})
            try:
                yield
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK})
        return
    path = Path(app.instance_path) / "migrations.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
