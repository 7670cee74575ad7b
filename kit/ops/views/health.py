"""GET /sante: is this process able to serve? For load balancers, systemd and people on call.

200 {"etat": "ok", ...} when the database answers a `SELECT 1` and, when several processes share
the Socket.IO message queue (SOCKETIO_MESSAGE_QUEUE=redis://…), Redis answers a PING; 503 with
{"etat": "erreur", ...} and the failing part otherwise. Cheap enough to be polled every second:
no session, no template, no write. Operators' guide: docs/operations.md.

Anyone gets the state; the details (version, pid, host name, the checks) only the loopback or whoever
sends HEALTH_TOKEN: they tell an attacker what runs where.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import socket
import time
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, request

from kit.extensions import csrf, db, limiter

bp = Blueprint("health", __name__)
# Load balancers poll often and post no form: neither a CSRF token nor a rate limit applies.
csrf.exempt(bp)
limiter.exempt(bp)

REDIS_TIMEOUT_SECONDS = 0.5  # a health check that hangs is worse than one that says "erreur"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@cache
def app_version() -> str:
    """The installed version of Kit Animateur (pyproject.toml)."""
    try:
        return version("kit-animateur")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "inconnue"


def check_database() -> None:
    """Raise when the database does not answer."""
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def check_redis() -> None:
    """Raise when the Socket.IO message queue's Redis does not answer a PING."""
    _redis_client(current_app.config["SOCKETIO_MESSAGE_QUEUE"]).ping()


@cache
def _redis_client(url: str) -> Any:
    """One client (and its connection pool) per URL, so that a check costs a PING, not a connection."""
    import redis  # only needed with a message queue
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # One retry at once: a pooled connection that Redis closed while idle is replaced, nothing more.
    return redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_timeout=REDIS_TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 1))


def _run(name: str, check: Callable[[], None]) -> dict[str, Any]:
    """A check's state and duration; the error's type only, so that no address or password leaks."""
    started = time.perf_counter()
    try:
        check()
    except Exception as error:
        # No traceback: a load balancer polling a dead database would fill the logs with them.
        current_app.logger.warning("santé : %s en échec (%s: %s)", name, type(error).__name__, error)
        result: dict[str, Any] = {"etat": "erreur", "erreur": type(error).__name__}
    else:
        result = {"etat": "ok"}
    result["duree_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _worker_id() -> str | None:
    """This process's presence worker id, if it has one yet (read only: a check registers nothing)."""
    return current_app.extensions.get("kit_worker", {}).get("id")


@bp.get("/sante")
def health() -> tuple[Response, int]:
    """The state of this process and of what it depends on."""
    checks = {"base": _run("base", check_database)}
    queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue:
        checks["redis"] = _run("redis", check_redis) if queue.startswith(REDIS_SCHEMES) else {"etat": "non vérifié"}
    ok = all(check["etat"] != "erreur" for check in checks.values())
    body: dict[str, Any] = {"etat": "ok" if ok else "erreur"}
    if _may_see_details():
        body |= {"version": app_version(), "pid": os.getpid(), "worker": _worker_id(), "hote": socket.gethostname(),
                 "verifications": checks}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ok else 503


def _may_see_details() -> bool:
    """The loopback (systemd, a person on the server, a proxy's own check), or the HEALTH_TOKEN's holder.

    Behind a proxy, the loopback is the proxy itself unless TRUSTED_PROXIES says to believe X-Forwarded-For.
    """
    try:
        if ipaddress.ip_address(request.remote_addr or "").is_loopback:
            return True
    except ValueError:
        pass
    expected = current_app.config.get("HEALTH_TOKEN")
    given = request.headers.get("X-Health-Token") or request.args.get("token") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())
