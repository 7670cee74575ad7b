"""Live sessions: the half-day, its questions, the answers, attendance and presence.

Everything a live session needs is here, in the database, so that any process
can serve any phone and a restart loses nothing.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kit.models.base import Base, utcnow
from kit.models.content import ModuleRevision
from kit.models.people import Participant, TrainingGroup, User
from kit.models.types import IntList


class SessionStatus(enum.StrEnum):
    """A session is planned, then live, then ended."""

    PLANNED = "planned"
    LIVE = "live"
    ENDED = "ended"


class QuestionState(enum.StrEnum):
    """A question is opened, closed (no more answers), then revealed (key shown)."""

    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"


class TrainingSession(Base):
    """One half-day of a group, pinned to the module revision it started with."""

    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("training_group.id", ondelete="CASCADE"), index=True)
    animator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    module_slug: Mapped[str] = mapped_column(sa.String(80))
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("module_revision.id"))
    day: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default=SessionStatus.PLANNED.value)
    # Unique while the session can be joined; set to NULL when it ends, so the code expires.
    join_code: Mapped[str | None] = mapped_column(sa.String(6), unique=True)
    current_slide: Mapped[int] = mapped_column(default=0)  # 0 is the join slide
    current_quiz: Mapped[int | None] = mapped_column()
    # Bumped at every change of the live state, so every window can tell stale from fresh.
    version: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The room's Wi-Fi for the join slide's second QR code (kit/live/wifi.py): cleared when the session ends.
    wifi_ssid: Mapped[str | None] = mapped_column(sa.String(64))
    wifi_password: Mapped[str | None] = mapped_column(sa.String(63))
    # The figures count a session only once its animator confirmed who was there (kit/reports/rules.py),
    # with its duration: started → ended, unless the animator corrected it (counted_minutes).
    attendance_confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    counted_minutes: Mapped[int | None] = mapped_column()

    group: Mapped[TrainingGroup] = relationship()
    animator: Mapped[User] = relationship()
    revision: Mapped[ModuleRevision] = relationship()


class SessionQuestion(Base):
    """The state of one question of the module within one session."""

    __tablename__ = "session_question"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"),
                                            primary_key=True)
    quiz_number: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(sa.String(10))
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revealed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Answer(Base):
    """A participant's answer to a question of a session; one per participant and question."""

    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("session_id", "quiz_number", "participant_id", name="uq_answer_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    quiz_number: Mapped[int] = mapped_column()
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    choices: Mapped[list[int]] = mapped_column(IntList(20))  # sorted indexes, stored "0,2"
    entered_by: Mapped[str] = mapped_column(sa.String(10), default="phone")  # "phone" or "animator"
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship()


class Attendance(Base):
    """A participant at a session: recorded when they join, correctable by the animator."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "participant_id", name="uq_attendance_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=True)
    # « excusé » : absent, with a reason given beforehand (kit/reports/rules.py counts it apart from « absent »).
    excused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Time the participant's phones were connected, added at each disconnection (kit/live/presence.py):
    # what pre-ticks them when the animator confirms the attendance.
    seconds_present: Mapped[int] = mapped_column(default=0, server_default="0")

    participant: Mapped[Participant] = relationship()


class Worker(Base):
    """A server process, with a heartbeat: presence rows of a dead process are ignored."""

    __tablename__ = "worker"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class Presence(Base):
    """One open Socket.IO connection of a participant to a session."""

    __tablename__ = "presence"

    sid: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    worker_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The phone's device token hash: two phones of one participant are told apart from two tabs of one.
    device: Mapped[str | None] = mapped_column(sa.String(64))


class ClaimStatus(enum.StrEnum):
    """A phone asking to be a participant: waiting for the animator, accepted, refused, or taken freely."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    FREE = "free"  # the name's phone was offline: taken without asking, shown as « nouveau téléphone »


class DeviceClaim(Base):
    """A phone that tapped « c'est moi » on a participant who already had another phone (kit/live/claims.py)."""

    __tablename__ = "device_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), index=True)  # the new phone's
    status: Mapped[str] = mapped_column(sa.String(10), default=ClaimStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    participant: Mapped[Participant] = relationship()
