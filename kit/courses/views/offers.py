"""The offers between SIAE: the list of the region's offers, publishing one, and an offer's page."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from kit.courses.forms import OfferForm
from kit.courses.offers import HALF_DAYS, OfferDraft, OfferError, Slot, check_offer, max_capacity, publish_offer
from kit.courses.pages import render_offer
from kit.courses.times import local, today_local
from kit.courses.visibility import departements, list_offers, offer_animators
from kit.forms import SelectChoice
from kit.models import User
from kit.people.course_access import may_publish_offers, visible_offer_or_404

bp = Blueprint("courses", __name__, url_prefix="/formations")
bp.before_request(login_required(lambda: None))
DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")


@bp.app_template_filter("heure_locale")
def _local_time(moment: datetime) -> datetime:
    """A stored UTC time in French local time (templates)."""
    return local(moment)


@bp.get("/")
def index() -> str:
    """The region's offers, filterable by département and first day, with « Places : 5 / 8 »."""
    departement = request.args.get("departement", "").strip().upper()
    since_text = request.args.get("du", "").strip()
    since, problem = None, None
    if departement and not DEPARTEMENT.match(departement):
        departement, problem = "", "Ce département n'est pas un numéro de département : le filtre est ignoré."
    if since_text:
        try:
            since = date.fromisoformat(since_text)
        except ValueError:
            since_text, problem = "", "Cette date n'est pas une date (AAAA-MM-JJ) : le filtre est ignoré."
    offers = list_offers(current_user, departement or None, since)
    return render_template("courses/index.html", offers=offers, departements=departements(current_user),
                           departement=departement, since=since_text, problem=problem,
                           may_publish=may_publish_offers(current_user))


def _form() -> tuple[OfferForm, list[User]]:
    form = OfferForm()
    animators = offer_animators(current_user)
    form.animator.choices = [SelectChoice(a.id, f"{a.name} — {a.siae.name if a.siae else ''}") for a in animators]
    return form, animators


def _typed(form: OfferForm) -> bool:
    """Whether every date, time and number the checks need was read."""
    fields = [f for n in range(1, HALF_DAYS + 1) for f in form.slot_fields(n)] + [form.capacity, form.enrol_deadline]
    return all(f.data is not None for f in fields)


def _draft(form: OfferForm, animators: list[User]) -> OfferDraft:
    slots = []
    for number in range(1, HALF_DAYS + 1):
        day, start, end = form.slot_fields(number)
        slots.append(Slot(day.data, start.data, end.data))
    animator = next(a for a in animators if a.id == form.animator.data)
    return OfferDraft(animator=animator, slots=tuple(slots), place_name=(form.place_name.data or "").strip(),
                      place_address=(form.place_address.data or "").strip(),
                      departement=(form.departement.data or "").strip().upper(), capacity=form.capacity.data or 0,
                      enrol_deadline=form.enrol_deadline.data or today_local(),
                      contact_phone=(form.contact_phone.data or "").strip())


@bp.route("/nouvelle", methods=["GET", "POST"])
def new_offer() -> str | tuple[str, int] | Response:
    """Publish an offer: its group and 4 planned sessions are created with it."""
    if not may_publish_offers(current_user):
        abort(403, "Seuls les animateurs et animatrices d'une SIAE animatrice (ou un admin) publient une formation.")
    form, animators = _form()
    if not animators:
        abort(403, "Votre structure n'a aucun animateur ou animatrice actif : demandez à un admin.")
    valid = form.validate_on_submit()
    if form.is_submitted() and _typed(form) and form.animator.data in {a.id for a in animators}:
        # The dates' own checks run even when another field is wrong, so every error shows at once.
        draft, today = _draft(form, animators), today_local()
        errors = check_offer(draft, today)
        for name, message in errors.items():
            form[name].errors = [*form[name].errors, message]
        if valid and not errors:
            try:
                offer = publish_offer(draft, current_user, today)
            except OfferError as error:
                flash(error.message, "error")
            else:
                flash("Formation publiée : les conseillers et conseillères de la région la voient.", "success")
                return redirect(url_for("courses.offer", offer_id=offer.id))
    elif not form.is_submitted():
        _defaults(form, animators)
    status = 400 if form.is_submitted() else 200
    return render_template("courses/offer_form.html", form=form, half_days=range(1, HALF_DAYS + 1),
                           most=max_capacity()), status


def _defaults(form: OfferForm, animators: list[User]) -> None:
    """A sensible start: the signed-in animator, in three weeks, mornings, the SIAE's département and phone."""
    me = next((a for a in animators if a.id == current_user.id), animators[0])
    form.animator.data = me.id
    start = today_local() + timedelta(days=21)
    for number in range(1, HALF_DAYS + 1):
        day, begin, end = form.slot_fields(number)
        day.data = start + timedelta(days=7 * (number - 1))
        begin.data, end.data = time(9, 0), time(12, 30)
    form.enrol_deadline.data = start - timedelta(days=7)
    if me.siae is not None:
        form.departement.data = me.siae.departement or ""
        form.contact_phone.data = me.siae.contact_phone or ""


@bp.get("/<int:offer_id>")
def offer(offer_id: int) -> str:
    """An offer: its half-days, place and places; enrol (counselors); the enrolments one may see."""
    return render_offer(visible_offer_or_404(offer_id))[0]
