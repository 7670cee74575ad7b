"""The door of Socket.IO: how many connections one address may hold, and room kept for everyone else.

Counted in the server process (run.py's Handler, also gunicorn's), before a WebSocket is upgraded: an
application behind it could only answer after the upgrade. What is counted is Socket.IO requests in
progress; a WebSocket is one for its whole life, a long-polling phone about one.

- SOCKET_PER_ADDRESS per address (429): a room behind one NAT is at most GROUP_MAX_PARTICIPANTS phones,
  each briefly counted twice while it moves from long-polling to WebSocket, plus the animator's windows.
- Beyond MAX_CONNECTIONS - SOCKET_RESERVE in all (503), only signed-in accounts (the animators' windows)
  get in; plain pages, /sante among them, are never counted, so that the last SOCKET_RESERVE connections
  of the server's pool stay for them.

Behind TRUSTED_PROXIES, the address is the one werkzeug's ProxyFix finds in X-Forwarded-For, as for the
rate limits of the pages.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.http import parse_cookie
from werkzeug.middleware.proxy_fix import ProxyFix

from kit.extensions import limiter

SOCKETIO_PATH = "/socket.io"
COUNTED = "kit.gate.address"  # environ key: this request was counted, under this address


class Refusal(NamedTuple):
    """An HTTP answer given instead of the connection."""

    status: str
    message: str


TOO_MANY = Refusal("429 Too Many Requests", "Trop de connexions depuis cette adresse. Fermez des onglets, "
                                            "ou attendez une minute, puis réessayez.")
FULL = Refusal("503 Service Unavailable", "Le serveur est complet pour le moment. Réessayez dans une minute.")

_by_address: Counter[str] = Counter()
_total = 0


def client_address(environ: dict[str, Any], trusted_proxies: int) -> str:
    """The client's address, through ProxyFix's own reading of X-Forwarded-For when proxies are trusted."""
    if not trusted_proxies:
        return str(environ.get("REMOTE_ADDR") or "")
    seen: dict[str, Any] = {}

    def capture(env: dict[str, Any], _start: Any) -> list[bytes]:
        seen["address"] = env.get("REMOTE_ADDR")
        return []

    ProxyFix(capture, x_for=trusted_proxies)(dict(environ), lambda *_: None)  # type: ignore[arg-type]
    return str(seen.get("address") or "")


def enter(app: Any, environ: dict[str, Any]) -> Refusal | None:
    """Count a Socket.IO request in, or say why not (nothing counted then). Other paths pass freely."""
    global _total
    if not environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
        return None
    config = app.config
    address = client_address(environ, config["TRUSTED_PROXIES"])
    if _by_address[address] >= config["SOCKET_PER_ADDRESS"]:
        return TOO_MANY
    if _total >= config["MAX_CONNECTIONS"] - config["SOCKET_RESERVE"] and not _signed_in(app, environ):
        return FULL
    _by_address[address] += 1
    _total += 1
    environ[COUNTED] = address
    return None


def leave(environ: dict[str, Any]) -> None:
    """The request is over (for a WebSocket: the connection)."""
    global _total
    address = environ.pop(COUNTED, None)
    if address is None:
        return
    _total -= 1
    _by_address[address] -= 1
    if _by_address[address] <= 0:
        del _by_address[address]


def counts() -> tuple[int, int]:
    """Socket.IO requests in progress, and how many addresses hold them (for tests and /sante)."""
    return _total, len(_by_address)


def _signed_in(app: Any, environ: dict[str, Any]) -> bool:
    """Whether the request carries the session cookie of a signed-in account (read only when nearly full)."""
    cookie = parse_cookie(environ).get(app.config.get("SESSION_COOKIE_NAME", "session"))
    serializer = app.session_interface.get_signing_serializer(app) if cookie else None
    if serializer is None:
        return False
    try:
        return "_user_id" in serializer.loads(cookie)
    except Exception:  # a forged or outdated cookie is no one's
        return False


def attempts_left() -> bool:
    """Whether this address may still try to join (SOCKET_CONNECT_LIMIT of refused attempts, as /j's limits).

    Only refused attempts count: a phone that reconnects with its cookie costs nothing, whereas trying
    join codes one after the other is stopped within the limit, in the limiter's storage (Redis when
    several processes serve).
    """
    if not limiter.enabled:
        return True
    address = get_remote_address()
    return all(limiter.limiter.test(limit, "socket-connect", address)
               for limit in parse_many(current_app.config["SOCKET_CONNECT_LIMIT"]))


def count_refused_attempt() -> None:
    """One more refused attempt for this address."""
    if limiter.enabled:
        address = get_remote_address()
        for limit in parse_many(current_app.config["SOCKET_CONNECT_LIMIT"]):
            limiter.limiter.hit(limit, "socket-connect", address)
