"""What a convocation says, for one enrolled person: the 4 half-days, the place, what to bring, whom to call.

Only the first name and the initial of the person (what an SIAE animatrice may know of another SIAE's
employee), and the counselor's contact. Also the offer's calendar, with the UIDs' host of this server.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from kit.courses.calendar import MODULE_TITLES, french_day, french_hours, offer_calendar
from kit.extensions import db
from kit.models import CourseOffer, Employee, Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class HalfDayLine:
    number: int
    day: str  # « mardi 8 décembre 2026 »
    hours: str  # « de 9 h 00 à 12 h 00 »
    module: str


@dataclass(frozen=True)
class Convocation:
    enrolment_id: int
    person: str  # « Karim B. »
    half_days: list[HalfDayLine]
    place_name: str
    place_address: str
    contact_phone: str  # the offer's: who to call when one cannot come
    animatrice: str  # the SIAE giving the course
    counselor_name: str | None
    counselor_phone: str | None
    counselor_email: str | None
    counselor_siae: str


def convocation(enrolment: Enrolment) -> Convocation:
    """The convocation of one enrolment (an enrolled one: the views refuse the others)."""
    offer, employee, counselor = enrolment.offer, enrolment.employee, enrolment.enrolled_by
    lines = [HalfDayLine(h.number, french_day(h.starts_at), french_hours(h.starts_at, h.ends_at),
                         MODULE_TITLES.get(h.number, h.module_slug)) for h in offer.half_days]
    return Convocation(
        enrolment_id=enrolment.id, person=f"{employee.first_name} {employee.family_initial}.", half_days=lines,
        place_name=offer.place_name, place_address=offer.place_address, contact_phone=offer.contact_phone,
        animatrice=offer.siae.name, counselor_name=counselor.name if counselor else None,
        counselor_phone=(counselor.phone if counselor else None) or employee.siae.contact_phone,
        counselor_email=counselor.email if counselor else employee.siae.contact_email,
        counselor_siae=employee.siae.name)


def enrolled(offer: CourseOffer, siae_id: int | None = None) -> list[Enrolment]:
    """The offer's enrolled people (of one SIAE when given), by first name."""
    query = sa.select(Enrolment).where(Enrolment.offer_id == offer.id,
                                       Enrolment.status == EnrolmentStatus.ENROLLED.value).order_by(Enrolment.id)
    if siae_id is not None:
        query = query.join(Employee, Employee.id == Enrolment.employee_id).where(Employee.siae_id == siae_id)
    return sorted(db.session.scalars(query), key=lambda e: (e.employee.first_name.lower(), e.id))


def calendar_host() -> str:
    """The host part of the events' UIDs: this server's public name, so that they are stable and unique."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    return base.split("://", 1)[-1].split("/", 1)[0] or "kit-animateur"


def offer_ics(offer: CourseOffer) -> str:
    """The offer's .ics, as the counselor downloads it and as the e-mails attach it (booking calls this)."""
    return offer_calendar(offer, host=calendar_host())
