"""Kit Animateur: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; nothing is created at import time."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from .config import load_config

    load_config(app, test_config)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from .logs import init_logging

    init_logging(app)  # first, so that what the rest logs is in LOG_FORMAT too

    from .extensions import init_extensions

    init_extensions(app)

    from .errors import init_errors

    init_errors(app)

    from . import animator, auth, catalogue, decks, editor, join, media

    for blueprint in (catalogue.bp, decks.bp, auth.bp, animator.bp, join.bp, editor.bp, media.bp):
        app.register_blueprint(blueprint)

    from . import admin, badges, coordinator, progress, reports

    for blueprint in (progress.bp, coordinator.bp, reports.bp, admin.bp, badges.bp):
        app.register_blueprint(blueprint)

    from .health import bp as health_bp

    app.register_blueprint(health_bp)  # GET /sante

    from .live.sockets import init_sockets

    init_sockets()

    from .cli import init_cli

    init_cli(app)
    return app
