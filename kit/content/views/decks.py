"""Projecting a module: projector, presenter, summary sheet, trame, images."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_file
from werkzeug.wrappers import Response

from kit.content.files import SHIPPED_IMAGES_URL, image_path
from kit.content.library import Module, published_module

bp = Blueprint("decks", __name__)


def _module_or_404(slug: str) -> Module:
    module = published_module(slug)
    if module is None:
        abort(404, "Ce module n'existe pas. Retournez au catalogue pour choisir un module.")
    return module


def _slide_or_404(module: Module, number: int) -> int:
    if not 1 <= number <= len(module.deck.slides):
        abort(404, f"Ce module a {len(module.deck.slides)} diapos : la diapo {number} n'existe pas.")
    return number


@bp.get("/modules/<slug>/projection", defaults={"number": 1})
@bp.get("/modules/<slug>/projection/<int:number>")
def projector(slug: str, number: int) -> str:
    """The 16:9 projector view; the key of every quiz stays on the server."""
    return _slide_page("decks/projector.html", slug, number)


@bp.get("/modules/<slug>/presentateur", defaults={"number": 1})
@bp.get("/modules/<slug>/presentateur/<int:number>")
def presenter(slug: str, number: int) -> str:
    """The presenter view: notes, timers and the next slide."""
    return _slide_page("decks/presenter.html", slug, number)


def _slide_page(template: str, slug: str, number: int) -> str:
    module = _module_or_404(slug)
    return render_template(template, module=module, deck=module.deck, current=_slide_or_404(module, number))


@bp.get("/modules/<slug>/fiche")
def sheet(slug: str) -> str:
    """The summary sheet, one A4 page when printed."""
    module = _module_or_404(slug)
    return render_template("decks/sheet.html", module=module, deck=module.deck)


@bp.get("/modules/<slug>/trame")
def script(slug: str) -> str:
    """The trame d'animation: every slide's notes with its timing, printable."""
    module = _module_or_404(slug)
    return render_template("decks/script.html", module=module, deck=module.deck)


@bp.get(SHIPPED_IMAGES_URL + "<name>")
def image(name: str) -> Response:
    """A module image. SVG is served with a CSP that forbids scripts."""
    path = image_path(name)
    if path is None:
        abort(404, "Cette image n'existe pas.")
    response = send_file(path, max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
