"""Evidence of learning: the skills an animator observed during the course's activities.

One row per session, participant and skill, changed in place when the animator taps again.
The before/after check needs no table of its own: its items are quiz questions of modules 1 and 4
(`Answer` rows), paired by the item id written in the markdown.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kit.models.base import Base, utcnow
from kit.models.people import Participant


class SkillLevel(enum.StrEnum):
    """What the animator saw, the words of the diagnostic's own tasks (kit/diagnostic/guide.yaml)."""

    ALONE = "seul"
    WITH_HELP = "avec_aide"
    NOT_YET = "pas_encore"


class SkillObservation(Base):
    """A skill the animator observed for a participant during a session: seul, avec aide, pas encore.

    `session_id` is NULL for a skill observed outside a session, set on the participant's progress page,
    and for the tasks attested before the grid existed (migration 0010): one such row per participant and skill.
    """

    __tablename__ = "skill_observation"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "participant_id", "skill", name="uq_skill_observation_once"),
        # Outside a session (the progress page, the ticks of before): one row per participant and skill.
        sa.Index("uq_skill_observation_outside", "participant_id", "skill", unique=True,
                 sqlite_where=sa.text("session_id IS NULL"), postgresql_where=sa.text("session_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(sa.String(40))  # a skill id declared in the module markdown
    level: Mapped[str] = mapped_column(sa.String(16))  # a SkillLevel
    slide: Mapped[int | None] = mapped_column()  # the activity slide it was observed on
    observed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    observed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    participant: Mapped[Participant] = relationship()
