"""The editor space: the content team edits, previews, publishes and restores modules in the browser.

Views only; the rules live in kit.revisions (versions, conflicts, drafts), kit.images
(uploads) and kit.transfer (export and import).
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from slides import Deck, DeckError

from . import revisions
from .content import compile_text, deck_for
from .extensions import csrf, login_manager
from .forms import Form
from .images import ImageError, store_image, uploaded_images
from .models import ModuleRevision, Role
from .transfer import TransferError, export_zip, import_zip

bp = Blueprint("editor", __name__, url_prefix="/editeur")

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
STARTER = """---
titre: Nouveau module
numéro: 5
durée: 5
objectifs:
  - Ce que le participant saura faire à la fin
compétences:
  - "Pix 5.2 : Construire un environnement numérique"
---

durée: 5
style: titre

# Nouveau module

::: notes
Ce que l'animateur dit et fait pendant cette diapo.
:::

---

::: fiche
# Nouveau module

Ce que le participant garde sur sa fiche résumée.
:::
"""


@bp.before_request
def _editors_only() -> Response | None:
    """Only the content team (admin accounts) may open the editor."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != Role.ADMIN:
        abort(403, "Seule l'équipe contenu (un compte administrateur) peut modifier les modules.")
    return None


class EditForm(Form):
    """The module's markdown, the version it started from, and what changed."""

    text = TextAreaField("Texte du module (markdown)")
    base_revision_id = HiddenField()
    conflict_id = HiddenField()
    overwrite = BooleanField("Remplacer quand même la dernière version par mon texte")
    message = StringField("Ce que vous avez changé (facultatif)",
                          validators=[Length(max=200, message="200 caractères au plus.")])
    save = SubmitField("Enregistrer")
    save_publish = SubmitField("Enregistrer et publier")


class ActionForm(Form):
    """A button that changes something: only its CSRF token."""


class RestoreForm(Form):
    """Bring an old version back, and publish it at once if asked."""

    publish = BooleanField("Publier aussi cette version (les nouvelles séances l'utiliseront)", default=True)


class NewModuleForm(Form):
    """The identifier of a new module: it becomes its address and its file name."""

    slug = StringField("Identifiant du nouveau module", validators=[
        DataRequired("Écrivez un identifiant, par exemple 05-messagerie."),
        Regexp(SLUG.pattern, message="Lettres minuscules sans accent, chiffres et tirets, par exemple 05-messagerie.")])


def _refuse_bad_token(form: Form) -> None:
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


def _title(revision: ModuleRevision | None, slug: str) -> str:
    if revision is None:
        return slug
    try:
        return deck_for(revision).meta.title
    except DeckError:
        return slug


def _slug_or_404(slug: str) -> str:
    if not SLUG.match(slug):
        abort(404, "Ce module n'existe pas.")
    return slug


def _revision_or_404(slug: str, revision_id: int) -> ModuleRevision:
    revision = revisions.revision_of(slug, revision_id)
    if revision is None:
        abort(404, "Cette version n'existe pas.")
    return revision


def _render_index(form: NewModuleForm, status: int = 200) -> tuple[str, int]:
    modules = []
    for slug in revisions.module_slugs():
        last, live = revisions.latest(slug), revisions.published(slug)
        modules.append({"slug": slug, "title": _title(live or last, slug), "latest": last, "published": live,
                        "draft": revisions.latest_draft(slug, current_user)})
    return render_template("editor/index.html", modules=modules, form=form), status


@bp.get("/")
def index() -> tuple[str, int]:
    """Every module, its last and its published version; images, export and import."""
    return _render_index(NewModuleForm())


@bp.post("/nouveau")
def new_module() -> Response | tuple[str, int]:
    """Open the editor on a new module, from a starter text."""
    form = NewModuleForm()
    if not form.validate_on_submit():
        return _render_index(form, 422)
    if revisions.latest(form.slug.data):
        flash("Ce module existe déjà : le voici.", "info")
    return redirect(url_for("editor.edit", slug=form.slug.data))


def _render_edit(slug: str, form: EditForm, *, errors: list[dict[str, Any]] | None = None,
                 conflict: revisions.ConflictError | None = None, status: int = 200) -> tuple[str, int]:
    """The editor page, with a preview of the form's text when it compiles."""
    last, live = revisions.latest(slug), revisions.published(slug)
    deck: Deck | None = None
    try:
        deck = compile_text(slug, revisions.normalize(form.text.data or ""))
    except DeckError as error:
        if errors is None:
            errors = _errors(error)
    base_id = int(form.base_revision_id.data) if (form.base_revision_id.data or "").isdigit() else None
    draft = revisions.latest_draft(slug, current_user)
    return render_template("editor/edit.html", slug=slug, form=form, deck=deck, errors=errors or [],
                           conflict=conflict, latest=last, published=live, base_id=base_id,
                           title=_title(live or last, slug), draft=draft), status


def _errors(error: DeckError) -> list[dict[str, Any]]:
    return [{"line": e.line, "message": e.message} for e in error.errors]


@bp.route("/modules/<slug>", methods=["GET", "POST"])
def edit(slug: str) -> str | Response | tuple[str, int]:
    """Edit a module: markdown on one side, live preview on the other; save, or save and publish."""
    _slug_or_404(slug)
    form = EditForm()
    if request.method == "GET":
        last = revisions.latest(slug)
        wanted = request.args.get("brouillon", "")
        draft = revisions.revision_of(slug, int(wanted)) if wanted.isdigit() else None
        if draft is not None and draft.is_draft:
            # A draft reopens on the version it started from: saving it checks for conflicts.
            form.text.data, form.base_revision_id.data = draft.source, str(draft.parent_id or "")
            form.message.data = draft.message
            flash(f"Le {draft.label} est ouvert. Enregistrez-le pour en faire une version.", "info")
        else:
            form.text.data = last.source if last else STARTER
            form.base_revision_id.data = str(last.id) if last else ""
        return _render_edit(slug, form)
    if not form.validate_on_submit():
        return _render_edit(slug, form, status=422)
    base = form.base_revision_id.data
    last = revisions.latest(slug)
    if form.overwrite.data and last is not None and form.conflict_id.data == str(last.id):
        base = str(last.id)  # the editor saw the conflict and chose to replace that version
    publish = bool(form.save_publish.data)
    try:
        revision = revisions.save_revision(slug, form.text.data or "", int(base) if base.isdigit() else None,
                                           current_user, form.message.data or "", publish=publish)
    except revisions.ConflictError as conflict:
        form.conflict_id.data = str(conflict.latest.id) if conflict.latest else ""
        form.overwrite.data = False
        return _render_edit(slug, form, conflict=conflict, status=409)
    except revisions.InvalidTextError as invalid:
        flash(invalid.message, "error")
        return _render_edit(slug, form, errors=[{"line": e.line, "message": e.message} for e in invalid.errors],
                            status=422)
    except revisions.RevisionError as refused:
        flash(refused.message, "error")
        return _render_edit(slug, form, status=400)
    if base.isdigit() and revision.id == int(base):
        flash("Aucun changement à enregistrer." + (" Cette version est publiée." if publish else ""), "info")
    elif publish:
        flash(f"{revision.label.capitalize()} enregistrée et publiée. Les nouvelles séances l'utilisent ; "
              "les séances déjà prévues ou en cours gardent leur version.", "success")
    else:
        flash(f"{revision.label.capitalize()} enregistrée. Elle n'est pas encore publiée : les séances "
              "utilisent toujours la version publiée.", "success")
    return redirect(url_for("editor.edit", slug=slug))


@bp.post("/apercu")
def preview() -> Response | tuple[Response, int]:
    """Compile markdown sent by the editor page: the slides' HTML, or the errors with their lines.

    JSON in ({slug, text}) and out; the CSRF token comes in the X-CSRFToken header.
    """
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return jsonify(ok=False, errors=[{"line": 1, "message": "demande incorrecte"}]), 400
    slug = payload.get("slug") if isinstance(payload.get("slug"), str) and SLUG.match(payload["slug"]) else "module"
    try:
        deck = compile_text(slug, revisions.normalize(payload["text"]))
    except DeckError as error:
        return jsonify(ok=False, errors=_errors(error))
    return jsonify(ok=True, errors=[], html=render_template("editor/_preview.html", deck=deck),
                   summary=_summary(deck))


@bp.get("/jeton")
def token() -> Response:
    """A fresh CSRF token for the editor page, asked just before saving.

    The page may stay open for hours (the token expires after one): saving then still works,
    and a session that ended is seen before the text leaves the page (signed out, this
    answers with the sign-in redirect).
    """
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


def _summary(deck: Deck) -> str:
    polls = sum(1 for q in deck.quizzes if q.is_poll)
    return (f"{len(deck.slides)} diapos · {len(deck.quizzes) - polls} quiz · {polls} sondages · "
            f"{deck.planned_minutes} min")


@bp.get("/modules/<slug>/historique")
def history(slug: str) -> str:
    """Every version and draft of a module, to compare two, publish one or go back to one."""
    _slug_or_404(slug)
    found = revisions.history(slug)
    if not found:
        abort(404, "Ce module n'a encore aucune version.")
    return render_template("editor/history.html", slug=slug, revisions=found, title=_title(found[0], slug),
                           published=revisions.published(slug), latest=revisions.latest(slug))


@bp.get("/modules/<slug>/versions/<int:revision_id>")
def version(slug: str, revision_id: int) -> str:
    """One version: its text, what it changed, and the buttons to publish it or go back to it."""
    revision = _revision_or_404(slug, revision_id)
    parent = _parent(revision)
    changes = revisions.diff(parent.source, revision.source) if parent else None
    return render_template("editor/version.html", slug=slug, revision=revision, parent=parent, diff=changes,
                           latest=revisions.latest(slug), action=ActionForm(), restore_form=RestoreForm())


def _parent(revision: ModuleRevision) -> ModuleRevision | None:
    """The version a revision started from."""
    return revisions.revision_of(revision.slug, revision.parent_id) if revision.parent_id else None


@bp.get("/modules/<slug>/comparer")
def compare(slug: str) -> str:
    """The differences between any two revisions of a module (?de=…&a=…)."""
    _slug_or_404(slug)
    ids = [request.args.get(key, "") for key in ("de", "a")]
    if not all(i.isdigit() for i in ids):
        abort(400, "Choisissez deux versions à comparer.")
    old, new = (_revision_or_404(slug, int(i)) for i in ids)
    return render_template("editor/compare.html", slug=slug, old=old, new=new,
                           diff=revisions.diff(old.source, new.source), title=_title(new, slug))


@bp.post("/modules/<slug>/versions/<int:revision_id>/publier")
def publish(slug: str, revision_id: int) -> Response:
    """Publish a version: new sessions use it; planned and running sessions keep theirs."""
    revision = _revision_or_404(slug, revision_id)
    if not ActionForm().validate_on_submit():
        abort(400, "Le formulaire a expiré. Rechargez la page.")
    try:
        revisions.publish(revision)
    except revisions.RevisionError as refused:
        flash(refused.message, "error")
    else:
        flash(f"La {revision.label} est publiée. Les nouvelles séances l'utilisent ; les séances déjà prévues "
              "ou en cours gardent leur version.", "success")
    return redirect(url_for("editor.version", slug=slug, revision_id=revision.id))


@bp.post("/modules/<slug>/versions/<int:revision_id>/restaurer")
def restore(slug: str, revision_id: int) -> Response:
    """Go back to an old version: its text becomes the newest version (and is published if asked)."""
    revision = _revision_or_404(slug, revision_id)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400, "Le formulaire a expiré. Rechargez la page.")
    try:
        restored = revisions.restore(revision, current_user, publish=form.publish.data)
    except revisions.RevisionError as refused:
        flash(refused.message, "error")
        return redirect(url_for("editor.version", slug=slug, revision_id=revision.id))
    state = "et publiée" if restored.published else "(pas encore publiée)"
    flash(f"Retour à la {revision.label} : c'est maintenant la {restored.label}, {state}.", "success")
    return redirect(url_for("editor.history", slug=slug))


# An upload is read up to this size, so that a phone's photo of a few megabytes gets the
# image's own message (its size and the limit) rather than the server's bare "too large".
IMAGE_UPLOAD_READ_BYTES = 20 * 1024 * 1024


@bp.route("/images", methods=["GET", "POST"])
@csrf.exempt  # the form below checks the token itself, once the larger size limit is set
def images() -> str | Response | tuple[str, int]:
    """Upload an image for the modules, and list those already uploaded."""
    request.max_content_length = max(current_app.config["IMAGE_MAX_BYTES"], IMAGE_UPLOAD_READ_BYTES) + 64 * 1024
    form = ImageForm()
    if form.validate_on_submit():
        upload = form.image.data
        try:
            stored = store_image(upload.filename or "image", upload.read(), current_user)
        except ImageError as refused:
            form.image.errors = [refused.message]
        else:
            name = stored.name if stored else form.image.data.filename
            flash(f"Image enregistrée sous le nom « {name} ». Écrivez dans le module : ![description]({name})",
                  "success")
            return redirect(url_for("editor.images"))
    else:
        _refuse_bad_token(form)
    limit = current_app.config["IMAGE_MAX_BYTES"] // 1024
    status = 422 if form.errors else 200
    return render_template("editor/images.html", form=form, images=uploaded_images(), limit_kb=limit), status


@bp.get("/export.zip")
def export() -> Response:
    """Download the published modules (and their images) as a zip, to import elsewhere."""
    return send_file(io.BytesIO(export_zip()), mimetype="application/zip", as_attachment=True,
                     download_name=f"modules-kit-animateur-{date.today():%Y-%m-%d}.zip", max_age=0)


@bp.route("/importer", methods=["GET", "POST"])
@csrf.exempt  # the form below checks the token itself, once the larger size limit is set
def import_modules() -> str | Response | tuple[str, int]:
    """Import a zip of modules: everything is checked first, and nothing is written on any error."""
    request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + 64 * 1024
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.archive.data
        try:
            changed = import_zip(upload.read(), current_user, upload.filename or "modules.zip",
                                 publish=form.publish.data)
        except TransferError as refused:
            errors = refused.errors
        else:
            done = ", ".join(changed) or "aucun changement"
            flash(f"Import terminé : {done}." + ("" if form.publish.data or not changed
                                                 else " Les nouvelles versions ne sont pas encore publiées."),
                  "success")
            return redirect(url_for("editor.index"))
    else:
        _refuse_bad_token(form)
    status = 422 if errors or form.errors else 200
    return render_template("editor/import.html", form=form, errors=errors), status
