"""Configuration read from the environment, with safe defaults for one laptop."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask


class Config:
    """Defaults; every value can be overridden by an environment variable of the same name."""

    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SOCKETIO_MESSAGE_QUEUE: str | None = os.environ.get("SOCKETIO_MESSAGE_QUEUE")
    MODULES_DIR: str = os.environ.get("MODULES_DIR", str(Path(__file__).resolve().parent.parent / "modules"))
    RATELIMIT_STORAGE_URI: str = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED: bool = True
    RATELIMIT_ENABLED: bool = os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false"
    # Where phones reach this server, e.g. "http://192.168.1.20:5000"; found from the LAN when empty.
    JOIN_BASE_URL: str | None = os.environ.get("JOIN_BASE_URL")
    PASSWORD_HASH_METHOD: str = "scrypt"
    GROUP_MAX_PARTICIPANTS: int = int(os.environ.get("GROUP_MAX_PARTICIPANTS", "30"))
    SOCKETIO_ASYNC_MODE: str | None = os.environ.get("SOCKETIO_ASYNC_MODE")  # gevent when installed
    # How often, at most, the animators' roster and results are refreshed while answers arrive.
    LIVE_REFRESH_SECONDS: float = float(os.environ.get("LIVE_REFRESH_SECONDS", "0.5"))
    # From this many phones in a session (on one process), the animators' state and roster are sent
    # ANIMATORS_AFTER seconds after the phones' frames, not before: building the roster of hundreds of
    # participants would slow the fan-out (kit/live/fanout.py, docs/performance.md). 0: never.
    LIVE_LARGE_ROOM: int = int(os.environ.get("LIVE_LARGE_ROOM", "100"))
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
    IMAGE_MAX_BYTES: int = int(os.environ.get("IMAGE_MAX_BYTES", str(1024 * 1024)))
    IMPORT_MAX_BYTES: int = 20 * 1024 * 1024
    IMPORT_MAX_FILES: int = 300
    # Open Badges. Every badge identifier is built on PUBLIC_BASE_URL, the address where this server
    # is reachable from the Internet (e.g. "https://kit.example.org"): never a laptop's LAN address,
    # or nobody could verify the badge once the laptop is off. No badge is issued while it is unset.
    PUBLIC_BASE_URL: str | None = os.environ.get("PUBLIC_BASE_URL")
    # Tests serve on 127.0.0.1, the only address the offline validators fetch: they allow loopback.
    BADGES_ALLOW_LOOPBACK: bool = os.environ.get("BADGES_ALLOW_LOOPBACK", "false").lower() == "true"
    BADGE_ISSUER_NAME: str = os.environ.get("BADGE_ISSUER_NAME", "Kit Animateur — programme « Bases du smartphone »")
    BADGE_ISSUER_EMAIL: str | None = os.environ.get("BADGE_ISSUER_EMAIL")
    BADGE_ISSUER_URL: str | None = os.environ.get("BADGE_ISSUER_URL")  # the issuer's website; PUBLIC_BASE_URL if unset
    # The issuer's Ed25519 key (PEM), generated at first run; instance/badge_signing_key.pem if unset.
    BADGE_SIGNING_KEY_FILE: str | None = os.environ.get("BADGE_SIGNING_KEY_FILE")
    # Logs on stderr (kit/ops/logs.py, docs/operations.md): "json", one object per line for a log collector,
    # or "text" for a person at a terminal; and the lowest level written (DEBUG, INFO, WARNING, ERROR).
    # How many reverse proxies (nginx) stand in front of the app: their X-Forwarded-For/-Proto/-Host are
    # then believed, so that rate limits count each phone's own address. 0 (a laptop): believe none.
    TRUSTED_PROXIES: int = int(os.environ.get("TRUSTED_PROXIES", "0"))
    LOG_FORMAT: str = os.environ.get("LOG_FORMAT", "json")
    # The server process's garbage collector: start-up objects frozen, fewer young collections
    # (kit/ops/collector.py). "false" keeps Python's defaults, to compare.
    GC_TUNING: bool = os.environ.get("GC_TUNING", "true").lower() != "false"
    GC_SLOW_PAUSE_MS: float = float(os.environ.get("GC_SLOW_PAUSE_MS", "50"))  # longer pauses are logged
    LOG_LEVEL: str = os.environ.get("LOG_LEVEL", "INFO")


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Load defaults, the environment, then the tests' overrides."""
    app.config.from_object(Config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "kit.sqlite3")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret(Path(app.instance_path))
    if not app.config.get("BADGE_SIGNING_KEY_FILE"):
        app.config["BADGE_SIGNING_KEY_FILE"] = str(Path(app.instance_path) / "badge_signing_key.pem")
    from kit.badges.openbadges.keys import load_or_create_key

    load_or_create_key(Path(app.config["BADGE_SIGNING_KEY_FILE"]))  # the issuer's key, made at first run


def _instance_secret(instance: Path) -> str:
    """A secret generated at first run and kept in the instance folder, never in git."""
    path = instance / "secret_key"
    if not path.exists():
        # Exclusive creation: processes starting together must all end up with the same secret,
        # or a cookie signed by one would be refused by the others.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    secret = path.read_text().strip()
    if not secret:  # read while another process was writing it
        time.sleep(0.2)
        secret = path.read_text().strip()
    return secret
