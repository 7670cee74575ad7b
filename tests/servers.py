"""Real Kit Animateur servers (run.py, gevent) in subprocesses on 127.0.0.1, for end-to-end tests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from kit.people.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.databases import MESSAGE_QUEUE
from tests.web import WebClient

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ServerProcess:
    """A server in a subprocess on 127.0.0.1:port, its output in a file."""

    port: int
    log: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"


def wait_until_serving(process: subprocess.Popen[bytes], url: str, timeout: float, output: Callable[[], str]) -> bool:
    """Whether `url` answers 200 within `timeout` seconds; RuntimeError with the output if the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {output()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and _answered_by(process, url):
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def _answered_by(process: subprocess.Popen[bytes], url: str) -> bool:
    """Whether the server on `url`'s port is `process` (or its gunicorn worker), as /sante's pid tells the loopback.

    Two servers of a test may be given the same free port: the second cannot listen, and until it exits its start
    would otherwise be satisfied by the first one's answers, then its SIGTERM would come before its handler.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/sante", timeout=2) as response:
            pid = json.load(response).get("pid")
    except (OSError, ValueError):
        return True  # no details to tell: as before
    if not isinstance(pid, int) or pid == process.pid:
        return True
    try:
        return psutil.Process(pid).ppid() == process.pid
    except psutil.Error:
        return False


def stop_process(process: subprocess.Popen[bytes] | None, signum: int = signal.SIGTERM) -> None:
    """Ask a server process to stop, and kill it if it has not within ten seconds."""
    if process and process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class AppServer:
    """A running `python run.py` on a port of 127.0.0.1, with its own database.

    Its Socket.IO messages go through the tests' message queue (Redis) when there is one.
    """

    database_url: str
    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    # What starts it: run.py by default; a test may start run.py through a script of its own.
    command: list[str] = field(default_factory=lambda: [sys.executable, "run.py"])
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> AppServer:
        """Start it and wait until it answers."""
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "SECRET_KEY": "test-secret",
               "DATABASE_URL": self.database_url, "RATELIMIT_ENABLED": "false",
               "JOIN_BASE_URL": self.url, "GRACEFUL_TIMEOUT": "5",
               "BADGES_TRIAL": "false",  # as TEST_CONFIG: a checkout's instance/demo changes no test server
               **self.env}
        if MESSAGE_QUEUE:
            env.setdefault("SOCKETIO_MESSAGE_QUEUE", MESSAGE_QUEUE)
        env.pop("FLASK_APP", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        if wait_until_serving(self.process, self.url + "/", timeout, self.log.read_text):
            return self
        self.stop()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self, kill: bool = False) -> None:
        """Stop it (SIGKILL if asked, to simulate a crash)."""
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()  # a clean stop: requests in flight get GRACEFUL_TIMEOUT seconds
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError(f"the server did not stop on SIGTERM: {self.log.read_text()[-2000:]}") from None
        self.process = None


def start_demo_session(url: str) -> tuple[WebClient, int, str]:
    """The demo animator signs in and starts the demo session: (animator, session id, 6-digit code)."""
    animator = WebClient(url)
    animator.login(DEMO_EMAIL, DEMO_PASSWORD)
    found = re.search(r"/animateur/seances/(\d+)", animator.get("/animateur/").text)
    assert found, "la séance de démonstration est introuvable"
    session_id = int(found.group(1))
    page = f"/animateur/seances/{session_id}"
    assert animator.submit(page, page + "/demarrer", {}).status_code == 302
    code = re.search(r'class="code">(\d{3}) (\d{3})<', animator.get(page).text)
    assert code, "le code de la séance est introuvable"
    return animator, session_id, code.group(1) + code.group(2)
