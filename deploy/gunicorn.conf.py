"""gunicorn settings for ONE Kit Animateur process: `gunicorn -c deploy/gunicorn.conf.py run:app`.

One worker per gunicorn: Flask-SocketIO keeps each Socket.IO connection in the process that opened
it, so several processes are several gunicorns (deploy/kit-animateur@.service, one per port) behind
a load balancer with sticky sessions, sharing PostgreSQL and the Redis message queue.

Environment: BIND (default HOST:PORT, else 127.0.0.1:5001), GRACEFUL_TIMEOUT (10 s), LOG_FORMAT and
LOG_LEVEL as for the app (kit/ops/logs.py), plus the app's own variables (kit/config.py).
Operators' guide: docs/operations.md.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any

from kit.ops.logs import parse_level

bind = [os.environ.get("BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5001')}"]
workers = 1
# Flask-SocketIO's documented gunicorn setup: gevent, with gevent-websocket for WebSocket.
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
# Open connections at once: every phone and projector holds one. The app's MAX_CONNECTIONS (kit/config.py),
# from which kit/live/gate.py keeps SOCKET_RESERVE for /sante and the animators' windows.
worker_connections = int(os.environ.get("MAX_CONNECTIONS") or 2000)
graceful_timeout = int(float(os.environ.get("GRACEFUL_TIMEOUT", "10")))
timeout = 30  # a worker silent for this long is restarted (gevent workers report every second)
keepalive = 5
proc_name = "kit-animateur"
# No gunicornc control socket (gunicorn >= 25.1): it sits at one path per user, where the processes
# of several ports would take each other's place; systemctl and signals do the job.
control_socket_disable = True

# Logs: the app writes one access line per request (kit/ops/logs.py), so gunicorn's own access log is off;
# gunicorn's messages go through the same stderr handler, in the same LOG_FORMAT.
accesslog = None
errorlog = "-"
loglevel = logging.getLevelName(parse_level(os.environ.get("LOG_LEVEL"))).lower()  # INFO if unknown
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # The app replaces this root handler by its own when it starts in the worker (never both).
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
    "handlers": {"stderr": {"()": "kit.ops.logs.make_handler"}},
    "formatters": {},
}


def post_worker_init(worker: Any) -> None:
    """run.py's handler, and on SIGTERM the Socket.IO and idle keep-alive connections cut at once.

    gunicorn waits up to graceful_timeout for open connections, then the master kills the worker
    before worker_exit runs; WebSockets and browsers' idle connections never end by themselves.
    """
    import run  # already imported: it is the app's module (run:app)

    worker.wsgi_handler = run.Handler  # read when the worker builds its server, just after this hook
    run.prepare_process()
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: Any) -> None:
        import gevent

        gevent.spawn(_drop_connections, worker)  # not in the signal handler: it waits for the database
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn does: requests in progress are not interrupted


def worker_exit(server: Any, worker: Any) -> None:
    """Forget this worker's connections and worker row, so that other processes stop counting them."""
    app = getattr(worker, "wsgi", None)
    if app is None:  # the app never loaded: nothing was registered
        return
    from kit.live import presence

    with app.app_context():
        dropped = presence.drop_connections()
        forgotten = presence.retire()
    logging.getLogger("kit.server").info("arrêt propre", extra={"socketio_connections": dropped,
                                                                "presences_removed": forgotten})


def _drop_connections(worker: Any) -> None:
    import gevent

    import run
    from kit.live import presence

    # The worker closes its listening sockets within a second of the signal; cut connections before
    # that and the clients would reconnect to this very process.
    deadline = time.monotonic() + 3
    while any(sock.fileno() != -1 for sock in worker.sockets) and time.monotonic() < deadline:
        gevent.sleep(0.05)
    cut = run.cut_connections()
    with worker.wsgi.app_context():
        dropped = presence.drop_connections()
    logging.getLogger("kit.server").info("arrêt demandé : connexions coupées",
                                         extra={"connections_cut": cut, "socketio_connections": dropped})
