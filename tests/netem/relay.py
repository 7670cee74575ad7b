"""A fault-injecting TCP relay on 127.0.0.1, between test phones and a server: a slow, lossy, shared hotspot.

`tc netem` is not available on the test machines and Chromium's network emulation does not delay
WebSocket frames, so the phones of a benchmark connect to this relay instead of the server.

The model, per direction (up: phone → server, down: server → phone):
- a link of `rate` bits per second shared by every connection, as a hotspot's radio is: each chunk waits
  for the link to be free, then takes len * 8 / rate seconds to go through (serialization delay);
- then a one-way `delay` (propagation, the hotspot's queues). Each chunk is stamped when it is read and
  delivered at its own time: chunks are not slept one after the other, and they stay in order;
- a new connection's first bytes wait one round trip more: the relay's own TCP handshake is local, a
  real one costs a round trip before the phone can send anything.

Faults:
- `block_websocket`: a connection whose first request asks for a WebSocket upgrade is cut (RST), as
  some proxies and captive Wi-Fi do: the phones must fall back to long-polling.
- `reset()`: every open connection is cut with a TCP RST (SO_LINGER 0), both sides.
- `outage(seconds)`: the Wi-Fi is gone for that long. By default (`cut=True`) it is a phone losing its
  Wi-Fi: open connections are reset and new ones refused (RST at once) until it is back, as when the
  phone's network interface goes away. With `cut=False` it is a radio that stops carrying anything:
  connections stay open, bytes are held (not lost, TCP would resend them) and delivered once it is back,
  and new connections are accepted but carry nothing until then.

The relay runs its own asyncio loop in a background thread, so that synchronous tests (Playwright's
sync API, python-socketio clients) can use it: `with Relay(target_port, delay=0.2, rate=400_000) as relay:`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

CHUNK = 1460  # bytes read at once: about one TCP segment, so that the link's queue moves smoothly


@dataclass
class Link:
    """One direction of the hotspot: its rate (bits/s, 0: unlimited), its one-way delay, and when it is free."""

    delay: float = 0.0
    rate: float = 0.0
    free_at: float = 0.0  # monotonic time when the link has sent what it was given
    carried: int = 0  # bytes that went through

    def schedule(self, size: int, now: float, extra: float = 0.0) -> float:
        """When a chunk of `size` bytes read at `now` reaches the other side."""
        start = max(now, self.free_at)
        self.free_at = start + (size * 8 / self.rate if self.rate else 0.0)
        self.carried += size
        return self.free_at + self.delay + extra


@dataclass
class Pipe:
    """One direction of one connection: chunks stamped with their delivery time, in order."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    link: Link
    source: asyncio.StreamWriter  # the side `reader` reads from
    queue: asyncio.Queue[tuple[float, bytes]] = field(default_factory=asyncio.Queue)


class Relay:
    """The relay: `port` to connect to instead of the server's `target_port`; faults set from any thread."""

    def __init__(self, target_port: int, *, delay: float = 0.0, rate: float = 0.0, target_host: str = "127.0.0.1",
                 up_delay: float | None = None, down_delay: float | None = None, handshake: bool = True,
                 block_websocket: bool = False) -> None:
        self.target = (target_host, target_port)
        self.up = Link(delay if up_delay is None else up_delay, rate)
        self.down = Link(delay if down_delay is None else down_delay, rate)
        self.handshake = handshake
        self.block_websocket = block_websocket  # a proxy that cuts WebSocket upgrades: long-polling only
        self.blocked = 0
        self.port = 0
        self.accepted = 0  # connections accepted, refused ones included
        self.refused = 0
        self._down_until = 0.0  # monotonic: the outage lasts until then
        self._cut = True
        self._connections: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter | None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="relay", daemon=True)
        self._server: asyncio.base_events.Server | None = None

    # --- From the test's thread ---------------------------------------------------------------------
    def start(self) -> Relay:
        """Listen on a free port of 127.0.0.1."""
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every connection, then the loop."""
        if self._server is not None:
            self._call(self._close())
            self._server = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The relay's base URL, for HTTP clients."""
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> int:
        """Cut every open connection with a TCP RST, both sides; how many were cut."""
        return int(self._run(self._reset_all))

    def outage(self, seconds: float, cut: bool = True) -> float:
        """The Wi-Fi is gone for `seconds` from now (see the module's docstring for `cut`); returns at once,
        with the wall-clock time (time.time()) when it comes back."""
        def begin() -> float:
            self._down_until = time.monotonic() + seconds
            self._cut = cut
            if cut:
                self._reset_all()
            return time.time() + seconds
        return float(self._run(begin))

    @property
    def out(self) -> bool:
        """Whether an outage is going on."""
        return time.monotonic() < self._down_until

    def set(self, *, delay: float | None = None, rate: float | None = None) -> None:
        """Change the delay (both ways) or the rate of the links, for the connections to come and those open."""
        def change() -> None:
            for link in (self.up, self.down):
                if delay is not None:
                    link.delay = delay
                if rate is not None:
                    link.rate = rate
        self._run(change)

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def _run(self, function: Callable[[], Any]) -> Any:
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(function())
            except BaseException as error:  # handed to the caller's thread
                future.set_exception(error)
        self._loop.call_soon_threadsafe(run)
        return future.result(timeout=10)

    # --- In the relay's loop ------------------------------------------------------------------------
    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        self._reset_all()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()

    def _reset_all(self) -> int:
        cut = list(self._connections)
        for phone, server in cut:
            _rst(phone)
            if server is not None:
                _rst(server)
        self._connections.clear()
        return len(cut)

    async def _accept(self, phone_reader: asyncio.StreamReader, phone: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.out and self._cut:
            self.refused += 1
            _rst(phone)
            return
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter | None] = (phone, None)
        self._connections.add(pair)
        try:
            server_reader, server = await asyncio.open_connection(*self.target)
        except OSError:
            self._connections.discard(pair)
            _rst(phone)
            return
        self._connections.discard(pair)
        pair = (phone, server)
        self._connections.add(pair)
        _nodelay(phone)
        _nodelay(server)
        extra = (self.up.delay + self.down.delay) if self.handshake else 0.0
        tasks = [
            asyncio.create_task(self._read(Pipe(phone_reader, server, self.up, phone), extra)),
            asyncio.create_task(self._read(Pipe(server_reader, phone, self.down, server), 0.0)),
        ]
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        except asyncio.CancelledError:
            pass  # the relay stops
        finally:
            self._connections.discard(pair)
            for writer in (phone, server):
                with contextlib.suppress(Exception):
                    writer.close()

    async def _read(self, pipe: Pipe, first_extra: float) -> None:
        """Stamp each chunk as it comes; a writer task delivers it at its time."""
        writer = asyncio.create_task(self._write(pipe))
        extra, first = first_extra, True
        try:
            while True:
                data = await pipe.reader.read(CHUNK)
                now = time.monotonic()
                if not data:
                    pipe.queue.put_nowait((pipe.link.schedule(0, now), b""))
                    break
                if first and self.block_websocket and pipe.link is self.up and b"upgrade: websocket" in data.lower():
                    self.blocked += 1
                    _rst(pipe.source)
                    _rst(pipe.writer)
                    break
                pipe.queue.put_nowait((pipe.link.schedule(len(data), now, extra), data))
                extra, first = 0.0, False
        except (ConnectionError, OSError):
            pipe.queue.put_nowait((0.0, b""))
        await writer

    async def _write(self, pipe: Pipe) -> None:
        try:
            while True:
                due, data = await pipe.queue.get()
                while True:
                    now = time.monotonic()
                    # During an outage that holds bytes, nothing leaves until it is over (TCP resends then).
                    wait = max(due - now, self._down_until - now if not self._cut else 0.0)
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                if not data:
                    if pipe.writer.can_write_eof():
                        pipe.writer.write_eof()
                    return
                pipe.writer.write(data)
                await pipe.writer.drain()
        except (ConnectionError, OSError):
            return


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST rather than a FIN: what a lost route or a dead NAT entry looks like to a phone."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
