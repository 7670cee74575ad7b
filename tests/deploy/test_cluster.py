"""Three gunicorn processes behind the project's nginx, on PostgreSQL and Redis, as docs/deploy.md deploys them.

Phones join over HTTP through nginx (each with its own cookie jar, so its own `kit_route`), then open a
Socket.IO connection that starts with long-polling and upgrades to WebSocket, as a browser's does. We check
that they land on different processes, that the animator's actions reach all of them, and that when one
process is killed (SIGKILL, master and worker), its phones and the animator reconnect through nginx to
another process and carry on, with the answers given before the crash intact.

Needs nginx, PostgreSQL and Redis whatever the run's database backend; skipped without them, failed under
CI=true.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import socketio

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.cluster import (
    Cluster,
    demo_cluster_database,
    forget_rate_limits,
    postgres_databases,
    redis_db,
    require_cluster,
)
from tests.databases import Databases, query
from tests.web import WebClient

REDIS = redis_db(13)  # this test's rate-limit counters; its Socket.IO rooms are its own by their session ids
PROCESSES = 3
MIN_PHONES, MAX_PHONES = 9, 24  # phones join until every process has one (and there are MIN_PHONES)


class Live:
    """A python-socketio client through nginx: long-polling first, then WebSocket, with its browser's cookies."""

    def __init__(self, url: str, namespace: str, auth: dict[str, Any], web: WebClient, events: tuple[str, ...]
                 ) -> None:
        self.namespace = namespace
        self.received: dict[str, list[Any]] = {event: [] for event in events}
        self.disconnects = 0
        self.errors: list[str] = []
        self.changed = threading.Condition()
        # The browser's cookies (kit_route, kit_device or session) in a jar of the client's own, as a browser
        # sends them with every request. (Not a Cookie header: python-engineio drops it from the headers it
        # keeps for reconnecting, once it has upgraded to WebSocket.)
        self.http = requests.Session()
        self.http.cookies.update(web.http.cookies)
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1,
                                   http_session=self.http)
        for event in events:
            self.sio.on(event, self._recorder(event), namespace=namespace)
        self.sio.on("disconnect", self._on_disconnect, namespace=namespace)
        self.sio.on("connect_error", lambda data: self.errors.append(str(data)), namespace=namespace)
        # The WebSocket handshake carries an Origin, as a browser's does: Engine.IO accepts it only if
        # nginx passes the browser's host on, port included (Host or X-Forwarded-Host).
        self.sio.connect(url, namespaces=[namespace], auth=auth, wait_timeout=10)

    def _recorder(self, event: str) -> Callable[[Any], None]:
        def record(data: Any = None) -> None:
            with self.changed:
                self.received[event].append(data)
                self.changed.notify_all()
        return record

    def _on_disconnect(self, _reason: Any = None) -> None:
        self.disconnects += 1

    @property
    def states(self) -> list[dict[str, Any]]:
        return self.received["state"]

    def wait_for(self, check: Callable[[Any], bool], event: str = "state", timeout: float = 15, after: int = 0) -> Any:
        """The latest `event` received after the first `after` ones for which `check` holds (waiting for it)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for data in reversed(self.received[event][after:]):
                    if check(data):
                        return data
                left = deadline - time.monotonic()
                assert left > 0, f"no matching {event}; last: {self.received[event][-1:]}; errors: {self.errors}"
                self.changed.wait(left)

    def wait_count(self, check: Callable[[Any], int], count: int, event: str, timeout: float = 15) -> None:
        """Wait until `check` over the received `event`s adds up to `count` (True counts one)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while sum(map(check, self.received[event])) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{sum(map(check, self.received[event]))}/{count} {event}; errors: {self.errors}"
                self.changed.wait(left)

    def wait_connected(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.namespace not in self.sio.namespaces or not self.sio.connected:
            assert time.monotonic() < deadline, f"not reconnected: {self.errors}"
            time.sleep(0.05)

    def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.sio.call(event, payload, namespace=self.namespace, timeout=10)

    def transport(self) -> str:
        return self.sio.transport()

    def close(self) -> None:
        self.sio.disconnect()
        self.http.close()


class Phone:
    """A participant's phone: its own browser (cookies, hence its own route), joined by name, then live."""

    def __init__(self, cluster: Cluster, code: str, nickname: str) -> None:
        self.nickname = nickname
        self.web = WebClient(cluster.url)
        self.web.join(code, nickname)
        self.process = cluster.serving(self.web.http)  # where nginx sends this browser
        self.id = int(query(cluster.database_url, "SELECT id FROM participant WHERE nickname = :n", n=nickname)[0][0])
        self.live: Live | None = None

    def connect(self, cluster: Cluster, code: str) -> None:
        self.live = Live(cluster.url, "/participant", {"code": code}, self.web, ("state",))


class Classroom:
    """The demo session, started by the demo animator through nginx, with phones spread over the processes."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.web = WebClient(cluster.url)
        self.phones: list[Phone] = []
        self.animator: Live | None = None

    def open(self) -> None:
        """Start the session, join the phones, route the animator, connect everyone."""
        cluster = self.cluster
        self.web.login(DEMO_EMAIL, DEMO_PASSWORD)
        self.session_id = int(re.search(r"/animateur/seances/(\d+)", self.web.get("/animateur/").text).group(1))
        page = f"/animateur/seances/{self.session_id}"
        assert self.web.submit(page, page + "/demarrer", {}).status_code == 302
        found = re.search(r'class="code">(\d{3}) (\d{3})<', self.web.get(page).text)
        self.code = found.group(1) + found.group(2)
        while len(self.phones) < MIN_PHONES or len({p.process for p in self.phones}) < PROCESSES:
            assert len(self.phones) < MAX_PHONES, f"{MAX_PHONES} phones, not on every process: {self.spread()}"
            self.phones.append(Phone(cluster, self.code, f"Tel{len(self.phones) + 1}"))
        # The process with the most phones; the animator's browser is routed there too, so that killing it
        # tests both (the route is the browser's cookie: that of a phone on that process).
        self.busiest = self.spread().most_common(1)[0][0]
        route = next(p for p in self.phones if p.process == self.busiest).web.http.cookies["kit_route"]
        for cookie in self.web.http.cookies:
            if cookie.name == "kit_route":
                cookie.value = route
        assert cluster.serving(self.web.http) == self.busiest
        self.animator = Live(cluster.url, "/animateur", {"session": self.session_id}, self.web,
                             ("state", "roster", "answers"))
        for phone in self.phones:
            phone.connect(cluster, self.code)

    def spread(self) -> Counter[int]:
        return Counter(p.process for p in self.phones)

    def lives(self) -> list[Live]:
        return [p.live for p in self.phones if p.live]

    def presence(self) -> dict[int, set[str]]:
        """The workers holding each participant's connections, from the database."""
        rows = query(self.cluster.database_url, "SELECT participant_id, worker_id FROM presence WHERE session_id = :s",
                     s=self.session_id)
        found: dict[int, set[str]] = {}
        for participant, worker in rows:
            found.setdefault(participant, set()).add(worker)
        return found

    def answers(self, quiz: int) -> dict[int, tuple[Any, ...]]:
        rows = query(self.cluster.database_url, "SELECT participant_id, id, choices, entered_by, answered_at"
                     " FROM answer WHERE session_id = :s AND quiz_number = :q", s=self.session_id, q=quiz)
        return {row[0]: row[1:] for row in rows}

    def ask(self, slide: int, quiz: int) -> None:
        """The animator moves to `slide` and opens `quiz`; every phone shows it; each answers, acked."""
        seen = [len(live.states) for live in self.lives()]
        assert self.animator.call("goto", {"slide": slide})["ok"]
        for live, after in zip(self.lives(), seen, strict=True):
            live.wait_for(lambda s: s["slide"]["number"] == slide, after=after)
        assert self.animator.call("question", {"action": "open", "quiz": quiz})["ok"]
        for index, phone in enumerate(self.phones):
            assert phone.live
            phone.live.wait_for(lambda s: (s["question"] or {}).get("number") == quiz
                                and s["question"]["state"] == "open")
            choices = [index % 2]
            assert phone.live.call("answer", {"quiz": quiz, "choices": choices}) == {"ok": True, "quiz": quiz,
                                                                                      "choices": choices}
        # Each answer, stored by the phone's process, reaches the animator's process through Redis.
        self.animator.wait_count(lambda batch: sum(a["quiz"] == quiz for a in batch["answers"]), len(self.phones),
                                 "answers")
        stored = self.answers(quiz)
        assert {p.id: stored[p.id][1] for p in self.phones} == {p.id: str(i % 2) for i, p in enumerate(self.phones)}

    def close(self) -> None:
        for live in [*self.lives(), self.animator]:
            if live:
                live.close()
        for web in [self.web, *(p.web for p in self.phones)]:
            web.http.close()


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """nginx (deploy/nginx.conf) in front of three gunicorn processes, one PostgreSQL database, Redis."""
    require_cluster(REDIS)
    forget_rate_limits(REDIS)
    run: Databases | None = request.getfixturevalue("databases") if _run_on_postgres() else None
    with postgres_databases(run) as databases:
        url = demo_cluster_database(databases)
        # Rate limits stay on, counted in Redis for the three processes; the limits of one address allow
        # this test's phones (all of them come from 127.0.0.1).
        started = Cluster(url, REDIS, tmp_path_factory.mktemp("cluster"), PROCESSES).start()
        try:
            yield started
        finally:
            started.stop()
            databases.release(url)


def _run_on_postgres() -> bool:
    from tests.databases import BACKEND

    return BACKEND == "postgresql"


@pytest.fixture(scope="module")
def classroom(cluster: Cluster) -> Iterator[Classroom]:
    room = Classroom(cluster)
    try:
        room.open()
        yield room
    finally:
        room.close()


def test_nginx_sets_one_route_per_browser_and_keeps_to_it(cluster: Cluster) -> None:
    with requests.Session() as browser:
        first = browser.get(cluster.url + "/sante", timeout=10)
        assert first.status_code == 200 and first.json()["etat"] == "ok"
        cookie = first.headers["Set-Cookie"]
        assert re.fullmatch(r"kit_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", cookie), cookie
        # The process that served the first request (hashed on the new value) serves every later one.
        pids = {browser.get(cluster.url + "/sante", timeout=10).json()["pid"] for _ in range(5)}
        assert pids == {first.json()["pid"]}
        assert "Set-Cookie" not in browser.get(cluster.url + "/sante", timeout=10).headers
        # Static files come from nginx itself, compressed there.
        static = browser.get(cluster.url + "/static/css/app.css", headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert static.status_code == 200 and static.headers["Server"].startswith("nginx")
        assert static.headers.get("Content-Encoding") == "gzip"


def test_phones_land_on_different_processes(classroom: Classroom) -> None:
    cluster = classroom.cluster
    assert set(classroom.spread()) == set(range(PROCESSES)), classroom.spread()
    workers = {p.health()["worker"]: i for i, p in enumerate(cluster.processes)}
    presence = classroom.presence()
    for phone in classroom.phones:
        assert phone.live
        phone.live.wait_for(lambda s: s["session"] == classroom.session_id)
        # The Socket.IO connection (polling, then WebSocket) is held by the process that served its pages.
        assert {workers.get(w) for w in presence[phone.id]} == {phone.process}, (phone.nickname, presence)
        assert phone.live.transport() == "websocket"
    assert len(presence) == len(classroom.phones)


def test_the_animator_reaches_phones_on_every_process(classroom: Classroom) -> None:
    classroom.ask(slide=21, quiz=10)
    assert classroom.animator.call("question", {"action": "reveal", "quiz": 10})["ok"]
    state = classroom.animator.wait_for(lambda s: (s["question"] or {}).get("state") == "revealed")
    assert state["question"]["number"] == 10 and state["question"]["answered"] == len(classroom.phones)
    for live in classroom.lives():
        revealed = live.wait_for(lambda s: (s["question"] or {}).get("state") == "revealed")
        assert sum(revealed["question"]["tally"]) == len(classroom.phones)


def test_a_killed_process_phones_reconnect_elsewhere_and_carry_on(classroom: Classroom) -> None:
    cluster, busiest = classroom.cluster, classroom.busiest
    classroom.ask(slide=25, quiz=11)
    before = classroom.answers(11)
    assert len(before) == len(classroom.phones)
    victims = [p for p in classroom.phones if p.process == busiest]
    survivors = [p for p in classroom.phones if p.process != busiest]
    seen = {p.nickname: len(p.live.states) for p in classroom.phones if p.live}
    animator_seen = len(classroom.animator.states)

    cluster.processes[busiest].kill()

    # Its phones and the animator lose their connection and get a new one, through nginx, elsewhere:
    # they get the whole state again, with their answer.
    for phone in victims:
        assert phone.live
        state = phone.live.wait_for(lambda s: (s["question"] or {}).get("number") == 11, after=seen[phone.nickname],
                                    timeout=30)
        assert state["question"]["my_answer"] == [classroom.phones.index(phone) % 2]
        phone.live.wait_connected()
        assert phone.live.disconnects >= 1
    classroom.animator.wait_for(lambda s: s["session"] == classroom.session_id, after=animator_seen, timeout=30)
    classroom.animator.wait_connected()
    for phone in survivors:
        assert phone.live and phone.live.disconnects == 0
    workers = {p.health()["worker"]: i for i, p in enumerate(cluster.processes) if i != busiest}
    presence = classroom.presence()
    for phone in victims:
        # nginx now sends this browser to one other process, and its connection is held there.
        moved = cluster.serving(phone.web.http)
        assert moved != busiest
        assert moved in {workers.get(w) for w in presence[phone.id]}, (phone.nickname, presence, workers)

    # They carry on: the animator drives, every phone answers the next question, acked and stored.
    classroom.ask(slide=30, quiz=12)
    assert classroom.answers(11) == before
