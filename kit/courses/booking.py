"""Enrol, cancel, promote: the booking rules of a course offer (docs/courses.md).

A counselor enrols one of their SIAE's employees: a seat if one is left, else the waiting list.
A cancellation frees the seat and promotes the first person waiting, in the same transaction.
Seats move only by conditional UPDATEs (kit/courses/seats.py); every change leaves an EnrolmentEvent
and queues its notices. Each function commits, or rolls back and raises BookingError (French).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kit.courses import seats
from kit.courses.notices import queue_notice
from kit.courses.roster import release_participant, seat_participant
from kit.courses.times import today_local
from kit.extensions import db
from kit.models import (
    CourseOffer,
    Employee,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    OfferStatus,
    Role,
    SessionStatus,
    User,
)
from kit.models.base import utcnow

DUPLICATE = "Cette personne est déjà inscrit·e à cette formation (ou sur sa liste d'attente)."
CANCEL_REASONS = {
    "malade": "Malade",
    "emploi": "Emploi ou contrat (reprise, fin de contrat)",
    "indisponible": "Plus disponible à ces dates",
    "desistement": "Ne souhaite plus suivre la formation",
    "autre": "Autre raison",
}


class BookingError(Exception):
    """A refused enrolment or cancellation; `message` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refusal(offer: CourseOffer, employee: Employee, by: User, today: date) -> str | None:
    """Why this account may not enrol this employee in this offer now (French), or None."""
    if offer.status != OfferStatus.PUBLISHED:
        return "Cette formation est annulée : on ne peut plus s'y inscrire."
    if today > offer.enrol_deadline:
        return f"Les inscriptions sont closes depuis le {offer.enrol_deadline:%d/%m/%Y}."
    if employee.erased_at is not None:
        return "La fiche de cette personne est effacée."
    if by.role != Role.ADMIN and (by.role != Role.COUNSELOR or by.siae_id != employee.siae_id):
        return "Cette personne n'est pas salariée de votre structure."
    if not employee.siae.orientatrice:
        return "Sa structure n'est pas une SIAE orientatrice."
    if employee.siae.region != offer.region:
        return "Cette formation est proposée dans une autre région que celle de votre structure."
    return None


def _event(enrolment: Enrolment, kind: str, by: User | None, note: str | None = None) -> None:
    db.session.add(EnrolmentEvent(enrolment_id=enrolment.id, kind=kind, by_id=by.id if by else None, note=note))


def _live(offer_id: int, employee_id: int) -> int | None:
    return db.session.scalar(sa.select(Enrolment.id).where(
        Enrolment.offer_id == offer_id, Enrolment.employee_id == employee_id,
        Enrolment.status != EnrolmentStatus.CANCELLED.value))


def enrol(offer_id: int, employee_id: int, by: User, today: date | None = None) -> Enrolment:
    """Enrol an employee: a seat if one is left, else the waiting list. Commits; BookingError if refused."""
    offer, employee = db.session.get(CourseOffer, offer_id), db.session.get(Employee, employee_id)
    if offer is None or employee is None:
        raise BookingError("Cette formation ou cette personne n'existe pas.")
    reason = refusal(offer, employee, by, today or today_local())
    if reason:
        raise BookingError(reason)
    if _live(offer.id, employee.id):
        raise BookingError(DUPLICATE)
    seat = seats.take_seat(offer.id)
    if not seat:
        seats.lock_offer(offer.id)
        seat = seats.take_seat(offer.id)  # a seat freed while we looked
    enrolment = Enrolment(offer_id=offer.id, employee_id=employee.id, enrolled_by_id=by.id,
                          status=(EnrolmentStatus.ENROLLED if seat else EnrolmentStatus.WAITING).value,
                          seat_at=utcnow() if seat else None)
    db.session.add(enrolment)
    try:
        db.session.flush()  # the partial unique index refuses a second live enrolment sent at the same time
    except IntegrityError:
        db.session.rollback()
        raise BookingError(DUPLICATE) from None
    kind = "enrolled" if seat else "waiting"
    if seat:
        enrolment.participant_id = seat_participant(offer.group_id, employee).id
    _event(enrolment, kind, by)
    queue_notice(enrolment, kind)
    db.session.commit()
    return enrolment


def cancel(enrolment_id: int, by: User, reason: str, note: str | None = None) -> Enrolment | None:
    """Cancel an enrolment; a freed seat goes to the first person waiting. Commits.

    Returns the promoted enrolment, if any. BookingError if it was already cancelled or the reason is unknown.
    """
    if reason not in CANCEL_REASONS:
        raise BookingError("Choisissez une raison dans la liste.")
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise BookingError("Cette inscription n'existe pas.")
    # The offer's row first, as enrol does: two transactions never wait for each other's rows in turn.
    seats.lock_offer(enrolment.offer_id)
    values = {"cancelled_at": utcnow(), "cancelled_by_id": by.id, "cancel_reason": reason,
              "cancel_note": (note or "").strip()[:300] or None}
    had_seat = seats.move(enrolment.id, EnrolmentStatus.ENROLLED, EnrolmentStatus.CANCELLED, **values)
    if not had_seat and not seats.move(enrolment.id, EnrolmentStatus.WAITING, EnrolmentStatus.CANCELLED, **values):
        db.session.rollback()
        raise BookingError("Cette inscription est déjà annulée.")
    db.session.refresh(enrolment)
    promoted = None
    if had_seat:
        seats.free_seat(enrolment.offer_id)
        participant_id, enrolment.participant_id = enrolment.participant_id, None
        db.session.flush()
        release_participant(participant_id)
        promoted = promote(enrolment.offer_id, by)
    _event(enrolment, "cancelled", by, CANCEL_REASONS[reason] + (f" — {values['cancel_note']}"
                                                                  if values["cancel_note"] else ""))
    queue_notice(enrolment, "cancelled")
    db.session.commit()
    return promoted


def promote(offer_id: int, by: User | None) -> Enrolment | None:
    """Give a free seat to the first person waiting, in order (not committed). None if no seat or nobody waits."""
    after = None
    while (waiting := seats.first_waiting(offer_id, after)) is not None:
        if not seats.take_seat(offer_id):
            return None
        now = utcnow()
        if seats.move(waiting[0], EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED, seat_at=now, promoted_at=now):
            enrolment = db.session.get(Enrolment, waiting[0])
            assert enrolment is not None
            db.session.refresh(enrolment)
            enrolment.participant_id = seat_participant(enrolment.offer.group_id, enrolment.employee).id
            _event(enrolment, "promoted", by)
            queue_notice(enrolment, "promoted")
            return enrolment
        seats.free_seat(offer_id)  # cancelled meanwhile: the seat goes to the next one
        after = (waiting[1], waiting[0])
    return None


OFFER_CANCELLED = "formation_annulee"  # the reason of the enrolments of a cancelled offer (not in the short list)


def cancel_offer(offer_id: int, by: User, note: str | None = None) -> int:
    """Cancel a whole offer: every live enrolment ends (and is notified), its sessions not yet started go.

    Returns how many enrolments ended. Commits; BookingError if it was already cancelled.
    """
    offer = db.session.get(CourseOffer, offer_id)
    if offer is None or not seats.close_offer(offer_id):
        db.session.rollback()
        raise BookingError("Cette formation est déjà annulée.")
    text = (note or "").strip()[:300] or None
    values = {"cancelled_at": utcnow(), "cancelled_by_id": by.id, "cancel_reason": OFFER_CANCELLED,
              "cancel_note": text}
    ended = 0
    for enrolment in list(db.session.scalars(sa.select(Enrolment).where(
            Enrolment.offer_id == offer_id, Enrolment.status != EnrolmentStatus.CANCELLED.value)
            .order_by(Enrolment.id))):
        had_seat = seats.move(enrolment.id, EnrolmentStatus.ENROLLED, EnrolmentStatus.CANCELLED, **values)
        if not had_seat and not seats.move(enrolment.id, EnrolmentStatus.WAITING, EnrolmentStatus.CANCELLED,
                                           **values):
            continue
        db.session.refresh(enrolment)
        if had_seat:
            seats.free_seat(offer_id)
            participant_id, enrolment.participant_id = enrolment.participant_id, None
            db.session.flush()
            release_participant(participant_id)
        _event(enrolment, "cancelled", by, "Formation annulée" + (f" — {text}" if text else ""))
        queue_notice(enrolment, "cancelled")
        ended += 1
    for half_day in offer.half_days:
        if half_day.session is not None and half_day.session.status == SessionStatus.PLANNED:
            db.session.delete(half_day.session)
            half_day.session_id = None
    db.session.commit()
    return ended
