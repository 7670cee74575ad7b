"""The editor's files: uploading images, exporting every module as a zip, importing one."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from kit.content.images import ImageError, store_image, uploaded_images
from kit.content.pages import (
    ImageForm,
    ImportForm,
    refuse_bad_token,
)
from kit.content.transfer import TransferError, export_zip, import_zip
from kit.extensions import csrf
from kit.people.access import require_editor

bp = Blueprint("uploads", __name__, url_prefix="/editeur")
bp.before_request(require_editor)  # the content team only, as the rest of the editor

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
            return redirect(url_for("uploads.images"))
    else:
        refuse_bad_token(form)
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
        refuse_bad_token(form)
    status = 422 if errors or form.errors else 200
    return render_template("editor/import.html", form=form, errors=errors), status
