"""CPU per operation of the live server: what a phone's connection, a question's opening and an answer cost.

Wall-clock latencies on a shared 2-core machine are noisy; the server's own CPU time per operation is not
(much). This drives one real `python run.py` (gevent) with the benchmark's load generators, one kind of
operation at a time, and reports the server's CPU seconds (user + system, from /proc) divided by the number
of operations. With `--pyspy DIR`, each step is also recorded by py-spy (raw stacks, on-CPU samples only),
and summarised by `python -m tests.bench.profile_live --summary FILE`.

    .venv/bin/python -m tests.bench.profile_live --groups 200 --size 8
    .venv/bin/python -m tests.bench.profile_live --groups 1 --size 1000 --pyspy /tmp/spy

py-spy is not a dependency of the project: give its path with --pyspy-bin, or put it on PATH.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

from tests.bench.data import Plan, build
from tests.bench.harness import LoadProcess, ReferenceServer, everyone, kit_answers, login
from tests.conftest import TEST_CONFIG, free_port
from tests.servers import AppServer

IDLE_SECONDS = 5.0  # the idle step: phones connected, nothing asked


def seed(path: Path) -> Path:
    """The seeded database (migrated, modules imported), built once and kept."""
    if not path.exists():
        from flask_migrate import upgrade

        from kit import create_app
        from kit.content.shipped import import_files
        from kit.extensions import db

        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            upgrade()
            import_files()
            db.engine.dispose()
    return path


def cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


class Spy:
    """py-spy on the server during one step (optional)."""

    def __init__(self, binary: str | None, pid: int, directory: Path | None) -> None:
        self.binary, self.pid, self.directory = binary, pid, directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, name: str) -> None:
        if not self.directory or not self.binary:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([self.binary, "record", "--pid", str(self.pid), "--rate", "500",
                                         "--format", "raw", "--nonblocking", "-o",
                                         str(self.directory / f"{name}.txt")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)
            self.process = None


def measure(plan: Plan, url: str, pid: int, processes: int, opens: int, spy: Spy, directory: Path,
            reference: ReferenceServer | None = None) -> dict:
    server = psutil.Process(pid)
    phones = plan.phone_specs()
    chunk = math.ceil(len(phones) / processes)
    cookie = "" if reference else login(url, plan.email, plan.password)
    animators = LoadProcess({"url": url, "batch": 25, "animators": [{"session": s.id, "cookie": cookie}
                                                                  for s in plan.sessions]}, directory, "animators")
    workers = [LoadProcess({"url": url, "batch": 25, "phones": phones[i:i + chunk]}, directory, f"phones{n}")
               for n, i in enumerate(range(0, len(phones), chunk))]
    results: dict[str, float] = {}
    started = time.monotonic()
    try:
        before = cpu(server)
        everyone([animators], {"cmd": "connect"}, 120)
        results["animator connect"] = 1000 * (cpu(server) - before) / len(plan.sessions)

        spy.start("connect")
        before = cpu(server)
        replies = everyone(workers, {"cmd": "connect"}, 600)
        assert sum(r["failed"] for r in replies) == 0, [r["failures"] for r in replies]
        time.sleep(1.5)  # the throttled roster refreshes of the last connections
        results["phone connect"] = 1000 * (cpu(server) - before) / len(phones)
        spy.stop()

        # Nothing happens: what the connected phones and the server's own timers cost per second.
        spy.start("idle")
        before = cpu(server)
        time.sleep(IDLE_SECONDS)
        results["idle (per s)"] = 1000 * (cpu(server) - before) / IDLE_SECONDS
        spy.stop()

        # Opening a question (no answers): its fan-out and the animators' refresh.
        spy.start("open")
        before = cpu(server)
        for quiz in range(3, 3 + opens):
            everyone(workers, {"cmd": "arm", "quiz": quiz, "window": None}, 30)
            everyone([animators], {"cmd": "open", "quiz": quiz, "spread": 0}, 120)
            replies = everyone(workers, {"cmd": "collect", "timeout": 60}, 90)
            missing = sum(p[1] is None for r in replies for p in r["phones"])
            assert not missing, f"{missing} phones without question {quiz}; dropped: {replies[0]['reasons']}"
        time.sleep(1)
        results["open (per session)"] = 1000 * (cpu(server) - before) / (opens * len(plan.sessions))
        spy.stop()

        # Answers, spread over 5 s after one opening; the opening's cost is taken off.
        spy.start("answer")
        before = cpu(server)
        everyone(workers, {"cmd": "arm", "quiz": 1, "window": 5.0}, 30)
        everyone([animators], {"cmd": "open", "quiz": 1, "spread": 0}, 120)
        replies = everyone(workers, {"cmd": "collect", "timeout": 60}, 90)
        time.sleep(1)
        spent = 1000 * (cpu(server) - before) - results["open (per session)"] * len(plan.sessions)
        results["answer"] = spent / len(phones)
        spy.stop()
        errors = Counter(p[3] or ("sans_ack" if p[1] else "sans_question") for r in replies for p in r["phones"]
                         if p[3] or p[2] is None)
        stored, per_session = reference.answers(1) if reference else kit_answers(plan.database, plan, 1)
        results["stored"] = stored
        results["wall (s)"] = time.monotonic() - started
        assert not errors and stored == len(phones) and per_session, (errors, stored)
    finally:
        spy.stop()
        for process in (animators, *workers):
            process.stop()
    return results


def summary(path: Path, top: int = 40) -> None:
    """Self and inclusive share of the on-CPU samples of a py-spy raw file, per function."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")"
                  if " (" in f else f for f in stack.split(";")[1:]]
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    print(f"{path.name}: {total} samples")
    print("  self:")
    for frame, n in own.most_common(top):
        print(f"    {100 * n / total:5.1f} %  {frame}")
    print("  inclusive:")
    for frame, n in inclusive.most_common(top + 20):
        print(f"    {100 * n / total:5.1f} %  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--size", type=int, default=8)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--pyspy", type=Path, help="directory for py-spy's raw stacks")
    parser.add_argument("--pyspy-bin", default=shutil.which("py-spy"))
    parser.add_argument("--seed", type=Path, default=Path(tempfile.gettempdir()) / "kit-bench-seed.sqlite3")
    parser.add_argument("--reference", action="store_true", help="measure tests/bench/reference.py instead")
    parser.add_argument("--summary", type=Path, nargs="*", help="summarise py-spy raw files and stop")
    args = parser.parse_args()
    if args.summary:
        for path in args.summary:
            summary(path)
        return
    directory = Path(tempfile.mkdtemp(prefix="kit-profile-"))
    plan = build(seed(args.seed), directory / "bench.sqlite3", args.groups, args.size)
    if args.reference:
        server: AppServer | ReferenceServer = ReferenceServer(plan, free_port(), directory / "server.log").start()
    else:
        server = AppServer(f"sqlite:///{plan.database}", free_port(), directory / "server.log",
                           env={"GROUP_MAX_PARTICIPANTS": "5000", "SOCKET_PER_ADDRESS": "100000"}).start()
    try:
        assert server.process
        spy = Spy(args.pyspy_bin, server.process.pid, args.pyspy)
        results = measure(plan, server.url, server.process.pid, args.processes, args.opens, spy, directory,
                          server if isinstance(server, ReferenceServer) else None)
        print(f"{args.groups} × {args.size}, {'reference' if args.reference else 'Kit'}: server CPU per operation (ms)")
        for name, value in results.items():
            print(f"  {name:24} {value:8.2f}", flush=True)
    finally:
        try:
            server.stop()
        except subprocess.TimeoutExpired:
            if isinstance(server, AppServer):
                server.stop(kill=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
