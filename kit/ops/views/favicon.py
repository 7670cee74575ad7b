"""GET /favicon.ico: browsers ask for it on every page that names no icon; a 404 was a console error in every audit."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory

bp = Blueprint("favicon", __name__)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The Kit's icon (static/favicon.ico, 211 bytes), cached for a week."""
    return send_from_directory(str(current_app.static_folder), "favicon.ico", max_age=7 * 24 * 3600,
                               mimetype="image/vnd.microsoft.icon")
