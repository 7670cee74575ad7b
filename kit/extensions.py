"""Extensions, created unbound here and bound to the app in the factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base of the typed SQLAlchemy 2.0 models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    socketio.init_app(app, message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"))
