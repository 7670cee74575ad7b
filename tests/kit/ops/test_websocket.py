"""kit/ops/websocket.py: closing a phone's WebSocket leaves no cyclic garbage for the collector."""

from __future__ import annotations

import gc
import logging
from types import SimpleNamespace
from typing import Any

from geventwebsocket.websocket import WebSocket

from kit.ops.websocket import BoundedWebSocket, bound


def _handler() -> Any:
    """What gevent-websocket's handler holds once it has upgraded a connection."""
    stream = SimpleNamespace(write=lambda data: None, read=lambda size: b"")
    handler = SimpleNamespace(environ={"REMOTE_ADDR": "127.0.0.1"}, server=SimpleNamespace(application=object()),
                              logger=logging.getLogger("test"))
    handler.websocket = WebSocket(handler.environ, stream, handler)
    return handler


def test_a_websocket_bound_closed_and_dropped_makes_no_class() -> None:
    """gevent-websocket made a class at each close (`current_app`): 2 per phone, walked by every collection."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage instead of freed
    try:
        for _ in range(5):
            handler = _handler()
            bound(handler)  # the WebSocket made first is dropped: its __del__ closes it
            assert type(handler.websocket) is BoundedWebSocket
            handler.websocket.close()  # the phone leaves
            del handler
        gc.collect()
        classes = [o.__qualname__ for o in gc.garbage if isinstance(o, type)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert classes == []
