"""A session's attendance list as the animator reviews it, and its confirmation at the end.

Phones mark their participant present when they join; nothing counts until the animator confirms
the list once the session ended (docs/badges.md). The list is pre-ticked for who stayed long enough.
Each person is « présent », « excusé » or « absent » (kit/reports/rules.py, `attendance_state`): the
animator corrects one person in two taps on the presenter (`set_state`) or the whole list on the séance page.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from kit.extensions import db
from kit.live.presence import seconds_present
from kit.models import Attendance, Participant, SessionStatus, TrainingSession, as_utc, utcnow
from kit.reports.rules import ABSENT, EXCUSED, PRESENT, attendance_state

MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class AttendanceLine:
    """One participant of the group on the attendance list."""

    participant: Participant
    row: Attendance | None
    seconds: int  # time connected, at most the session's length
    ticked: bool  # what the form shows checked
    excused: bool = False  # not ticked, and « excusé »

    @property
    def state(self) -> str:
        """« present », « excused » or « absent », as the form shows it."""
        return attendance_state(self.ticked, self.excused)

    @property
    def minutes(self) -> int:
        """Whole minutes connected."""
        return self.seconds // 60


def to_confirm(live: TrainingSession) -> bool:
    """An ended session whose attendance the animator has not confirmed yet."""
    return live.status == SessionStatus.ENDED and live.attendance_confirmed_at is None


def attendance_lines(live: TrainingSession, chosen: set[int] | None = None,
                     chosen_excused: set[int] | None = None) -> list[AttendanceLine]:
    """Each participant of the group, with their attendance and time connected.

    Before the confirmation, someone counts as ticked if they were connected ATTENDANCE_PRETICK_MINUTES
    or the animator ticked them: a phone that joined for a few seconds is not. `chosen`: the ids the
    animator submitted (present, and excused), to show them again after an error.
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
        excused = (participant.id in chosen_excused if chosen_excused is not None
                   else row is not None and row.excused) and not ticked
        lines.append(AttendanceLine(participant, row, connected, ticked, excused))
    return lines


def _apply(live: TrainingSession, participant_id: int, row: Attendance | None, state: str, by_user_id: int) -> bool:
    """Give one person a state; True if it changed. No row stays no row for « absent »."""
    if row is None:
        if state == ABSENT:
            return False
        db.session.add(Attendance(session_id=live.id, participant_id=participant_id, present=state == PRESENT,
                                  excused=state == EXCUSED, corrected_by_id=by_user_id))
        return True
    if attendance_state(row.present, row.excused) == state:
        return False
    row.present, row.excused, row.corrected_by_id = state == PRESENT, state == EXCUSED, by_user_id
    return True


def set_state(live: TrainingSession, participant_id: int, state: str, by_user_id: int) -> bool:
    """The animator's two-tap correction of one participant of the group; True if it changed. The caller commits."""
    row = db.session.scalar(sa.select(Attendance).where(Attendance.session_id == live.id,
                                                        Attendance.participant_id == participant_id))
    return _apply(live, participant_id, row, state, by_user_id)


def save_attendance(live: TrainingSession, present: set[int], by_user_id: int,
                    excused: frozenset[int] | set[int] = frozenset()) -> int:
    """Record who was there and who was excused (ids of the group); return how many lines changed.

    Everyone else of the group is absent. The caller commits.
    """
    changed = 0
    for line in attendance_lines(live):
        pid = line.participant.id
        state = PRESENT if pid in present else EXCUSED if pid in excused else ABSENT
        changed += _apply(live, pid, line.row, state, by_user_id)
    return changed


def confirm(live: TrainingSession, present: set[int], minutes: int, real: int | None, by_user_id: int,
            excused: frozenset[int] | set[int] = frozenset()) -> int:
    """Confirm an ended session's attendance and its duration (kept as a correction only if it differs)."""
    changed = save_attendance(live, present, by_user_id, excused)
    live.counted_minutes = None if minutes == real else minutes
    if live.attendance_confirmed_at is None:
        live.attendance_confirmed_at = utcnow()
    return changed
