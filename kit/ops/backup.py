"""Back up and restore the database: `flask --app kit backup create|restore FICHIER`.

SQLite goes through SQLite's online backup API: a consistent copy while the server writes (WAL),
and a restore that replaces the whole database in one transaction. PostgreSQL goes through
pg_dump (custom format) and pg_restore (--clean --if-exists --no-owner, in one transaction).
A file is checked before anything is touched: a Kit database of a revision this code knows.
Operators' guide: docs/operations.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from kit.extensions import MIGRATIONS_DIR, db

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SQLITE_TIMEOUT_SECONDS = 30  # how long to wait for the server's writes to let the restore in


class BackupError(Exception):
    """A backup or a restore that could not be done; the message is for the operator, in French."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup file holds."""

    path: Path
    engine: str  # "sqlite" or "postgresql"
    revision: str  # its alembic revision
    is_current: bool  # False: made by an older Kit, `flask setup` upgrades it after the restore


def create_backup(target: Path, overwrite: bool = False) -> str:
    """Write a backup of the configured database to `target`; a sentence for the operator."""
    if target.exists() and not overwrite:
        raise BackupError(f"Le fichier {target} existe déjà. Choisissez un autre nom, ou ajoutez --force pour le "
                          "remplacer.")
    if not target.parent.is_dir():
        raise BackupError(f"Le dossier {target.parent} n'existe pas.")
    url = db.engine.url
    # Written beside the target, then renamed: an interrupted backup never leaves a half file under its name.
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partiel")
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            _pg_run(["pg_dump", "--format=custom", "--file", str(partial)], url, "pg_dump a échoué")
        else:
            raise BackupError(_unsupported(url))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return f"Sauvegarde écrite dans {target} ({_engine_name(url)}, {_size(target)})."


def check_backup(path: Path) -> BackupInfo:
    """Check that `path` is a backup of a Kit database that this code can restore; raise otherwise."""
    if not path.is_file():
        raise BackupError(f"Le fichier {path} n'existe pas.")
    url = db.engine.url
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    backend = url.get_backend_name()
    if backend == "sqlite":
        if head.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{path} est une sauvegarde PostgreSQL, mais la base configurée est SQLite.")
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} n'est pas une sauvegarde du Kit : ce n'est pas une base SQLite.")
        with tempfile.TemporaryDirectory(prefix="kit-restauration-") as folder:
            copy = Path(folder) / "sauvegarde.sqlite3"
            shutil.copyfile(path, copy)
            revision = _sqlite_revision(copy, path)
    elif backend == "postgresql":
        if head == SQLITE_MAGIC:
            raise BackupError(f"{path} est une sauvegarde SQLite, mais la base configurée est PostgreSQL.")
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{path} n'est pas une sauvegarde du Kit : ce n'est pas une archive de pg_dump.")
        revision = _pg_revision(path)
    else:
        raise BackupError(_unsupported(url))
    return _known(path, backend, revision)


def restore_backup(path: Path) -> BackupInfo:
    """Replace the configured database's content with the backup's; nothing changes if it fails.

    The servers should be stopped first: they keep compiled modules in memory, and PostgreSQL
    cannot drop a table that one of their transactions holds.
    """
    info = check_backup(path)
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()  # this process's pooled connections would hold locks or see old pages
    if info.engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kit-restauration-") as folder:
            copy = Path(folder) / "sauvegarde.sqlite3"
            shutil.copyfile(path, copy)
            _sqlite_revision(copy, path)  # the copy is what gets restored: check it, not the file that may change
            _sqlite_restore(copy, _sqlite_path(url))
    else:
        # One transaction: if anything fails, PostgreSQL rolls the drops back and the data stays as it was.
        _pg_run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                 str(path)], url, "Restauration impossible, la base n'a pas changé")
    return info


# SQLite


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("La base SQLite configurée est en mémoire : il n'y a rien à sauvegarder ni à restaurer.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live database, as one self-contained file (no -wal beside it)."""
    if not source.is_file():
        raise BackupError(f"La base {source} n'existe pas : rien à sauvegarder.")
    try:
        with closing(sqlite3.connect(source, timeout=SQLITE_TIMEOUT_SECONDS)) as live, \
                closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"Sauvegarde impossible : {error}.") from error


def _sqlite_revision(copy: Path, shown: Path) -> str:
    """The alembic revision of a SQLite file, after checking that it is whole and is a Kit database."""
    try:
        with closing(sqlite3.connect(copy)) as connection:
            check = connection.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupError(f"{shown} est abîmé (SQLite : {check[0] if check else 'aucune réponse'}) : "
                                  "il ne peut pas être restauré.")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError(f"{shown} est une base SQLite, mais pas une base du Kit Animateur "
                                  "(pas de table alembic_version).")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{shown} n'est pas une sauvegarde lisible du Kit : {error}.") from error
    if row is None:
        raise BackupError(f"{shown} n'a pas de version de base (alembic_version est vide) : ce n'est pas une "
                          "sauvegarde du Kit.")
    return str(row[0])


def _sqlite_restore(copy: Path, target: Path) -> None:
    """Copy the checked backup over the live database, in one transaction (waiting for the writers)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(copy)) as source, \
                closing(sqlite3.connect(target, timeout=SQLITE_TIMEOUT_SECONDS)) as live:
            source.backup(live)
            live.execute("PRAGMA journal_mode=WAL")  # as the app opens it (kit/extensions.py)
    except sqlite3.Error as error:
        raise BackupError(f"Restauration impossible, la base n'a pas changé : {error}.") from error


# PostgreSQL


def _libpq(url: sa.engine.URL) -> tuple[str, dict[str, str]]:
    """The libpq URL of an SQLAlchemy one (no "+psycopg"), the password passed in PGPASSWORD, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_run(command: list[str], url: sa.engine.URL, failure: str) -> None:
    """Run pg_dump or pg_restore against the configured database; raise with `failure` and its error."""
    dsn, env = _libpq(url)
    done = _pg_tool([*command, "--dbname", dsn], env)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-3:]  # the last lines say why; the first are context
        raise BackupError(f"{failure} : " + " / ".join(detail))


def _pg_tool(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run one of PostgreSQL's client tools."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} est introuvable : installez les outils clients de PostgreSQL "
                          "(paquet postgresql-client).")
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def _pg_revision(path: Path) -> str:
    """The alembic revision inside a pg_dump archive, after checking that pg_restore can read it."""
    listing = _pg_tool(["pg_restore", "--list", str(path)])
    if listing.returncode != 0:
        raise BackupError(f"{path} n'est pas une sauvegarde lisible du Kit : pg_restore ne peut pas la lire.")
    if not any(" TABLE DATA public alembic_version " in line for line in listing.stdout.splitlines()):
        raise BackupError(f"{path} est une sauvegarde PostgreSQL, mais pas d'une base du Kit Animateur "
                          "(pas de table alembic_version).")
    data = _pg_tool(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)])
    lines = data.stdout.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY public.alembic_version") and number + 1 < len(lines) and lines[number + 1] != "\\.":
            return lines[number + 1].strip()
    raise BackupError(f"{path} n'a pas de version de base (alembic_version est vide) : ce n'est pas une "
                      "sauvegarde du Kit.")


# Both


def _known(path: Path, engine: str, revision: str) -> BackupInfo:
    """Refuse a backup made by a newer Kit: this code would not know its tables."""
    config = AlembicConfig()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    if revision not in known:
        raise BackupError(f"{path} vient d'une autre version du Kit (révision de base « {revision} », inconnue "
                          "ici) : mettez le Kit à jour avant de restaurer cette sauvegarde.")
    return BackupInfo(path=path, engine=engine, revision=revision, is_current=revision == script.get_current_head())


def _engine_name(url: sa.engine.URL) -> str:
    return "SQLite" if url.get_backend_name() == "sqlite" else "PostgreSQL"


def _unsupported(url: sa.engine.URL) -> str:
    return (f"La base configurée ({url.get_backend_name()}) n'est pas prise en charge : seules SQLite et "
            "PostgreSQL le sont.")


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
