"""What the editor's pages share: their forms and the lookups of a module or a version from the URL."""

from __future__ import annotations

from flask import abort
from flask_wtf.csrf import CSRFError
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from kit.content import revisions
from kit.content.files import SLUG
from kit.content.library import deck_for
from kit.forms import Form
from kit.models import ModuleRevision
from slides import Deck, DeckError


class RestoreForm(Form):
    """Bring an old version back, and publish it at once if asked."""

    publish = BooleanField("Publier aussi cette version (les nouvelles séances l'utiliseront)", default=True)


def refuse_bad_token(form: Form) -> None:
    """For the upload forms exempted from the app's CSRF check: the same answer as every other form's."""
    token = getattr(form, "csrf_token", None)  # none when CSRF is off (tests)
    if token is not None and token.errors:
        raise CSRFError(token.errors[0])


class ImageForm(Form):
    """One image file to upload."""

    image = FileField("Image (PNG, JPEG, WebP ou SVG)", validators=[FileRequired("Choisissez un fichier image.")])


class ImportForm(Form):
    """A zip of modules exported from another installation."""

    archive = FileField("Fichier zip des modules", validators=[FileRequired("Choisissez un fichier zip.")])
    publish = BooleanField("Publier aussi les modules importés")


def module_title(revision: ModuleRevision | None, slug: str) -> str:
    """A module's title as its revision says, or its slug when it has none or does not compile."""
    if revision is None:
        return slug
    try:
        return deck_for(revision).meta.title
    except DeckError:
        return slug


def slug_or_404(slug: str) -> str:
    """A well-formed module identifier from the URL."""
    if not SLUG.match(slug):
        abort(404, "Ce module n'existe pas.")
    return slug


def revision_or_404(slug: str, revision_id: int) -> ModuleRevision:
    """One version of a module, from the URL."""
    revision = revisions.revision_of(slug, revision_id)
    if revision is None:
        abort(404, "Cette version n'existe pas.")
    return revision


def deck_summary(deck: Deck) -> str:
    """One line: how many slides, quiz questions and polls, and the planned minutes."""
    polls = sum(1 for q in deck.quizzes if q.is_poll)
    return (f"{len(deck.slides)} diapos · {len(deck.quizzes) - polls} quiz · {polls} sondages · "
            f"{deck.planned_minutes} min")
