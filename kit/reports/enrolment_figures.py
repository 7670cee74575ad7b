"""The course's figures of an SIAE for a month: enrolled, attended, completed, hours delivered, no-shows.

Computed from the enrolments, the offers' half-days and the attendance, never typed. A half-day counts
through kit/reports/rules.py (`counted_sessions`: ended, attendance confirmed, real or corrected duration);
a person's state there is `attendance_state` (« excusé » is counted apart from « absent »).

Two sides of one SIAE (it can be both):
- orientatrice: its employees (enrolled by its counselors): enrolled, attended, completed, no-shows, excused,
  and the days from orientation to the first half-day attended;
- animatrice: the hours its animators delivered (for their payment), from the sessions' counted minutes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kit.extensions import db
from kit.models import (
    Attendance,
    CourseHalfDay,
    Diagnostic,
    Employee,
    Enrolment,
    EnrolmentStatus,
    Siae,
    TrainingSession,
    User,
)
from kit.reports.rules import ABSENT, EXCUSED, PRESENT, attendance_state, counted_sessions

ORIENTED = "formation"
HALF_DAYS = 4


@dataclass(frozen=True)
class CourseFigures:
    """One SIAE's (or a region's) month of the course."""

    enrolled: int = 0  # people who got a seat in the month (enrolled or promoted from the waiting list)
    attended: int = 0  # people present at one half-day of the month at least
    completed: int = 0  # people whose fourth half-day attended was in the month
    animator_minutes: int = 0  # counted minutes of the sessions its animators gave in the month
    expected: int = 0  # enrolled seats × half-days held in the month
    no_shows: int = 0  # of them, « absent »
    excused: int = 0  # of them, « excusé »
    waits: tuple[int, ...] = ()  # days from orientation to the first half-day attended, per person

    @property
    def animator_hours(self) -> float:
        return self.animator_minutes / 60

    @property
    def no_show_rate(self) -> float | None:
        """Absent / expected, None when nobody was expected."""
        return self.no_shows / self.expected if self.expected else None

    @property
    def median_wait_days(self) -> float | None:
        return float(statistics.median(self.waits)) if self.waits else None

    def __add__(self, other: CourseFigures) -> CourseFigures:
        return CourseFigures(self.enrolled + other.enrolled, self.attended + other.attended,
                             self.completed + other.completed, self.animator_minutes + other.animator_minutes,
                             self.expected + other.expected, self.no_shows + other.no_shows,
                             self.excused + other.excused, tuple(sorted(self.waits + other.waits)))


def _orientation_days(employee_ids: Iterable[int]) -> dict[int, date]:
    """Each employee's first diagnostic that oriented them to the course (the counselor's choice included)."""
    found: dict[int, date] = {}
    for employee_id, completed_at, override, rules in db.session.execute(
            sa.select(Diagnostic.employee_id, Diagnostic.completed_at, Diagnostic.override_recommendation,
                      Diagnostic.recommendation)
            .where(Diagnostic.employee_id.in_(list(employee_ids)), Diagnostic.completed_at.is_not(None))
            .order_by(Diagnostic.completed_at, Diagnostic.id)):
        if completed_at is not None and (override or rules) == ORIENTED and employee_id not in found:
            found[employee_id] = completed_at.date()
    return found


def animator_minutes(siae_id: int, first: date, last: date) -> int:
    """Minutes delivered in [first, last] by the animators attached to this SIAE (rules.py's counted minutes)."""
    return sum(s.minutes for s in counted_sessions(
        TrainingSession.day >= first, TrainingSession.day <= last,
        TrainingSession.animator_id.in_(sa.select(User.id).where(User.siae_id == siae_id))))


def course_figures(siae: Siae, first: date, last: date) -> CourseFigures:
    """The figures of the month [first, last] for one SIAE."""
    enrolments = list(db.session.scalars(sa.select(Enrolment).join(Employee, Employee.id == Enrolment.employee_id)
                                         .where(Employee.siae_id == siae.id)))
    enrolled = {e.employee_id for e in enrolments
                if e.seat_at is not None and first <= e.seat_at.date() <= last}
    seated = [e for e in enrolments if e.participant_id is not None]
    half_days = list(db.session.execute(
        sa.select(CourseHalfDay.offer_id, CourseHalfDay.number, CourseHalfDay.session_id)
        .where(CourseHalfDay.offer_id.in_({e.offer_id for e in seated}), CourseHalfDay.session_id.is_not(None))))
    counted = {s.id: s for s in counted_sessions(TrainingSession.id.in_([h.session_id for h in half_days]))}
    by_offer: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for offer_id, number, session_id in half_days:
        if session_id in counted:
            by_offer[offer_id].append((number, session_id))
    rows = {(a.session_id, a.participant_id): attendance_state(a.present, a.excused) for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id.in_(list(counted)),
                                    Attendance.participant_id.in_([e.participant_id for e in seated])))}
    expected = no_shows = excused = 0
    attended: set[int] = set()
    present_days: dict[int, dict[int, date]] = defaultdict(dict)  # employee → half-day number → day
    for enrolment in seated:
        for number, session_id in by_offer[enrolment.offer_id]:
            day = counted[session_id].day
            state = rows.get((session_id, enrolment.participant_id or 0), ABSENT)
            in_month = first <= day <= last
            if state == PRESENT:
                present_days[enrolment.employee_id].setdefault(number, day)
                if in_month:
                    attended.add(enrolment.employee_id)
            elif in_month and enrolment.status == EnrolmentStatus.ENROLLED:
                no_shows += state == ABSENT
                excused += state == EXCUSED
            # Expected: the seats held now (someone who came, then cancelled, attended but is not expected).
            expected += in_month and enrolment.status == EnrolmentStatus.ENROLLED
    completed = sum(1 for days in present_days.values()
                    if len(days) >= HALF_DAYS and first <= max(days.values()) <= last)
    oriented = _orientation_days(present_days)
    waits = tuple(sorted((min(days.values()) - oriented[eid]).days for eid, days in present_days.items()
                         if eid in oriented and first <= min(days.values()) <= last))
    return CourseFigures(len(enrolled), len(attended), completed, animator_minutes(siae.id, first, last),
                         expected, no_shows, excused, waits)


def region_course_figures(siaes: Iterable[Siae], first: date, last: date) -> list[tuple[str, CourseFigures]]:
    """The month's course figures summed per region (the waits pooled for the median), regions in order."""
    regions: dict[str, CourseFigures] = defaultdict(CourseFigures)
    for siae in siaes:
        regions[siae.region] = regions[siae.region] + course_figures(siae, first, last)
    return sorted(regions.items())
