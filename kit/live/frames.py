"""Socket.IO frames checked before python-socketio acts on them (docs/protocol.md, « Trames refusées »).

The protocol's frames are small JSON texts. Anything else is refused cheaply, before it costs a parse
of unbounded depth, a buffer, or a traceback in the log: a binary frame or attachment (the protocol has
none; python-socketio would buffer them until the disconnection), a frame longer than MAX_FRAME_CHARS,
more than MAX_CONTAINERS arrays and objects, an integer of more than MAX_INT_DIGITS digits, an ack id of
more than MAX_ID_DIGITS digits, JSON that does not parse, an event whose name is not a short string.
The sender gets an `error` event (and a failed ack when its id could be read), or a French
`connect_error` for a connection request; the log gets one line per connection, at its end, with counts.

Beyond FRAMES_PER_SECOND frames in a second, a connection's frames are dropped unread, and CUT_AFTER
more in the same second cut it: a flood costs a counter, not the other phones' time.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

import engineio.packet
from socketio import packet

MAX_FRAME_CHARS = 4096
MAX_CONTAINERS = 32
MAX_INT_DIGITS = 16  # a JavaScript client cannot send a larger exact integer anyway
MAX_ID_DIGITS = 9
MAX_NAME_CHARS = 64
FRAMES_PER_SECOND = 30  # three times the events' own limit (kit/live/guard.py): beyond, not even read
CUT_AFTER = 100

log = logging.getLogger("kit.live.frames")

REFUSAL = {"code": "mal_forme", "message": "Message illisible : il a été ignoré."}
BINARY_REFUSAL = {"code": "mal_forme", "message": "Les messages binaires ne sont pas acceptés."}
CONNECT_REFUSAL = {"message": "Connexion refusée : la demande est illisible."}


class BadFrameError(ValueError):
    """A frame refused, with what could be read of its header."""

    def __init__(self, reason: str, kind: int | None = None, namespace: str | None = None,
                 ack: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.kind, self.namespace, self.ack = reason, kind, namespace, ack


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError("nombre trop long")
    return int(text)


def _no_constant(text: str) -> None:
    raise ValueError(f"{text} n'est pas du JSON")


class GuardedPacket(packet.Packet):
    """python-socketio's packet, whose decoding refuses what this protocol never sends.

    The protocol has no binary frames either way: an outgoing packet is not walked, element by element, in
    search of bytes (python-socketio does it for every packet it builds; for a roster of hundreds of
    participants, that walk cost more than encoding it). Bytes in a payload fail to encode, loudly.
    """

    uses_binary_events = False

    def decode(self, encoded_packet: Any) -> int:
        """Read a client's frame, or raise BadFrameError; attachments are never expected (0)."""
        if isinstance(encoded_packet, bytes | bytearray):
            raise BadFrameError("binaire")
        if not isinstance(encoded_packet, str):  # a text that Engine.IO read as JSON: not Socket.IO
            raise BadFrameError("type")
        kind = ord(encoded_packet[0]) - ord("0") if encoded_packet else -1
        if not 0 <= kind <= 6:
            raise BadFrameError("type")
        rest, namespace = encoded_packet[1:], None
        if kind in (packet.BINARY_EVENT, packet.BINARY_ACK):
            dash = rest.find("-", 0, 12)
            rest = rest[dash + 1:] if dash > 0 and rest[:dash].isdecimal() else rest  # "<attachments>-"
        if rest[:1] == "/":
            comma = rest.find(",", 0, MAX_NAME_CHARS + 1)
            if comma == -1 and len(rest) > MAX_NAME_CHARS:
                raise BadFrameError("espace_de_noms", kind)
            namespace, rest = (rest, "") if comma == -1 else (rest[:comma], rest[comma + 1:])
            namespace = namespace.split("?", 1)[0]
        if kind in (packet.BINARY_EVENT, packet.BINARY_ACK):
            raise BadFrameError("binaire", kind, namespace)
        head = rest[:MAX_ID_DIGITS + 1]
        digits = len(head) - len(head.lstrip("0123456789"))
        if digits > MAX_ID_DIGITS:
            raise BadFrameError("id_trop_long", kind, namespace)
        ack = int(rest[:digits]) if digits else None
        rest = rest[digits:]
        if len(encoded_packet) > MAX_FRAME_CHARS:
            raise BadFrameError("trop_long", kind, namespace, ack)
        if rest.count("[") + rest.count("{") > MAX_CONTAINERS:
            raise BadFrameError("trop_imbrique", kind, namespace, ack)
        try:
            data = json.loads(rest, parse_int=_bounded_int, parse_constant=_no_constant) if rest else None
        except (ValueError, RecursionError):
            raise BadFrameError("json", kind, namespace, ack) from None
        if kind == packet.EVENT and not (isinstance(data, list) and data and isinstance(data[0], str)
                                         and len(data[0]) <= MAX_NAME_CHARS):
            raise BadFrameError("nom", kind, namespace, ack)
        if kind == packet.CONNECT and data is not None and not isinstance(data, dict):
            raise BadFrameError("json", kind, namespace, ack)
        self.packet_type, self.namespace, self.id, self.data = kind, namespace, ack, data
        return 0


class _Connection:
    __slots__ = ("cut", "frames", "refused", "start")

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.frames = 0
        self.cut = False
        self.refused: Counter[str] = Counter()


class FrameGuard:
    """Wraps one python-socketio server's message and disconnection handlers."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.handle_message = server._handle_eio_message
        self.handle_disconnect = server._handle_eio_disconnect
        self.connections: dict[str, _Connection] = {}

    def message(self, eio_sid: str, data: Any) -> None:
        """An Engine.IO message: counted, then checked and handled, or refused."""
        connection = self.connections.get(eio_sid)
        if connection is None:
            connection = self.connections[eio_sid] = _Connection()
        now = time.monotonic()
        if now - connection.start >= 1:
            connection.start, connection.frames = now, 0
        connection.frames += 1
        if connection.frames > FRAMES_PER_SECOND or connection.cut:
            connection.refused["trop_vite"] += 1
            if connection.frames > FRAMES_PER_SECOND + CUT_AFTER and not connection.cut:
                connection.cut = True
                self.server.start_background_task(self.server.eio.disconnect, eio_sid)
            return
        try:
            self.handle_message(eio_sid, data)
        except BadFrameError as bad:
            connection.refused[bad.reason] += 1
            self._refuse(eio_sid, bad)
        except Exception:
            connection.refused["erreur"] += 1
            if connection.refused["erreur"] == 1:  # the first one's traceback; the others are counted
                log.exception("message Socket.IO impossible à traiter")

    def disconnect(self, eio_sid: str, reason: Any = None) -> None:
        """The connection ended: one log line if anything was refused."""
        environ = self.server.environ.get(eio_sid) or {}
        try:
            self.handle_disconnect(eio_sid, reason)
        finally:
            connection = self.connections.pop(eio_sid, None)
            if connection is not None and connection.refused:
                log.warning("messages Socket.IO refusés sur une connexion",
                            extra={"refused": dict(connection.refused), "cut": connection.cut,
                                   "remote_addr": environ.get("REMOTE_ADDR")})

    def _refuse(self, eio_sid: str, bad: BadFrameError) -> None:
        namespace = bad.namespace or "/"
        manager = self.server.manager
        sid = manager.sid_from_eio_sid(eio_sid, namespace)
        connected = sid is not None and manager.is_connected(sid, namespace)
        make = self.server.packet_class
        if bad.kind == packet.CONNECT:
            if not connected:
                self.server._send_packet(eio_sid, make(packet.CONNECT_ERROR, data=CONNECT_REFUSAL,
                                                       namespace=namespace))
            return
        if not connected:
            return
        error = BINARY_REFUSAL if bad.reason == "binaire" else REFUSAL
        self.server._send_packet(eio_sid, make(packet.EVENT, data=["error", error], namespace=namespace))
        if bad.ack is not None:
            self.server._send_packet(eio_sid, make(packet.ACK, data=[{"ok": False, "error": error}],
                                                   namespace=namespace, id=bad.ack))


class _EngineJSON:
    """Engine.IO's JSON, whose too deep input is a ValueError (Engine.IO catches those) and not a crash."""

    @staticmethod
    def loads(text: str, **kwargs: Any) -> Any:
        try:
            return _ENGINE_JSON.loads(text, **kwargs)
        except RecursionError:
            raise ValueError("JSON trop imbriqué") from None

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return str(_ENGINE_JSON.dumps(value, **kwargs))


_ENGINE_JSON = engineio.packet.Packet.json


def install(server: Any) -> FrameGuard:
    """Check every frame that reaches this python-socketio server."""
    guard = FrameGuard(server)
    server.packet_class = GuardedPacket
    # Both names: Engine.IO calls its registered handler, Flask-SocketIO's test client the attribute.
    server._handle_eio_message = guard.message
    server._handle_eio_disconnect = guard.disconnect
    server.eio.on("message", guard.message)
    server.eio.on("disconnect", guard.disconnect)
    # Engine.IO tries every text frame as JSON first; 25,000 nested brackets would raise out of its
    # WebSocket loop. Engine.IO's packet class is shared by the whole process: set once, harmless to clients.
    if engineio.packet.Packet.json is _ENGINE_JSON:
        engineio.packet.Packet.json = _EngineJSON
    return guard
