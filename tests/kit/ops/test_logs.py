"""Structured logs (kit/ops/logs.py): JSON or text lines on stderr, one access line per request."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kit.ops.logs import JsonFormatter, TextFormatter, parse_level, setup_logging
from tests.kit.ops.support import make_app


def record(message: str = "bonjour %s", args: tuple[Any, ...] = ("Awa",), **extra: Any) -> logging.LogRecord:
    """A log record as a logger would make it, with `extra=` fields."""
    made = logging.LogRecord("kit.essai", logging.WARNING, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def json_lines(err: str) -> list[dict[str, Any]]:
    """The JSON lines written on stderr (other lines, from other handlers, are ignored)."""
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def app_on(tmp_path: Path, **config: Any) -> Flask:
    """An app on an empty SQLite file (a /sante or a 404 needs no table)."""
    return make_app(f"sqlite:///{tmp_path / 'vide.sqlite3'}", **config)


def test_a_json_line_has_the_fields_and_the_extras() -> None:
    line = json.loads(JsonFormatter().format(record(status=200, path="/j")))
    assert line["message"] == "bonjour Awa"
    assert line["level"] == "WARNING" and line["logger"] == "kit.essai"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    assert isinstance(line["pid"], int)
    assert line["status"] == 200 and line["path"] == "/j"
    assert "exception" not in line


def test_an_exception_is_a_field_with_its_traceback() -> None:
    try:
        raise ValueError("raté")
    except ValueError:
        made = record("échec", ())
        made.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(made))
    assert line["message"] == "échec"
    assert line["exception"].startswith("Traceback") and "ValueError: raté" in line["exception"]
    assert "\n" not in JsonFormatter().format(made)  # one record, one line


def test_a_text_line_is_readable_with_its_fields() -> None:
    text = TextFormatter().format(record(status=404))
    assert "WARNING kit.essai [" in text and text.endswith("bonjour Awa status=404")


def test_levels_are_read_by_name_or_number() -> None:
    assert parse_level("debug") == logging.DEBUG
    assert parse_level("WARNING") == logging.WARNING
    assert parse_level(logging.ERROR) == logging.ERROR
    assert parse_level("bavard") == logging.INFO


def test_each_request_writes_one_access_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = app_on(tmp_path).test_client()
    capsys.readouterr()
    assert client.get("/introuvable?code=1").status_code == 404
    access = [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "kit.access"]
    assert len(access) == 1
    [line] = access
    assert (line["method"], line["path"], line["status"], line["remote_addr"]) == ("GET", "/introuvable", 404,
                                                                                   "127.0.0.1")
    assert line["level"] == "INFO" and line["message"] == "GET /introuvable 404"
    assert isinstance(line["duration_ms"], float)


def test_health_checks_and_static_files_only_at_debug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = app_on(tmp_path).test_client()
    capsys.readouterr()
    assert client.get("/sante").status_code == 200
    assert client.get("/static/vendor/socket.io.min.js").status_code == 200
    assert not [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "kit.access"]

    setup_logging("json", "DEBUG")  # as a process started with LOG_LEVEL=DEBUG
    try:
        capsys.readouterr()
        client.get("/sante")
        [line] = [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "kit.access"]
        assert line["level"] == "DEBUG" and line["path"] == "/sante"
    finally:
        setup_logging("json", "INFO")


def test_an_unhandled_error_is_logged_with_its_traceback(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    app = app_on(tmp_path)

    @app.get("/essai-panne")
    def broken() -> str:
        raise RuntimeError("panne d'essai")

    client = app.test_client()
    capsys.readouterr()
    assert client.get("/essai-panne").status_code == 500
    lines = json_lines(capsys.readouterr().err)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["message"] == "erreur non gérée"
    assert "RuntimeError: panne d'essai" in error["exception"]
    assert [line["status"] for line in lines if line["logger"] == "kit.access"] == [500]


@pytest.fixture
def text_logs() -> Iterator[None]:
    """The process's logs in text, as run.py at a terminal; back to JSON afterwards."""
    setup_logging("text", "INFO")
    yield
    setup_logging("json", "INFO")


@pytest.mark.usefixtures("text_logs")
def test_text_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = app_on(tmp_path).test_client()
    capsys.readouterr()
    client.get("/introuvable")
    err = capsys.readouterr().err
    assert not json_lines(err)
    assert "INFO kit.access [" in err and "GET /introuvable 404 method=GET path=/introuvable status=404" in err


@pytest.mark.usefixtures("text_logs")
def test_another_app_does_not_change_the_process_logging(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = app_on(tmp_path, LOG_FORMAT="json", LOG_LEVEL="ERROR").test_client()
    capsys.readouterr()
    client.get("/introuvable")
    err = capsys.readouterr().err
    assert not json_lines(err) and "GET /introuvable 404" in err


def test_one_handler_however_many_apps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app_on(tmp_path)
    client = app_on(tmp_path).test_client()  # a second app keeps the process's one handler
    capsys.readouterr()
    client.get("/introuvable")
    assert len([line for line in json_lines(capsys.readouterr().err) if line["logger"] == "kit.access"]) == 1
