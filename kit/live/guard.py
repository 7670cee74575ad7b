"""What every Socket.IO event goes through: the flood guard, French refusals, and the acknowledgement.

Only the methods marked with `@handler` are events. Anything else a client sends under a name (a reserved
one like `connect`, another namespace's event, an unknown name) is refused as `evenement_inconnu`, and
counted by the flood guard like any event: python-socketio would otherwise run `on_connect` again, or
answer with an empty acknowledgement.
"""

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
UNKNOWN = "evenement_inconnu"


def _flood_guard() -> None:
    """At most EVENTS_PER_SECOND events per connection (kept in the connection itself)."""
    stamps: deque[float] = connection.setdefault("_stamps", deque(maxlen=EVENTS_PER_SECOND))
    now = time.monotonic()
    if len(stamps) == stamps.maxlen and now - stamps[0] < 1:
        raise LiveError("Trop de messages : attendez une seconde.", "trop_vite")
    stamps.append(now)


def _answer(name: str, action: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    """Run one event: flood guard, French errors, rollback, and the acknowledgement."""
    try:
        _flood_guard()
        result = action() or {}
        return {"ok": True, **result}
    except LiveError as error:
        db.session.rollback()
        emit("error", error.payload())
        return {"ok": False, "error": error.payload()}
    except Exception:
        db.session.rollback()
        current_app.logger.exception("événement %s refusé", name)
        failure = LiveError("Un problème est arrivé sur le serveur. Réessayez.", "serveur")
        emit("error", failure.payload())
        return {"ok": False, "error": failure.payload()}


def handler(func: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """Mark and wrap an event handler; an event has one payload, never more (`mal_forme`)."""

    @functools.wraps(func)
    def wrapper(self: Namespace, *args: object) -> dict[str, Any]:
        def action() -> dict[str, Any] | None:
            if len(args) > 1:
                raise LiveError("Message mal formé : un seul objet est attendu.", "mal_forme")
            return func(self, args[0] if args else None)

        return _answer(func.__name__, action)

    wrapper.live_event = True  # type: ignore[attr-defined]
    return wrapper


def _unknown(*_args: object) -> dict[str, Any]:
    def action() -> None:
        raise LiveError("Cet événement n'existe pas ici.", UNKNOWN)

    return _answer("inconnu", action)


class GuardedNamespace(Namespace):
    """A namespace whose events are its `@handler` methods only."""

    def trigger_event(self, event: object, *args: object) -> Any:
        """Route an event; python-socketio's own `connect` and `disconnect` are told from a client's."""
        if event == "connect" and self._connecting(args):
            return super().trigger_event(event, *args)
        if event == "disconnect" and self._disconnecting(args):
            return super().trigger_event(event, *args)
        method = getattr(self, f"on_{event}", None) if isinstance(event, str) else None
        if not getattr(method, "live_event", False):
            # Flask-SocketIO's request context, so that the flood guard and `error` work as for any event.
            return self.socketio._handle_event(_unknown, "inconnu", self.namespace, *args)
        return super().trigger_event(event, *args)

    def _connecting(self, args: tuple[object, ...]) -> bool:
        # python-socketio passes the connection's own environ; a client's payload can never be that object.
        return len(args) >= 2 and args[1] is self.server.get_environ(args[0], self.namespace)

    def _disconnecting(self, args: tuple[object, ...]) -> bool:
        # python-socketio marks a connection as leaving before it calls on_disconnect.
        return bool(args) and args[0] in self.server.manager.pending_disconnect.get(self.namespace, ())
