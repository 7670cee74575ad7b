"""The editor space: the content team edits, previews, publishes and restores modules in the browser.

Views only; the rules live in kit.content.revisions (versions, conflicts, drafts), kit.content.images
(uploads) and kit.content.transfer (export and import).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from kit.content import revisions
from kit.content.checks import unpaired_items
from kit.content.files import SLUG
from kit.content.library import compile_text
from kit.content.pages import deck_summary, module_title, slug_or_404
from kit.forms import Form
from kit.people.access import require_editor
from slides import Deck, DeckError

bp = Blueprint("editor", __name__, url_prefix="/editeur")

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


bp.before_request(require_editor)  # only the content team (admin accounts) opens the editor


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


class NewModuleForm(Form):
    """The identifier of a new module: it becomes its address and its file name."""

    slug = StringField("Identifiant du nouveau module", validators=[
        DataRequired("Écrivez un identifiant, par exemple 05-messagerie."),
        Regexp(SLUG.pattern, message="Lettres minuscules sans accent, chiffres et tirets, par exemple 05-messagerie.")])


def _render_index(form: NewModuleForm, status: int = 200) -> tuple[str, int]:
    modules = []
    for slug in revisions.module_slugs():
        last, live = revisions.latest(slug), revisions.published(slug)
        modules.append({"slug": slug, "title": module_title(live or last, slug), "latest": last, "published": live,
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
    if revisions.latest(form.slug.data or ""):
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
    base = form.base_revision_id.data or ""
    base_id = int(base) if base.isdigit() else None
    draft = revisions.latest_draft(slug, current_user)
    warnings = unpaired_items(slug, deck) if deck else []
    return render_template("editor/edit.html", slug=slug, form=form, deck=deck, errors=errors or [],
                           warnings=warnings, conflict=conflict, latest=last, published=live, base_id=base_id,
                           title=module_title(live or last, slug), draft=draft), status


def _errors(error: DeckError) -> list[dict[str, Any]]:
    return [{"line": e.line, "message": e.message} for e in error.errors]


@bp.route("/modules/<slug>", methods=["GET", "POST"])
def edit(slug: str) -> str | Response | tuple[str, int]:
    """Edit a module: markdown on one side, live preview on the other; save, or save and publish."""
    slug_or_404(slug)
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
    base = form.base_revision_id.data or ""
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
    slug = payload["slug"] if isinstance(payload.get("slug"), str) and SLUG.match(payload["slug"]) else "module"
    try:
        deck = compile_text(slug, revisions.normalize(payload["text"]))
    except DeckError as error:
        return jsonify(ok=False, errors=_errors(error))
    return jsonify(ok=True, errors=[], html=render_template("editor/_preview.html", deck=deck,
                                                           warnings=unpaired_items(slug, deck)),
                   summary=deck_summary(deck))


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


