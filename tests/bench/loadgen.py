"""A load-generator process of the live-session benchmark: simulated phones, or animator windows.

Started by tests/bench/harness.py as `python -m tests.bench.loadgen SPEC.json`, in its own process so
that the server (one gevent process) and the clients do not share an interpreter. It speaks JSON lines:
one command on stdin, one reply on stdout. Times are `time.monotonic()` (CLOCK_MONOTONIC, shared by
every process of the machine), so the harness can compare an animator's emit with a phone's receipt.

Every client is a real `socketio.AsyncClient` on the websocket transport, as a browser would be.

With BENCH_TIMELINE=DIR, each process writes DIR/<pid>.txt when it quits: one line per question opened
(`O session emitted ack`) and per answer (`A session received sent ack`), in seconds of that shared clock.
`python -m tests.bench.timeline DIR` tells when the slow acknowledgements of a burst were sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import socketio

PHONES, ANIMATORS = "/participant", "/animateur"
ACK_TIMEOUT = 30.0
TIMELINE_DIR = os.environ.get("BENCH_TIMELINE")
TIMELINE: list[str] = []  # written at `quit` when TIMELINE_DIR is set


def _client(cookie: str) -> socketio.AsyncClient:
    # The cookie goes in the websocket handshake's headers (python-engineio would otherwise put it in an
    # aiohttp cookie jar, which refuses cookies of an IP address such as 127.0.0.1).
    return socketio.AsyncClient(reconnection=False, handle_sigint=False,
                                websocket_extra_options={"headers": {"Cookie": cookie}} if cookie else None)


class Phone:
    """One participant's phone: receives `state`, answers the armed question after a human delay."""

    def __init__(self, spec: dict[str, Any], worker: Worker) -> None:
        self.session: int = spec["session"]
        self.code: str = spec["code"]
        self.cookie: str = spec["cookie"]
        self.worker = worker
        self.client = _client(self.cookie)
        self.client.on("state", self.on_state, namespace=PHONES)
        self.client.on("disconnect", self.on_disconnect, namespace=PHONES)
        self.dropped: str | None = None  # why the server or the transport dropped this phone, if it did
        self.reset(None, None)

    def reset(self, quiz: int | None, window: float | None) -> None:
        self.quiz, self.window = quiz, window
        self.received: float | None = None
        self.ack: float | None = None
        self.error: str | None = None
        self.done = quiz is None

    def on_state(self, state: dict[str, Any]) -> None:
        now = time.monotonic()
        question = state.get("question") or {}
        if (self.quiz is None or self.received is not None or question.get("number") != self.quiz
                or question.get("state") != "open"):
            return
        self.received = now
        if self.window is None:
            self.finish()
        else:
            self.worker.tasks.add(asyncio.ensure_future(self.answer(random.uniform(0, self.window))))

    def on_disconnect(self, reason: object = None) -> None:
        if not self.worker.quitting:
            self.dropped = str(reason or "?")
            self.worker.dropped += 1
            if self.received is None:
                self.error = f"déconnecté ({self.dropped})"
                self.finish()

    async def answer(self, delay: float) -> None:
        await asyncio.sleep(delay)
        start = time.monotonic()
        try:
            ack = await self.client.call("answer", {"quiz": self.quiz, "choices": [0]}, namespace=PHONES,
                                         timeout=ACK_TIMEOUT)
            self.ack = time.monotonic() - start
            if TIMELINE_DIR:
                TIMELINE.append(f"A {self.session} {self.received:.4f} {start:.4f} {self.ack:.4f}\n")
            if not (isinstance(ack, dict) and ack.get("ok")):
                self.error = str((ack or {}).get("error", {}).get("code", ack))
        except socketio.exceptions.TimeoutError:
            self.error = "ack_timeout"
        except Exception as error:
            self.error = type(error).__name__
        self.finish()

    def finish(self) -> None:
        if not self.done:
            self.done = True
            self.worker.pending -= 1
            if self.worker.pending == 0:
                self.worker.all_done.set()

    async def connect(self, url: str) -> float:
        start = time.monotonic()
        await self.client.connect(url, headers={}, auth={"code": self.code}, transports=["websocket"],
                                  namespaces=[PHONES], wait_timeout=60)
        return time.monotonic() - start


class Animator:
    """One animator window (the presenter view) of a session, signed in by its session cookie."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.session: int = spec["session"]
        self.client = _client(spec["cookie"])

    async def connect(self, url: str) -> float:
        start = time.monotonic()
        await self.client.connect(url, headers={}, auth={"session": self.session}, transports=["websocket"],
                                  namespaces=[ANIMATORS], wait_timeout=60)
        return time.monotonic() - start

    async def open(self, quiz: int, delay: float) -> list[Any]:
        await asyncio.sleep(delay)
        t0 = time.monotonic()  # just before the emit
        try:
            ack = await self.client.call("question", {"action": "open", "quiz": quiz}, namespace=ANIMATORS,
                                         timeout=ACK_TIMEOUT)
        except Exception as error:
            return [self.session, t0, time.monotonic() - t0, False, type(error).__name__]
        ok = isinstance(ack, dict) and bool(ack.get("ok"))
        if TIMELINE_DIR:
            TIMELINE.append(f"O {self.session} {t0:.4f} {time.monotonic() - t0:.4f}\n")
        return [self.session, t0, time.monotonic() - t0, ok, None if ok else repr(ack)]


class Worker:
    """The clients of this process and the commands of the harness."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.url: str = spec["url"]
        self.batch: int = spec.get("batch", 25)
        self.pause: float = spec.get("pause", 0.02)
        self.phones = [Phone(p, self) for p in spec.get("phones", [])]
        self.animators = [Animator(a) for a in spec.get("animators", [])]
        self.pending = 0
        self.dropped = 0  # phones dropped by the server or the transport (not by `quit`)
        self.quitting = False
        self.all_done = asyncio.Event()
        self.tasks: set[asyncio.Future[Any]] = set()

    async def connect(self, _cmd: dict[str, Any]) -> dict[str, Any]:
        """Connect every client, `batch` at a time."""
        clients = self.phones or self.animators
        times: list[float] = []
        failures: list[str] = []
        start = time.monotonic()
        for i in range(0, len(clients), self.batch):
            results = await asyncio.gather(*(c.connect(self.url) for c in clients[i:i + self.batch]),
                                           return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    failures.append(f"{type(result).__name__}: {result}")
                else:
                    times.append(result)
            await asyncio.sleep(self.pause)
        return {"times": times, "failures": failures[:20], "failed": len(failures),
                "wall": time.monotonic() - start}

    async def arm(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Wait for `quiz` to open; answer it `window` seconds after at most (None: do not answer)."""
        self.tasks.clear()
        self.all_done = asyncio.Event()
        self.pending = len(self.phones)
        for phone in self.phones:
            phone.reset(cmd["quiz"], cmd.get("window"))
        return {"armed": len(self.phones)}

    async def collect(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Wait until every phone received (and answered), or the timeout; report each phone."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_done.wait(), cmd["timeout"])
        return {"phones": [[p.session, p.received, p.ack, p.error] for p in self.phones], "dropped": self.dropped,
                "reasons": sorted({p.dropped for p in self.phones if p.dropped})}

    async def open(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Each animator opens `quiz`, at a random instant within `spread` seconds (0: all at once)."""
        spread = cmd.get("spread", 0)
        opens = await asyncio.gather(*(a.open(cmd["quiz"], random.uniform(0, spread) if spread else 0)
                                       for a in self.animators))
        return {"opens": opens}

    async def quit(self, _cmd: dict[str, Any]) -> dict[str, Any]:
        self.quitting = True
        clients = [c.client for c in self.phones + self.animators if c.client.connected]
        for i in range(0, len(clients), 100):
            await asyncio.gather(*(c.disconnect() for c in clients[i:i + 100]), return_exceptions=True)
        return {"bye": True}


async def main(spec_path: str) -> None:
    with open(spec_path) as file:
        worker = Worker(json.load(file))
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        try:
            reply = await getattr(worker, command["cmd"])(command)
        except Exception as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        reply["cpu"] = time.process_time()
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if command["cmd"] == "quit":
            break
    if TIMELINE_DIR:
        Path(TIMELINE_DIR, f"{os.getpid()}.txt").write_text("".join(TIMELINE))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
