"""What a session counts for: the one place the figures' rules are applied (docs/badges.md).

Every page with a figure (the animator's progress, the group's badges, a participant's page, the
coordinator's pages, the monthly CSV) reads sessions through `counted_sessions`, so they agree.

- A session counts once it ended and its animator confirmed the attendance.
- Its duration is the real one, started → ended, unless the animator corrected it.
- It counts as a half-day only if that duration reaches HALF_DAY_MIN_MINUTES; then at most
  HALF_DAY_MAX_MINUTES of it are counted.
- A person's attendance at a half-day is « présent », « excusé » or « absent » (`attendance_state`):
  no attendance row is « absent »; « excusé » (told beforehand) is counted apart, never as a no-show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from kit.extensions import db
from kit.models import SessionStatus, TrainingSession, as_utc

PRESENT, EXCUSED, ABSENT = "present", "excused", "absent"
ATTENDANCE_STATES = (PRESENT, EXCUSED, ABSENT)
STATE_LABELS = {PRESENT: "Présent·e", EXCUSED: "Excusé·e", ABSENT: "Absent·e"}


def attendance_state(present: bool | None, excused: bool | None) -> str:
    """A person's state at a half-day, from their attendance row (None, None: no row, so absent)."""
    if present:
        return PRESENT
    return EXCUSED if excused else ABSENT


@dataclass(frozen=True)
class CountedSession:
    """A session that counts, with the minutes it counts for."""

    id: int
    group_id: int
    animator_id: int
    revision_id: int
    day: date
    minutes: int


def real_minutes(started_at: datetime | None, ended_at: datetime | None) -> int | None:
    """Minutes from start to end, rounded down; None while either is unknown."""
    start, end = as_utc(started_at), as_utc(ended_at)
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds() // 60))


def duration_minutes(session: Any) -> int | None:
    """The session's duration: the animator's correction, or the real one."""
    if session.counted_minutes is not None:
        return int(session.counted_minutes)
    return real_minutes(session.started_at, session.ended_at)


def session_minutes(session: Any) -> int:
    """The minutes a session counts for: 0 if it does not count (see the module's docstring)."""
    if session.status != SessionStatus.ENDED or session.attendance_confirmed_at is None:
        return 0
    minutes = duration_minutes(session) or 0
    if minutes < current_app.config["HALF_DAY_MIN_MINUTES"]:
        return 0
    return min(minutes, current_app.config["HALF_DAY_MAX_MINUTES"])


def counted_sessions(*where: Any) -> list[CountedSession]:
    """The sessions matching `where` (SQL conditions on TrainingSession) that count, oldest first."""
    rows = db.session.execute(
        sa.select(TrainingSession.id, TrainingSession.group_id, TrainingSession.animator_id,
                  TrainingSession.revision_id, TrainingSession.day, TrainingSession.status,
                  TrainingSession.started_at, TrainingSession.ended_at, TrainingSession.counted_minutes,
                  TrainingSession.attendance_confirmed_at)
        .where(TrainingSession.status == SessionStatus.ENDED.value,
               TrainingSession.attendance_confirmed_at.is_not(None), *where)
        .order_by(TrainingSession.day, TrainingSession.id)).all()
    counted = []
    for row in rows:
        minutes = session_minutes(row)
        if minutes:
            counted.append(CountedSession(row.id, row.group_id, row.animator_id, row.revision_id, row.day, minutes))
    return counted


def pretick_seconds() -> int:
    """From this long connected, a participant is pre-ticked present when the animator confirms."""
    return int(current_app.config["ATTENDANCE_PRETICK_MINUTES"]) * 60
