"""Extensions, created unbound here and bound to the app in the factory."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Request, Response, abort
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from kit.models.base import Base
from kit.sqlite import set_up, use_off_loop_connections

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are counted in the configured storage (Redis when several processes serve).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def own_connection_engine(engine: sa.Engine) -> sa.Engine:
    """An engine with one connection of its own to the app's database, set up like the app's connections."""
    own = sa.create_engine(engine.url, poolclass=sa.pool.StaticPool)
    if own.dialect.name == "sqlite":
        sa.event.listen(own, "do_connect", use_off_loop_connections)
        sa.event.listen(own, "connect", set_up)
    return own


def init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "do_connect", use_off_loop_connections)
            sa.event.listen(db.engine, "connect", set_up)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    # SocketIO keeps its options between init_app calls: an app built after one with a message queue
    # (the tests build many) would still send through that queue.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(app, message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
                      async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
                      cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),
                      max_http_buffer_size=64 * 1024)
    app.session_interface = CookieSessionInterface()
    # Flask-SocketIO runs every Socket.IO event in a request context built from the connection's
    # first request, whose path is /socket.io/. With no route there, each event's context raised and
    # kept a NotFound with its traceback: reference cycles that only the garbage collector frees, and
    # its pauses were the p99 tail of live sessions (docs/performance.md). HTTP requests to this path
    # never reach the view: the Engine.IO middleware in front of Flask serves them.
    for websocket in (False, True):  # long-polling requests, and the WebSocket upgrade request
        app.add_url_rule("/socket.io/", "socketio_transport", _socketio_transport, strict_slashes=False,
                         methods=["GET"] if websocket else ["GET", "POST"], websocket=websocket)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour ouvrir cette page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    # Registered after Compress, so it runs before it (Flask runs after_request handlers in reverse).
    app.after_request(_read_small_files)


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, not decoded again for every Socket.IO event.

    Flask-SocketIO gives each event the copy of the session it keeps for the connection
    (environ["saved_session"]) in place of the one Flask opens: verifying and decoding the cookie
    first was 5 % of an answer's server CPU (py-spy, tests/bench/profile_live.py).
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)


def _socketio_transport() -> Response:
    abort(404)


def _read_small_files(response: Response) -> Response:
    """Read small static files into memory, so that Flask-Compress gzips them whole.

    Compressing them as streams would leave their files open; these are a few kilobytes.
    """
    if response.direct_passthrough and response.content_length and response.content_length <= 512 * 1024:
        body = response.response
        try:
            data = b"".join(body)  # type: ignore[arg-type]
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
        response.direct_passthrough = False
        response.set_data(data)
    return response
