"""The admin's view of the outbox: recent messages and their state, and a test message to queue.

Also gives every template `mail_enabled()`, for the notice of templates/outbox/_mail_disabled.html that
the pages which queue mail include.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from kit.courses.calendar import local
from kit.extensions import db
from kit.forms import Form
from kit.models import MailMessage, MailStatus, Role
from kit.ops.outbox import queue_mail
from kit.ops.smtp import SmtpSettings, mail_enabled
from kit.people.access import require_role

bp = Blueprint("outbox", __name__, url_prefix="/admin/courriels")
STATUS_LABELS = {MailStatus.PENDING.value: "à envoyer", MailStatus.SENT.value: "envoyé",
                 MailStatus.FAILED.value: "échec", MailStatus.UNSENT.value: "non envoyé (pas de serveur)"}
KIND_LABELS = {"enrolled": "inscription", "waiting": "liste d'attente", "promoted": "place libérée",
               "cancelled": "annulation", "reminder": "rappel", "test": "essai"}


@bp.app_context_processor
def _mail_enabled() -> dict[str, object]:
    return {"mail_enabled": mail_enabled}


class TestMailForm(Form):
    """The address a test message goes to."""

    address = EmailField("Adresse e-mail", validators=[
        DataRequired("Indiquez une adresse e-mail."), Length(max=254, message="254 caractères au plus."),
        Email("Cette adresse e-mail n'est pas valide.", check_deliverability=False)])


@bp.before_request
@login_required
def _admins_only() -> None:
    require_role(Role.ADMIN)


def _page(form: TestMailForm) -> str:
    counts = dict(db.session.execute(sa.select(MailMessage.status, sa.func.count()).group_by(MailMessage.status)).all())
    messages = db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id.desc()).limit(100)).all()
    return render_template("outbox/index.html", form=form, messages=messages, counts=counts,
                           settings=SmtpSettings.from_config(current_app.config),
                           statuses=STATUS_LABELS, kinds=KIND_LABELS, local=local,
                           keep_days=current_app.config["MAIL_KEEP_DAYS"])


@bp.get("/")
def index() -> str:
    """The recent messages, newest first, with their state and last error."""
    return _page(TestMailForm())


@bp.post("/essai")
def test() -> Response | tuple[str, int]:
    """Queue a test message: the background sender delivers it (this request never waits for SMTP)."""
    form = TestMailForm()
    if not form.validate_on_submit():
        return _page(form), 400
    queue_mail(form.address.data or "", "Kit Animateur : courriel d'essai",
               "Bonjour,\n\nCe courriel d'essai montre que le Kit Animateur peut envoyer des e-mails.\n\n"
               "— Kit Animateur", "test")
    db.session.commit()
    if mail_enabled():
        flash("Courriel d'essai mis dans la file : il part dans la minute. Rechargez la page pour voir son état.",
              "success")
    else:
        flash("Aucun serveur d'e-mail n'est configuré : le courriel d'essai est gardé, mais il ne partira pas.",
              "error")
    return redirect(url_for("outbox.index"))
