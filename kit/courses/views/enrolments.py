"""Enrol an employee in an offer, and cancel an enrolment (the booking rules are in kit/courses/booking.py)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from kit.courses.booking import BookingError, cancel, cancel_offer, enrol
from kit.courses.forms import CancelForm, CancelOfferForm, EnrolForm
from kit.courses.pages import render_offer
from kit.models import EnrolmentStatus
from kit.people.course_access import may_enrol_in, may_manage_offer, own_enrolment_or_404, visible_offer_or_404

bp = Blueprint("enrolments", __name__, url_prefix="/formations")
bp.before_request(login_required(lambda: None))


@bp.post("/<int:offer_id>/inscrire")
def enrol_employee(offer_id: int) -> Response | tuple[str, int]:
    """Enrol one of one's employees: a seat, or the waiting list when the course is full."""
    offer = visible_offer_or_404(offer_id)
    if not may_enrol_in(current_user, offer):
        abort(403, "Seuls les conseillers et conseillères d'une SIAE orientatrice de la région inscrivent.")
    form = EnrolForm()
    if not form.validate_on_submit():
        return render_offer(offer, form, 400)
    try:
        enrolment = enrol(offer.id, form.employee.data, current_user)
    except BookingError as error:
        form.employee.errors = [error.message]  # at the field, in French; nothing was kept
        return render_offer(offer, form, 400)
    name = enrolment.employee.display_name
    flash(f"{name} est inscrit·e." if enrolment.status == EnrolmentStatus.ENROLLED
          else f"La formation est complète : {name} est sur la liste d'attente.", "success")
    return redirect(url_for("courses.offer", offer_id=offer.id) + "#inscrits")


@bp.post("/<int:offer_id>/annuler")
def cancel_offer_page(offer_id: int) -> Response:
    """Cancel a whole offer (its SIAE animatrice, or an admin): every enrolment ends and is notified."""
    offer = visible_offer_or_404(offer_id)
    if not may_manage_offer(current_user, offer):
        abort(403, "Seule la SIAE animatrice qui propose cette formation peut l'annuler.")
    form = CancelOfferForm()
    target = url_for("courses.offer", offer_id=offer.id)
    if not form.validate_on_submit():
        flash(" ".join([*form.confirm.errors, *form.note.errors]) or "Le formulaire n'est pas valide.", "error")
        return redirect(target + "#annuler")
    try:
        ended = cancel_offer(offer.id, current_user, form.note.data)
    except BookingError as error:
        flash(error.message, "error")
        return redirect(target)
    flash(f"Formation annulée. {ended} inscription{'s' if ended > 1 else ''} annulée{'s' if ended > 1 else ''} : "
          "les conseillers et conseillères sont prévenus par e-mail.", "success")
    return redirect(target)


@bp.post("/inscriptions/<int:enrolment_id>/annuler")
def cancel_enrolment(enrolment_id: int) -> Response:
    """Cancel an enrolment with a reason; the first person waiting takes the seat."""
    enrolment = own_enrolment_or_404(enrolment_id)
    offer_id = enrolment.offer_id
    form = CancelForm()
    if not form.validate_on_submit():
        errors = [*form.reason.errors, *form.note.errors]
        flash(" ".join(errors) or "Le formulaire n'est pas valide : rechargez la page.", "error")
        return redirect(url_for("courses.offer", offer_id=offer_id) + "#inscrits")
    name = enrolment.employee.display_name
    try:
        promoted = cancel(enrolment.id, current_user, form.reason.data or "", form.note.data)
    except BookingError as error:
        flash(error.message, "error")
        return redirect(url_for("courses.offer", offer_id=offer_id) + "#inscrits")
    flash(f"Inscription de {name} annulée." + (f" {promoted.employee.display_name}, en liste d'attente, a la place."
                                               if promoted else ""), "success")
    return redirect(url_for("courses.offer", offer_id=offer_id) + "#inscrits")
