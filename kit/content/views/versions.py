"""The editor's versions of a module: history, one version, comparing two, publishing and restoring."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from kit.content import revisions
from kit.content.pages import (
    RestoreForm,
    module_title,
    revision_or_404,
    slug_or_404,
)
from kit.forms import ActionForm
from kit.models import ModuleRevision
from kit.people.access import require_editor

bp = Blueprint("versions", __name__, url_prefix="/editeur")
bp.before_request(require_editor)  # the content team only, as the rest of the editor


@bp.get("/modules/<slug>/historique")
def history(slug: str) -> str:
    """Every version and draft of a module, to compare two, publish one or go back to one."""
    slug_or_404(slug)
    found = revisions.history(slug)
    if not found:
        abort(404, "Ce module n'a encore aucune version.")
    return render_template("editor/history.html", slug=slug, revisions=found, title=module_title(found[0], slug),
                           published=revisions.published(slug), latest=revisions.latest(slug))


@bp.get("/modules/<slug>/versions/<int:revision_id>")
def version(slug: str, revision_id: int) -> str:
    """One version: its text, what it changed, and the buttons to publish it or go back to it."""
    revision = revision_or_404(slug, revision_id)
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
    slug_or_404(slug)
    ids = [request.args.get(key, "") for key in ("de", "a")]
    if not all(i.isdigit() for i in ids):
        abort(400, "Choisissez deux versions à comparer.")
    old, new = (revision_or_404(slug, int(i)) for i in ids)
    return render_template("editor/compare.html", slug=slug, old=old, new=new,
                           diff=revisions.diff(old.source, new.source), title=module_title(new, slug))


@bp.post("/modules/<slug>/versions/<int:revision_id>/publier")
def publish(slug: str, revision_id: int) -> Response:
    """Publish a version: new sessions use it; planned and running sessions keep theirs."""
    revision = revision_or_404(slug, revision_id)
    if not ActionForm().validate_on_submit():
        abort(400, "Le formulaire a expiré. Rechargez la page.")
    try:
        revisions.publish(revision)
    except revisions.RevisionError as refused:
        flash(refused.message, "error")
    else:
        flash(f"La {revision.label} est publiée. Les nouvelles séances l'utilisent ; les séances déjà prévues "
              "ou en cours gardent leur version.", "success")
    return redirect(url_for("versions.version", slug=slug, revision_id=revision.id))


@bp.post("/modules/<slug>/versions/<int:revision_id>/restaurer")
def restore(slug: str, revision_id: int) -> Response:
    """Go back to an old version: its text becomes the newest version (and is published if asked)."""
    revision = revision_or_404(slug, revision_id)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400, "Le formulaire a expiré. Rechargez la page.")
    try:
        restored = revisions.restore(revision, current_user, publish=form.publish.data)
    except revisions.RevisionError as refused:
        flash(refused.message, "error")
        return redirect(url_for("versions.version", slug=slug, revision_id=revision.id))
    state = "et publiée" if restored.published else "(pas encore publiée)"
    flash(f"Retour à la {revision.label} : c'est maintenant la {restored.label}, {state}.", "success")
    return redirect(url_for("versions.history", slug=slug))


# An upload is read up to this size, so that a phone's photo of a few megabytes gets the
# image's own message (its size and the limit) rather than the server's bare "too large".
