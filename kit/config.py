"""Configuration: safe defaults for one laptop, overridden by the environment when an app is built."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask
from sqlalchemy.engine import make_url

from kit.ops.instance import is_demo, read_secret


class Config:
    """Defaults. Each can be overridden by an environment variable of the same name (ENVIRONMENT says which).

    Nothing here reads the environment: `load_config` does, each time an app is built.
    """

    SQLALCHEMY_DATABASE_URI: str | None = None  # env DATABASE_URL; instance/kit.sqlite3 when unset
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    MODULES_DIR: str = str(Path(__file__).resolve().parent.parent / "modules")
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_HEADERS_ENABLED: bool = True
    RATELIMIT_ENABLED: bool = True
    # Where phones reach this server, e.g. "http://192.168.1.20:5000"; found from the LAN when empty.
    JOIN_BASE_URL: str | None = None
    PASSWORD_HASH_METHOD: str = "scrypt"
    GROUP_MAX_PARTICIPANTS: int = 30
    COURSE_MAX_CAPACITY: int = 12  # the most seats of a course offer (kit/courses/offers.py)
    SOCKETIO_ASYNC_MODE: str | None = None  # gevent when installed
    # How often, at most, the animators' roster and results are refreshed while answers arrive.
    LIVE_REFRESH_SECONDS: float = 0.5
    # From this many phones in a session (on one process), the animators' state and roster are sent
    # ANIMATORS_AFTER seconds after the phones' frames, not before: building the roster of hundreds of
    # participants would slow the fan-out (kit/live/fanout.py, docs/performance.md). 0: never.
    LIVE_LARGE_ROOM: int = 100
    WORKER_HEARTBEAT: bool = True
    SOCKETIO_CORS_ORIGINS: str | list[str] | None = None  # same origin only
    WTF_I18N_ENABLED: bool = False  # WTForms' own French translations (kit.forms.Form), no Babel needed
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    COMPRESS_MIMETYPES: ClassVar[list[str]] = ["text/html", "text/css", "text/javascript", "application/javascript",
                                               "application/json", "image/svg+xml"]
    COMPRESS_ALGORITHM: ClassVar[list[str]] = ["gzip"]
    COMPRESS_MIN_SIZE: int = 500
    SEND_FILE_MAX_AGE_DEFAULT: int = 3600
    MAX_CONTENT_LENGTH: int = 2 * 1024 * 1024
    # The editor: one module's markdown, one uploaded image, one zip of modules to import.
    MODULE_MAX_BYTES: int = 512 * 1024
    IMAGE_MAX_BYTES: int = 1024 * 1024
    IMPORT_MAX_BYTES: int = 20 * 1024 * 1024
    IMPORT_MAX_FILES: int = 300
    # Open Badges. Every badge identifier is built on PUBLIC_BASE_URL, the address where this server
    # is reachable from the Internet (e.g. "https://kit.example.org"): never a laptop's LAN address,
    # or nobody could verify the badge once the laptop is off. No badge is issued while it is unset.
    PUBLIC_BASE_URL: str | None = None
    # A demo instance (`flask setup --demo` writes instance/demo) issues trial badges while PUBLIC_BASE_URL is
    # unset: on http://localhost:PORT, each page saying they cannot be verified off this computer
    # (kit/badges/trial.py, docs/badges.md). Read from instance/demo at each start unless the environment sets it.
    BADGES_TRIAL: bool = False
    BADGES_TRIAL_URL: str = "http://localhost:5000"  # derived from PORT (run.py's) at each start
    # Tests serve on 127.0.0.1, the only address the offline validators fetch: they allow loopback.
    BADGES_ALLOW_LOOPBACK: bool = False
    BADGE_ISSUER_NAME: str = "Kit Animateur — programme « Bases du smartphone »"
    BADGE_ISSUER_EMAIL: str | None = None
    BADGE_ISSUER_URL: str | None = None  # the issuer's website; PUBLIC_BASE_URL if unset
    # The issuer's Ed25519 key (PEM), made by `flask setup` or the first start; instance/badge_signing_key.pem if unset.
    BADGE_SIGNING_KEY_FILE: str | None = None
    # How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For/-Proto/-Host are
    # then believed, so that rate limits count each phone's own address. 0 (a laptop): believe none.
    TRUSTED_PROXIES: int = 0
    # Behind HTTPS (X-Forwarded-Proto: https from a trusted proxy), how long browsers must keep to HTTPS
    # (Strict-Transport-Security, in seconds; kit/ops/headers.py). 0: no HSTS. Never sent over plain HTTP.
    HSTS_MAX_AGE: int = 31_536_000
    # GET /sante gives its details (host, pid, version, checks) to the loopback, and to whoever sends this
    # token (header X-Health-Token or ?token=); others get the state only. Empty: loopback only.
    HEALTH_TOKEN: str | None = None
    # Socket.IO's limits (docs/protocol.md, docs/operations.md; kit/live/gate.py). Connections at once in one
    # process (gevent's pool, gunicorn's worker_connections); per address, a room behind one NAT included;
    # the last ones kept for /sante and the animators' windows; refused connection attempts to /participant
    # per address (a wrong code, or no name chosen yet), as the join pages' limits.
    MAX_CONNECTIONS: int = 2000
    SOCKET_PER_ADDRESS: int = 60
    SOCKET_RESERVE: int = 100
    SOCKET_CONNECT_LIMIT: str = "30 per minute;300 per hour"
    # Logs on stderr (kit/ops/logs.py, docs/operations.md): "json", one object per line for a log collector;
    # "text", every line readable; "human", short French lines for the animator; "auto": human at a terminal,
    # json otherwise. And the lowest level written (DEBUG, INFO, WARNING, ERROR).
    LOG_FORMAT: str = "auto"
    LOG_LEVEL: str = "INFO"
    # The server process's garbage collector: start-up objects frozen, fewer young collections
    # (kit/ops/collector.py). "false" keeps Python's defaults, to compare.
    GC_TUNING: bool = True
    GC_SLOW_PAUSE_MS: float = 50  # longer pauses are logged
    # Stalls of the event loop longer than this are logged with their stack (kit/ops/stalls.py); 0: not watched.
    HUB_STALL_MS: float = 100
    # At start, the server applies the migrations the database lacks and imports new shipped modules
    # (kit/ops/schema.py). "false" for an operator who migrates by hand (`flask --app kit setup`).
    AUTO_MIGRATE: bool = True
    # SQLite: seconds between the WAL checkpoints that a native thread does for the server process
    # (kit/ops/checkpoints.py); 0 leaves them to SQLite, inside the commits, where they hold the event loop.
    SQLITE_CHECKPOINT_SECONDS: float = 1.0
    # What a session counts for (kit/reports/rules.py, docs/badges.md): a half-day once it lasted
    # HALF_DAY_MIN_MINUTES (real or corrected duration) and its attendance was confirmed; at most
    # HALF_DAY_MAX_MINUTES of it counted; a phone connected ATTENDANCE_PRETICK_MINUTES is pre-ticked.
    HALF_DAY_MIN_MINUTES: int = 120
    HALF_DAY_MAX_MINUTES: int = 300
    ATTENDANCE_PRETICK_MINUTES: int = 30
    # The diagnostic (docs/diagnostic.md): an employee record untouched for this many months (no diagnostic,
    # no change) is anonymised by `flask diagnostic anonymise`; 24 months, the longest insertion pathway.
    DIAGNOSTIC_RETENTION_MONTHS: int = 24
    # The interview guide and its scoring rules; the files shipped in kit/diagnostic/ when unset.
    DIAGNOSTIC_GUIDE_FILE: str | None = None
    DIAGNOSTIC_SCORING_FILE: str | None = None
    # E-mail (kit/ops/smtp.py, kit/ops/outbox.py, docs/deploy.md). Without MAIL_SERVER nothing is sent: the
    # messages are kept in the outbox as « non envoyé », and the pages that queue one say so.
    # MAIL_SECURITY: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on the machine, port 25).
    MAIL_SERVER: str | None = None
    MAIL_PORT: int = 587
    MAIL_SECURITY: str = "starttls"
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM: str | None = None  # "Kit Animateur <kit@example.org>"; MAIL_USERNAME when unset
    MAIL_TIMEOUT: float = 30.0  # seconds an SMTP exchange may wait, in the background sender only
    MAIL_MAX_ATTEMPTS: int = 6  # then the message is « échec » (about a day of retries)
    MAIL_SEND_SECONDS: float = 30.0  # seconds between two passes of the serving process's sender; 0: cron only
    MAIL_KEEP_DAYS: int = 90  # then a message sent, failed or unsent is deleted (it names people); 0: kept


# The settings read from the environment, by variable name (the same as the setting, but DATABASE_URL).
ENVIRONMENT: dict[str, str] = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    **{name: name for name in ("SOCKETIO_MESSAGE_QUEUE", "MODULES_DIR", "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED",
                               "JOIN_BASE_URL", "GROUP_MAX_PARTICIPANTS", "COURSE_MAX_CAPACITY", "SOCKETIO_ASYNC_MODE",
                               "LIVE_REFRESH_SECONDS", "LIVE_LARGE_ROOM", "IMAGE_MAX_BYTES", "PUBLIC_BASE_URL",
                               "BADGES_ALLOW_LOOPBACK", "BADGES_TRIAL", "BADGE_ISSUER_NAME", "BADGE_ISSUER_EMAIL",
                               "BADGE_ISSUER_URL", "BADGE_SIGNING_KEY_FILE", "TRUSTED_PROXIES", "MAX_CONNECTIONS",
                               "SOCKET_PER_ADDRESS", "SOCKET_RESERVE", "SOCKET_CONNECT_LIMIT", "LOG_FORMAT",
                               "LOG_LEVEL", "GC_TUNING", "GC_SLOW_PAUSE_MS", "HUB_STALL_MS", "AUTO_MIGRATE",
                               "SQLITE_CHECKPOINT_SECONDS",
                               "SECRET_KEY", "HSTS_MAX_AGE", "HEALTH_TOKEN",
                               "HALF_DAY_MIN_MINUTES", "HALF_DAY_MAX_MINUTES", "ATTENDANCE_PRETICK_MINUTES",
                               "DIAGNOSTIC_RETENTION_MONTHS", "DIAGNOSTIC_GUIDE_FILE", "DIAGNOSTIC_SCORING_FILE",
                               "MAIL_SERVER", "MAIL_PORT", "MAIL_SECURITY", "MAIL_USERNAME", "MAIL_PASSWORD",
                               "MAIL_FROM", "MAIL_TIMEOUT", "MAIL_MAX_ATTEMPTS", "MAIL_SEND_SECONDS",
                               "MAIL_KEEP_DAYS")},
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings that `environ` sets, converted to the type of their default.

    A boolean is false only for "false", "0", "no" or "non"; a number that does not parse is an error
    that names the variable.
    """
    settings: dict[str, Any] = {}
    for variable, name in ENVIRONMENT.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        default = getattr(Config, name, None)
        try:
            if isinstance(default, bool):
                settings[name] = raw.strip().lower() not in ("false", "0", "no", "non")
            elif isinstance(default, int):
                settings[name] = int(raw)
            elif isinstance(default, float):
                settings[name] = float(raw)
            else:
                settings[name] = raw
        except ValueError:
            raise ValueError(f"{variable}={raw!r} : un nombre est attendu") from None
    return settings


# The URL schemes served by the `redis` package: the Socket.IO message queue's and flask-limiter's.
REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+")
SERVER_EXTRA = "pip install -e '.[server]'"


def missing_server_packages(config: Mapping[str, Any]) -> list[str]:
    """What the settings need of the `server` extra (pyproject.toml) that is not installed, each with its reason."""
    needs: list[tuple[str, str]] = []
    database = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if database.startswith("postgresql"):
        url = make_url(database)  # a bare postgresql:// means SQLAlchemy's default driver
        needs.append((url.get_driver_name(), f"DATABASE_URL={url.drivername}://…"))
    for setting in ("SOCKETIO_MESSAGE_QUEUE", "RATELIMIT_STORAGE_URI"):
        value = str(config.get(setting) or "")
        if value.startswith(REDIS_SCHEMES):
            needs.append(("redis", f"{setting}={value.split('://', 1)[0]}://…"))
    return [f"{module} (pour {reason})" for module, reason in needs if importlib.util.find_spec(module) is None]


def check_server_packages(config: Mapping[str, Any]) -> None:
    """Refuse to start, in French, when a setting needs a package that is not installed.

    Without this, a missing driver shows only at the first request or the first live message.
    """
    missing = missing_server_packages(config)
    if missing:
        raise RuntimeError(f"Il manque des paquets pour ces réglages : {', '.join(missing)}. Installez l'extra "
                           f"« server » du Kit : {SERVER_EXTRA} (docs/deploy.md). Le pilote de PostgreSQL est "
                           "psycopg 3 : écrivez DATABASE_URL=postgresql+psycopg://….")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then the environment as it is now, then the tests' overrides. Creates nothing."""
    app.config.from_object(Config)
    environment = from_environment(os.environ)
    app.config.update(environment)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # where SQLite's file goes
    if "BADGES_TRIAL" not in environment:
        app.config["BADGES_TRIAL"] = is_demo(Path(app.instance_path))
    port = os.environ.get("PORT", "").strip()
    app.config["BADGES_TRIAL_URL"] = f"http://localhost:{port if port.isdigit() else 5000}"
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "kit.sqlite3")
    if test_config:
        app.config.update(test_config)
    check_server_packages(app.config)
    if str(app.config["MAIL_SECURITY"]).lower() not in ("starttls", "ssl", "none"):
        raise ValueError(f"MAIL_SECURITY={app.config['MAIL_SECURITY']!r} : "
                         "« starttls », « ssl » ou « none » est attendu")
    if not app.config.get("SECRET_KEY"):
        # Made once by `flask setup` or the first start (kit/ops/instance.py), never here.
        app.config["SECRET_KEY"] = read_secret(Path(app.instance_path))
    if not app.config.get("BADGE_SIGNING_KEY_FILE"):
        app.config["BADGE_SIGNING_KEY_FILE"] = str(Path(app.instance_path) / "badge_signing_key.pem")
