"""The counselor's view of one employee's way through the programme, and what needs the counselor now.

diagnosed → oriented → enrolled (which offer) → 1/4 … 4/4 half-days attended → course completed → badge.
A half-day counts as attended when the person was « présent » at a session that counts (kit/reports/rules.py);
« excusé » is told apart from « absent ». Nothing here is typed: it is read from the diagnostics, the
enrolments, the attendance and the badges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from kit.extensions import db
from kit.models import (
    Attendance,
    BadgeAssertion,
    CourseHalfDay,
    Diagnostic,
    Employee,
    Enrolment,
    EnrolmentStatus,
    SessionStatus,
    TrainingSession,
    as_utc,
    utcnow,
)
from kit.reports.rules import ABSENT, PRESENT, attendance_state, session_minutes

ORIENTED = "formation"  # the diagnostic's recommendation of the 14 h course (kit/diagnostic/scoring.yaml)
HALF_DAYS = 4
WAIT_DAYS = 14  # oriented this long ago and still not enrolled: the counselor is told
ABSENCES = 2  # absent (not excused) this many times: the counselor is told


@dataclass(frozen=True)
class HalfDayState:
    """One half-day of the enrolment's offer and the person's state there (None: not held yet)."""

    half_day: CourseHalfDay
    state: str | None
    counts: bool  # the session counts (ended, attendance confirmed, long enough)


@dataclass(frozen=True)
class Pathway:
    """Where one employee is; `enrolment` is the live one, else the last cancelled one."""

    employee: Employee
    diagnosed_at: datetime | None = None
    oriented_at: datetime | None = None
    enrolment: Enrolment | None = None
    half_days: list[HalfDayState] = field(default_factory=list)
    badge: BadgeAssertion | None = None

    @property
    def enrolled(self) -> bool:
        """Holds a seat now."""
        return self.enrolment is not None and self.enrolment.status == EnrolmentStatus.ENROLLED

    @property
    def waiting(self) -> bool:
        return self.enrolment is not None and self.enrolment.status == EnrolmentStatus.WAITING

    @property
    def cancelled(self) -> bool:
        """The last enrolment was cancelled, and none replaced it."""
        return self.enrolment is not None and self.enrolment.status == EnrolmentStatus.CANCELLED

    @property
    def attended(self) -> int:
        """Half-days attended (present, at a session that counts)."""
        return sum(1 for h in self.half_days if h.counts and h.state == PRESENT)

    def count(self, state: str) -> int:
        """Half-days held where the person was in this state."""
        return sum(1 for h in self.half_days if h.state == state)

    @property
    def completed(self) -> bool:
        """The four half-days attended."""
        return self.attended >= HALF_DAYS

    @property
    def step(self) -> int:
        """How far along: 0 nothing, 1 diagnosed, 2 oriented, 3 enrolled, 4 attending, 5 completed, 6 badge."""
        if self.badge is not None:
            return 6
        if self.completed:
            return 5
        if self.attended:
            return 4
        if self.enrolled:
            return 3
        return 2 if self.oriented_at else 1 if self.diagnosed_at else 0


def _last_orientation(employee_id: int) -> tuple[datetime | None, datetime | None]:
    """The first diagnostic's completion, and the last one's if it orients to the course."""
    done = list(db.session.execute(
        sa.select(Diagnostic.completed_at, Diagnostic.override_recommendation, Diagnostic.recommendation)
        .where(Diagnostic.employee_id == employee_id, Diagnostic.completed_at.is_not(None))
        .order_by(Diagnostic.completed_at, Diagnostic.id)))
    if not done:
        return None, None
    last = done[-1]
    return done[0].completed_at, last.completed_at if (last[1] or last[2]) == ORIENTED else None


def current_enrolment(employee_id: int) -> Enrolment | None:
    """The live enrolment (seat or waiting list), else the most recent cancelled one."""
    enrolments = list(db.session.scalars(sa.select(Enrolment).where(Enrolment.employee_id == employee_id)
                                         .order_by(Enrolment.created_at.desc(), Enrolment.id.desc())))
    live = [e for e in enrolments if e.status != EnrolmentStatus.CANCELLED]
    return live[0] if live else (enrolments[0] if enrolments else None)


def half_day_states(enrolment: Enrolment) -> list[HalfDayState]:
    """The offer's half-days, with the enrolled person's state at each one held."""
    rows = {}
    if enrolment.participant_id is not None:
        rows = {a.session_id: a for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == enrolment.participant_id))}
    states = []
    for half_day in enrolment.offer.half_days:
        session: TrainingSession | None = half_day.session
        if session is None or session.status != SessionStatus.ENDED:
            states.append(HalfDayState(half_day, None, False))
            continue
        row = rows.get(session.id)
        state = attendance_state(row.present, row.excused) if row else ABSENT
        states.append(HalfDayState(half_day, state, session_minutes(session) > 0))
    return states


def pathway(employee: Employee) -> Pathway:
    """One employee's pathway, from the database."""
    diagnosed_at, oriented_at = _last_orientation(employee.id)
    enrolment = current_enrolment(employee.id)
    if enrolment is None:
        return Pathway(employee, diagnosed_at, oriented_at)
    badge = None
    if enrolment.participant_id is not None:
        badge = db.session.scalar(sa.select(BadgeAssertion).where(
            BadgeAssertion.participant_id == enrolment.participant_id, BadgeAssertion.revoked_at.is_(None))
            .order_by(BadgeAssertion.issued_on.desc()).limit(1))
    return Pathway(employee, diagnosed_at, oriented_at, enrolment, half_day_states(enrolment), badge)


@dataclass(frozen=True)
class Action:
    """Something the counselor should do about one employee."""

    pathway: Pathway
    kind: str  # absent, not_enrolled, waiting, cancelled
    text: str


def actions_needed(employees: Iterable[Employee], today: date | None = None) -> list[Action]:
    """The « action nécessaire » list: absent twice, oriented and not enrolled after WAIT_DAYS, waiting, cancelled."""
    now = as_utc(utcnow())
    day = today or (now.date() if now else date.today())
    found: list[Action] = []
    for employee in employees:
        if employee.erased_at is not None:
            continue
        path = pathway(employee)
        if path.enrolled and path.count(ABSENT) >= ABSENCES and not path.completed:
            found.append(Action(path, "absent",
                                f"Absent·e {path.count(ABSENT)} fois sans excuse : appelez la personne."))
        elif path.waiting:
            found.append(Action(path, "waiting", "Sur liste d'attente : une place se libérera peut-être, "
                                                 "ou inscrivez la personne à une autre formation."))
        elif path.cancelled and path.oriented_at and not path.completed:
            found.append(Action(path, "cancelled", "Inscription annulée, sans nouvelle inscription."))
        elif path.enrolment is None and path.oriented_at is not None:
            since = as_utc(path.oriented_at)
            days = (day - since.date()).days if since else 0
            if days >= WAIT_DAYS:
                found.append(Action(path, "not_enrolled", f"Orienté·e il y a {days} jours, pas encore inscrit·e."))
    order = {"absent": 0, "cancelled": 1, "not_enrolled": 2, "waiting": 3}
    return sorted(found, key=lambda a: (order[a.kind], a.pathway.employee.first_name.casefold()))
