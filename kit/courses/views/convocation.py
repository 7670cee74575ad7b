"""The convocations to print (one person, or every person of an offer, two per A4 page) and the .ics."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import login_required

from kit.courses.calendar import french_day
from kit.courses.convocation import convocation, enrolled, offer_ics
from kit.models import CourseOffer
from kit.people.course_access import convocation_or_404, offer_convocations_or_404

bp = Blueprint("convocation", __name__, url_prefix="/formations")


@bp.get("/convocations/<int:enrolment_id>")
@login_required
def enrolment(enrolment_id: int) -> str:
    """One person's convocation: A5, or half an A4 page."""
    found = convocation_or_404(enrolment_id)
    return render_template("courses/convocation.html", convocations=[convocation(found)], offer=found.offer,
                           single=True, first_day=_first_day(found.offer))


@bp.get("/offres/<int:offer_id>/convocations")
@login_required
def offer(offer_id: int) -> str:
    """Every convocation of the offer that this account may print, one per half A4 page."""
    course, siae_id = offer_convocations_or_404(offer_id)
    return render_template("courses/convocation.html", offer=course, single=False, first_day=_first_day(course),
                           convocations=[convocation(e) for e in enrolled(course, siae_id)])


@bp.get("/offres/<int:offer_id>/calendrier.ics")
@login_required
def calendar(offer_id: int) -> Response:
    """The 4 half-days for the counselor's calendar (text/calendar)."""
    course, _ = offer_convocations_or_404(offer_id)
    return Response(offer_ics(course), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="formation-{course.id}.ics"'})


def _first_day(offer: CourseOffer) -> str:
    return french_day(offer.half_days[0].starts_at) if offer.half_days else "?"
