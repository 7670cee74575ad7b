"""The event loop never stalls while phones answer: gevent's monitor on a real server, and a planted stall.

The server logs every stall of its loop over HUB_STALL_MS with the stack that caused it (kit/ops/stalls.py).
Here a few phones answer a question on a real `python run.py` with HUB_STALL_MS=100; no stall may be logged
from the moment they join. The same run against a server whose answer path calls a blocking sleep on
purpose (tests/kit/ops/blocking_server.py) must report it, with that call in the stack.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.bench.harness import login
from tests.conftest import demo_database, free_port
from tests.databases import Databases
from tests.kit.live.test_real_server import Client, phone
from tests.livedriver import LiveAnimator
from tests.servers import AppServer

PHONES = ("Awa", "Bruno", "Chloé", "Dylan", "Emma", "Farid")
STALL_MS = 100
BLOCKING_SERVER = Path(__file__).with_name("blocking_server.py")


def stalls_in(log: Path, offset: int) -> list[dict[str, Any]]:
    """The stalls of STALL_MS or more that the server's JSON log records after `offset` bytes."""
    found = []
    for line in log.read_bytes()[offset:].decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        # The time the server waited for a core while other processes had both is the machine's load, not a
        # stall of the server's own making.
        if (isinstance(record, dict) and record.get("logger") == "kit.hub" and record.get("blocked")
                and record["stall_ms"] - record.get("waited_for_core_ms", 0) >= STALL_MS):
            found.append(record)
    return found


def answer_round(server: AppServer) -> int:
    """A session started, six phones joined, a question opened and answered by all; the log offset when
    the phones had joined."""
    animator = LiveAnimator(server.url)
    code = animator.start()
    phones: list[Client] = []
    try:
        phones = [phone(server, code, name) for name in PHONES]
        offset = server.log.stat().st_size
        animator.question("open", 10)
        for index, client in enumerate(phones):
            client.wait_for(lambda s: (s["question"] or {}).get("state") == "open")
            assert client.call("answer", {"quiz": 10, "choices": [index % 3]})["ok"]
        for index, client in enumerate(phones):  # a change of mind: a second commit each
            assert client.call("answer", {"quiz": 10, "choices": [(index + 1) % 3]})["ok"]
        animator.question("reveal", 10)
        return offset
    finally:
        for client in phones:
            client.close()
        animator.close()


def serve(tmp_path: Path, databases: Databases, command: list[str] | None = None, url: str | None = None
          ) -> AppServer:
    server = AppServer(url or demo_database(databases), free_port(), tmp_path / "server.log",
                       env={"HUB_STALL_MS": str(STALL_MS), "LOG_FORMAT": "json"})
    if command:
        server.command = command
    return server.start()


def test_no_stall_while_answers_are_committed(tmp_path: Path, databases: Databases) -> None:
    server = serve(tmp_path, databases)
    try:
        offset = answer_round(server)
    finally:
        server.stop()
    stalls = stalls_in(server.log, offset)
    assert stalls == [], "\n\n".join(f"{s['message']}\n{s.get('stack')}" for s in stalls)


def test_the_guard_catches_a_blocking_call_on_the_answer_path(tmp_path: Path, databases: Databases) -> None:
    server = serve(tmp_path, databases, [sys.executable, str(BLOCKING_SERVER)])
    try:
        offset = answer_round(server)
    finally:
        server.stop()
    stalls = stalls_in(server.log, offset)
    assert len(stalls) >= len(PHONES), f"{len(stalls)} arrêts signalés pour {2 * len(PHONES)} réponses bloquantes"
    assert any("slow_submit_answer" in s.get("stack", "") for s in stalls), stalls[0]



def test_a_sign_in_does_not_stall_the_loop(tmp_path: Path, databases: Databases) -> None:
    """A password check costs 100–300 ms of CPU (scrypt): it runs in a native thread (kit/offload.py)."""
    url = demo_database(databases)
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # a costlier scrypt than the default, so that a stall shows on any machine
        connection.execute(sa.text("UPDATE user_account SET password_hash = :hash WHERE email = :email"),
                           {"hash": generate_password_hash(DEMO_PASSWORD, "scrypt:65536:8:1"), "email": DEMO_EMAIL})
    engine.dispose()
    server = serve(tmp_path, databases, url=url)
    try:
        offset = server.log.stat().st_size  # the first sign-in included
        for _ in range(3):
            login(server.url, DEMO_EMAIL, DEMO_PASSWORD)
    finally:
        server.stop()
    stalls = stalls_in(server.log, offset)
    assert stalls == [], "\n\n".join(f"{s['message']}\n{s.get('stack')}" for s in stalls)
