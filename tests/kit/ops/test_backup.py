"""`flask backup create|restore` (kit/ops/backup.py) on SQLite and on PostgreSQL: data back, bad files refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from kit.extensions import db
from kit.models import User
from tests.kit.ops.support import (
    ROOT,
    create_postgres_database,
    drop_postgres_database,
    make_app,
)


def add_user(app: Flask, email: str) -> None:
    with app.app_context():
        user = User(email=email, name=email.split("@")[0], role="animator")
        user.set_password("mot-de-passe")
        db.session.add(user)
        db.session.commit()


def delete_user(app: Flask, email: str) -> None:
    with app.app_context():
        db.session.execute(sa.delete(User).where(User.email == email))
        db.session.commit()


def emails(app: Flask) -> list[str]:
    with app.app_context():
        found = sorted(db.session.scalars(sa.select(User.email)))
        db.session.remove()
        return found


def invoke(app: Flask, *args: str, input: str | None = None) -> tuple[int, str]:
    """Run `flask backup …` in the app; (exit code, everything it wrote)."""
    result = app.test_cli_runner().invoke(args=["backup", *args], input=input)
    return result.exit_code, result.output


def migrated(url: str) -> Flask:
    """An app on a migrated database, with one account."""
    app = make_app(url)
    with app.app_context():
        upgrade()
    add_user(app, "awa@exemple.fr")
    return app


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = migrated(f"sqlite:///{tmp_path / 'kit.sqlite3'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def postgres_app() -> Iterator[Flask]:
    url = create_postgres_database()
    app = migrated(url)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request: pytest.FixtureRequest) -> Flask:
    """The same tests on both databases (PostgreSQL skipped when absent, failed under CI=true)."""
    return request.getfixturevalue(f"{request.param}_app")


def test_backup_then_restore_brings_the_data_back(any_app: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "kit.sauvegarde"
    code, output = invoke(any_app, "create", str(backup))
    assert code == 0, output
    assert output.startswith(f"Sauvegarde écrite dans {backup}")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial file left

    delete_user(any_app, "awa@exemple.fr")
    add_user(any_app, "bruno@exemple.fr")
    assert emails(any_app) == ["bruno@exemple.fr"]

    code, output = invoke(any_app, "restore", str(backup), "--yes")
    assert code == 0, output
    assert output == f"Base restaurée depuis {backup}.\n"
    assert emails(any_app) == ["awa@exemple.fr"]
    add_user(any_app, "chloe@exemple.fr")  # the restored database works as before
    assert emails(any_app) == ["awa@exemple.fr", "chloe@exemple.fr"]


@pytest.mark.parametrize("content", [b"", b"ceci n'est pas une sauvegarde\n" * 50,
                                     b"SQLite format 3\x00" + b"\x00\xff" * 3000, b"PGDMP" + b"\x01" * 3000],
                         ids=["vide", "texte", "sqlite-abime", "pgdump-abime"])
def test_a_bad_file_is_refused_and_nothing_changes(any_app: Flask, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "mauvais.sauvegarde"
    bad.write_bytes(content)
    code, output = invoke(any_app, "restore", str(bad), "--yes")
    assert code == 1
    assert "sauvegarde" in output and "Traceback" not in output
    assert emails(any_app) == ["awa@exemple.fr"]


def test_a_missing_file_is_refused(any_app: Flask, tmp_path: Path) -> None:
    code, output = invoke(any_app, "restore", str(tmp_path / "absent.sauvegarde"), "--yes")
    assert code == 1 and "n'existe pas" in output


def test_a_backup_of_another_version_is_refused(any_app: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "kit.sauvegarde"
    with any_app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999_futur'"))
        db.session.commit()
    assert invoke(any_app, "create", str(backup))[0] == 0
    with any_app.app_context():
        db.session.execute(sa.text("DELETE FROM alembic_version"))
        db.session.execute(sa.text("INSERT INTO alembic_version VALUES ('0004')"))
        db.session.commit()
    delete_user(any_app, "awa@exemple.fr")
    code, output = invoke(any_app, "restore", str(backup), "--yes")
    assert code == 1 and "autre version du Kit" in output and "9999_futur" in output
    assert emails(any_app) == []


def test_sqlite_a_database_that_is_not_the_kit_is_refused(sqlite_app: Flask, tmp_path: Path) -> None:
    other = tmp_path / "autre.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (texte TEXT)")
        connection.commit()
    code, output = invoke(sqlite_app, "restore", str(other), "--yes")
    assert code == 1 and "pas une base du Kit Animateur" in output
    assert emails(sqlite_app) == ["awa@exemple.fr"]


def test_a_backup_of_the_other_engine_is_refused(postgres_app: Flask, sqlite_app: Flask, tmp_path: Path) -> None:
    from_sqlite, from_postgres = tmp_path / "sqlite.sauvegarde", tmp_path / "postgres.sauvegarde"
    assert invoke(sqlite_app, "create", str(from_sqlite))[0] == 0
    assert invoke(postgres_app, "create", str(from_postgres))[0] == 0
    code, output = invoke(postgres_app, "restore", str(from_sqlite), "--yes")
    assert code == 1 and "sauvegarde SQLite, mais la base configurée est PostgreSQL" in output
    code, output = invoke(sqlite_app, "restore", str(from_postgres), "--yes")
    assert code == 1 and "sauvegarde PostgreSQL, mais la base configurée est SQLite" in output


def test_restore_asks_first(sqlite_app: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "kit.sauvegarde"
    assert invoke(sqlite_app, "create", str(backup))[0] == 0
    delete_user(sqlite_app, "awa@exemple.fr")
    code, output = invoke(sqlite_app, "restore", str(backup), input="n\n")
    assert code == 1 and "Restauration annulée : rien n'a changé." in output
    assert emails(sqlite_app) == []
    code, output = invoke(sqlite_app, "restore", str(backup), input="o\n")
    assert code == 0, output
    assert emails(sqlite_app) == ["awa@exemple.fr"]


def test_create_does_not_overwrite_without_force(sqlite_app: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "kit.sauvegarde"
    backup.write_text("précieux")
    code, output = invoke(sqlite_app, "create", str(backup))
    assert code == 1 and "existe déjà" in output and "--force" in output
    assert backup.read_text() == "précieux"
    assert invoke(sqlite_app, "create", str(backup), "--force")[0] == 0
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")


def test_sqlite_backup_is_one_file_while_the_database_is_open(sqlite_app: Flask, tmp_path: Path) -> None:
    # A connection holds the database open in WAL mode, as a running server does.
    with sqlite_app.app_context(), db.engine.connect() as live:
        live.execute(sa.text("SELECT 1"))
        backup = tmp_path / "kit.sauvegarde"
        assert invoke(sqlite_app, "create", str(backup))[0] == 0
    assert not (tmp_path / "kit.sauvegarde-wal").exists()
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT email FROM user_account").fetchall() == [("awa@exemple.fr",)]


def test_the_flask_command_line(tmp_path: Path, sqlite_app: Flask) -> None:
    url = sqlite_app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "LOG_LEVEL": "WARNING"}
    env.pop("FLASK_APP", None)
    backup = tmp_path / "kit.sauvegarde"
    flask = [sys.executable, "-m", "flask", "--app", "kit", "backup"]
    done = subprocess.run([*flask, "create", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    delete_user(sqlite_app, "awa@exemple.fr")
    done = subprocess.run([*flask, "restore", str(backup), "--yes"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert emails(sqlite_app) == ["awa@exemple.fr"]
    backup.write_bytes(b"abime")
    done = subprocess.run([*flask, "restore", str(backup), "--yes"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "n'est pas une sauvegarde du Kit" in done.stderr
