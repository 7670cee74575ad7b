"""1, 2 and 3 app processes behind the project's nginx, on PostgreSQL and Redis: what each configuration holds.

For each configuration (tests/cluster.py: gunicorn with deploy/gunicorn.conf.py, nginx with deploy/nginx.conf):
1. the stated load: 200 sessions × 8 phones and one animator window per session, connected through nginx;
   two questions (openings and answers spread over 10 s, then a burst: 200 openings at once and answers
   within 1 s): answer-ack and fan-out p50 / p99, answers counted in PostgreSQL;
2. a ramp: more phones (of further sessions, idle between two questions), 400 at a time, until a step has a
   connection failure or a handshake p99 above HANDSHAKE_LIMIT, or MAX_PHONES is reached;
3. at the load held, the spread question again, with every phone connected;
4. one process again without the Redis message queue (SOCKETIO_MESSAGE_QUEUE empty), stated load only: what the
   queue costs in latency.
CPU per component (app processes, nginx, PostgreSQL backends of the bench's database, Redis, load generators)
is sampled with psutil throughout.

Load generators: tests/bench/loadgen.py processes (asyncio python-socketio clients, WebSocket), driven by
tests/bench/harness.py's LoadProcess. Redis: a private redis-server when there is one (so that its CPU is
this bench's alone), else the tests' Redis.

Run on purpose: `.venv/bin/pytest tests/bench/test_cluster.py -m bench -s -p no:cacheprovider`.
Rewrites only its block of docs/performance.md (between the `grappe:mesures` markers).
BENCH_CLUSTER_SIZES=1,3 (or 1-sans-file) runs some configurations only, without touching docs/performance.md.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy as sa

from tests.bench.data import BenchSession, add_groups
from tests.bench.harness import LoadProcess, everyone, login, machine, percentile, wait_until_quiet
from tests.cluster import Cluster, redis_db, require_cluster, unique_session_ids
from tests.conftest import free_port
from tests.databases import POSTGRES_ADMIN_URL, PostgresDatabases, query

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent.parent
PERFORMANCE = ROOT / "docs" / "performance.md"
ACTIVE_SESSIONS, GROUP_SIZE = 200, 8  # the stated load
MAX_PHONES = int(os.environ.get("BENCH_CLUSTER_MAX_PHONES", "4000"))  # the ramp's target
STEP = 400  # phones added per ramp step (one load-generator process each)
HANDSHAKE_LIMIT = 2.0  # seconds: a step whose connection p99 is above this has not held
STEP_TIMEOUT = 120.0  # seconds for a ramp step to connect (the load generator waits 60 s per client at most)
STATED_PROCESSES = 4  # load-generator processes for the stated load's phones
SPREAD, BURST = 10.0, 1.0
CONFIGURATIONS = ("1", "2", "3", "1-sans-file")
ANIMATOR_EMAIL = "grappe@test.fr"


# --- the data -------------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Started sessions with their phones' device tokens, in a PostgreSQL database."""

    email: str
    password: str
    sessions: list[BenchSession]

    def phones(self, sessions: list[BenchSession]) -> list[dict[str, object]]:
        return [{"session": s.id, "code": s.code, "cookie": f"kit_device={t}"} for s in sessions for t in s.tokens]


def build_plan(url: str, groups: int, size: int) -> Plan:
    """Migrate and load the modules, then one animator, `groups` groups of `size` participants with a device token
    each (the rows `bind_device` makes) and one started session per group."""
    from tests.conftest import dispose, make_app, seed
    from tests.factories import PASSWORD

    seed(url)
    unique_session_ids(url)
    app = make_app(url)
    with app.app_context():
        sessions = add_groups(ANIMATOR_EMAIL, groups, size)
    dispose(app)
    return Plan(ANIMATOR_EMAIL, PASSWORD, sessions)


# --- Redis ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def private_redis(folder: Path) -> Iterator[tuple[str, int | None]]:
    """(URL, pid): a redis-server of this bench's own, without persistence; else the tests' Redis (pid if local)."""
    binary = shutil.which("redis-server")
    if binary is None:
        url = redis_db(14)
        import redis

        info = redis.Redis.from_url(url).info("server")
        local = url.startswith(("redis://127.0.0.1", "redis://localhost"))
        yield url, int(info["process_id"]) if local else None
        return
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "redis.log").open("ab") as log:
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", str(folder)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline and process.poll() is None, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- CPU per component ----------------------------------------------------------------------------------


class Components(threading.Thread):
    """CPU seconds of each component, summed over its processes (those that ended keep their last figure).

    Every other process of the machine is read too, every 2 s, to say who else used it (the machine is shared).
    """

    def __init__(self, cluster: Cluster, database: str, redis_pid: int | None) -> None:
        super().__init__(daemon=True)
        self.cluster, self.database, self.redis_pid = cluster, database, redis_pid
        self.loads: list[int] = []
        self.known: dict[int, tuple[str, psutil.Process]] = {os.getpid(): ("pytest", psutil.Process())}
        self.last: dict[int, float] = {}
        self.samples: list[tuple[float, dict[str, float], tuple[float, float, float]]] = []
        self.strangers: list[tuple[float, dict[int, tuple[str, float]]]] = []  # every 2 s: pid → (label, CPU s)
        self.running = True
        self._scan = 0.0

    def _find(self) -> None:
        def keep(pid: int, name: str) -> None:
            if pid not in self.known:
                with contextlib.suppress(psutil.Error):
                    self.known[pid] = (name, psutil.Process(pid))

        for index, process in enumerate(self.cluster.processes):
            for pid in process.pids():
                keep(pid, f"app{index + 1}")
        if self.cluster.nginx:
            for pid in self.cluster.nginx.pids():
                keep(pid, "nginx")
        if self.redis_pid:
            keep(self.redis_pid, "redis")
        for pid in self.loads:
            keep(pid, "load")
        if time.monotonic() - self._scan < 2:
            return
        self._scan = time.monotonic()
        strangers: dict[int, tuple[str, float]] = {}
        for process in psutil.process_iter(["cmdline", "name", "cpu_times"]):
            with contextlib.suppress(psutil.Error, TypeError):
                cmdline = " ".join(process.info["cmdline"] or [])
                # PostgreSQL's backends of this database: their title names it.
                if cmdline.startswith("postgres:") and f" {self.database} " in f"{cmdline} ":
                    keep(process.pid, "postgres")
                elif process.pid not in self.known:
                    times = process.info["cpu_times"]
                    strangers[process.pid] = (_label(process.info["name"], cmdline), times.user + times.system)
        self.strangers.append((self._scan, strangers))

    def _sample(self) -> dict[str, float]:
        for pid, (_name, process) in list(self.known.items()):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                self.last[pid] = times.user + times.system
        totals: Counter[str] = Counter()
        for pid, seconds in self.last.items():
            totals[self.known[pid][0]] += seconds
        return dict(totals)

    @staticmethod
    def _machine() -> tuple[float, float, float]:
        """CPU seconds of the machine: used (interrupts included), interrupts alone (the loopback network's
        packets are handled there, outside any process), and stolen by the hypervisor (a shared host)."""
        times = psutil.cpu_times()
        steal = getattr(times, "steal", 0.0)
        used = (sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0)
                - getattr(times, "guest_nice", 0.0) - steal)
        return used, getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0), steal

    def run(self) -> None:
        while self.running:
            self._find()
            self.samples.append((time.monotonic(), self._sample(), self._machine()))
            time.sleep(0.5)

    def window(self, start: float, end: float) -> dict[str, Any]:
        """% of one core per component between start and end: "app" sums the app processes; "irq" is the
        machine's interrupts; "autres" the rest of the machine, of which "qui" names the biggest users."""
        inside = [s for s in self.samples if start - 0.6 <= s[0] <= end + 0.6]
        if len(inside) < 2:
            return {}
        (t0, first, (m0, i0, s0)), (t1, last, (m1, i1, s1)) = inside[0], inside[-1]
        span = t1 - t0
        result: dict[str, Any] = {name: 100 * (last.get(name, 0.0) - first.get(name, 0.0)) / span for name in last}
        result["app"] = sum(v for k, v in result.items() if k.startswith("app"))
        ours = sum(v for k, v in result.items() if k != "app")
        result["irq"] = 100 * (i1 - i0) / span
        result["machine"] = 100 * (m1 - m0) / span
        result["autres"] = max(0.0, result["machine"] - ours - result["irq"])
        result["vol"] = 100 * (s1 - s0) / span
        result["span"] = span
        result["qui"] = self._who(start, end)
        return result

    def _who(self, start: float, end: float) -> str:
        """The three biggest users of the machine outside this bench, in % of one core."""
        scans = [s for s in self.strangers if start - 2.1 <= s[0] <= end + 2.1]
        if len(scans) < 2:
            return ""
        (t0, first), (t1, last) = scans[0], scans[-1]
        used: Counter[str] = Counter()
        for pid, (label, seconds) in last.items():
            before = first.get(pid)
            used[label] += seconds - (before[1] if before and before[0] == label else 0.0)
        top = [(label, 100 * seconds / (t1 - t0)) for label, seconds in used.most_common(3)]
        return ", ".join(f"{label} {value:.0f} %" for label, value in top if value >= 5)


def _label(name: str | None, cmdline: str) -> str:
    """A short name for a process of someone else: the program, and for Python what it runs."""
    words = cmdline.split()
    if words and "python" in Path(words[0]).name:
        rest = [w for w in words[1:] if not w.startswith("-") or w == "-m"]
        what = rest[1] if rest[:1] == ["-m"] and len(rest) > 1 else (rest[0] if rest else "")
        return f"python {Path(what).name}"[:40]
    return (name or "?")[:40]


# --- measuring ------------------------------------------------------------------------------------------


@dataclass
class Question:
    """One question opened in some sessions and answered by their phones."""

    label: str
    phones: int
    fanout: list[float] = field(default_factory=list)  # per session: animator's emit → last phone's receipt
    acks: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    missing: int = 0  # armed phones that never got the question
    dropped: int = 0
    stored: int = 0
    cpu: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ramp:
    """Connections added step by step."""

    # (phones connected in all, failures, handshake p50, p99, CPU) per step
    steps: list[tuple[int, int, float, float, dict[str, Any]]] = field(default_factory=list)
    held: int = 0
    stop: str = ""
    dropped: int = 0  # ramp phones disconnected by the end (by the server or the transport)


@dataclass
class Result:
    size: int
    queue: bool = True  # False: one process without the Redis message queue (the ramp is skipped)
    connect: tuple[int, int, float, float, float, dict[str, Any]] | None = None  # phones, failed, p50, p99, wall, cpu
    questions: list[Question] = field(default_factory=list)
    ramp: Ramp = field(default_factory=Ramp)
    memory_mb: list[float] = field(default_factory=list)  # app workers' RSS at the end


def ask(label: str, quiz: int, animators: list[LoadProcess], workers: list[LoadProcess], spread: float,
        window: float, components: Components, database_url: str) -> Question:
    """Arm the phones, open `quiz` in every session of `animators` within `spread` s, collect, count in the database."""
    start = time.monotonic()
    armed = sum(r["armed"] for r in everyone(workers, {"cmd": "arm", "quiz": quiz, "window": window}, 60))
    opens = [o for r in everyone(animators, {"cmd": "open", "quiz": quiz, "spread": spread}, spread + 120)
             for o in r["opens"]]
    replies = everyone(workers, {"cmd": "collect", "timeout": spread + window + 30}, spread + window + 90)
    result = Question(label, armed)
    result.cpu = components.window(start, time.monotonic())
    opened = {o[0]: o[1] for o in opens if o[3]}
    result.errors.update(f"ouverture refusée : {o[4]}"[:80] for o in opens if not o[3])
    last: dict[int, float] = {}
    for reply in replies:
        result.dropped += reply["dropped"]
        for session, received, ack, error in reply["phones"]:
            if received is None:
                result.missing += 1
            else:
                last[session] = max(last.get(session, 0.0), received)
            if ack is not None:
                result.acks.append(ack)
            if error is not None or ack is None:
                result.errors[error or "sans_ack"] += 1
    result.fanout = [last[s] - opened[s] for s in last if s in opened]
    result.stored = int(query(database_url, "SELECT count(*) FROM answer WHERE quiz_number = :q"
                                            " AND entered_by = 'phone'", q=quiz)[0][0])
    return result


def connect(processes: list[LoadProcess], timeout: float = 600) -> tuple[int, int, list[float], list[str]]:
    """Connect every client of these load generators: (connected, failed, handshake times, some failures)."""
    replies = everyone(processes, {"cmd": "connect"}, timeout)
    times = [t for r in replies for t in r["times"]]
    return len(times), sum(r["failed"] for r in replies), times, [f for r in replies for f in r["failures"]][:5]


def run_configuration(size: int, plan: Plan, databases: PostgresDatabases, redis_url: str, redis_pid: int | None,
                      folder: Path, queue: bool = True) -> Result:
    result = Result(size, queue)
    database = databases.seeded()
    name = sa.make_url(database).database or ""
    # Every load generator connects from 127.0.0.1: no per-address cap here.
    env = {"LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": "false", "SOCKET_PER_ADDRESS": "100000"}
    if not queue:  # what the message queue costs: one process, the same load, no Redis between emits
        env["SOCKETIO_MESSAGE_QUEUE"] = ""
    cluster = Cluster(database, redis_url, folder / f"grappe-{size}{'' if queue else '-sans-file'}", size, env=env)
    loads: list[LoadProcess] = []
    components: Components | None = None
    try:
        others = wait_until_quiet(float(os.environ.get("BENCH_QUIET_WAIT", "60")))
        print(f"\n{_name(result)} ; autres processus avant la mesure : {others:.0f} % d'un cœur", flush=True)
        cluster.start()
        components = Components(cluster, name, redis_pid)
        components.start()
        directory = folder / f"load-{size}"
        directory.mkdir(parents=True, exist_ok=True)

        def spawn(spec: dict[str, Any], label: str) -> LoadProcess:
            process = LoadProcess({"url": cluster.url, "batch": 25, **spec}, directory, label)
            loads.append(process)
            assert components
            components.loads.append(process.process.pid)
            return process

        active = plan.sessions[:ACTIVE_SESSIONS]
        cookie = login(cluster.url, plan.email, plan.password)
        animators = spawn({"animators": [{"session": s.id, "cookie": cookie} for s in active]}, "animators")
        phones = plan.phones(active)
        chunk = math.ceil(len(phones) / STATED_PROCESSES)
        workers = [spawn({"phones": phones[i:i + chunk]}, f"phones{n}")
                   for n, i in enumerate(range(0, len(phones), chunk))]

        start = time.monotonic()
        connected, failed, _times, failures = connect([animators])
        assert failed == 0, failures
        connected, failed, times, failures = connect(workers)
        wall = time.monotonic() - start
        result.connect = (connected, failed, percentile(times, 50), percentile(times, 99), wall,
                          components.window(start, time.monotonic()))
        print(f"  {connected} téléphones + {len(active)} fenêtres en {wall:.1f} s ; échecs {failed} {failures}",
              flush=True)
        assert failed == 0, failures
        time.sleep(2)
        result.questions.append(ask(f"{len(active)} × {GROUP_SIZE} : ouvertures et réponses étalées sur {SPREAD:.0f} s",
                                    1, [animators], workers, SPREAD, SPREAD, components, database))
        time.sleep(1)
        result.questions.append(ask(f"{len(active)} × {GROUP_SIZE} : rafale, {len(active)} ouvertures à la fois, "
                                    f"réponses en {BURST:.0f} s", 2, [animators], workers, 0, BURST, components,
                                    database))

        # The ramp: idle phones of further sessions, STEP at a time.
        ramp, total, rest = result.ramp, connected, plan.phones(plan.sessions[ACTIVE_SESSIONS:])
        ramp.held = total
        if not queue:
            rest = []
            ramp.stop = "sans rampe (comparaison des latences seulement)"
        while total < MAX_PHONES and rest:
            batch, rest = rest[:STEP], rest[STEP:]
            start = time.monotonic()
            step = spawn({"phones": batch}, f"ramp{len(ramp.steps)}")
            try:
                done, failed, times, failures = connect([step], STEP_TIMEOUT)
            except TimeoutError:  # connections stuck (a full process no longer accepts): none counted
                # How many got through before the rest stuck, by the connections the processes recorded.
                present = int(query(database, "SELECT count(*) FROM presence")[0][0])
                loads.remove(step)
                step.stop()
                ramp.steps.append((present, len(batch) - (present - total), math.nan, math.nan,
                                   components.window(start, time.monotonic())))
                ramp.stop = (f"connexions bloquées : {present} téléphones + {len(active)} fenêtres connectés, les "
                             f"{len(batch) - (present - total)} autres du palier ne se connectent pas en "
                             f"{STEP_TIMEOUT:.0f} s")
                ramp.held = present
                print(f"  rampe : {ramp.stop}", flush=True)
                break
            total += done
            p50, p99 = percentile(times, 50), percentile(times, 99)
            ramp.steps.append((total, failed, p50, p99, components.window(start, time.monotonic())))
            print(f"  rampe : {total} téléphones ; échecs {failed} ; poignée de main p50 {1000 * p50:.0f} ms, "
                  f"p99 {1000 * p99:.0f} ms {failures}", flush=True)
            if failed:
                ramp.stop = (f"{failed} connexions refusées ou expirées à {total + failed} téléphones "
                             f"({failures[0][:80]})")
                break
            if p99 > HANDSHAKE_LIMIT:
                ramp.stop = f"poignée de main p99 {p99:.1f} s > {HANDSHAKE_LIMIT:.0f} s à {total} téléphones"
                break
            ramp.held = total
        else:
            if queue:
                ramp.stop = f"cible du banc atteinte ({MAX_PHONES} téléphones)"
        time.sleep(2)
        result.questions.append(ask(f"{total} téléphones connectés, dont {len(active)} × {GROUP_SIZE} qui répondent "
                                    f"(étalées sur {SPREAD:.0f} s)", 3, [animators], workers, SPREAD, SPREAD,
                                    components, database))
        ramps = [p for p in loads if p.name.startswith("ramp")]
        if ramps:  # still connected? (they were armed for nothing: just report)
            everyone(ramps, {"cmd": "arm", "quiz": 12, "window": None}, 60)
            ramp.dropped = sum(r["dropped"] for r in everyone(ramps, {"cmd": "collect", "timeout": 0.5}, 60))
        for process in cluster.processes:
            for pid in process.pids()[1:]:
                with contextlib.suppress(psutil.Error):
                    result.memory_mb.append(psutil.Process(pid).memory_info().rss / 2**20)
        return result
    finally:
        for process in loads:
            process.stop()
        if components:
            components.running = False
        cluster.stop()
        databases.release(database)


# --- the report -----------------------------------------------------------------------------------------


def _name(result: Result) -> str:
    return f"{result.size} processus" + ("" if result.queue else " sans file Redis")


def _ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{1000 * value:.0f}"


def _cpu(cpu: dict[str, Any], size: int) -> str:
    if not cpu:
        return "–"
    apps = " + ".join(f"{cpu.get(f'app{i + 1}', 0):.0f}" for i in range(size))
    return (f"app {apps} = {cpu['app']:.0f} % ; nginx {cpu.get('nginx', 0):.0f} % ; PostgreSQL "
            f"{cpu.get('postgres', 0):.0f} % ; Redis {cpu.get('redis', 0):.0f} % ; "
            f"générateurs {cpu.get('load', 0):.0f} % ; pytest {cpu.get('pytest', 0):.0f} % ; "
            f"interruptions {cpu.get('irq', 0):.0f} % ; autres {cpu.get('autres', 0):.0f} %"
            + (f" ({cpu['qui']})" if cpu.get("qui") else "")
            + f" ; machine {cpu.get('machine', 0):.0f} % ; volé {cpu.get('vol', 0):.0f} %")


def _per_answer(q: Question) -> str:
    """CPU milliseconds per stored answer (the question's opening and fan-out included), per component."""
    if not q.cpu or not q.stored:
        return "–"
    return " / ".join(f"{10 * q.cpu.get(name, 0) * q.cpu['span'] / q.stored:.1f}"
                      for name in ("app", "postgres", "redis", "nginx")) + " ms"


def summary_table(results: list[Result]) -> str:
    lines = ["| Configuration | Téléphones tenus | Pourquoi pas plus | Ack réponse p50 / p99 (200 × 8, étalées) | "
             "Diffusion p50 / p99 (200 × 8, étalées) | Ack p50 / p99 (rafale) | Diffusion p50 / p99 (rafale) | "
             "Ack p50 / p99 (au maximum tenu) | Diffusion p50 / p99 (au maximum tenu) | Mémoire par processus |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        q = r.questions + [Question("", 0)] * (3 - len(r.questions))
        pairs = [f"{_ms(percentile(x.acks, 50))} / {_ms(percentile(x.acks, 99))} ms" for x in q]
        fans = [f"{_ms(percentile(x.fanout, 50))} / {_ms(percentile(x.fanout, 99))} ms" for x in q]
        memory = f"{max(r.memory_mb):.0f} Mo" if r.memory_mb else "–"
        lines.append(f"| {_name(r)} | {r.ramp.held} | {r.ramp.stop} | {pairs[0]} | {fans[0]} | {pairs[1]} | "
                     f"{fans[1]} | {pairs[2]} | {fans[2]} | {memory} |")
    return "\n".join(lines)


def detail_table(results: list[Result]) -> str:
    lines = ["| Configuration | Étape | Téléphones | Ack p50 / p99 (n) | Diffusion p50 / p99 (séances) | "
             "Réponses en base / attendues | Erreurs | Sans la question | Déconnectés | CPU (% d'un cœur) | "
             "CPU par réponse : app / PostgreSQL / Redis / nginx |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r.connect:
            phones, failed, p50, p99, wall, cpu = r.connect
            lines.append(f"| {_name(r)} | connexion de 200 × 8 (+ 200 fenêtres) en {wall:.0f} s | {phones} | "
                         f"poignée de main {_ms(p50)} / {_ms(p99)} ms | – | – | {failed} échecs | – | – | "
                         f"{_cpu(cpu, r.size)} | – |")
        for q in r.questions:
            lines.append(f"| {_name(r)} | {q.label} | {q.phones} | {_ms(percentile(q.acks, 50))} / "
                         f"{_ms(percentile(q.acks, 99))} ms ({len(q.acks)}) | {_ms(percentile(q.fanout, 50))} / "
                         f"{_ms(percentile(q.fanout, 99))} ms ({len(q.fanout)}) | {q.stored} / {q.phones} | "
                         f"{dict(q.errors) or 0} | {q.missing} | {q.dropped} | {_cpu(q.cpu, r.size)} | "
                         f"{_per_answer(q)} |")
        for total, failed, p50, p99, cpu in r.ramp.steps:
            lines.append(f"| {_name(r)} | rampe (+{STEP}) | {total} | poignée de main {_ms(p50)} / {_ms(p99)} ms | "
                         f"– | – | {failed} échecs | – | – | {_cpu(cpu, r.size)} | – |")
    return "\n".join(lines)


SECTION = "## Plusieurs processus derrière nginx (PostgreSQL, Redis)"
BEGIN = "<!-- grappe:début (section écrite par tests/bench/test_cluster.py et à la main) -->"
END = "<!-- grappe:fin -->"
MEASURES_BEGIN = "<!-- grappe:mesures:début (réécrit par tests/bench/test_cluster.py) -->"
MEASURES_END = "<!-- grappe:mesures:fin -->"


def write_measures(text: str, measured: str) -> str:
    """The file's text with this bench's measures replaced (or its section added at the end); nothing else moves."""
    block = f"{MEASURES_BEGIN}\n{measured.strip()}\n{MEASURES_END}"
    if MEASURES_BEGIN in text and MEASURES_END in text:
        start, end = text.index(MEASURES_BEGIN), text.index(MEASURES_END) + len(MEASURES_END)
        return text[:start] + block + text[end:]
    return f"{text.rstrip()}\n\n{SECTION}\n\n{BEGIN}\n\n{block}\n\n{END}\n"


METHOD = """\
**Méthode.** Pour 1, 2 et 3 processus : `tests/cluster.py` lance les processus comme en production (`gunicorn -c
deploy/gunicorn.conf.py run:app`, un worker gevent chacun, `worker_connections` 2000) et nginx avec
`deploy/nginx.conf` (seuls les ports, l'adresse d'écoute et le dossier static changent ; `worker_processes auto`,
soit 2 ici). Base PostgreSQL 15 de la machine (copie d'une base préparée : {groups} groupes de {size}
participants, un jeton `kit_device` chacun, une séance démarrée par groupe), file Socket.IO et limites de débit dans
{redis}. Journaux au niveau WARNING, limites de débit coupées (aucune route HTTP limitée n'est dans la boucle).
Générateurs de charge : `tests/bench/loadgen.py` (processus séparés, asyncio, un `socketio.AsyncClient` par téléphone,
WebSocket seulement, par lots de 25), {stated} processus pour les 200 × 8 et un de plus par palier de la rampe,
un pour les 200 fenêtres animateur (connectées d'abord, cookie de session du vrai formulaire `/connexion`).
Tout passe par nginx.
**Diffusion** : de l'instant qui précède l'emit `question` `open` de l'animateur à la réception du `state` par le
dernier téléphone de la séance (horloge monotone commune) ; un échantillon par séance. **Ack** : de l'emit `answer`
à l'accusé de réception, qui suit le commit dans PostgreSQL ; les réponses sont ensuite comptées dans la base.
**Rampe** : {step} téléphones de plus par palier (séances sans fenêtre animateur : connectés, inactifs), jusqu'à
un échec de connexion, une poignée de main p99 > {limit:.0f} s, ou {max_phones} téléphones (cible du banc). Puis la
question étalée est reposée aux 200 séances actives avec tous les téléphones connectés. Enfin, « 1 processus sans
file Redis » refait les questions des 200 × 8 avec un seul processus et `SOCKETIO_MESSAGE_QUEUE` vide : ce que la
file coûte en latence.
**CPU** (psutil, toutes les 0,5 s, en % d'un cœur ; 200 % = la machine entière) : « app » = maîtres et workers
gunicorn ; « PostgreSQL » = les processus serveur de la base du banc ; « pytest » = le chef d'orchestre du banc ;
« interruptions » = irq et softirq de la machine (le réseau local y est traité, hors de tout processus) ;
« autres » = le reste de la machine, dont, entre parenthèses, ses plus gros utilisateurs (la machine est partagée
avec d'autres travaux) ; « volé » = le temps pris par l'hyperviseur."""


def test_cluster_capacity(tmp_path: Path) -> None:
    require_cluster(redis_db(14))
    # "1-sans-file": one process without the Redis message queue, to see what the queue costs.
    names = os.environ.get("BENCH_CLUSTER_SIZES", ",".join(CONFIGURATIONS)).split(",")
    groups = math.ceil(MAX_PHONES / GROUP_SIZE) + STEP // GROUP_SIZE  # enough for the ramp's last step
    databases = PostgresDatabases(POSTGRES_ADMIN_URL)
    plans: list[Plan] = []
    results: list[Result] = []
    try:
        databases.seed(lambda url: plans.append(build_plan(url, groups, GROUP_SIZE)))
        with private_redis(tmp_path / "redis") as (redis_url, redis_pid):
            for name in names:
                size, queue = int(name.split("-")[0]), not name.endswith("-sans-file")
                results.append(run_configuration(size, plans[0], databases, redis_url, redis_pid, tmp_path, queue))
            redis_label = ("un redis-server à part, sans persistance" if shutil.which("redis-server")
                           else f"le Redis des tests ({redis_url})")
    finally:
        databases.close()

    measured = "\n\n".join([
        f"Mesuré le {datetime.now():%Y-%m-%d à %H:%M} par `tests/bench/test_cluster.py`.",
        f"Machine : {machine()} ; PostgreSQL {_postgres_version()}, nginx {_nginx_version()}.",
        METHOD.format(groups=groups, size=GROUP_SIZE, redis=redis_label, stated=STATED_PROCESSES, step=STEP,
                      limit=HANDSHAKE_LIMIT, max_phones=MAX_PHONES),
        "### Résumé", summary_table(results),
        "### Détail", detail_table(results),
    ])
    print("\n\n" + measured + "\n")
    if set(names) == set(CONFIGURATIONS):
        PERFORMANCE.write_text(write_measures(PERFORMANCE.read_text() if PERFORMANCE.exists() else "# Performance\n",
                                              measured))
    lost = [f"{_name(r)}, {q.label} : {q.stored}/{q.phones} réponses, {q.missing} sans la question"
            for r in results for q in r.questions if q.stored != q.phones or q.missing]
    assert not lost, "\n".join(lost)


def _postgres_version() -> str:
    return str(query(POSTGRES_ADMIN_URL, "SHOW server_version")[0][0]).split()[0]


def _nginx_version() -> str:
    from tests.cluster import nginx_binary

    binary = nginx_binary()
    if not binary:
        return "?"
    output = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr
    return output.strip().split("/")[-1]
