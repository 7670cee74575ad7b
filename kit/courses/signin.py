"""The sign-in sheet (feuille d'émargement) of a half-day: what an SIAE animatrice needs in order to be paid.

One A4 page: the SIAE animatrice, the module, the date and hours, the place, the animator, and one line per
expected person (first name and initial of the enrolled employees; the group's participants for a group
without an offer) with a signature box and the state once known (kit/reports/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from kit.content.library import deck_by_revision_id
from kit.extensions import db
from kit.models import (
    Attendance,
    CourseHalfDay,
    CourseOffer,
    Enrolment,
    EnrolmentStatus,
    SessionStatus,
    Siae,
    TrainingSession,
    as_utc,
)
from kit.reports.rules import ABSENT, EXCUSED, PRESENT, attendance_state

# The programme runs in metropolitan France: times are printed there.
LOCAL = ZoneInfo("Europe/Paris")


def local_time(moment: datetime | None) -> time | None:
    """A stored (UTC) moment as the wall-clock time of the room."""
    utc = as_utc(moment)
    return utc.astimezone(LOCAL).time() if utc else None


@dataclass(frozen=True)
class SigninLine:
    """One expected person: the name printed, and their state once the session ran (None before)."""

    name: str
    state: str | None


@dataclass(frozen=True)
class SigninSheet:
    """Everything printed on the sheet of one half-day."""

    session: TrainingSession
    siae: Siae | None
    offer: CourseOffer | None
    module_number: int
    module_title: str
    starts: time | None
    ends: time | None
    animator_name: str
    lines: list[SigninLine]

    def count(self, state: str) -> int:
        """How many people are in this state."""
        return sum(1 for line in self.lines if line.state == state)

    @property
    def totals(self) -> dict[str, int]:
        """Present, excused and absent, once the session ran."""
        return {state: self.count(state) for state in (PRESENT, EXCUSED, ABSENT)}


def half_day_of(session_id: int) -> CourseHalfDay | None:
    """The offer's half-day this session is, if it came from an offer."""
    return db.session.scalar(sa.select(CourseHalfDay).where(CourseHalfDay.session_id == session_id))


def signin_sheet(live: TrainingSession) -> SigninSheet:
    """The sheet of a session, from the offer it belongs to (if any), its group and its attendance."""
    half_day = half_day_of(live.id)
    offer = half_day.offer if half_day else None
    rows = {a.participant_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == live.id))}
    ran = live.status != SessionStatus.PLANNED

    def state(participant_id: int | None) -> str | None:
        if not ran:
            return None
        row = rows.get(participant_id) if participant_id is not None else None
        return attendance_state(row.present, row.excused) if row else attendance_state(None, None)

    lines: list[SigninLine] = []
    named: set[int] = set()
    if offer is not None:
        for enrolment in db.session.scalars(
                sa.select(Enrolment).where(Enrolment.offer_id == offer.id,
                                           Enrolment.status == EnrolmentStatus.ENROLLED.value)
                .order_by(Enrolment.seat_at, Enrolment.id)):
            lines.append(SigninLine(enrolment.employee.display_name, state(enrolment.participant_id)))
            if enrolment.participant_id is not None:
                named.add(enrolment.participant_id)
    # Someone of the group who is not an enrolment (added on the day): on the sheet too.
    lines += [SigninLine(p.nickname, state(p.id)) for p in live.group.participants
              if p.id not in named and p.erased_at is None]
    if offer is None:
        lines.sort(key=lambda line: line.name.casefold())
    meta = deck_by_revision_id(live.revision_id).meta
    starts = local_time(half_day.starts_at if half_day else live.started_at)
    ends = local_time(half_day.ends_at if half_day else live.ended_at)
    return SigninSheet(live, offer.siae if offer else live.group.siae, offer, meta.number, meta.title,
                       starts, ends, live.animator.name, lines)
