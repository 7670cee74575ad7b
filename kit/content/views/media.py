"""Serving the images the content team uploaded, to every page and phone."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, request
from werkzeug.wrappers import Response

from kit.content.files import UPLOADED_IMAGES_URL
from kit.extensions import db
from kit.models import ModuleImage

bp = Blueprint("media", __name__)


@bp.get(UPLOADED_IMAGES_URL + "<name>")
def image(name: str) -> Response:
    """An uploaded image, with the same strict headers as the shipped ones.

    An image is never replaced under its name, so browsers may keep it for a day.
    """
    found = db.session.scalar(sa.select(ModuleImage).where(ModuleImage.name == name))
    if found is None:
        abort(404, "Cette image n'existe pas.")
    response = Response(found.data, mimetype=found.mimetype)
    response.set_etag(found.sha256)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)
