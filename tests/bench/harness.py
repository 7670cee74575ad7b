"""The live-session benchmark's conductor: servers, load-generator processes, phases, figures, report.

The pytest process only conducts: it starts the server (one `python run.py`, gevent, or the reference
server), starts the load generators (tests/bench/loadgen.py, each its own process), sends them commands,
samples CPU with psutil, then counts the answers the server stored.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import math
import os
import platform
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

from tests.bench.data import Plan
from tests.servers import stop_process

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET_MS = 150.0  # p99 of a spread phase (issue 12)
BURST_FACTOR = 1.5  # p99 of a burst phase: at most this times the reference's p99 in the same run (issue 12)


# --- servers -------------------------------------------------------------------------------------------


class ReferenceServer:
    """tests/bench/reference.py on a port of 127.0.0.1."""

    def __init__(self, plan: Plan, port: int, log: Path) -> None:
        self.plan, self.port, self.log = plan, port, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> ReferenceServer:
        states = self.log.with_name("reference-states.json")
        states.write_text(json.dumps(self.plan.phone_states))
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
               "REF_SESSIONS": json.dumps({s.code: s.id for s in self.plan.sessions}), "REF_STATES": str(states)}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("reference.py"))],
                                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"reference server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("reference server did not start")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def answers(self, quiz: int) -> tuple[int, bool]:
        """How many answers to `quiz` it holds, and whether each session holds its share (not checked)."""
        with urllib.request.urlopen(self.url + "/", timeout=10) as response:
            return json.load(response)["answers"].get(str(quiz), 0), True


def kit_answers(database: Path, plan: Plan, quiz: int) -> tuple[int, bool]:
    """How many phone answers to `quiz` the database holds, and whether every session holds all of its own."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        rows = dict(connection.execute(
            "SELECT session_id, COUNT(DISTINCT participant_id) FROM answer"
            " WHERE quiz_number = ? AND entered_by = 'phone' GROUP BY session_id", (quiz,)).fetchall())
    connection.close()
    return sum(rows.values()), all(rows.get(s.id, 0) == len(s.tokens) for s in plan.sessions)


def login(url: str, email: str, password: str) -> str:
    """Sign in through the real form (CSRF token included); return the `session` cookie for a socket."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/connexion", timeout=10) as response:
        page = response.read().decode()
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token in the sign-in form"
    form = urllib.parse.urlencode({"csrf_token": found.group(1), "email": email, "password": password}).encode()
    with opener.open(url + "/connexion", data=form, timeout=10) as response:
        assert "/connexion" not in response.geturl(), "sign-in refused"
    return next(f"session={c.value}" for c in jar if c.name == "session")


# --- load-generator processes --------------------------------------------------------------------------


class LoadProcess:
    """One tests/bench/loadgen.py process, driven by JSON lines."""

    def __init__(self, spec: dict[str, Any], directory: Path, name: str) -> None:
        spec_path = directory / f"{name}.json"
        spec_path.write_text(json.dumps(spec))
        self.name = name
        self.stderr = (directory / f"{name}.log").open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.bench.loadgen", str(spec_path)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def reply(self, timeout: float) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"load generator {self.name} silent for {timeout:.0f} s") from None
        if not line:
            raise RuntimeError(f"load generator {self.name} exited; see {self.stderr.name}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"load generator {self.name}: {reply['error']}")
        return reply

    def stop(self) -> None:
        try:
            if self.process.poll() is None:
                self.send({"cmd": "quit"})
                self.reply(30)
                self.process.wait(timeout=10)
        except Exception:
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
            self.reader.join(timeout=10)
            for pipe in (self.process.stdin, self.process.stdout, self.stderr):
                with contextlib.suppress(OSError):
                    if pipe:
                        pipe.close()


def everyone(processes: list[LoadProcess], command: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
    """Send a command to every process at once; gather their replies."""
    for process in processes:
        process.send(command)
    deadline = time.monotonic() + timeout
    return [p.reply(max(1.0, deadline - time.monotonic())) for p in processes]


# --- CPU -----------------------------------------------------------------------------------------------


class CpuSampler(threading.Thread):
    """CPU seconds of the server, of the load generators and of the whole machine, every 0.25 s.

    The machine may be shared: what the other processes use is measured too, and reported.
    """

    def __init__(self, server_pid: int, load_pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.server = psutil.Process(server_pid)
        self.loads = [psutil.Process(pid) for pid in load_pids]
        self.conductor = psutil.Process()
        self.samples: list[tuple[float, float, float, float, float, float]] = []
        self.running = True

    def _waited(self) -> float:
        """Seconds the server spent ready to run but waiting for a core (Linux schedstat), so far."""
        try:
            return int(Path(f"/proc/{self.server.pid}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return math.nan

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return 0.0

    @staticmethod
    def _machine() -> float:
        times = psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0) \
            - getattr(times, "guest_nice", 0.0)

    def run(self) -> None:
        while self.running:
            self.samples.append((time.monotonic(), self._cpu(self.server), sum(map(self._cpu, self.loads)),
                                 self._cpu(self.conductor), self._machine(), self._waited()))
            time.sleep(0.25)

    def window(self, start: float, end: float) -> dict[str, float]:
        """In % of one core: the server's average and busiest second, the load generators' average, and
        the average of every other process of the machine. Also the server's CPU seconds, and the % of the time
        it was ready to run but waited for a core that other processes held."""
        inside = [s for s in self.samples if start - 0.3 <= s[0] <= end + 0.3]
        if len(inside) < 2:
            return {"server": math.nan, "server_peak": math.nan, "load": math.nan, "others": math.nan,
                    "server_seconds": math.nan, "server_waiting": math.nan}
        first, last = inside[0], inside[-1]
        span = last[0] - first[0]
        peak = 0.0
        for i, sample in enumerate(inside):
            later = next((s for s in inside[i + 1:] if s[0] - sample[0] >= 0.95), None)
            if later:
                peak = max(peak, (later[1] - sample[1]) / (later[0] - sample[0]))
        ours = sum(last[1:4]) - sum(first[1:4])  # server, load generators, conductor
        return {"server": 100 * (last[1] - first[1]) / span, "server_peak": 100 * peak,
                "load": 100 * (last[2] - first[2]) / span,
                "others": max(0.0, 100 * (last[4] - first[4] - ours) / span),
                "server_seconds": last[1] - first[1], "server_waiting": 100 * (last[5] - first[5]) / span}


def wait_until_quiet(max_wait: float, threshold: float = 25.0) -> float:
    """Wait, at most `max_wait` seconds, until the machine's other processes use less than `threshold` % of one
    core (measured over 2 s); return what they used. The machine may be shared with other work."""
    me = psutil.Process()
    deadline = time.monotonic() + max_wait
    while True:
        machine, own = CpuSampler._machine(), CpuSampler._cpu(me)
        time.sleep(2)
        others = max(0.0, 100 * ((CpuSampler._machine() - machine) - (CpuSampler._cpu(me) - own)) / 2)
        if others <= threshold or time.monotonic() >= deadline:
            return others


# --- figures -------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Row:
    """One phase of one case on one server."""

    case: str
    server: str
    phase: str
    phones: int
    fanout: list[float] = field(default_factory=list)  # seconds, one per opened question and session
    fanout_missing: int = 0  # phones that never received an opened question
    open_acks: list[float] = field(default_factory=list)  # seconds, the animator's `question` acknowledgement
    dropped: int = 0  # phones disconnected by the server or the transport during the phase (all phases so far)
    drop_reasons: set[str] = field(default_factory=set)
    acks: list[float] = field(default_factory=list)  # seconds, one per answer
    errors: Counter[str] = field(default_factory=Counter)
    acks_ok: int = 0  # answers acknowledged with `ok: true`
    stored: int | None = None
    expected: int | None = None
    per_session_ok: bool = True
    cpu: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0
    burst: bool = False  # judged against the reference's p99 in the same run, not against TARGET_MS
    burst_openings: bool = True  # its fan-out too (else the fan-out is held to TARGET_MS)

    def ms(self, values: list[float], p: float) -> str:
        value = percentile(values, p)
        return "–" if math.isnan(value) else f"{1000 * value:.0f}"


    def limits(self, reference: Row | None) -> tuple[float, float]:
        """The p99 budgets in ms (fan-out, ack): TARGET_MS, or for a burst BURST_FACTOR times the reference's
        p99 in the same run (TARGET_MS when the reference did not run)."""
        if not self.burst or reference is None:
            return TARGET_MS, TARGET_MS
        return (BURST_FACTOR * 1000 * percentile(reference.fanout, 99)
                if reference.fanout and self.burst_openings else TARGET_MS,
                BURST_FACTOR * 1000 * percentile(reference.acks, 99) if reference.acks else TARGET_MS)

    def misses(self, reference: Row | None = None) -> list[str]:
        """What this row misses of the budget: p99 within its limits (`limits`), every answer stored, every phone
        served."""
        found = []
        fanout_limit, ack_limit = self.limits(reference)
        if self.fanout and percentile(self.fanout, 99) * 1000 > fanout_limit:
            found.append(f"diffusion p99 {self.ms(self.fanout, 99)} ms > {fanout_limit:.0f}")
        if self.acks and percentile(self.acks, 99) * 1000 > ack_limit:
            found.append(f"ack p99 {self.ms(self.acks, 99)} ms > {ack_limit:.0f}")
        if self.dropped:
            found.append(f"{self.dropped} téléphones déconnectés ({', '.join(sorted(self.drop_reasons))})")
        if self.fanout_missing:
            found.append(f"{self.fanout_missing} téléphones sans la question")
        if self.expected is not None and (self.stored != self.expected or not self.per_session_ok):
            found.append(f"réponses en base {self.stored}/{self.expected}")
        if self.errors:
            found.append(f"acks en erreur {dict(self.errors)}")
        return found


@dataclass
class Connection:
    """How the phones (and the animator windows) connected."""

    case: str
    server: str
    phones: int
    animators: int
    wall: float
    times: list[float]
    failed: int
    cpu: dict[str, float]


@dataclass
class Run:
    """Everything measured for one case on one server."""

    connection: Connection
    rows: list[Row]
    gc_pauses: list[float] = field(default_factory=list)  # seconds; the Kit server's log (kit/ops/collector.py)
    stalls: list[Stall] = field(default_factory=list)  # after start-up (kit/ops/stalls.py)


# --- one case on one server ----------------------------------------------------------------------------


@dataclass
class Phase:
    """Open `quiz` in every session (spread over `open_spread` s), then answer within `window` s (None: no answer)."""

    label: str
    quizzes: list[int]
    window: float | None
    open_spread: float
    burst: bool = False  # everything at once: judged against the reference (Row.limits)
    # The phase's openings are a burst too (judged against the reference). False for one room's lone opening
    # before a burst of answers: its fan-out is held to TARGET_MS, as a spread phase's opening is.
    burst_openings: bool = True


def run_case(case: str, server_name: str, url: str, server_pid: int, plan: Plan, phases: list[Phase],
             processes: int, directory: Path, cookie: str, count: Any, profile: Any = None) -> Run:
    """Connect the phones, run the phases, count the stored answers; stop the load generators in any case."""
    directory.mkdir(parents=True, exist_ok=True)
    phones = plan.phone_specs()
    chunk = math.ceil(len(phones) / processes)
    animators = LoadProcess({"url": url, "batch": 25, "animators": [{"session": s.id, "cookie": cookie}
                                                                  for s in plan.sessions]}, directory, "animators")
    workers = [LoadProcess({"url": url, "batch": 25, "phones": phones[i:i + chunk]}, directory, f"phones{n}")
               for n, i in enumerate(range(0, len(phones), chunk))]
    everything = [animators, *workers]
    sampler = CpuSampler(server_pid, [p.process.pid for p in everything])
    sampler.start()
    try:
        start = time.monotonic()
        animators_connected = everyone([animators], {"cmd": "connect"}, 120)[0]
        phones_connected = everyone(workers, {"cmd": "connect"}, 300)
        end = time.monotonic()
        failed = animators_connected["failed"] + sum(r["failed"] for r in phones_connected)
        assert failed == 0, [animators_connected["failures"], *(r["failures"] for r in phones_connected)]
        connection = Connection(case, server_name, len(phones), len(plan.sessions), end - start,
                                [t for r in phones_connected for t in r["times"]], failed,
                                sampler.window(start, end))
        time.sleep(1)  # let the roster refreshes of the last connections pass
        rows = []
        for phase in phases:
            row = Row(case, server_name, phase.label, len(phones), burst=phase.burst,
                      burst_openings=phase.burst_openings)
            start = time.monotonic()
            for quiz in phase.quizzes:
                _one_question(row, phase, quiz, animators, workers, profile)
                if phase.window is not None:
                    stored, per_session = count(quiz)
                    row.stored = (row.stored or 0) + stored
                    row.expected = (row.expected or 0) + len(phones)
                    row.per_session_ok = row.per_session_ok and per_session
                time.sleep(0.5)
            row.wall = time.monotonic() - start
            row.cpu = sampler.window(start, time.monotonic())
            rows.append(row)
        return Run(connection, rows)
    finally:
        sampler.running = False
        for process in everything:
            process.stop()


def _one_question(row: Row, phase: Phase, quiz: int, animators: LoadProcess, workers: list[LoadProcess],
                  profile: Any) -> None:
    window = phase.window
    everyone(workers, {"cmd": "arm", "quiz": quiz, "window": window}, 30)
    recorder = profile(row, quiz) if profile else None
    try:
        opens = everyone([animators], {"cmd": "open", "quiz": quiz, "spread": phase.open_spread},
                         phase.open_spread + 90)[0]["opens"]
        replies = everyone(workers, {"cmd": "collect", "timeout": phase.open_spread + (window or 0) + 30},
                           phase.open_spread + (window or 0) + 60)
    finally:
        if recorder:
            recorder()
    for failure in (o for o in opens if not o[3]):
        row.errors[f"ouverture refusée : {failure[4]}"[:80]] += 1
    opened_at = {o[0]: o[1] for o in opens if o[3]}
    row.open_acks.extend(o[2] for o in opens)
    last: dict[int, float] = {}
    row.dropped = sum(r["dropped"] for r in replies)  # cumulative: a dropped phone stays dropped
    row.drop_reasons.update(reason for r in replies for reason in r["reasons"])
    for reply in replies:
        for session, received, ack, error in reply["phones"]:
            if received is None:
                row.fanout_missing += 1
            else:
                last[session] = max(last.get(session, 0.0), received)
            if window is not None:
                if ack is not None:
                    row.acks.append(ack)
                    row.acks_ok += error is None
                if error is not None or ack is None:
                    row.errors[error or "sans_ack"] += 1
    row.fanout.extend(last[s] - opened_at[s] for s in last if s in opened_at)


# --- the report ----------------------------------------------------------------------------------------


SECTION = "## Sessions en direct (un processus gevent)"


def machine() -> str:
    packages = ", ".join(f"{name} {version(name)}" for name in (
        "flask", "flask-socketio", "python-socketio", "python-engineio", "gevent", "gevent-websocket",
        "sqlalchemy", "aiohttp"))
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    memory = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cœurs ({cpu}), {memory:.0f} Go, Linux {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version} ; {packages}")


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f} %"


def connection_table(runs: list[Run]) -> str:
    lines = ["| Cas | Serveur | Téléphones + fenêtres animateur | Connexion totale | Par connexion p50 / p99 | "
             "Échecs | CPU serveur (moy.) | CPU serveur par connexion | CPU générateurs | Autres processus | "
             "Serveur en attente d'un cœur |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        c = run.connection
        per = 1000 * c.cpu["server_seconds"] / max(1, c.phones)
        lines.append(f"| {c.case} | {c.server} | {c.phones} + {c.animators} | {c.wall:.1f} s | "
                     f"{1000 * percentile(c.times, 50):.0f} / {1000 * percentile(c.times, 99):.0f} ms | {c.failed} | "
                     f"{_pct(c.cpu['server'])} | {per:.1f} ms | {_pct(c.cpu['load'])} | {_pct(c.cpu['others'])} | "
                     f"{_pct(c.cpu['server_waiting'])} |")
    return "\n".join(lines)


def reference_row(runs: list[Run], row: Row) -> Row | None:
    """The reference's row of the same case and phase, in the same run of the benchmark."""
    if row.server == "référence":
        return None
    return next((r for run in runs for r in run.rows
                 if r.server == "référence" and r.case == row.case and r.phase == row.phase), None)


def phase_table(runs: list[Run]) -> str:
    lines = ["| Cas | Serveur | Phase | Diffusion p50 / p99 (n) | Ack de l'ouverture p99 | Ack réponse p50 / p99 (n) | "
             "Réponses en base / attendues | Acks ok | CPU serveur moy. / pic 1 s | CPU serveur par réponse | "
             "CPU générateurs | Autres processus | Serveur en attente d'un cœur | Budget |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for r in run.rows:
            fanout = f"{r.ms(r.fanout, 50)} / {r.ms(r.fanout, 99)} ms ({len(r.fanout)})"
            acks = f"{r.ms(r.acks, 50)} / {r.ms(r.acks, 99)} ms ({len(r.acks)})" if r.acks else "–"
            stored = f"{r.stored} / {r.expected}" if r.expected is not None else "–"
            ok = f"{r.acks_ok} / {r.expected}" if r.expected is not None else "–"
            per = f"{1000 * r.cpu['server_seconds'] / len(r.acks):.2f} ms" if r.acks else "–"
            misses = r.misses(reference_row(runs, r))
            lines.append(f"| {r.case} | {r.server} | {r.phase} | {fanout} | {r.ms(r.open_acks, 99)} ms | {acks} | "
                         f"{stored} | {ok} | {_pct(r.cpu['server'])} / {_pct(r.cpu['server_peak'])} | {per} | "
                         f"{_pct(r.cpu['load'])} | {_pct(r.cpu['others'])} | {_pct(r.cpu['server_waiting'])} | "
                         f"{'ok' if not misses else '**raté** : ' + ' ; '.join(misses)} |")
    return "\n".join(lines)


def gc_pauses(log: Path) -> list[float]:
    """The garbage collector's pauses of SLOW_PAUSE or more that a Kit server logged (kit/ops/collector.py)."""
    pauses = []
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        if '"kit.gc"' in line:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                pauses.append(json.loads(line)["pause_ms"] / 1000)
    return pauses


@dataclass
class Stall:
    """One stall of a Kit server's event loop, as kit/ops/stalls.py logged it."""

    seconds: float
    waited_for_core: float  # of which the process waited for a core: the machine's load, not the server's work
    where: str

    @property
    def own(self) -> float:
        """What the server's own process held the loop for."""
        return self.seconds - self.waited_for_core


def hub_stalls(log: Path) -> list[Stall]:
    """The event-loop stalls that a Kit server logged after it began to listen, with the deepest frame of the
    project's code in each stack (or the last frame when the stack shows none)."""
    stalls: list[Stall] = []
    listening = False
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        if '"kit.server"' in line and "l'écoute" in line:
            listening = True
        if not listening or '"kit.hub"' not in line or '"blocked": true' not in line:
            continue
        with contextlib.suppress(ValueError, KeyError, TypeError):
            record = json.loads(line)
            frames = [f.strip() for f in record.get("stack", "").splitlines() if f.strip().startswith("File ")]
            ours = [f for f in frames if "/kit/" in f or "/run.py" in f]
            where = re.sub(r'File ".*?/((kit|site-packages)/[^"]+|run.py)"', r"\1", (ours or frames or ["?"])[-1])
            stalls.append(Stall(record["stall_ms"] / 1000, record.get("waited_for_core_ms", 0) / 1000, where))
    return stalls


def stall_table(runs: list[Run], threshold: float) -> str:
    lines = [f"| Cas | Arrêts ≥ {1000 * threshold:.0f} ms | dont tenus par le serveur lui-même "
             "| Plus long (dont attente d'un cœur) | Où (le plus fréquent, arrêts tenus par le serveur) |",
             "|---|---|---|---|---|"]
    for run in runs:
        if run.connection.server != "Kit":
            continue
        own = [stall for stall in run.stalls if stall.own >= threshold]
        longest = max(run.stalls, key=lambda stall: stall.seconds, default=None)
        longest_text = (f"{1000 * longest.seconds:.0f} ms ({1000 * longest.waited_for_core:.0f} ms)"
                        if longest else "–")
        places = Counter(stall.where for stall in own).most_common(2)
        where = " ; ".join(f"`{w}` ×{n}" for w, n in places) or "–"
        lines.append(f"| {run.connection.case} | {len(run.stalls)} | {len(own)} | {longest_text} | {where} |")
    return "\n".join(lines)


def gc_table(runs: list[Run]) -> str:
    lines = ["| Cas | Serveur | Pauses du ramasse-miettes ≥ 50 ms | Plus longue | Total |", "|---|---|---|---|---|"]
    for run in runs:
        if run.connection.server != "Kit":
            continue
        p = run.gc_pauses
        longest = f"{1000 * max(p):.0f} ms" if p else "–"
        lines.append(f"| {run.connection.case} | Kit | {len(p)} | {longest} | {1000 * sum(p):.0f} ms |")
    return "\n".join(lines)


BEGIN, END = "<!-- banc:début (écrit par tests/bench, ne pas modifier à la main) -->", "<!-- banc:fin -->"


def write_section(path: Path, measured: str, section_title: str = SECTION, begin: str = BEGIN, end_marker: str = END
                  ) -> None:
    """Put the measured figures in this benchmark's section of docs/performance.md (or another bench's section).

    Only the text between the BEGIN and END markers is replaced: the analysis written by hand in the same
    section, and every other section of the file (another page's figures), are kept.
    """
    text = path.read_text() if path.exists() else "# Performance\n"
    block = f"{begin}\n{measured.strip()}\n{end_marker}"
    start = text.find(section_title)
    if start == -1:
        text = f"{text.rstrip()}\n\n{section_title}\n\n{block}\n"
    else:
        following = text.find("\n## ", start + len(section_title))
        end = len(text) if following == -1 else following + 1
        section = text[start:end]
        if begin in section and end_marker in section:
            section = section[:section.index(begin)] + block + section[section.index(end_marker) + len(end_marker):]
        else:
            section = f"{section_title}\n\n{block}\n" + ("\n" if following != -1 else "")
        text = text[:start] + section + text[end:]
    path.write_text(text)


class PySpy:
    """Optional: `py-spy record` of the server during each phase (BENCH_PYSPY=directory)."""

    def __init__(self, pid: int, directory: Path, prefix: str) -> None:
        self.pid, self.directory, self.prefix = pid, directory, prefix
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, row: Row, quiz: int) -> Any:
        name = re.sub(r"\W+", "-", f"{self.prefix}-{row.phase}-q{quiz}").strip("-")
        process = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(self.pid),
                                    "--rate", "250", "--format", "raw", "--nonblocking",
                                    "-o", str(self.directory / f"{name}.txt")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)

        def stop() -> None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

        return stop
