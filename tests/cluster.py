"""Several Kit Animateur processes behind nginx, as deployed (docs/deploy.md), for tests and benchmarks.

- The app processes: `gunicorn -c deploy/gunicorn.conf.py run:app`, one gevent worker each, on ports of
  127.0.0.1, sharing one PostgreSQL database, Redis as the Socket.IO message queue and the rate-limit store.
- nginx: the project's own `deploy/nginx.conf`, of which only the upstream's ports, the `listen` address and
  the static folder are replaced (`site_config`), wrapped in a minimal main configuration whose files are
  all in the test's folder. nginx runs in the foreground as a child process, never as the system service.

The demo session gets an id drawn at random: a Redis server may be shared with other test runs at the
same time, and Socket.IO rooms are named after session ids.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.databases import (
    IN_CI,
    POSTGRES_ADMIN_URL,
    Databases,
    PostgresDatabases,
    postgres_problem,
    query,
    redis_problem,
)
from tests.servers import ServerProcess, stop_process

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# The Redis server of the tests; each user of this module takes its own database number on it.
REDIS_URL = os.environ.get("KIT_TEST_REDIS_URL", "redis://127.0.0.1:6379")
SECRET_KEY = "cluster-test-secret"  # one key for every process, as in production


# --- what is needed ------------------------------------------------------------------------------------


def nginx_binary() -> str | None:
    """Debian's nginx, found even when /usr/sbin is not on PATH."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def cluster_problem(redis_url: str) -> str | None:
    """Why several processes behind nginx cannot run here, or None."""
    if nginx_binary() is None:
        return "nginx n'est pas installé (apt-get install nginx)"
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        return "gunicorn n'est pas installé dans le venv"
    return postgres_problem() or redis_problem(redis_url)


def require_cluster(redis_url: str) -> None:
    """Skip the test with the reason; under CI=true, fail instead."""
    problem = cluster_problem(redis_url)
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true : {problem}. Ce test ne peut pas être sauté en CI.")
    pytest.skip(f"{problem} : test à plusieurs processus sauté (il échoue avec CI=true)")


def redis_db(db: int) -> str:
    """The tests' Redis server, database `db` (rate-limit keys; Pub/Sub channels are server-wide)."""
    return f"{REDIS_URL.rstrip('/')}/{db}"


def forget_rate_limits(redis_url: str) -> None:
    """Drop the rate-limit counters left in this Redis database by an earlier run (all from 127.0.0.1)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="LIMITS*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- the database ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_databases(run_databases: Databases | None) -> Iterator[Databases]:
    """The run's databases when they are on PostgreSQL already, else a seeded PostgreSQL of this test's own."""
    if isinstance(run_databases, PostgresDatabases):
        yield run_databases
        return
    from tests.conftest import seed

    made = PostgresDatabases(POSTGRES_ADMIN_URL)
    try:
        made.seed(seed)
        yield made
    finally:
        made.close()


def unique_session_ids(url: str) -> None:
    """Start the sessions' ids at a random number, so that this run's Socket.IO rooms are its own."""
    query(url, "SELECT setval(pg_get_serial_sequence('training_session', 'id'), :start)",
          start=random.randrange(10**6, 2 * 10**9))


def demo_cluster_database(databases: Databases) -> str:
    """A new seeded PostgreSQL database with the demo animator, group and session (at a random id)."""
    from kit.people.demo import create_demo
    from tests.conftest import dispose, make_app

    url = databases.seeded()
    unique_session_ids(url)
    app = make_app(url)
    with app.app_context():
        create_demo()
    dispose(app)
    return url


# --- nginx ------------------------------------------------------------------------------------------------


def _replace_once(pattern: str, replacement: str, text: str, flags: int = 0) -> str:
    new, count = re.subn(pattern, lambda _m: replacement, text, flags=flags)
    assert count == 1, f"deploy/nginx.conf: {pattern!r} found {count} times, expected once"
    return new


def site_config(ports: list[int], listen_port: int, static: Path = ROOT / "static") -> str:
    """deploy/nginx.conf with these app ports, listening on 127.0.0.1:listen_port, serving `static`.

    Everything else is the shipped file as it is; a change of its shape makes this fail loudly.
    """
    text = NGINX_SITE.read_text()
    servers = re.findall(r"^( *)server 127\.0\.0\.1:\d+( [^;\n]*)?;\n", text, flags=re.M)
    assert servers, "deploy/nginx.conf: no `server 127.0.0.1:PORT …;` line in the upstream"
    indent, options = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port}{options};\n" for port in ports)
    text = _replace_once(r"(?:^ *server 127\.0\.0\.1:\d+[^;\n]*;\n)+", lines, text, flags=re.M)
    text = _replace_once(r"^( *)listen 80;\n\1listen \[::\]:80;\n", f"    listen 127.0.0.1:{listen_port};\n", text,
                         flags=re.M)
    # Two aliases: the hashed names' (kit/ops/static_files.py) and the plain names'.
    assert text.count("alias /srv/kit-animateur/static/") == 2, "deploy/nginx.conf: two static aliases expected"
    return text.replace("alias /srv/kit-animateur/static/", f"alias {static}/")


def main_config(site: str, folder: Path, worker_processes: str = "auto") -> str:
    """A whole nginx configuration around the site, all of whose files are in `folder`.

    The main context is what an administrator has in /etc/nginx/nginx.conf (docs/deploy.md), with more
    connections per worker than Debian's default 768.
    """
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers that can read the test's files
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    files = min(65536, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    return f"""{user}worker_processes {worker_processes};
worker_rlimit_nofile {files};
events {{
    worker_connections 16384;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nodelay on;
    access_log {folder / "access.log"};
{temp}

{site}
}}
"""


@dataclass
class Nginx:
    """nginx in the foreground, with its configuration, pid, logs and temporary files in `folder`."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ports: list[int], worker_processes: str = "auto", timeout: float = 10) -> Nginx:
        self.folder.mkdir(parents=True, exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(main_config(site_config(ports, self.port), self.folder, worker_processes))
        binary = nginx_binary()
        assert binary
        directives = f"daemon off; pid {self.folder / 'nginx.pid'}; error_log {self.folder / 'error.log'} warn;"
        check = subprocess.run([binary, "-t", "-q", "-p", str(self.folder), "-c", str(conf), "-g", directives],
                               capture_output=True, text=True)
        assert check.returncode == 0, f"nginx -t: {check.stderr}"
        with (self.folder / "stderr.log").open("ab") as log:
            self.process = subprocess.Popen([binary, "-p", str(self.folder), "-c", str(conf), "-g", directives],
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.folder / 'error.log').read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.url + "/static/css/app.css", timeout=1).close()
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start")

    def pids(self) -> list[int]:
        """The master and its workers."""
        import psutil

        if not self.process:
            return []
        master = psutil.Process(self.process.pid)
        return [master.pid, *(c.pid for c in master.children())]

    def stop(self) -> None:
        stop_process(self.process, signal.SIGQUIT)  # graceful: finish requests, then exit
        self.process = None


# --- the app processes -------------------------------------------------------------------------------------


class AppProcess(ServerProcess):
    """`gunicorn -c deploy/gunicorn.conf.py run:app` on 127.0.0.1:port: a master and its one gevent worker."""

    def launch(self) -> None:
        """Start it without waiting (see `wait_ready`)."""
        env = {**os.environ, **self.env, "BIND": f"127.0.0.1:{self.port}"}
        env.pop("FLASK_APP", None)
        with self.log.open("ab") as log:
            # Its own process group, so that a crash can take the master and its worker at once.
            self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "run:app"],
                                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until its /sante answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, ValueError):
                if self.health()["etat"] == "ok":
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn on {self.port} did not start: {self.log.read_text()[-3000:]}")

    def health(self) -> dict[str, Any]:
        """Its /sante, straight from the process (not through nginx)."""
        with urllib.request.urlopen(self.url + "/sante", timeout=5) as response:
            return json.load(response)

    def worker_pid(self) -> int:
        """The pid of the gevent worker that serves (the master only watches it)."""
        return int(self.health()["pid"])

    def pids(self) -> list[int]:
        """The master and its worker."""
        import psutil

        if not self.process or self.process.poll() is not None:
            return []
        master = psutil.Process(self.process.pid)
        return [master.pid, *(c.pid for c in master.children())]

    def kill(self) -> None:
        """Crash: SIGKILL to the master and its worker at once; nothing is cleaned up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 30) -> None:
        """Stop as systemd does: SIGTERM, then SIGKILL if it lingers."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)  # a worker left behind by its master
        self.process = None


def free_ports(count: int) -> list[int]:
    """`count` distinct TCP ports free on 127.0.0.1."""
    from tests.conftest import free_port

    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@dataclass
class Cluster:
    """`size` app processes on one database and one Redis, behind nginx."""

    database_url: str
    redis_url: str
    folder: Path
    size: int = 3
    env: dict[str, str] = field(default_factory=dict)
    nginx_workers: str = "auto"
    processes: list[AppProcess] = field(default_factory=list)
    nginx: Nginx | None = None

    @property
    def url(self) -> str:
        assert self.nginx
        return self.nginx.url

    def start(self) -> Cluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        *ports, listen = free_ports(self.size + 1)
        self.nginx = Nginx(self.folder / "nginx", listen)
        env = {"DATABASE_URL": self.database_url, "SOCKETIO_MESSAGE_QUEUE": self.redis_url,
               "RATELIMIT_STORAGE_URI": self.redis_url, "SECRET_KEY": SECRET_KEY, "JOIN_BASE_URL": self.url,
               "TRUSTED_PROXIES": "1", "LOG_FORMAT": "json", **self.env}
        self.processes = [AppProcess(port, self.folder / f"app-{port}.log", env) for port in ports]
        try:
            for process in self.processes:
                process.launch()
            with ThreadPoolExecutor(len(self.processes)) as pool:
                list(pool.map(AppProcess.wait_ready, self.processes))
            self.nginx.start(ports, self.nginx_workers)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.nginx:
            self.nginx.stop()
        with ThreadPoolExecutor(max(1, len(self.processes))) as pool:
            list(pool.map(AppProcess.stop, self.processes))

    def serving(self, http: requests.Session) -> int:
        """The index of the process that nginx sends this browser (its cookies) to, by the pid /sante reports."""
        pid = http.get(self.url + "/sante", timeout=10).json()["pid"]
        pids = {p.worker_pid(): i for i, p in enumerate(self.processes) if p.process and p.process.poll() is None}
        return pids[pid]

    def logs(self) -> str:
        """The end of every log, for a failed assertion."""
        parts = [f"--- {p.log.name}\n{p.log.read_text()[-1500:]}" for p in self.processes if p.log.exists()]
        if self.nginx and (self.nginx.folder / "error.log").exists():
            parts.append(f"--- nginx error.log\n{(self.nginx.folder / 'error.log').read_text()[-1500:]}")
        return "\n".join(parts)
