"""The seat counter and the enrolment states, each moved by one conditional UPDATE whose rowcount decides.

Nothing here reads a count and writes it back: two requests at once cannot both take the last seat,
nor both cancel the same enrolment (and free its seat twice). On PostgreSQL the UPDATE of the offer's
row also locks it until the transaction ends, so every change of one offer's seats comes one after
the other; on SQLite the write lock of the database does the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa

from kit.extensions import db
from kit.models import CourseOffer, Enrolment, EnrolmentStatus, OfferStatus


def _rowcount(statement: sa.Update) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast(sa.CursorResult[Any], result).rowcount


def take_seat(offer_id: int) -> bool:
    """Take one seat of a published offer if one is left; False when it is full (or cancelled)."""
    return _rowcount(sa.update(CourseOffer).where(
        CourseOffer.id == offer_id, CourseOffer.seats_taken < CourseOffer.capacity,
        CourseOffer.status == OfferStatus.PUBLISHED.value).values(seats_taken=CourseOffer.seats_taken + 1)) == 1


def free_seat(offer_id: int) -> None:
    """Give one seat back (never below zero)."""
    _rowcount(sa.update(CourseOffer).where(CourseOffer.id == offer_id, CourseOffer.seats_taken > 0)
              .values(seats_taken=CourseOffer.seats_taken - 1))


def lock_offer(offer_id: int) -> None:
    """Hold the offer's row until the transaction ends (an UPDATE that changes nothing).

    Taken before putting someone on the waiting list: a seat freed at that moment then waits for the
    new waiting enrolment to be committed, and promotes it, instead of missing it.
    """
    _rowcount(sa.update(CourseOffer).where(CourseOffer.id == offer_id).values(seats_taken=CourseOffer.seats_taken))


def move(enrolment_id: int, before: EnrolmentStatus, after: EnrolmentStatus, **values: object) -> bool:
    """Move an enrolment from `before` to `after` if it still is `before`; False if someone else moved it first."""
    return _rowcount(sa.update(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.status == before.value)
                     .values(status=after.value, **values)) == 1


def first_waiting(offer_id: int, after: tuple[datetime, int] | None = None) -> tuple[int, datetime] | None:
    """The first enrolment of the waiting list (by time, then id), after the one given: (id, created_at)."""
    query = sa.select(Enrolment.id, Enrolment.created_at).where(
        Enrolment.offer_id == offer_id, Enrolment.status == EnrolmentStatus.WAITING.value)
    if after is not None:
        query = query.where(sa.tuple_(Enrolment.created_at, Enrolment.id) > sa.tuple_(*after))
    row = db.session.execute(query.order_by(Enrolment.created_at, Enrolment.id).limit(1)).first()
    return (row[0], row[1]) if row else None


def close_offer(offer_id: int) -> bool:
    """Mark a published offer cancelled: no seat can be taken from then on. False if it already was."""
    return _rowcount(sa.update(CourseOffer).where(CourseOffer.id == offer_id,
                                                  CourseOffer.status == OfferStatus.PUBLISHED.value)
                     .values(status=OfferStatus.CANCELLED.value)) == 1
