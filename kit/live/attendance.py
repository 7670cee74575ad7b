"""A session's attendance list as the animator reviews it, and its confirmation at the end.

Phones mark their participant present when they join; nothing counts until the animator confirms
the list once the session ended (docs/badges.md). The list is pre-ticked for who stayed long enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from kit.extensions import db
from kit.live.presence import seconds_present
from kit.models import Attendance, Participant, SessionStatus, TrainingSession, as_utc, utcnow

MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class AttendanceLine:
    """One participant of the group on the attendance list."""

    participant: Participant
    row: Attendance | None
    seconds: int  # time connected, at most the session's length
    ticked: bool  # what the form shows checked

    @property
    def minutes(self) -> int:
        """Whole minutes connected."""
        return self.seconds // 60


def to_confirm(live: TrainingSession) -> bool:
    """An ended session whose attendance the animator has not confirmed yet."""
    return live.status == SessionStatus.ENDED and live.attendance_confirmed_at is None


def attendance_lines(live: TrainingSession, chosen: set[int] | None = None) -> list[AttendanceLine]:
    """Each participant of the group, with their attendance and time connected.

    Before the confirmation, someone counts as ticked if they were connected ATTENDANCE_PRETICK_MINUTES
    or the animator ticked them: a phone that joined for a few seconds is not. `chosen`: the ids the
    animator submitted, to show them again after an error.
    """
    rows = {a.participant_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == live.id))}
    seconds = seconds_present(live.id, live.ended_at)
    start, end = as_utc(live.started_at), as_utc(live.ended_at) or utcnow()
    longest = int((end - start).total_seconds()) if start else 0
    threshold = int(current_app.config["ATTENDANCE_PRETICK_MINUTES"]) * 60
    lines = []
    for participant in live.group.participants:
        row = rows.get(participant.id)
        # Two phones at once would count twice: never more than the session itself.
        connected = max(0, min(seconds.get(participant.id, 0), longest))
        if chosen is not None:
            ticked = participant.id in chosen
        elif to_confirm(live):
            ticked = row is not None and row.present and (row.corrected_by_id is not None or connected >= threshold)
        else:
            ticked = row is not None and row.present
        lines.append(AttendanceLine(participant, row, connected, ticked))
    return lines


def save_attendance(live: TrainingSession, present: set[int], by_user_id: int) -> int:
    """Record who was there (ids of the group); return how many lines changed. The caller commits."""
    changed = 0
    for line in attendance_lines(live):
        wanted = line.participant.id in present
        if line.row is None and wanted:
            db.session.add(Attendance(session_id=live.id, participant_id=line.participant.id, present=True,
                                      corrected_by_id=by_user_id))
            changed += 1
        elif line.row is not None and line.row.present != wanted:
            line.row.present = wanted
            line.row.corrected_by_id = by_user_id
            changed += 1
    return changed


def confirm(live: TrainingSession, present: set[int], minutes: int, real: int | None, by_user_id: int) -> int:
    """Confirm an ended session's attendance and its duration (kept as a correction only if it differs)."""
    changed = save_attendance(live, present, by_user_id)
    live.counted_minutes = None if minutes == real else minutes
    if live.attendance_confirmed_at is None:
        live.attendance_confirmed_at = utcnow()
    return changed
