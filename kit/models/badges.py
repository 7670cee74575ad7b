"""Badges and what earns them: a coordinator's records and issued assertions (observed skills: evidence.py).

The badge classes themselves (names, designs, criteria) are data in kit/badges/badge_classes.yaml.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kit.models.base import Base, utcnow
from kit.models.live import TrainingSession
from kit.models.people import Participant, User


class RecordKind(enum.StrEnum):
    """What only a coordinator records about an animator."""

    TRAINING = "formation"  # attended the animator training (3 half-days)
    OBSERVATION = "observation"  # a session observed and validated


class AnimatorRecord(Base):
    """A fact about an animator recorded by a coordinator: training attended, or a session observed."""

    __tablename__ = "animator_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    animator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    day: Mapped[date] = mapped_column(sa.Date)
    # The observed session, for an observation.
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_session.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    animator: Mapped[User] = relationship(foreign_keys=[animator_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    session: Mapped[TrainingSession | None] = relationship()


class BadgeAssertion(Base):
    """A badge issued to an animator or to a participant: an OB 2.0 assertion and an OB 3.0 credential.

    The recipient is only a salted hash of an e-mail, a phone number or, for a participant
    who gave neither, of the certificate's own verification address. `recipient_name` is
    what the certificate prints; it is erased with the rest of a participant's personal data.
    """

    __tablename__ = "badge_assertion"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(32), unique=True)  # random, in every public URL
    badge_slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    animator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id", ondelete="SET NULL"),
                                                       index=True)
    recipient_name: Mapped[str | None] = mapped_column(sa.String(120))
    recipient_type: Mapped[str] = mapped_column(sa.String(10))  # "email", "telephone" or "url"
    recipient_hash: Mapped[str | None] = mapped_column(sa.String(80))  # "sha256$…"
    salt: Mapped[str | None] = mapped_column(sa.String(40))
    issued_on: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    credential: Mapped[str | None] = mapped_column(sa.Text)  # the signed OB 3.0 credential, as issued
    # The skills observed that the badge carries, as issued (JSON, kit/badges/evidence.py): the OB 2.0
    # assertion and the verification page show exactly what the signed credential says.
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revocation_reason: Mapped[str | None] = mapped_column(sa.String(200))

    animator: Mapped[User | None] = relationship(foreign_keys=[animator_id])
    participant: Mapped[Participant | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])

    @property
    def revoked(self) -> bool:
        """Whether the badge was withdrawn."""
        return self.revoked_at is not None
