"""The animator's progress: figures, the badge checklist, and the participants' badges.

Animators (and admins) only. A coordinator follows the same figures from /coordination.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional

from kit.badges.criteria import by_kind, class_for, earned, evaluate
from kit.badges.issuance import (
    IssuanceError,
    active_assertion,
    erase_participant,
    issue_participant_badge,
    readiness,
)
from kit.badges.revocation import revoke_from_form
from kit.content.library import module_titles
from kit.evidence.observed import LEVEL_WORDS, ObservationError, observe_outside, observed_skills, outside_levels
from kit.evidence.skills import skills
from kit.extensions import db
from kit.forms import ActionForm, Form, RevokeForm
from kit.models import BadgeAssertion, Participant, Role, TrainingGroup
from kit.people.access import own_participant_or_404, owns_group, require_role
from kit.reports.figures import animator_history, participant_history

bp = Blueprint("progress", __name__, url_prefix="/progression")


@bp.before_request
@login_required
def _animators_only() -> None:
    """Animators see their own progress; admins may look too. Coordinators have /coordination."""
    require_role(Role.ANIMATOR, Role.ADMIN)


class ParticipantBadgeForm(Form):
    """What a participant's badge needs: all optional, only with their agreement."""

    name = StringField("Nom à imprimer sur le certificat", validators=[
        Optional(), Length(max=120, message="120 caractères au plus.")])
    email = EmailField("Adresse e-mail", validators=[
        Optional(), Email("Cette adresse e-mail n'est pas valide."), Length(max=254)])
    phone = TelField("Ou numéro de téléphone", validators=[Optional(), Length(max=30)])


class EraseForm(Form):
    """Erasing a participant's personal data cannot be undone: it is confirmed."""

    confirm = BooleanField("Je confirme : effacer les données personnelles de cette personne",
                           validators=[DataRequired("Cochez la case pour confirmer.")])


@bp.get("/")
def index() -> str:
    """My progress: sessions per module, hours, participants trained, groups completed, the badge checklist."""
    spec = class_for("animator")
    history = animator_history(current_user.id)
    results = evaluate(spec, history)
    groups = list(db.session.scalars(sa.select(TrainingGroup).where(TrainingGroup.animator_id == current_user.id)
                                     .order_by(TrainingGroup.created_at.desc())))
    return render_template("progress/index.html", spec=spec, history=history, results=results,
                           done=earned(results), modules=module_titles(), groups=groups,
                           assertion=active_assertion(spec.slug, animator_id=current_user.id), issuing=readiness())


@bp.get("/groupes/<int:group_id>")
def group(group_id: int) -> str:
    """A group's participants and where each stands toward « Premiers pas sur smartphone »."""
    found = db.session.get(TrainingGroup, group_id)
    if found is None or not owns_group(current_user, found):
        abort(404, "Ce groupe n'existe pas, ou ce n'est pas le vôtre.")
    spec = class_for("participant")
    rows = []
    for participant in found.participants:
        history = participant_history(participant.id)
        results = evaluate(spec, history)
        rows.append((participant, by_kind(results), earned(results),
                     active_assertion(spec.slug, participant_id=participant.id)))
    return render_template("progress/group.html", group=found, rows=rows, spec=spec, issuing=readiness())


@bp.get("/participants/<int:participant_id>")
def participant(participant_id: int) -> tuple[str, int]:
    """One participant: checklist, skills observed (and one to set), their badge, and erasing their data."""
    found = own_participant_or_404(participant_id)
    return _participant_page(found, ParticipantBadgeForm())


def _participant_page(found: Participant, badge_form: ParticipantBadgeForm, status: int = 200) -> tuple[str, int]:
    spec = class_for("participant")
    history = participant_history(found.id)
    results = evaluate(spec, history)
    badges = list(db.session.scalars(sa.select(BadgeAssertion).where(
        BadgeAssertion.participant_id == found.id).order_by(BadgeAssertion.issued_on.desc())))
    return render_template("progress/participant.html", participant=found, spec=spec, history=history,
                           results=results, done=earned(results), badges=badges, badge_form=badge_form,
                           skills=skills(), observed=observed_skills(found.id), outside=outside_levels(found.id),
                           level_words=LEVEL_WORDS, issuing=readiness(),
                           action_form=ActionForm(), revoke_form=RevokeForm(), erase_form=EraseForm(),
                           active=next((b for b in badges if not b.revoked), None)), status


@bp.post("/participants/<int:participant_id>/competences")
def observe(participant_id: int) -> Response:
    """The skills the animator saw this person do outside a slide's grid: one level per skill, or none."""
    found = own_participant_or_404(participant_id)
    if not ActionForm().validate_on_submit():
        abort(400, "Le formulaire n'est pas valide. Rechargez la page.")
    if found.erased_at is not None:
        abort(400, "Les données de cette personne ont été effacées.")
    before = outside_levels(found.id)
    chosen = {skill: request.form.get(f"competence-{skill}", "") for skill in skills()}
    try:
        for skill, level in chosen.items():
            if level != before.get(skill, ""):
                observe_outside(found.id, skill, level, current_user.id)
    except ObservationError as error:
        abort(400, str(error))
    flash("Compétences enregistrées.", "success")
    return redirect(url_for("progress.participant", participant_id=found.id) + "#competences-titre")


@bp.post("/participants/<int:participant_id>/badge")
def issue(participant_id: int) -> str | tuple[str, int] | Response:
    """Issue the participant's badge (and their certificate)."""
    found = own_participant_or_404(participant_id)
    form = ParticipantBadgeForm()
    if not form.validate_on_submit():
        return _participant_page(found, form, 400)
    try:
        assertion = issue_participant_badge(found, current_user, name=form.name.data or "",
                                            email=form.email.data or "", phone=form.phone.data or "")
    except IssuanceError as error:
        flash(error.message, "error")
        return _participant_page(found, form, 400)
    flash(f"Badge délivré à {assertion.recipient_name}. Imprimez son certificat.", "success")
    return redirect(url_for("progress.participant", participant_id=found.id))


@bp.post("/participants/<int:participant_id>/badges/<uid>/retirer")
def revoke_badge(participant_id: int, uid: str) -> str | tuple[str, int] | Response:
    """Withdraw a participant's badge."""
    found = own_participant_or_404(participant_id)
    assertion = db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.uid == uid,
                                                                  BadgeAssertion.participant_id == found.id))
    return revoke_from_form(assertion, url_for("progress.participant", participant_id=found.id))


@bp.post("/participants/<int:participant_id>/effacer")
def erase(participant_id: int) -> Response:
    """Erase the participant's personal data; the figures keep their attendance."""
    found = own_participant_or_404(participant_id)
    form = EraseForm()
    if not form.validate_on_submit():
        flash("Cochez la case pour confirmer l'effacement.", "error")
        return redirect(url_for("progress.participant", participant_id=found.id))
    erase_participant(found)
    flash("Données personnelles effacées. Les chiffres de présence sont gardés, sans nom.", "success")
    return redirect(url_for("progress.participant", participant_id=found.id))
