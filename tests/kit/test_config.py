"""Configuration is read when an app is built, and building an app creates no secret."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from kit import create_app
from kit.config import from_environment, missing_server_packages
from kit.ops.instance import prepare_instance


def bare_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **config: object) -> Flask:
    """An app whose instance folder is a fresh one in tmp_path, without a SECRET_KEY given."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kit.sqlite3'}", **config})


def test_the_environment_is_read_when_the_app_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUP_MAX_PARTICIPANTS", "12")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("LIVE_REFRESH_SECONDS", "0.25")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://kit.exemple.fr")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["GROUP_MAX_PARTICIPANTS"] == 12 and app.config["RATELIMIT_ENABLED"] is False
    assert app.config["LIVE_REFRESH_SECONDS"] == 0.25 and app.config["PUBLIC_BASE_URL"] == "https://kit.exemple.fr"
    monkeypatch.setenv("GROUP_MAX_PARTICIPANTS", "20")  # changed after the first app: the next one sees it
    later = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert later.config["GROUP_MAX_PARTICIPANTS"] == 20


def test_values_take_the_type_of_their_default() -> None:
    settings = from_environment({"DATABASE_URL": "postgresql://h/db", "GC_TUNING": "non", "TRUSTED_PROXIES": "1",
                                 "GC_SLOW_PAUSE_MS": "80", "JOIN_BASE_URL": "", "UNRELATED": "1"})
    assert settings == {"SQLALCHEMY_DATABASE_URI": "postgresql://h/db", "GC_TUNING": False, "TRUSTED_PROXIES": 1,
                        "GC_SLOW_PAUSE_MS": 80.0}


def test_a_number_that_does_not_parse_names_its_variable() -> None:
    with pytest.raises(ValueError, match="LIVE_LARGE_ROOM='beaucoup' : un nombre est attendu"):
        from_environment({"LIVE_LARGE_ROOM": "beaucoup"})


def test_building_an_app_creates_no_secret_and_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = bare_app(tmp_path, monkeypatch)
    assert app.config["SECRET_KEY"] is None
    assert not (tmp_path / "instance" / "secret_key").exists()
    assert not Path(app.config["BADGE_SIGNING_KEY_FILE"]).exists()


def test_the_first_start_makes_them_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = bare_app(tmp_path, monkeypatch)
    prepare_instance(app)
    secret, key = app.config["SECRET_KEY"], Path(app.config["BADGE_SIGNING_KEY_FILE"]).read_bytes()
    assert len(secret) == 64
    again = bare_app(tmp_path, monkeypatch)  # a later start reads them, and makes nothing new
    assert again.config["SECRET_KEY"] == secret
    prepare_instance(again)
    assert Path(again.config["BADGE_SIGNING_KEY_FILE"]).read_bytes() == key


def test_flask_setup_makes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = bare_app(tmp_path, monkeypatch)
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "secret_key").exists() and Path(app.config["BADGE_SIGNING_KEY_FILE"]).exists()


@pytest.mark.parametrize(("setting", "value", "module"), [
    ("SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://kit@127.0.0.1/kit", "psycopg"),
    ("SOCKETIO_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0", "redis"),
    ("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/1", "redis"),
])
def test_a_setting_whose_package_is_missing_stops_the_start_in_french(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: str, module: str) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == module else real_find_spec(name, *args))
    with pytest.raises(RuntimeError) as refused:
        bare_app(tmp_path, monkeypatch, **{setting: value})
    message = str(refused.value)
    assert f"Il manque des paquets pour ces réglages : {module} (pour " in message
    assert "kit@" not in message  # the URL's user and password are not repeated
    assert "Installez l'extra « server » du Kit : pip install -e '.[server]'" in message
    bare_app(tmp_path, monkeypatch)  # SQLite and one process: nothing of the extra is needed


def test_a_bare_postgresql_url_names_its_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    driver = make_url("postgresql://h/kit").get_driver_name()  # SQLAlchemy's default: psycopg2, psycopg from 2.1
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    assert missing_server_packages({"SQLALCHEMY_DATABASE_URI": "postgresql://kit:secret@h/kit",
                                    "SOCKETIO_MESSAGE_QUEUE": None}) == [f"{driver} (pour DATABASE_URL=postgresql://…)"]
