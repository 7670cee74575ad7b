"""The fault-injecting relay (tests/netem/relay.py) does what it says: delay, rate, reset, outage.

Behaviour only, with wide margins: how long things take is measured in tests/bench, not here.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from tests.netem.relay import Relay


class Echo(socketserver.BaseRequestHandler):
    """Sends back whatever it reads."""

    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def connect(relay: Relay) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", relay.port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def assert_cut(sock: socket.socket) -> None:
    """The connection was reset: writing then reading fails, or reads the end of the stream."""
    try:
        sock.sendall(b"?")
        data = sock.recv(1)
    except (ConnectionResetError, BrokenPipeError):
        return
    assert data == b"", "la connexion aurait dû être coupée"


def test_bytes_arrive_intact_and_in_order(echo: int) -> None:
    payload = bytes(range(256)) * 400  # 100 KB, many chunks
    with Relay(echo, delay=0.01) as relay, connect(relay) as sock:
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert receive(sock, len(payload)) == payload
        sender.join()


def test_each_way_is_delayed_and_the_first_bytes_wait_a_handshake(echo: int) -> None:
    with Relay(echo, delay=0.1) as relay, connect(relay) as sock:
        start = time.monotonic()
        sock.sendall(b"ping")
        assert receive(sock, 4) == b"ping"
        first = time.monotonic() - start
        start = time.monotonic()
        sock.sendall(b"pong")
        assert receive(sock, 4) == b"pong"
        second = time.monotonic() - start
    assert first >= 0.4  # handshake round trip + there and back
    assert 0.2 <= second < first


def test_chunks_are_not_delayed_one_after_the_other(echo: int) -> None:
    """Ten messages sent together arrive together, one delay later, not ten delays later."""
    with Relay(echo, delay=0.1, handshake=False) as relay, connect(relay) as sock:
        start = time.monotonic()
        for _ in range(10):
            sock.sendall(b"x" * 10)
            time.sleep(0.005)
        assert receive(sock, 100) == b"x" * 100
        assert time.monotonic() - start < 1.0


def test_the_rate_limits_each_direction(echo: int) -> None:
    payload = b"y" * 20_000  # 160 kbit at 800 kbit/s: 0.2 s each way at least
    with Relay(echo, rate=800_000, handshake=False) as relay, connect(relay) as sock:
        start = time.monotonic()
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert receive(sock, len(payload)) == payload
        sender.join()
        assert time.monotonic() - start >= 0.2
        assert relay.up.carried == relay.down.carried == len(payload)


def test_reset_cuts_open_connections(echo: int) -> None:
    with Relay(echo) as relay, connect(relay) as sock:
        sock.sendall(b"a")
        assert receive(sock, 1) == b"a"
        assert relay.reset() == 1
        assert_cut(sock)


def test_an_outage_cuts_then_refuses_then_lets_through(echo: int) -> None:
    with Relay(echo) as relay:
        sock = connect(relay)
        relay.outage(0.5)
        assert_cut(sock)
        sock.close()
        refused = connect(relay)
        assert_cut(refused)
        refused.close()
        assert relay.refused >= 1
        time.sleep(0.6)
        with connect(relay) as again:
            again.sendall(b"back")
            assert receive(again, 4) == b"back"


def test_an_outage_without_cut_holds_the_bytes_until_it_is_over(echo: int) -> None:
    with Relay(echo, handshake=False) as relay, connect(relay) as sock:
        relay.outage(0.5, cut=False)
        start = time.monotonic()
        sock.sendall(b"held")
        assert receive(sock, 4) == b"held"
        assert time.monotonic() - start >= 0.45


def test_websocket_upgrades_can_be_blocked(echo: int) -> None:
    request = b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n"
    with Relay(echo, block_websocket=True) as relay:
        with connect(relay) as sock:
            sock.sendall(request)
            assert_cut(sock)
        with connect(relay) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
            assert receive(sock, 18) == b"GET / HTTP/1.1\r\n\r\n"
        assert relay.blocked == 1
