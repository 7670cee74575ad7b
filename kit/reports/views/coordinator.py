"""The coordinator's space: the animators of their region or SIAE, what only a coordinator records, the badge.

A coordinator records that an animator attended the animator training, and that a session
they observed was validated. When every criterion is met, the coordinator issues the badge
(see docs/badges.md for why it is a click and not automatic).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from kit.badges.criteria import class_for, earned, evaluate
from kit.badges.issuance import IssuanceError, active_assertion, issue_animator_badge, readiness
from kit.badges.revocation import revoke_from_form
from kit.content.library import module_titles
from kit.diagnostic.figures import region_counts
from kit.extensions import db
from kit.forms import ActionForm, Form, RevokeForm, SelectChoice
from kit.models import AnimatorRecord, BadgeAssertion, RecordKind, Role, TrainingSession, User
from kit.people.access import followed_animator_or_404, followed_animators, require_role, visible_siaes
from kit.reports.course_charts import COURSE_COLUMNS, course_row, region_chart
from kit.reports.enrolment_figures import region_course_figures
from kit.reports.figures import RUN, animator_history, module_info, month_bounds

bp = Blueprint("coordinator", __name__, url_prefix="/coordination")
TOO_LONG = "300 caractères au plus."


@bp.before_request
@login_required
def _coordinators_only() -> None:
    """Coordinators, and admins who see every region."""
    require_role(Role.COORDINATOR, Role.ADMIN)


class TrainingForm(Form):
    """The animator training, attended on a day."""

    training_day = DateField("Date de la formation", default=date.today,
                             validators=[DataRequired("Indiquez la date.")])
    training_note = StringField("Remarque (facultatif)", validators=[Optional(), Length(max=300, message=TOO_LONG)])


class ObservationForm(Form):
    """A session observed by the coordinator, and validated."""

    session = SelectField("Séance observée", coerce=int, validate_choice=True)
    observation_note = StringField("Remarque (facultatif)", validators=[Optional(), Length(max=300, message=TOO_LONG)])


def _run_sessions(animator: User) -> list[TrainingSession]:
    return list(db.session.scalars(sa.select(TrainingSession).where(
        TrainingSession.animator_id == animator.id, TrainingSession.status.in_(RUN))
        .order_by(TrainingSession.day.desc(), TrainingSession.id.desc())))


def _observation_form(animator: User) -> ObservationForm:
    form = ObservationForm()
    form.session.choices = [SelectChoice(s.id, f"{s.day.strftime('%d/%m/%Y')} · {s.group.name} · "
                                               f"module {module_info(s.revision_id).number}")
                            for s in _run_sessions(animator)]
    return form


@bp.get("/")
def index() -> str:
    """The followed animators, with their figures and how far they are from the badge."""
    spec = class_for("animator")
    rows = []
    for animator in followed_animators(current_user):
        history = animator_history(animator.id)
        results = evaluate(spec, history)
        rows.append((animator, history, sum(1 for r in results if r.met), len(results),
                     active_assertion(spec.slug, animator_id=animator.id)))
    today = date.today()
    siaes = visible_siaes(current_user)
    courses = region_course_figures(siaes, *month_bounds(today.year, today.month))
    return render_template("coordinator/index.html", rows=rows, spec=spec, month_first=today.replace(day=1),
                           diagnostics=region_counts(siaes, today.year, today.month), courses=courses,
                           course_row=course_row, course_columns=COURSE_COLUMNS,
                           courses_chart=region_chart(courses, today.strftime("%m/%Y")))


def _animator_page(animator: User, training_form: TrainingForm | None = None,
                   observation_form: ObservationForm | None = None, status: int = 200) -> tuple[str, int]:
    spec = class_for("animator")
    history = animator_history(animator.id)
    results = evaluate(spec, history)
    records = list(db.session.scalars(sa.select(AnimatorRecord).where(AnimatorRecord.animator_id == animator.id)
                                      .order_by(AnimatorRecord.day.desc(), AnimatorRecord.id.desc())))
    badges = list(db.session.scalars(sa.select(BadgeAssertion).where(BadgeAssertion.animator_id == animator.id)
                                     .order_by(BadgeAssertion.issued_on.desc())))
    return render_template(
        "coordinator/animator.html", animator=animator, spec=spec, history=history, results=results,
        done=earned(results), records=records, badges=badges, modules=module_titles(),
        active=next((b for b in badges if not b.revoked), None),
        training_form=training_form or TrainingForm(),
        observation_form=observation_form or _observation_form(animator),
        action_form=ActionForm(), revoke_form=RevokeForm(), issuing=readiness()), status


@bp.get("/animateurs/<int:animator_id>")
def animator(animator_id: int) -> tuple[str, int]:
    """One animator: figures, checklist, records, and the badge."""
    return _animator_page(followed_animator_or_404(animator_id))


@bp.post("/animateurs/<int:animator_id>/formation")
def record_training(animator_id: int) -> tuple[str, int] | Response:
    """Record that the animator attended the animator training."""
    found = followed_animator_or_404(animator_id)
    form = TrainingForm()
    if not form.validate_on_submit():
        return _animator_page(found, training_form=form, status=400)
    db.session.add(AnimatorRecord(animator_id=found.id, kind=RecordKind.TRAINING.value, day=form.training_day.data,
                                  note=(form.training_note.data or "").strip(), recorded_by_id=current_user.id))
    db.session.commit()
    flash(f"Formation d'animateur·rice enregistrée pour {found.name}.", "success")
    return redirect(url_for("coordinator.animator", animator_id=found.id))


@bp.post("/animateurs/<int:animator_id>/observation")
def record_observation(animator_id: int) -> tuple[str, int] | Response:
    """Validate a session of the animator that the coordinator observed."""
    found = followed_animator_or_404(animator_id)
    form = _observation_form(found)
    if not form.validate_on_submit():
        return _animator_page(found, observation_form=form, status=400)
    observed = db.session.get(TrainingSession, form.session.data)
    if observed is None or observed.animator_id != found.id:  # choices are the animator's: belt and braces
        abort(400, "Cette séance n'est pas une séance de cet animateur ou de cette animatrice.")
    db.session.add(AnimatorRecord(animator_id=found.id, kind=RecordKind.OBSERVATION.value, day=observed.day,
                                  session_id=observed.id, note=(form.observation_note.data or "").strip(),
                                  recorded_by_id=current_user.id))
    db.session.commit()
    flash(f"Séance observée validée pour {found.name}.", "success")
    return redirect(url_for("coordinator.animator", animator_id=found.id))


@bp.post("/animateurs/<int:animator_id>/releves/<int:record_id>/supprimer")
def delete_record(animator_id: int, record_id: int) -> Response:
    """Remove a record entered by mistake."""
    found = followed_animator_or_404(animator_id)
    record = db.session.get(AnimatorRecord, record_id)
    if record is None or record.animator_id != found.id:
        abort(404, "Cet enregistrement n'existe pas.")
    if not ActionForm().validate_on_submit():
        abort(400, "Le formulaire n'est pas valide. Rechargez la page.")
    db.session.delete(record)
    db.session.commit()
    flash("Enregistrement supprimé.", "success")
    return redirect(url_for("coordinator.animator", animator_id=found.id))


@bp.post("/animateurs/<int:animator_id>/badge")
def issue(animator_id: int) -> tuple[str, int] | Response:
    """Issue « Animateur·rice numérique pair·e » (every criterion must be met)."""
    found = followed_animator_or_404(animator_id)
    if not ActionForm().validate_on_submit():
        abort(400, "Le formulaire n'est pas valide. Rechargez la page.")
    try:
        issue_animator_badge(found, current_user)
    except IssuanceError as error:
        flash(error.message, "error")
        return _animator_page(found, status=400)
    flash(f"Badge délivré à {found.name}.", "success")
    return redirect(url_for("coordinator.animator", animator_id=found.id))


@bp.post("/animateurs/<int:animator_id>/badges/<uid>/retirer")
def revoke_badge(animator_id: int, uid: str) -> Response:
    """Withdraw an animator's badge."""
    found = followed_animator_or_404(animator_id)
    assertion = db.session.scalar(sa.select(BadgeAssertion).where(BadgeAssertion.uid == uid,
                                                                  BadgeAssertion.animator_id == found.id))
    return revoke_from_form(assertion, url_for("coordinator.animator", animator_id=found.id))
