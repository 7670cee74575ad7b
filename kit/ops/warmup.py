"""Start-up work done before the server takes connections, not in the first requests.

Compiling the published decks and the page templates took 403 ms in the first page after a start, and
the whole process waited for it (a CPU-bound render never yields to gevent): the phones of a room that
joins as the laptop starts would have waited too. The first sign-in imported email_validator, whose
Unicode patterns took 40 ms to compile, on the loop (seen by the benchmark's stall monitor).
"""

from __future__ import annotations

import importlib
import time

from flask import Flask

from kit.content.library import deck_by_revision_id, published_modules
from kit.extensions import db
from kit.models import SessionStatus, TrainingSession

# Modules that libraries import on first use, inside a request: wtforms' Email validator.
LAZY_IMPORTS = ("email_validator",)


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
    compiled = time.perf_counter()
    templates = 0
    for name in app.jinja_env.list_templates(extensions=["html", "svg", "txt", "xml"]):
        app.jinja_env.get_template(name)  # Jinja keeps the compiled template for every later render
        templates += 1
    static = app.extensions["static_digests"].warm()  # the hashed names of static/ (kit/ops/static_files.py)
    return {"decks": decks + len(live), "templates": templates, "static_files": static,
            "decks_ms": round(1000 * (compiled - started), 1),
            "templates_ms": round(1000 * (time.perf_counter() - compiled), 1)}
