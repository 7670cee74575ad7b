"""Start Kit Animateur: `python run.py` (HOST and PORT from the environment); `run:app` for gunicorn.

One process serves HTTP and Socket.IO with gevent. It stops cleanly on SIGTERM (systemd, docker) and
SIGINT (Ctrl+C): no new connection, requests in progress finish (GRACEFUL_TIMEOUT seconds at most),
phones and projectors are cut so that they reconnect to another process, this process's connections
are forgotten in the database, then it exits with 0. Operators' guide: docs/operations.md.
"""

# ruff: noqa: E402 — gevent must patch the standard library before anything else imports it.
from __future__ import annotations

from gevent import monkey

# First of all: socket, ssl, threading, time… become cooperative, so that the Redis client of the
# Socket.IO message queue (SOCKETIO_MESSAGE_QUEUE) and the database drivers wait without blocking
# every other connection. Under gunicorn's gevent worker this was done already and is harmless.
monkey.patch_all()

import contextlib
import logging
import os
import signal
import socket
import sys
from typing import Any, ClassVar

import gevent
from gevent.event import Event
from gevent.pool import Pool
from gevent.pywsgi import WSGIServer
from geventwebsocket.handler import WebSocketHandler

from kit import create_app
from kit.courses import reminders
from kit.extensions import db, socketio
from kit.live import gate, presence
from kit.ops import checkpoints, collector, outbox, schema, stalls, warmup, websocket
from kit.ops.banner import banner
from kit.ops.instance import prepare_instance
from kit.ops.network import is_loopback, lan_addresses

app = create_app()  # importing starts no server: gunicorn imports `run:app`
# The first start makes the instance's secret and badge key (once; `flask setup` does it too).
prepare_instance(app)

log = logging.getLogger("kit.server")
MAX_CONNECTIONS = app.config["MAX_CONNECTIONS"]  # open connections at once (each phone and projector holds one)
BACKLOG = 1024


def make_listener(host: str, port: int) -> socket.socket:
    """The listening socket, with TCP_NODELAY: small Socket.IO frames leave at once, not after Nagle's wait.

    Accepted connections inherit the option on Linux; Server.handle sets it again elsewhere.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once on the same port
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if family == socket.AF_INET6:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # "::" takes IPv4 too
    listener.bind((host, port))
    listener.listen(BACKLOG)
    return listener


class Handler(WebSocketHandler):
    """gevent-websocket's handler, as socketio.run uses, whose connections can all be cut at shutdown.

    Also the handler of gunicorn's worker (deploy/gunicorn.conf.py). One server per process, hence
    the state kept on the class.
    """

    draining = False  # stopping: no further request on a connection that has had one
    idle: ClassVar[set[Handler]] = set()  # connections that have had a request and wait for the next
    websockets: ClassVar[set[Handler]] = set()  # connections upgraded to WebSocket
    served = False

    def read_requestline(self) -> str:
        if not self.served:  # a new connection's first request is served even while stopping
            self.served = True
            return super().read_requestline()
        if Handler.draining:
            return ""  # the request loop ends and closes the connection
        Handler.idle.add(self)
        try:
            return super().read_requestline()
        finally:
            Handler.idle.discard(self)

    def run_websocket(self) -> None:
        Handler.websockets.add(self)
        try:
            super().run_websocket()
        finally:
            Handler.websockets.discard(self)

    def run_application(self) -> None:
        """Socket.IO requests go through the gate (kit/live/gate.py) first: a WebSocket before its upgrade."""
        refusal = gate.enter(self.application, self.environ)
        if refusal is not None:
            body = refusal.message.encode()
            self.start_response(refusal.status, [("Content-Type", "text/plain; charset=utf-8"),
                                                 ("Content-Length", str(len(body))), ("Retry-After", "30")])
            self.result = [body]
            self.process_result()
            return
        try:
            super().run_application()
        finally:
            gate.leave(self.environ)

    def upgrade_connection(self) -> Any:
        result = super().upgrade_connection()
        websocket.bound(self)  # bounded frames, no binary ones, unmasked at C speed (kit/ops/websocket.py)
        return result

    def log_request(self) -> None:
        """Nothing: the app writes one access line per request (kit/ops/logs.py)."""


def cut_connections() -> int:
    """At shutdown, cut the WebSockets and the keep-alive connections that wait for a next request.

    WebSockets are cut under TCP, as a lost network would cut them: every Socket.IO client then
    reconnects by itself, to another process (after a close frame, some clients give up or leak).
    Idle keep-alive connections would otherwise hold the stop for the whole GRACEFUL_TIMEOUT; the
    others close after their current request. Returns how many connections were cut.
    """
    Handler.draining = True
    cut = list(Handler.idle) + list(Handler.websockets)
    for handler in cut:
        with contextlib.suppress(AttributeError, OSError):  # that connection may have just ended
            handler.socket.shutdown(socket.SHUT_RDWR)  # its handler reads nothing more and ends
    return len(cut)


class Server(WSGIServer):
    """gevent's WSGI server with TCP_NODELAY and a pool to wait for at shutdown."""

    def __init__(self, listener: socket.socket, application: Any) -> None:
        # A pool, not bare greenlets: stop() waits for what is in it (bare greenlets would be cut).
        super().__init__(listener, application, handler_class=Handler, spawn=Pool(MAX_CONNECTIONS), log=None,
                         error_log=logging.getLogger("gevent.pywsgi"))

    def handle(self, sock: socket.socket, address: Any) -> None:
        with contextlib.suppress(OSError):  # the client may be gone already
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle(sock, address)


def shutdown(server: Server, timeout: float) -> None:
    """Stop in order: no new connection, live connections cut, requests finished, this worker forgotten."""
    log.info("arrêt demandé : plus de nouvelle connexion", extra={"graceful_timeout": timeout})
    server.close()  # the listening socket: new connections are refused
    cut = cut_connections()
    # Socket.IO by long-polling holds no connection of its own between two polls: closed here.
    dropped = _in_app(presence.drop_connections, "coupure des connexions Socket.IO")
    server.stop(timeout=timeout)  # waits for requests in progress, then cuts what is left
    socketio.server.shutdown()
    forgotten = _in_app(presence.retire, "oubli des connexions de ce processus")
    log.info("arrêt propre", extra={"connections_cut": cut, "socketio_connections": dropped,
                                    "presences_removed": forgotten})


def _in_app(step: Any, what: str) -> int:
    """Run a shutdown step that uses the database; a failure is logged, and the stop goes on.

    The other processes forget this one anyway once its heartbeat is old (kit/live/presence.py).
    """
    with app.app_context():
        try:
            return int(step())
        except Exception:
            log.exception("arrêt : %s impossible", what)
            return 0


def prepare_process() -> None:
    """Once the app is built, before serving: nothing left that would hold the event loop later.

    The decks and templates compiled, SQLite's checkpoints given to a native thread, the garbage
    collector set for many live connections, then the loop watched for stalls.
    """
    if app.config["AUTO_MIGRATE"]:
        schema.bring_up_to_date(app)
    done = warmup.warm(app)
    log.info("modules et gabarits compilés avant d'écouter", extra=done)
    with app.app_context():
        checkpoints.start(db.engine, app.config["SQLITE_CHECKPOINT_SECONDS"])
    collector.watch(app.config["GC_SLOW_PAUSE_MS"] / 1000)
    gevent.spawn(collector.report_forever)  # the callback only notes slow pauses: logged from here
    if app.config["GC_TUNING"]:
        collector.settle()
        gevent.spawn(collector.full_collections_when_idle)
    if app.config["HUB_STALL_MS"] > 0:
        stalls.watch(app.config["HUB_STALL_MS"] / 1000)
    # The e-mails: reminders queued and due messages sent by a greenlet, never inside a request.
    outbox.start(app, app.config["MAIL_SEND_SECONDS"], before=reminders.queue_reminders)


def serve(host: str, port: int, timeout: float) -> int:
    """Serve until SIGTERM or SIGINT; the exit status."""
    mode = socketio.server.eio.async_mode
    if mode != "gevent":
        log.error("run.py sert avec gevent : SOCKETIO_ASYNC_MODE=%s n'est pas possible ici", mode)
        return 2
    try:
        listener = make_listener(host, port)
    except OSError as error:
        log.error("impossible d'écouter sur %s:%s (%s)", host, port, error)
        print(f"Impossible d'écouter sur {host}:{port} : {error.strerror or error}. "
              "Le port est peut-être déjà pris : choisissez-en un autre avec PORT.", file=sys.stderr, flush=True)
        return 1
    server = Server(listener, app)
    # The séance page warns when phones could not reach this address (kit/live/addresses.py).
    app.config["LISTEN_HOST"] = host
    prepare_process()
    stop = Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, stop.set)
    server.start()
    log.info("à l'écoute sur %s:%s", host, port, extra={"host": host, "port": port})
    print_addresses(host, port)
    stop.wait()
    for signum in (signal.SIGTERM, signal.SIGINT):  # a second Ctrl+C does not wait for the requests
        gevent.signal_handler(signum, os._exit, 1)
    shutdown(server, timeout)
    return 0


def print_addresses(host: str, port: int) -> None:
    """Where to open the Kit, for the animator at the terminal (kit/ops/banner.py)."""
    lan = lan_addresses() if host in ("0.0.0.0", "::") or is_loopback(host) else [host]
    print(banner(host, port, lan, sys.stdout.isatty()), flush=True)


if __name__ == "__main__":
    sys.exit(serve(os.environ.get("HOST", "0.0.0.0"), int(os.environ.get("PORT", "5000")),
                   float(os.environ.get("GRACEFUL_TIMEOUT", "10"))))
