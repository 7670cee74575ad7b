"""Raw WebSocket frames against a real server (run.py, gevent) on 127.0.0.1.

Written with websocket-client, not python-socketio, so that a test can send what no Socket.IO client
library would: reserved names, extra arguments, unreadable frames, binary frames, a flood. Each scenario
checks the refusal, that another phone's `sync` is still answered quickly, and that the log stays short.

The issue asks for another phone's `sync` within 200 ms. This machine has 2 cores shared with other test
runs, so one slow answer can be the machine's, not the server's: the median must be within 200 ms, and the
worst within LATENCY_WORST (2 s). On main, a flood of `connect` events pushed it to 0.9–1.9 s for every
answer, which the median catches.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
import websocket

from tests.conftest import demo_database, free_port
from tests.databases import Databases
from tests.servers import AppServer, start_demo_session
from tests.web import WebClient

P, A = "/participant", "/animateur"
LATENCY_MEDIAN = 0.2
LATENCY_WORST = 2.0
LOG_LINES = 25  # a scenario may add this many log lines at most, whatever the number of frames


class Raw:
    """One Engine.IO WebSocket, spoken by hand."""

    def __init__(self, url: str, cookie: str = "", forwarded_for: str | None = None) -> None:
        headers = [f"Cookie: {cookie}"] if cookie else []
        if forwarded_for:
            headers.append(f"X-Forwarded-For: {forwarded_for}")
        self.ws = websocket.create_connection(url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
                                              header=headers, timeout=10)
        opening = self.ws.recv()
        assert opening.startswith("0{"), opening
        self.next_id = 1000

    def connect(self, namespace: str, auth: dict[str, Any]) -> str:
        """Connect a namespace; its answer frame (`40…` or `44…`)."""
        self.ws.send(f"40{namespace},{json.dumps(auth)}")
        return self.wait(lambda f: f.startswith((f"40{namespace},", f"44{namespace},")))

    def wait(self, check: Callable[[str], bool], timeout: float = 10) -> str:
        """The first text frame for which `check` holds (pings answered on the way)."""
        deadline = time.monotonic() + timeout
        while True:
            self.ws.settimeout(max(0.01, deadline - time.monotonic()))
            frame = self.ws.recv()
            if frame == "2":
                self.ws.send("3")
            elif isinstance(frame, str) and check(frame):
                return frame
            assert time.monotonic() < deadline, "no such frame"

    def call(self, namespace: str, event: str, payload: Any) -> Any:
        """Emit with an ack id; the acknowledgement's payload."""
        self.next_id += 1
        prefix = f"43{namespace},{self.next_id}["
        self.ws.send(f"42{namespace},{self.next_id}{json.dumps([event, payload])}")
        return json.loads(self.wait(lambda f: f.startswith(prefix))[len(prefix) - 1:])[0]

    def frames(self, timeout: float) -> list[str]:
        """Every text frame received within `timeout` seconds."""
        received: list[str] = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.ws.settimeout(max(0.01, deadline - time.monotonic()))
                frame = self.ws.recv()
                if frame == "2":
                    self.ws.send("3")
                elif isinstance(frame, str):
                    received.append(frame)
        except (OSError, websocket.WebSocketTimeoutException, websocket.WebSocketConnectionClosedException):
            pass  # the time is up, or the server closed the connection (a refusal too)
        return received

    def close(self) -> None:
        """Close the socket."""
        self.ws.close()


@dataclass
class Room:
    """A started demo session on a real server, and a way in for phones."""

    server: AppServer
    session_id: int
    code: str
    animator_cookie: str

    def phone_cookie(self, nickname: str) -> str:
        """A participant who joined over HTTP: their cookies."""
        web = WebClient(self.server.url)
        web.join(self.code, nickname)
        return web.cookie_header()

    def phone(self, nickname: str, forwarded_for: str | None = None) -> Raw:
        """A phone connected to /participant."""
        raw = Raw(self.server.url, self.phone_cookie(nickname), forwarded_for)
        assert raw.connect(P, {"code": self.code}).startswith(f"40{P},")
        return raw


def start_room(tmp_path: Path, databases: Databases, **env: str) -> Room:
    """A server with these settings, and its demo session started by the demo animator."""
    server = AppServer(demo_database(databases), free_port(), tmp_path / "server.log", env=env).start()
    web, session_id, code = start_demo_session(server.url)
    return Room(server, session_id, code, web.cookie_header())


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Room]:
    """One server for the frame scenarios (each uses phones of its own)."""
    made = start_room(tmp_path_factory.mktemp("raw"), databases)
    yield made
    made.server.stop()
    databases.release(made.server.database_url)


class Probe:
    """Another phone asking `sync` a few times a second, timing each answer."""

    def __init__(self, room: Room, nickname: str) -> None:
        self.raw = room.phone(nickname)
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            ack = self.raw.call(P, "sync", {})
            self.latencies.append(time.monotonic() - started)
            assert ack["ok"], ack
            self.stop.wait(0.15)  # under the flood guard's 10 per second

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # A few answers after the attack too (on a loaded machine, give them a few seconds to come).
        wanted, deadline = len(self.latencies) + 3, time.monotonic() + 5
        while len(self.latencies) < wanted and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.05)
        self.stop.set()
        self.thread.join(15)
        self.raw.close()

    def check(self) -> None:
        """Answers kept coming, quickly."""
        assert len(self.latencies) >= 3, self.latencies
        assert statistics.median(self.latencies) <= LATENCY_MEDIAN, self.latencies
        assert max(self.latencies) <= LATENCY_WORST, self.latencies


def log_lines(room: Room) -> list[str]:
    """The server's log so far."""
    return room.server.log.read_text(errors="replace").splitlines()


def check_log(room: Room, before: int) -> list[str]:
    """What the scenario added to the log: a few lines, no traceback."""
    added = log_lines(room)[before:]
    assert len(added) <= LOG_LINES, added[:40]
    assert not [line for line in added if "Traceback" in line or '"level": "ERROR"' in line], added[:40]
    return added


def flood(raw: Raw, frames: list[str | bytes]) -> None:
    """Send the frames as fast as the socket takes them (the server may cut us: that is a refusal too)."""
    try:
        for frame in frames:
            if isinstance(frame, bytes):
                raw.ws.send_binary(frame)
            else:
                raw.ws.send(frame)
    except (OSError, websocket.WebSocketConnectionClosedException):
        pass


NESTED = "[" * 25000
SCENARIOS: dict[str, tuple[list[str], str]] = {
    # name: (frames, the code of the refusal answered to the first of them)
    "nom réservé connect": ([f'42{P},1["connect",{{"code":"123456"}}]'], "evenement_inconnu"),
    "nom réservé disconnect": ([f'42{P},1["disconnect"]'], "evenement_inconnu"),
    "arguments en trop": ([f'42{P},1["answer",{{"quiz":1,"choices":[0]}},{{"x":1}}]'], "mal_forme"),
    "autre espace de noms": ([f'42{P},1["goto",{{"slide":3}}]'], "evenement_inconnu"),
    "JSON cassé": ([f'42{P},1["sync",{{]'], "mal_forme"),
    "entier de 5000 chiffres": ([f'42{P},1["sync",{{"x":{"9" * 5000}}}]'], "mal_forme"),
    "entier de 30 chiffres": ([f'42{P},1["sync",{{"x":{"9" * 30}}}]'], "mal_forme"),
    "25000 niveaux": ([f"42{P},1{NESTED}"], "mal_forme"),
    "nom qui n'est pas un texte": ([f"42{P},1[42,{{}}]"], "mal_forme"),
    "id d'ack de 400 chiffres": ([f'42{P},{"7" * 400}["sync",{{}}]'], "mal_forme"),
    "JSON au niveau Engine.IO": ([f"4{NESTED}", "4{]"], ""),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_refused_frames(room: Room, name: str) -> None:
    frames, code = SCENARIOS[name]
    # Names from the scenario's place, not hash(): str hashes change from one process to the next and can meet.
    number = list(SCENARIOS).index(name)
    attacker = room.phone(f"Attaque {number}")
    before = len(log_lines(room))
    with Probe(room, f"Témoin {number}") as probe:
        attacker.ws.send(frames[0])
        answers = attacker.frames(0.5)
        if code:
            errors = [json.loads(f[len(f"42{P},"):]) for f in answers if f.startswith(f'42{P},["error"')]
            assert errors and errors[0][1]["code"] == code, answers
            acks = [f for f in answers if f.startswith(f"43{P},")]
            if not name.startswith("id d'ack"):
                assert acks and json.loads(acks[0].split(",", 1)[1][1:])[0]["ok"] is False, answers
        # Then 300 of them at once.
        thread = threading.Thread(target=flood, args=(attacker, frames * (300 // len(frames))))
        thread.start()
        thread.join(30)
    probe.check()
    attacker.close()
    time.sleep(0.3)  # the server writes its line when it sees the disconnection
    added = check_log(room, before)
    assert any("refusés" in line for line in added), added


def test_reserved_name_does_not_mark_the_phone_absent(room: Room) -> None:
    phone = room.phone("Dora")
    assert phone.call(P, "disconnect", {})["error"]["code"] == "evenement_inconnu"
    animator = Raw(room.server.url, room.animator_cookie)
    assert animator.connect(A, {"session": room.session_id}).startswith(f"40{A},")
    roster = json.loads(animator.wait(lambda f: f.startswith(f'42{A},["roster"'))[len(f"42{A},"):])[1]
    assert {p["nickname"]: p["connected"] for p in roster["participants"]}["Dora"] is True
    animator.close()
    phone.close()


def test_binary_frames_are_refused_and_not_buffered(room: Room) -> None:
    attacker = room.phone("Binaire")
    server = psutil.Process(room.server.process.pid)
    rss = server.memory_info().rss
    before = len(log_lines(room))
    with Probe(room, "Témoin") as probe:
        attacker.ws.send(f'451-{P},1["answer",{{"_placeholder":true,"num":0}}]')
        answers = attacker.frames(0.5)
        assert any(f.startswith(f'42{P},["error"') and "binaires" in f for f in answers), answers
        chunk = b"\x00" * 60_000
        thread = threading.Thread(target=flood, args=(attacker, [chunk] * 300))
        thread.start()
        thread.join(30)
    probe.check()
    assert server.memory_info().rss - rss < 8 * 1024 * 1024
    attacker.close()
    time.sleep(0.3)
    check_log(room, before)


def test_a_huge_session_number_gets_a_french_refusal(room: Room) -> None:
    animator = Raw(room.server.url, room.animator_cookie)
    before = len(log_lines(room))
    answer = animator.connect(A, {"session": 2**70})
    assert answer.startswith(f"44{A},"), answer
    assert json.loads(answer.split(",", 1)[1])["message"].startswith("Connexion refusée")
    answer = animator.connect(A, {"session": 2**40})
    assert json.loads(answer.split(",", 1)[1]) == {"message": "Séance inconnue."}
    animator.close()
    check_log(room, before)


def test_an_event_flood_is_cut_and_the_others_are_served(room: Room) -> None:
    attacker = room.phone("Déluge")
    before = len(log_lines(room))
    with Probe(room, "Calme") as probe:
        frames = [f'42{P},{i}["sync",{{}}]' for i in range(1, 2001)]
        thread = threading.Thread(target=flood, args=(attacker, frames))
        thread.start()
        answers = attacker.frames(3)
        thread.join(30)
    probe.check()
    acks = [json.loads(f.split(",", 1)[1].lstrip("0123456789"))[0] for f in answers if f.startswith(f"43{P},")]
    assert sum(a["ok"] for a in acks) <= 10 + 1
    assert any(a.get("error", {}).get("code") == "trop_vite" for a in acks)
    assert len(acks) < 200, "the flood was answered frame by frame"
    with pytest.raises((OSError, websocket.WebSocketException)):  # cut by the server
        for _ in range(50):
            attacker.ws.send(f'42{P},1["sync",{{}}]')
            attacker.ws.recv()
    attacker.close()
    time.sleep(0.3)
    added = check_log(room, before)
    assert any("refusés" in line and "trop_vite" in line for line in added), added


# Connections and the join code (kit/live/gate.py). The addresses below are only X-Forwarded-For values
# (TRUSTED_PROXIES=1): every byte goes to 127.0.0.1.
ROOM_NAT, OTHER, THIRD, FOURTH = "198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.10"


def refused_handshake(url: str, forwarded_for: str, cookie: str = "") -> int:
    """The HTTP status that refuses a WebSocket, or 101 if it opened (and was closed again)."""
    try:
        Raw(url, cookie, forwarded_for).close()
    except websocket.WebSocketBadStatusException as refused:
        return int(refused.status_code)
    return 101


# A refused handshake leaves its client socket to the collector in websocket-client and urllib3 on some runs;
# the warning it raises then says nothing of the server, which this test is about.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_connections_per_address_and_the_reserve(tmp_path: Path, databases: Databases) -> None:
    room = start_room(tmp_path, databases, TRUSTED_PROXIES="1", SOCKET_PER_ADDRESS="5", MAX_CONNECTIONS="30",
                      SOCKET_RESERVE="15")
    held: list[Raw] = []
    try:
        with Probe(room, "Témoin") as probe:  # one connection, from 127.0.0.1
            before = len(log_lines(room))
            held += [Raw(room.server.url, forwarded_for=ROOM_NAT) for _ in range(5)]
            assert refused_handshake(room.server.url, ROOM_NAT) == 429
            with WebClient(room.server.url).http as http:  # closed here, not whenever the collector runs
                response = http.get(room.server.url + "/socket.io/?EIO=4&transport=polling",
                                    headers={"X-Forwarded-For": ROOM_NAT}, timeout=10)
            assert response.status_code == 429 and "Trop de connexions" in response.text
            # Another address of the same room still gets in, until the reserve.
            held += [Raw(room.server.url, forwarded_for=OTHER) for _ in range(5)]
            held += [Raw(room.server.url, forwarded_for=THIRD) for _ in range(4)]
            assert refused_handshake(room.server.url, FOURTH) == 503
            # The reserve: the animator's window and the health check.
            window = Raw(room.server.url, room.animator_cookie, FOURTH)
            assert window.connect(A, {"session": room.session_id}).startswith(f"40{A},")
            held.append(window)
            health = WebClient(room.server.url)
            with health.http:
                assert health.get("/sante").status_code == 200
            # Room again once connections close (the window took one of the reserve: two must go).
            held.pop(0).close()
            held.pop(0).close()
            deadline = time.monotonic() + 5  # once the server has seen them close
            while refused_handshake(room.server.url, FOURTH) != 101:
                assert time.monotonic() < deadline, "no room after two connections closed"
                time.sleep(0.1)
        probe.check()
        check_log(room, before)
    finally:
        for raw in held:
            raw.close()
        room.server.stop()
        databases.release(room.server.database_url)


def connect_error(room: Room, auth: dict[str, Any], forwarded_for: str, cookie: str = "") -> str:
    """The message of a refused /participant connection ("" if it was accepted)."""
    raw = Raw(room.server.url, cookie, forwarded_for)
    try:
        answer = raw.connect(P, auth)
        return json.loads(answer.split(",", 1)[1])["message"] if answer.startswith(f"44{P},") else ""
    finally:
        raw.close()


def test_join_code_attempts_are_limited_and_tell_nothing(tmp_path: Path, databases: Databases) -> None:
    room = start_room(tmp_path, databases, TRUSTED_PROXIES="1", RATELIMIT_ENABLED="true",
                      SOCKET_CONNECT_LIMIT="5 per minute")
    try:
        wrong = "000000" if room.code != "000000" else "111111"
        before = len(log_lines(room))
        # A wrong code and the live code without a chosen name: the same answer.
        first = connect_error(room, {"code": wrong}, ROOM_NAT)
        assert first == connect_error(room, {"code": room.code}, ROOM_NAT) != ""
        assert first.startswith("Cette séance est terminée ou le code est incorrect.")
        for _ in range(3):
            assert connect_error(room, {"code": wrong}, ROOM_NAT) == first
        with Probe(room, "Témoin") as probe:
            started = time.monotonic()
            refusals = [connect_error(room, {"code": f"{n:06d}"}, ROOM_NAT) for n in range(20)]
            assert time.monotonic() - started < 10
        probe.check()
        assert set(refusals) == {"Trop d'essais. Attendez une minute, puis réessayez."}
        # The limit counts refusals only, per address: phones with their name chosen still join.
        assert connect_error(room, {"code": room.code}, ROOM_NAT, room.phone_cookie("Élise")) == ""
        assert connect_error(room, {"code": wrong}, OTHER) == first
        check_log(room, before)
    finally:
        room.server.stop()
        databases.release(room.server.database_url)
