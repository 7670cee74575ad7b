"""What every Socket.IO event goes through: the flood guard, French refusals, and the acknowledgement."""

from __future__ import annotations

import functools
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask import session as connection
from flask_socketio import Namespace, emit

from kit.extensions import db
from kit.live.errors import LiveError

EVENTS_PER_SECOND = 10


def _flood_guard() -> None:
    """At most EVENTS_PER_SECOND events per connection (kept in the connection itself)."""
    stamps: deque[float] = connection.setdefault("_stamps", deque(maxlen=EVENTS_PER_SECOND))
    now = time.monotonic()
    if len(stamps) == stamps.maxlen and now - stamps[0] < 1:
        raise LiveError("Trop de messages : attendez une seconde.", "trop_vite")
    stamps.append(now)


def handler(func: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """Wrap an event handler: flood guard, French errors, rollback, and an acknowledgement."""

    @functools.wraps(func)
    def wrapper(self: Namespace, data: object = None) -> dict[str, Any]:
        try:
            _flood_guard()
            result = func(self, data) or {}
            return {"ok": True, **result}
        except LiveError as error:
            db.session.rollback()
            emit("error", error.payload())
            return {"ok": False, "error": error.payload()}
        except Exception:
            db.session.rollback()
            current_app.logger.exception("événement %s refusé", func.__name__)
            failure = LiveError("Un problème est arrivé sur le serveur. Réessayez.", "serveur")
            emit("error", failure.payload())
            return {"ok": False, "error": failure.payload()}

    return wrapper
