"""Logs on stderr: one JSON object per line (LOG_FORMAT=json), plain text (text), or short French lines for a
person at a terminal (human). The default, `auto`, is `human` when stderr is a terminal and `json` otherwise.

A line has `time` (ISO 8601, UTC), `level`, `logger`, `message` and `pid`; an exception adds its
traceback as `exception`; an HTTP request adds `method`, `path`, `status`, `duration_ms` and
`remote_addr` (one access line per request, written by the app itself, not by the server in front).
Operators' guide: docs/operations.md.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, g, request

ACCESS_LOGGER = "kit.access"
# Requests that would drown the useful lines at INFO: load balancers poll /sante, pages load assets.
QUIET_PREFIXES = ("/static/", "/sante")
# Libraries' loggers kept at WARNING or above: their INFO lines repeat ours (access) or are chatter.
QUIET_LOGGERS = {"geventwebsocket.handler": logging.WARNING, "socketio.server": logging.ERROR,
                 "engineio.server": logging.ERROR, "alembic.runtime.plugins": logging.WARNING}
# Attributes every LogRecord has: anything else on a record was passed with `extra=` and is a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line; `extra=` fields are kept as they are."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        entry.update(extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal: time, level, logger, pid, message, then key=value fields."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = extra_fields(record)
        if not fields:
            return line
        first, newline, rest = line.partition("\n")  # the traceback, if any, stays below the fields
        return first + " " + " ".join(f"{key}={value}" for key, value in fields.items()) + newline + rest


HUMAN_PREFIXES = {logging.WARNING: "Attention : ", logging.ERROR: "Erreur : ", logging.CRITICAL: "Erreur : "}


class HumanFormatter(logging.Formatter):
    """Short lines for the animator at a terminal: the time and the message, « Attention » or « Erreur » first."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", datefmt="%H:%M:%S")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = HUMAN_PREFIXES.get(record.levelno, "") + record.message
        return super().formatMessage(record)


class OperatorsOnly(logging.Filter):
    """At a terminal, the lines meant for operators (each request, pauses, stalls) stay out below ERROR.

    A non-developer who starts the Kit read « WARNING … pause du ramasse-miettes : 159 ms » as a fault;
    LOG_FORMAT=text or json shows everything.
    """

    TECHNICAL = ("kit.access", "kit.gc", "kit.hub", "kit.sqlite", "alembic", "gevent", "geventwebsocket")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not record.name.startswith(self.TECHNICAL)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields given to a log call with `extra=`."""
    return {key: value for key, value in vars(record).items()
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_")}


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record comes, not to the one at creation.

    Test runners swap sys.stderr for each test; a handler holding an old one would write to a closed file.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def chosen_format(log_format: str | None = None) -> str:
    """`json`, `text` or `human`: LOG_FORMAT, where `auto` (the default) is `human` at a terminal, else `json`."""
    chosen = (log_format or os.environ.get("LOG_FORMAT") or "auto").strip().lower()
    if chosen == "auto":
        return "human" if _is_terminal(sys.stderr) else "json"
    return chosen if chosen in ("json", "text", "human") else "json"


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced by a test runner, or closed
        return False


def make_handler(log_format: str | None = None) -> logging.Handler:
    """A stderr handler in LOG_FORMAT (chosen_format); also used by deploy/gunicorn.conf.py."""
    chosen = chosen_format(log_format)
    handler = StderrHandler()
    handler.setFormatter({"text": TextFormatter, "human": HumanFormatter}.get(chosen, JsonFormatter)())
    if chosen == "human":
        handler.addFilter(OperatorsOnly())
    return handler


def parse_level(value: object) -> int:
    """A level from its name ("INFO", "debug") or number; INFO when unknown."""
    if isinstance(value, int):
        return value
    level = logging.getLevelNamesMapping().get(str(value or "INFO").strip().upper())
    return level if level is not None else logging.INFO


def setup_logging(log_format: str | None = None, level: object = None) -> None:
    """Send every log line of the process to stderr in `log_format`, from `level` up.

    A process-wide setting: the entry points call it (run.py through the first app, gunicorn through its
    logconfig_dict), and building another app does not change it. Calling it again replaces the handler.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, StderrHandler):  # ours, from an earlier call or gunicorn's logconfig_dict
            root.removeHandler(handler)
    root.addHandler(make_handler(log_format))
    root.setLevel(parse_level(level))
    for name, quiet_level in QUIET_LOGGERS.items():
        quiet = logging.getLogger(name)
        quiet.setLevel(max(quiet_level, root.level))
        # python-socketio adds a bare StreamHandler when it finds none: lines would appear twice.
        for handler in list(quiet.handlers):
            if type(handler) is logging.StreamHandler:
                quiet.removeHandler(handler)


def logging_is_set_up() -> bool:
    """Whether this process already writes its logs through our stderr handler."""
    return any(isinstance(handler, StderrHandler) for handler in logging.getLogger().handlers)


def init_logging(app: Flask) -> None:
    """The app's part of logging: its lines through the process's handler, and one line per request.

    The process's handler is set up by the first app only, in LOG_FORMAT and LOG_LEVEL (setup_logging).
    """
    if not logging_is_set_up():
        setup_logging(app.config.get("LOG_FORMAT"), app.config.get("LOG_LEVEL"))
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # the root handler writes everything, once
    # Alembic's fileConfig (migrations/env.py) disables the loggers that exist when it runs.
    for name in (app.logger.name, ACCESS_LOGGER):
        logging.getLogger(name).disabled = False
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer() -> None:
    g.kit_request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """One access line per request; /static/ and /sante only at DEBUG while they succeed."""
    started = g.get("kit_request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    path = request.path
    quiet = path.startswith(QUIET_PREFIXES) and response.status_code < 400
    level = logging.DEBUG if quiet else logging.INFO
    logger = logging.getLogger(ACCESS_LOGGER)
    if logger.isEnabledFor(level):
        logger.log(level, "%s %s %s", request.method, path, response.status_code,
                   extra={"method": request.method, "path": path, "status": response.status_code,
                          "duration_ms": duration, "remote_addr": request.remote_addr})
    return response
