"""The sign-in sheet (feuille d'émargement) of a half-day, printable on one A4 page (kit/courses/signin.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from flask_login import login_required

from kit.courses.signin import signin_sheet
from kit.extensions import db
from kit.models import CourseHalfDay
from kit.people.access import own_session_or_404, require_animator_space
from kit.reports.rules import STATE_LABELS

bp = Blueprint("signin", __name__, url_prefix="/animateur")
bp.before_request(login_required(require_animator_space))


@bp.get("/seances/<int:session_id>/emargement")
def sheet(session_id: int) -> str:
    """The sheet of a session: its animator (or an admin) prints it before the half-day, and after."""
    live = own_session_or_404(session_id)
    return render_template("reports/signin.html", sheet=signin_sheet(live), labels=STATE_LABELS,
                           back_url=url_for("sessions.session", session_id=live.id))


@bp.get("/offres/<int:offer_id>/demi-journees/<int:number>/emargement")
def offer_sheet(offer_id: int, number: int) -> str:
    """The sheet of an offer's half-day (1 to 4), from the offer's page."""
    half_day = db.session.scalar(sa.select(CourseHalfDay).where(CourseHalfDay.offer_id == offer_id,
                                                                CourseHalfDay.number == number))
    if half_day is None or half_day.session_id is None:
        abort(404, "Cette demi-journée n'existe pas.")
    return sheet(half_day.session_id)
