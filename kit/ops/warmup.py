"""Start-up work done before the server takes connections, not in the first requests.

Compiling the published decks and the page templates took 403 ms in the first page after a start, and
the whole process waited for it (a CPU-bound render never yields to gevent): the phones of a room that
joins as the laptop starts would have waited too. The first sign-in imported email_validator, whose
Unicode patterns took 40 ms to compile, on the loop, and the first animator's home page compiled its
SQLAlchemy statements (98 ms on a loaded machine): both seen by the benchmark's stall monitor.
"""

from __future__ import annotations

import importlib
import logging
import time

from flask import Flask
from flask_login import login_user

from kit.content.library import deck_by_revision_id, published_modules
from kit.extensions import db
from kit.models import Role, SessionStatus, TrainingSession, User

log = logging.getLogger(__name__)

# Modules that libraries import on first use, inside a request: wtforms' Email validator.
LAZY_IMPORTS = ("email_validator",)
# Pages whose statements SQLAlchemy compiles at first use, rendered once for an account that owns nothing
# (an animator's and an admin's statements differ). By endpoint: the factory alone imports the views.
PAGES = ("animator.dashboard",)


def warm(app: Flask) -> dict[str, float]:
    """Compile the published decks, the live sessions' decks and every template; what it took."""
    started = time.perf_counter()
    for name in LAZY_IMPORTS:
        importlib.import_module(name)
    with app.app_context():
        decks = len(published_modules())
        live = db.session.scalars(db.select(TrainingSession.revision_id)
                                  .where(TrainingSession.status == SessionStatus.LIVE).distinct()).all()
        for revision_id in live:
            deck_by_revision_id(revision_id)
        db.session.remove()
    pages = _render_pages(app)
    compiled = time.perf_counter()
    templates = 0
    for name in app.jinja_env.list_templates(extensions=["html", "svg", "txt", "xml"]):
        app.jinja_env.get_template(name)  # Jinja keeps the compiled template for every later render
        templates += 1
    static = app.extensions["static_digests"].warm()  # the hashed names of static/ (kit/ops/static_files.py)
    return {"decks": decks + len(live), "pages": pages, "templates": templates, "static_files": static,
            "decks_ms": round(1000 * (compiled - started), 1),
            "templates_ms": round(1000 * (time.perf_counter() - compiled), 1)}


def _render_pages(app: Flask) -> int:
    """Render PAGES as an animator and as an admin who own nothing: their statements are compiled and cached."""
    rendered = 0
    for role in (Role.ANIMATOR, Role.ADMIN):
        for endpoint in PAGES:
            with app.test_request_context():
                # Never added to the database session: nothing is written; the test request's cookie is dropped.
                login_user(User(id=0, role=role.value, email="demarrage@invalid", name="Démarrage", active=True))
                try:
                    app.view_functions[endpoint]()
                    rendered += 1
                except Exception:  # an optimisation only: the server starts anyway, the page compiles later
                    log.warning("page non préparée au démarrage : %s", endpoint, exc_info=True)
                finally:
                    db.session.rollback()
                    db.session.remove()
    return rendered
