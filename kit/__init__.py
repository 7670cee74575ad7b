"""Kit Animateur: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from kit.app import KitFlask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; nothing is created at import time."""
    app = KitFlask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from kit.config import load_config

    load_config(app, test_config)

    from kit.ops.logs import init_logging

    init_logging(app)  # first, so that what the rest logs is in LOG_FORMAT too
    if not app.config["SECRET_KEY"]:
        # INFO: run.py makes it just after building the app; `flask setup` does it for the CLI.
        app.logger.info("pas encore de clé secrète : elle est créée au premier lancement de `python run.py` "
                        "ou par `flask --app kit setup`")

    from kit.extensions import init_extensions

    init_extensions(app)

    from kit.ops.headers import init_headers

    init_headers(app)

    from kit.ops.static_files import init_static_files

    init_static_files(app)  # /static/ under content-hashed names, cached for a year

    from kit.errors import init_errors

    init_errors(app)

    from kit.people.avatars import init_avatars

    init_avatars(app)

    from kit.diagnostic.guide import init_diagnostic

    init_diagnostic(app)  # a malformed guide stops the start with `file:line: message`
    _register_pages(app)

    from kit.live.namespaces import init_sockets

    init_sockets()

    from kit.cli import init_cli

    init_cli(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        # Outermost, around Socket.IO's middleware too: its events and limits see the phone's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _register_pages(app: Flask) -> None:
    """Every feature's blueprints: the only place that imports views."""
    from kit.badges.views import progress, public
    from kit.content.views import catalogue, decks, editor, media, uploads, versions
    from kit.courses.views import convocation, enrolments, offers
    from kit.diagnostic.views import employees, interview
    from kit.evidence.views import evaluation
    from kit.live.views import join
    from kit.ops.views import favicon, health, outbox
    from kit.people.views import admin, animator, auth, sessions
    from kit.reports.views import coordinator, monthly

    pages = (catalogue, decks, editor, versions, uploads, media, join, auth, admin, animator, sessions, progress,
             public, coordinator, monthly, health, favicon, employees, interview, offers, enrolments,
             convocation, outbox, evaluation)
    for module in pages:
        app.register_blueprint(module.bp)
    from kit.reports.views import signin  # the sign-in sheets and attendance figures (issue 15)

    app.register_blueprint(signin.bp)
    from kit.reports.views import results  # a session's results page and CSV (issue 17)

    app.register_blueprint(results.bp)
