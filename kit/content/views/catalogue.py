"""The catalogue of modules, and one page per module to prepare a half-day."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kit.content.library import published_module, published_modules

bp = Blueprint("catalogue", __name__)


@bp.get("/")
def index() -> str:
    """List the published modules in their order."""
    return render_template("catalogue/index.html", modules=published_modules())


@bp.get("/modules/<slug>")
def module(slug: str) -> str:
    """One module: objectives, competences and its slides, with links to project and print."""
    found = published_module(slug)
    if found is None:
        abort(404, "Ce module n'existe pas. Retournez au catalogue pour choisir un module.")
    return render_template("catalogue/module.html", module=found, deck=found.deck)
