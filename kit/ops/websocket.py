"""gevent-websocket's WebSocket with bounded messages, no binary frames, and unmasking at C speed.

gevent-websocket unmasks each received byte and validates UTF-8 byte by byte in pure Python: 300
frames of 25 KB took the process for seconds, and every other phone waited. Here a frame is unmasked
with one integer XOR, UTF-8 is checked by the decoding that happens anyway, and a message longer than
MAX_MESSAGE_BYTES or a binary frame (the Socket.IO protocol of docs/protocol.md has none) closes the
connection (code 1002) before its payload is read. One log line per connection so closed.

gevent-websocket also made a new class each time a WebSocket closed (`current_app`, when the WSGI app has
none): one class per phone at its connection (the WebSocket it made first, dropped here) and one at its
departure, cyclic garbage that the collector walked in 80-160 ms pauses during the benchmark's bursts.
"""

from __future__ import annotations

import logging
from typing import Any

from geventwebsocket.exceptions import ProtocolError
from geventwebsocket.websocket import Header, WebSocket

MAX_MESSAGE_BYTES = 64 * 1024  # as Engine.IO's max_http_buffer_size (kit/extensions.py)

log = logging.getLogger("kit.live.frames")


def unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR the payload with the repeated 4-byte mask (RFC 6455, 5.3), as one big integer."""
    size = len(payload)
    key = (bytes(mask) * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(size, "little")


class _NoApplication:
    """What gevent-websocket tells that a WebSocket closed: nobody listens (Engine.IO has its own close)."""

    def on_close(self, *_args: object) -> None:
        """Nothing."""


NO_APPLICATION = _NoApplication()


class _DroppedWebSocket(WebSocket):
    """The WebSocket gevent-websocket made before `bound` replaced it: closed without making a class."""

    __slots__ = ()

    @property
    def current_app(self) -> _NoApplication:
        return NO_APPLICATION


class BoundedWebSocket(_DroppedWebSocket):
    """A server-side WebSocket that refuses what the Kit's clients never send."""

    __slots__ = ("message_bytes",)

    def __init__(self, environ: dict[str, Any], stream: Any, handler: Any) -> None:
        super().__init__(environ, stream, handler)
        self.message_bytes = 0

    def read_frame(self) -> tuple[Header, bytes]:
        """One frame, refused before its payload is read when binary or too long."""
        header = Header.decode_header(self.stream)
        if header.flags:
            raise ProtocolError("bits réservés")
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
            self.message_bytes = 0
        if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY, self.OPCODE_CONTINUATION):
            self.message_bytes += header.length
        if header.opcode == self.OPCODE_BINARY:
            self._refuse("binaire")
        if self.message_bytes > MAX_MESSAGE_BYTES:
            self._refuse("trop_long")
        if not header.length:
            return header, b""
        payload = self.raw_read(header.length)
        if len(payload) != header.length:
            raise ProtocolError("fin de flux au milieu d'une trame")
        return header, unmask(payload, header.mask) if header.mask else payload

    def validate_utf8(self, payload: bytes) -> None:
        """Nothing here: the text message is decoded as UTF-8 once whole, and closed (1007) if it is not."""

    def _refuse(self, reason: str) -> None:
        log.warning("trame WebSocket refusée : connexion fermée",
                    extra={"refused": {reason: 1}, "remote_addr": self.environ.get("REMOTE_ADDR")})
        raise ProtocolError(reason)


def bound(handler: Any) -> None:
    """Replace the WebSocket that gevent-websocket's handler just made by a bounded one."""
    made: Any = getattr(handler, "websocket", None)
    if made is not None and type(made) is WebSocket:
        made.closed = True  # dropped unused: its __del__ must not send a close frame on the shared stream
        made.__class__ = _DroppedWebSocket  # and its close() makes no class
        handler.websocket = handler.environ["wsgi.websocket"] = BoundedWebSocket(handler.environ, made.stream,
                                                                                 handler)
