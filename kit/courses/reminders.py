"""The reminder, two days before an offer's first half-day: to each enrolled person's counselor and to
the SIAE animatrice, once only (MailMessage.dedupe_key), with the .ics attached.

Queued by each pass of the background sender (kit/ops/outbox.py, run.py) and by `flask mail send`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from kit.courses.calendar import french_day, french_hours
from kit.courses.convocation import offer_ics
from kit.extensions import db
from kit.models import CourseHalfDay, CourseOffer, Enrolment, EnrolmentStatus, OfferStatus
from kit.models.base import as_utc, utcnow
from kit.ops.outbox import queue_mail

BEFORE = timedelta(days=2)
KIND = "reminder"


def first_start(offer: CourseOffer) -> datetime | None:
    return as_utc(offer.half_days[0].starts_at) if offer.half_days else None


def offers_to_remind(now: datetime) -> list[CourseOffer]:
    """Published offers whose first half-day starts within two days, and has not started yet."""
    first = (sa.select(CourseHalfDay.offer_id, sa.func.min(CourseHalfDay.starts_at).label("first"))
             .group_by(CourseHalfDay.offer_id).subquery())
    return list(db.session.scalars(
        sa.select(CourseOffer).join(first, first.c.offer_id == CourseOffer.id)
        .where(CourseOffer.status == OfferStatus.PUBLISHED.value, first.c.first > now, first.c.first <= now + BEFORE)))


def counselor_address(enrolment: Enrolment) -> str | None:
    """Who hears about an enrolled person: the counselor who enrolled them, or, when that account is gone or
    switched off, their SIAE's contact address."""
    counselor = enrolment.enrolled_by
    if counselor is not None and counselor.active and counselor.email:
        return counselor.email
    return enrolment.employee.siae.contact_email or None


def schedule_text(offer: CourseOffer) -> str:
    """The 4 half-days, one line each, in French local time."""
    return "\n".join(f"  {half_day.number}. {french_day(half_day.starts_at)}, "
                     f"{french_hours(half_day.starts_at, half_day.ends_at)}" for half_day in offer.half_days)


def queue_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due now (each once only); commit; how many were queued."""
    now = now or utcnow()
    queued = 0
    for offer in offers_to_remind(now):
        start = first_start(offer)
        assert start is not None
        ics = offer_ics(offer)
        enrolled = list(db.session.scalars(
            sa.select(Enrolment).where(Enrolment.offer_id == offer.id,
                                       Enrolment.status == EnrolmentStatus.ENROLLED.value).order_by(Enrolment.id)))
        for enrolment in enrolled:
            # Enrolled inside the two days: the enrolment's own e-mail, just sent, said it all.
            seat_at = as_utc(enrolment.seat_at or enrolment.created_at)
            to = counselor_address(enrolment)
            if seat_at >= start - BEFORE or not to:
                continue
            person = f"{enrolment.employee.first_name} {enrolment.employee.family_initial}."
            queued += queue_mail(
                to, f"Rappel : formation smartphone de {person} le {french_day(start)}",
                _counselor_body(offer, person, french_day(start)), KIND, ics,
                dedupe_key=f"reminder:enrolment:{enrolment.id}") is not None
        if offer.siae.contact_email and enrolled:
            names = ", ".join(f"{e.employee.first_name} {e.employee.family_initial}." for e in enrolled)
            queued += queue_mail(
                offer.siae.contact_email, f"Rappel : votre formation commence le {french_day(start)}",
                _animatrice_body(offer, names, len(enrolled), french_day(start)), KIND, ics,
                dedupe_key=f"reminder:offer:{offer.id}") is not None
    db.session.commit()
    return queued


def _counselor_body(offer: CourseOffer, person: str, day: str) -> str:
    return (f"Bonjour,\n\n{person}, que vous avez inscrit·e, commence la formation « Bases du smartphone » "
            f"le {day}.\n\nLes 4 demi-journées :\n{schedule_text(offer)}\n\n"
            f"Lieu : {offer.place_name}, {offer.place_address}\n\n"
            "Pensez à lui rappeler d'apporter son téléphone chargé et, s'il en a un, l'adresse et le mot de passe "
            "de son compte Google ou Apple, écrits pour lui-même.\n"
            f"Si la personne ne peut pas venir, appelez le {offer.contact_phone}.\n\n"
            "Les dates sont aussi dans le fichier de calendrier joint.\n\n— Kit Animateur")


def _animatrice_body(offer: CourseOffer, names: str, count: int, day: str) -> str:
    return (f"Bonjour,\n\nLa formation que vous animez ({offer.place_name}) commence le {day}, "
            f"avec {count} personne(s) inscrite(s) : {names}.\n\nLes 4 demi-journées :\n{schedule_text(offer)}\n\n"
            "La liste des participants et les convocations sont dans le Kit.\n\n— Kit Animateur")

