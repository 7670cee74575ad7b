"""CPU per operation of the live handlers in one process, without network: a quick and steady measure.

The real Socket.IO handlers run through Flask-SocketIO's test client (no Engine.IO, no websocket, no
gevent), on a copy of the benchmark's database: what Kit's own code costs per phone joining, per question
opened, per answer and per refresh of the animators, apart from the transport that every Flask-SocketIO
server pays. Each figure is the best of `--repeat` rounds of CPU time (`time.process_time`), which a
busy machine disturbs much less than wall-clock latencies. `--profile` prints cProfile's top functions.

    .venv/bin/python -m tests.bench.micro_live --groups 20 --size 8
    .venv/bin/python -m tests.bench.micro_live --groups 1 --size 300 --profile open
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask_socketio import SocketIOTestClient

from kit import create_app
from kit.extensions import db, socketio
from kit.live import fanout
from kit.live.devices import COOKIE
from tests.bench.data import Plan, build
from tests.bench.profile_live import seed
from tests.conftest import TEST_CONFIG
from tests.factories import login

A, P = "/animateur", "/participant"


def app_for(plan: Plan) -> Flask:
    # The animators' refresh is throttled as in production (its cost is measured on its own).
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{plan.database}",
                       "LIVE_REFRESH_SECONDS": 3600, "GROUP_MAX_PARTICIPANTS": 5000})


class Bench:
    def __init__(self, app: Flask, plan: Plan) -> None:
        self.app, self.plan = app, plan
        self.http = app.test_client()
        login(self.http, plan.email)
        self.animators: list[SocketIOTestClient] = []
        self.phones: list[tuple[int, SocketIOTestClient]] = []
        self.quiz = 3

    def connect_animators(self) -> int:
        for s in self.plan.sessions:
            self.animators.append(socketio.test_client(self.app, namespace=A, auth={"session": s.id},
                                                       flask_test_client=self.http))
        return len(self.animators)

    def connect_phones(self) -> int:
        for s in self.plan.sessions:
            for token in s.tokens:
                http = self.app.test_client()
                http.set_cookie(COOKIE, token)
                client = socketio.test_client(self.app, namespace=P, auth={"code": s.code}, flask_test_client=http)
                assert client.is_connected(P)
                self.phones.append((s.id, client))
        return len(self.phones)

    def open(self) -> int:
        self.quiz += 1
        for animator in self.animators:
            ack = animator.emit("question", {"action": "open", "quiz": self.quiz}, namespace=A, callback=True)
            assert ack["ok"], ack
        return len(self.animators)

    def answer(self) -> int:
        for _session, phone in self.phones:
            ack = phone.emit("answer", {"quiz": self.quiz, "choices": [0]}, namespace=P, callback=True)
            assert ack["ok"], ack
        return len(self.phones)

    def refresh(self) -> int:
        for s in self.plan.sessions:
            with self.app.app_context():
                fanout._refresh_now(s.id)
        return len(self.plan.sessions)

    def drain(self) -> None:
        for client in self.animators + [p for _s, p in self.phones]:
            client.get_received(A if client in self.animators else P)


def measure(name: str, step: Callable[[], int], profile: str | None) -> float:
    profiler = cProfile.Profile() if profile == name else None
    start = time.process_time()
    if profiler:
        profiler.enable()
    count = step()
    if profiler:
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        stats.print_callers("scoping.py.*\\(get\\)")
    return 1000 * (time.process_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--size", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=["connect", "open", "answer", "refresh"])
    parser.add_argument("--seed", type=Path, default=Path(tempfile.gettempdir()) / "kit-bench-seed.sqlite3")
    args = parser.parse_args()
    best: dict[str, float] = {}
    for round_ in range(args.repeat):
        directory = Path(tempfile.mkdtemp(prefix="kit-micro-"))
        plan = build(seed(args.seed), directory / "bench.sqlite3", args.groups, args.size)
        bench = Bench(app_for(plan), plan)
        profile = args.profile if round_ == args.repeat - 1 else None
        figures = {"animator connect": measure("animator", bench.connect_animators, profile),
                   "phone connect": measure("connect", bench.connect_phones, profile),
                   "refresh (per session)": measure("refresh", bench.refresh, profile)}
        bench.drain()
        opens, answers = [], []
        for _ in range(2):
            opens.append(measure("open", bench.open, profile if not opens else None))
            answers.append(measure("answer", bench.answer, profile if not answers else None))
            bench.drain()
        figures["open (per session)"] = min(opens)
        figures["answer"] = min(answers)
        for name, value in figures.items():
            best[name] = min(best.get(name, value), value)
        with bench.app.app_context():
            db.engine.dispose()
    print(f"{args.groups} × {args.size}: CPU per operation in the handlers (ms, best of {args.repeat})")
    for name, value in best.items():
        print(f"  {name:24} {value:8.3f}")


if __name__ == "__main__":
    main()
