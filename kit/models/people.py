"""Structures, accounts, training groups and their participants."""

from __future__ import annotations

import enum
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from kit.models.base import Base, utcnow
from kit.offload import off_the_loop

SIAE_KINDS = ("ACI", "AI", "EI", "ETTI", "GEIQ")


def new_session_token() -> str:
    """A random, URL-safe token of 43 characters (256 bits)."""
    return secrets.token_urlsafe(32)


class Role(enum.StrEnum):
    """What an account may do: admin (content team), coordinator (a region), animator, counselor (one SIAE)."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ANIMATOR = "animator"
    COUNSELOR = "conseiller"  # a CIP or ASP: diagnoses their SIAE's employees (kit/diagnostic)


class Siae(Base):
    """A structure of the insertion sector that employs the participants and animators."""

    __tablename__ = "siae"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    region: Mapped[str] = mapped_column(sa.String(80), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    departement: Mapped[str | None] = mapped_column(sa.String(3))  # "75", "2A", "971"
    # What it does in the programme (kit/courses): an SIAE can be both.
    orientatrice: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    animatrice: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Where the notifications of an SIAE animatrice go, and who a participant calls.
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))


class User(UserMixin, Base):
    """An account: an animator, a coordinator or an admin. Participants have none."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.ANIMATOR.value)
    siae_id: Mapped[int | None] = mapped_column(sa.ForeignKey("siae.id"), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # a counselor's contact, shown on convocations
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Part of every session and remember-me cookie (get_id): a new one ends them all, server-side.
    session_token: Mapped[str] = mapped_column(sa.String(43), default=new_session_token)

    siae: Mapped[Siae | None] = relationship()

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password; the browsers signed in with the old one are signed out."""
        self.password_hash = off_the_loop(generate_password_hash, password,
                                          method=current_app.config["PASSWORD_HASH_METHOD"])
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of this account stops opening pages (commit to apply)."""
        self.session_token = new_session_token()

    @validates("active")
    def _deactivated(self, _key: str, active: bool) -> bool:
        if not active and self.active is not False:
            self.end_sessions()
        return active

    def get_id(self) -> str:
        """Flask-Login stores "id:token" in the cookies, so that rotating the token ends them."""
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        """Whether a cookie's token is this account's current one (in constant time)."""
        return hmac.compare_digest(token.encode(), (self.session_token or "").encode())

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash (computed off the event loop: kit/offload.py)."""
        return off_the_loop(check_password_hash, self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class TrainingGroup(Base):
    """The participants of an SIAE who follow the 4 half-days together."""

    __tablename__ = "training_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    siae_id: Mapped[int | None] = mapped_column(sa.ForeignKey("siae.id"), index=True)
    animator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    animator: Mapped[User] = relationship()
    siae: Mapped[Siae | None] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="group", order_by="Participant.nickname", cascade="all, delete-orphan")


class Participant(Base):
    """A member of a group: a nickname and an avatar, nothing personal."""

    __tablename__ = "participant"
    __table_args__ = (sa.UniqueConstraint("group_id", "nickname_key", name="uq_participant_nickname"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("training_group.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(sa.String(30))
    # The nickname folded (case, accents, spaces), so "Léa" and "lea " are one person.
    nickname_key: Mapped[str] = mapped_column(sa.String(30))
    avatar: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Set when their personal data was erased: the nickname is then a neutral placeholder.
    erased_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    group: Mapped[TrainingGroup] = relationship(back_populates="participants")


class ParticipantDevice(Base):
    """A phone that identified as a participant: the hash of its cookie token."""

    __tablename__ = "participant_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship()
