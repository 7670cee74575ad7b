"""The interview, one step per screen (one POST per step, saved at once), and its result and printable summary."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from kit.diagnostic.guide import current_guide
from kit.diagnostic.interview import (
    STEP_TIME_CAP_SECONDS,
    StepError,
    answers_of,
    go_back,
    record_step,
    result_of,
    start_or_resume,
    visible_steps,
)
from kit.diagnostic.interview import override as save_override
from kit.forms import ActionForm, Form, SelectChoice
from kit.models import Diagnostic, as_utc, utcnow
from kit.people.access import own_diagnostic_or_404, own_employee_or_404, require_counselor_space

bp = Blueprint("interview", __name__, url_prefix="/diagnostic")


@bp.before_request
@login_required
def _counselors_only() -> None:
    require_counselor_space()


class OverrideForm(Form):
    """The counselor's own recommendation, and why."""

    recommendation = SelectField("Votre recommandation", validate_choice=True)
    override_reason = StringField("Pourquoi (obligatoire si vous changez la recommandation)",
                                  validators=[Optional(), Length(max=300, message="300 caractères au plus.")])


def elapsed(diagnostic: Diagnostic) -> int:
    """Seconds spent so far, the current step included (capped like the others)."""
    if diagnostic.completed_at is not None:
        return diagnostic.active_seconds
    since = (utcnow() - (as_utc(diagnostic.last_step_at) or utcnow())).total_seconds()
    return diagnostic.active_seconds + max(0, min(STEP_TIME_CAP_SECONDS, int(since)))


def minutes(seconds: int) -> str:
    """« 4 min 05 s »."""
    return f"{seconds // 60} min {seconds % 60:02d} s"


@bp.post("/salaries/<int:employee_id>/entretien")
def start(employee_id: int) -> Response:
    """Start an interview (a first diagnostic or a re-diagnosis), or resume the one in progress."""
    employee = own_employee_or_404(employee_id)
    if not ActionForm().validate_on_submit():
        abort(400, "La demande n'a pas pu être vérifiée : rechargez la page et réessayez.")
    diagnostic = start_or_resume(employee, current_user, current_guide())
    return redirect(url_for("interview.resume", diagnostic_id=diagnostic.id))


@bp.get("/entretiens/<int:diagnostic_id>")
def resume(diagnostic_id: int) -> Response:
    """Where the interview is: its current step, or its result once finished."""
    diagnostic = own_diagnostic_or_404(diagnostic_id)
    if diagnostic.completed_at is not None or diagnostic.current_step is None:
        return redirect(url_for("interview.summary", diagnostic_id=diagnostic.id))
    return redirect(url_for("interview.step", diagnostic_id=diagnostic.id, step_id=diagnostic.current_step))


@bp.route("/entretiens/<int:diagnostic_id>/etapes/<step_id>", methods=["GET", "POST"])
def step(diagnostic_id: int, step_id: str) -> tuple[str, int] | Response:
    """One step: its answer buttons, « Retour » and « Passer cette étape »."""
    diagnostic = own_diagnostic_or_404(diagnostic_id)
    if diagnostic.completed_at is not None:
        flash("Cet entretien est terminé : voici son résultat.", "info")
        return redirect(url_for("interview.summary", diagnostic_id=diagnostic.id))
    guide = current_guide()
    shown = guide.step(step_id)
    steps = visible_steps(guide, answers_of(diagnostic))
    if shown is None or shown not in steps:
        return redirect(url_for("interview.resume", diagnostic_id=diagnostic.id))
    error = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            error = "La page a expiré : choisissez de nouveau la réponse."
        else:
            action = request.form.get("action", "")
            try:
                if action == "retour":
                    target = go_back(diagnostic, shown, guide)
                    return redirect(url_for("interview.step", diagnostic_id=diagnostic.id, step_id=target.id))
                values = None if action == "passer" else request.form.getlist("valeur")
                following = record_step(diagnostic, shown, guide, values)
            except StepError as exc:
                error = str(exc)
            else:
                if following is None:
                    return redirect(url_for("interview.summary", diagnostic_id=diagnostic.id))
                return redirect(url_for("interview.step", diagnostic_id=diagnostic.id, step_id=following.id))
    answers = answers_of(diagnostic)
    return render_template("diagnostic/step.html", diagnostic=diagnostic, guide=guide, step=shown,
                           position=steps.index(shown) + 1, total=len(steps), error=error,
                           current=answers.get(shown.id, "").split(","), form=ActionForm(),
                           elapsed=minutes(elapsed(diagnostic))), 422 if error else 200


def _override_form(diagnostic: Diagnostic) -> OverrideForm:
    guide = current_guide()
    form = OverrideForm()
    form.recommendation.choices = [SelectChoice(r.id, r.label) for r in guide.recommendations]
    if not form.is_submitted():
        form.recommendation.data = diagnostic.final_recommendation
        form.override_reason.data = diagnostic.override_reason or ""
    return form


@bp.get("/entretiens/<int:diagnostic_id>/synthese")
def summary(diagnostic_id: int) -> tuple[str, int] | Response:
    """The result on screen, and the same as a one-page summary to print for the employee's file."""
    diagnostic = own_diagnostic_or_404(diagnostic_id)
    if diagnostic.completed_at is None:
        return redirect(url_for("interview.resume", diagnostic_id=diagnostic.id))
    return _summary(diagnostic, _override_form(diagnostic))


def _summary(diagnostic: Diagnostic, form: OverrideForm, status: int = 200) -> tuple[str, int]:
    guide = current_guide()
    answers = answers_of(diagnostic)
    return render_template(
        "diagnostic/summary.html", diagnostic=diagnostic, employee=diagnostic.employee, guide=guide,
        result=result_of(diagnostic, guide), answers=answers, steps=visible_steps(guide, answers),
        level=guide.named("levels", diagnostic.level),
        recommendation=guide.named("recommendations", diagnostic.final_recommendation),
        rules_recommendation=guide.named("recommendations", diagnostic.recommendation),
        reason=guide.named("reasons", diagnostic.reason), form=form,
        duration=minutes(diagnostic.active_seconds),
        over_target=diagnostic.active_seconds > guide.target_minutes * 60), status


@bp.post("/entretiens/<int:diagnostic_id>/orientation")
def override(diagnostic_id: int) -> tuple[str, int] | Response:
    """The counselor changes the recommendation, with a reason; choosing the rules' one again clears it."""
    diagnostic = own_diagnostic_or_404(diagnostic_id)
    if diagnostic.completed_at is None:
        return redirect(url_for("interview.resume", diagnostic_id=diagnostic.id))
    form = _override_form(diagnostic)
    if form.validate_on_submit():
        chosen = form.recommendation.data
        if chosen == diagnostic.recommendation:
            save_override(diagnostic, None, None)
            flash("La recommandation est celle de la trame.", "success")
            return redirect(url_for("interview.summary", diagnostic_id=diagnostic.id))
        if (form.override_reason.data or "").strip():
            save_override(diagnostic, chosen, form.override_reason.data)
            flash("Votre recommandation est enregistrée, avec sa raison.", "success")
            return redirect(url_for("interview.summary", diagnostic_id=diagnostic.id))
        form.override_reason.errors = ["Indiquez pourquoi vous changez la recommandation."]
    return _summary(diagnostic, form, 422)
