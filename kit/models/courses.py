"""Courses offered between SIAE: an offer, its 4 half-days, and the enrolments into it.

An SIAE animatrice publishes an offer; the counselors of SIAE orientatrices of the region enrol
their employees. `CourseOffer.seats_taken` is the seat counter that a single conditional UPDATE
moves (kit/courses/booking.py), so that the last seat is never given twice, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kit.models.base import Base, utcnow
from kit.models.diagnostic import Employee
from kit.models.live import TrainingSession
from kit.models.people import Participant, Siae, TrainingGroup, User


class OfferStatus(enum.StrEnum):
    """An offer is published (visible, open to enrolment until its deadline) or cancelled."""

    PUBLISHED = "published"
    CANCELLED = "cancelled"


class EnrolmentStatus(enum.StrEnum):
    """A seat taken, a place on the waiting list, or cancelled (kept, with who and why)."""

    ENROLLED = "enrolled"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class CourseOffer(Base):
    """A 4-half-day course that an SIAE animatrice publishes for the counselors of its region."""

    __tablename__ = "course_offer"
    __table_args__ = (sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    siae_id: Mapped[int] = mapped_column(sa.ForeignKey("siae.id"), index=True)  # the SIAE animatrice
    # The group and its 4 planned sessions that the live part already knows, created with the offer.
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("training_group.id"), unique=True)
    animator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    place_name: Mapped[str] = mapped_column(sa.String(120))
    place_address: Mapped[str] = mapped_column(sa.String(300))
    region: Mapped[str] = mapped_column(sa.String(80), index=True)
    departement: Mapped[str] = mapped_column(sa.String(3), index=True)
    capacity: Mapped[int] = mapped_column(default=8)
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    enrol_deadline: Mapped[date] = mapped_column(sa.Date)
    contact_phone: Mapped[str] = mapped_column(sa.String(20))  # who to call when one cannot come
    status: Mapped[str] = mapped_column(sa.String(12), default=OfferStatus.PUBLISHED.value, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    siae: Mapped[Siae] = relationship()
    group: Mapped[TrainingGroup] = relationship()
    animator: Mapped[User] = relationship(foreign_keys=[animator_id])
    half_days: Mapped[list[CourseHalfDay]] = relationship(
        back_populates="offer", order_by="CourseHalfDay.number", cascade="all, delete-orphan")

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class CourseHalfDay(Base):
    """One of the 4 half-days of an offer: its module, its times, and the planned session it became."""

    __tablename__ = "course_half_day"
    __table_args__ = (sa.UniqueConstraint("offer_id", "number", name="uq_course_half_day_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("course_offer.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()  # 1 to 4, the module's number
    module_slug: Mapped[str] = mapped_column(sa.String(80))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="SET NULL"), unique=True)

    offer: Mapped[CourseOffer] = relationship(back_populates="half_days")
    session: Mapped[TrainingSession | None] = relationship()


class Enrolment(Base):
    """An employee enrolled in an offer by a counselor: a seat, or a place on the waiting list.

    Never deleted: a cancellation keeps who enrolled whom, when, and why it ended.
    """

    __tablename__ = "enrolment"
    __table_args__ = (
        # One live enrolment per employee and offer; cancelled ones may repeat.
        sa.Index("uq_enrolment_live", "offer_id", "employee_id", unique=True,
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("course_offer.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    # The group's participant (first name as nickname), created when the person gets a seat.
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id", ondelete="SET NULL"))
    enrolled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    seat_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # enrolled or promoted
    promoted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(20))  # a key of the short list
    cancel_note: Mapped[str | None] = mapped_column(sa.String(300))

    offer: Mapped[CourseOffer] = relationship()
    employee: Mapped[Employee] = relationship()
    participant: Mapped[Participant | None] = relationship()
    enrolled_by: Mapped[User | None] = relationship(foreign_keys=[enrolled_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])


class EnrolmentEvent(Base):
    """The history of an enrolment: enrolled, put on the waiting list, promoted, cancelled — by whom, when."""

    __tablename__ = "enrolment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # enrolled, waiting, promoted, cancelled
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(sa.String(300))
