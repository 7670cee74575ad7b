"""A course between two SIAE for the attendance tests: an orientatrice sends, an animatrice gives the course.

Built with the models directly (the booking service is another branch's): an offer, its group and 4 planned
sessions, the half-days linked to them, and enrolled employees who are the group's participants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from kit.extensions import db
from kit.models import (
    Attendance,
    CourseHalfDay,
    CourseOffer,
    Employee,
    Enrolment,
    EnrolmentStatus,
    ModuleRevision,
    Participant,
    SessionStatus,
    Siae,
    TrainingGroup,
    TrainingSession,
    User,
)
from kit.people.nicknames import nickname_key
from kit.reports.rules import EXCUSED, PRESENT
from tests.factories import make_user
from tests.histories import SLUGS, make_siae
from tests.kit.diagnostic.support import make_counselor, make_diagnostic, make_employee

DAYS = (date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 19))
ORIENTED_ON = datetime(2026, 11, 2, 10, tzinfo=UTC)


@dataclass
class Course:
    """The ids a test needs."""

    orientatrice: Siae
    animatrice: Siae
    animator: User
    counselor: User
    offer: CourseOffer
    sessions: list[TrainingSession]
    employees: dict[str, Employee] = field(default_factory=dict)
    enrolments: dict[str, Enrolment] = field(default_factory=dict)

    def participant(self, name: str) -> int:
        participant_id = self.enrolments[name].participant_id
        assert participant_id is not None
        return participant_id


def make_course(animator_email: str = "anim@test.fr", counselor_email: str = "cip@test.fr") -> Course:
    """An SIAE orientatrice with a counselor, an SIAE animatrice with an animator and its offer of 4 half-days."""
    orientatrice = make_siae("Régie Orienteuse")
    animatrice = make_siae("Asso Animatrice", kind="EI")
    animatrice.animatrice, animatrice.orientatrice = True, False
    animator = make_user(animator_email, siae=animatrice)
    counselor = make_counselor(counselor_email, orientatrice)
    group = TrainingGroup(name="Formation de novembre", siae_id=animatrice.id, animator_id=animator.id)
    db.session.add(group)
    db.session.flush()
    offer = CourseOffer(siae_id=animatrice.id, group_id=group.id, animator_id=animator.id,
                        place_name="Maison des associations", place_address="3 rue des Lilas, 59000 Lille",
                        region="Hauts-de-France", departement="59", capacity=12, enrol_deadline=date(2026, 11, 6),
                        contact_phone="03 20 00 00 00", created_by_id=animator.id)
    db.session.add(offer)
    db.session.flush()
    sessions = []
    for number, (slug, day) in enumerate(zip(SLUGS, DAYS, strict=True), start=1):
        revision_id = db.session.scalar(sa.select(ModuleRevision.id).where(ModuleRevision.slug == slug,
                                                                           ModuleRevision.published))
        session = TrainingSession(group_id=group.id, animator_id=animator.id, module_slug=slug,
                                  revision_id=revision_id, day=day)
        db.session.add(session)
        db.session.flush()
        start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8, minutes=30)
        db.session.add(CourseHalfDay(offer_id=offer.id, number=number, module_slug=slug, starts_at=start,
                                     ends_at=start + timedelta(hours=3, minutes=30), session_id=session.id))
        sessions.append(session)
    db.session.commit()
    return Course(orientatrice, animatrice, animator, counselor, offer, sessions)


def enrol(course: Course, first_name: str, initial: str = "B", status: str = EnrolmentStatus.ENROLLED.value,
          seat_at: datetime = datetime(2026, 11, 5, 9, tzinfo=UTC), oriented: datetime | None = ORIENTED_ON,
          siae: Siae | None = None) -> Enrolment:
    """An employee of the orientatrice (diagnosed and oriented), enrolled: the group's participant when seated."""
    employee = make_employee(siae or course.orientatrice, first_name, initial)
    if oriented is not None:
        make_diagnostic(employee, when=oriented)
    participant_id = None
    if status == EnrolmentStatus.ENROLLED:
        participant = Participant(group_id=course.offer.group_id, nickname=first_name,
                                  nickname_key=nickname_key(first_name), avatar="🐱")
        db.session.add(participant)
        db.session.flush()
        participant_id = participant.id
        course.offer.seats_taken += 1
    enrolment = Enrolment(offer_id=course.offer.id, employee_id=employee.id, status=status,
                          participant_id=participant_id, enrolled_by_id=course.counselor.id,
                          seat_at=seat_at if status == EnrolmentStatus.ENROLLED else None)
    db.session.add(enrolment)
    db.session.commit()
    course.employees[first_name], course.enrolments[first_name] = employee, enrolment
    return enrolment


def hold(course: Course, number: int, states: dict[str, str], minutes: int = 210, confirm: bool = True) -> None:
    """Half-day `number` (1 to 4) held and ended, with these people's states (the others absent, no row)."""
    session = course.sessions[number - 1]
    start = datetime.combine(session.day, datetime.min.time(), UTC) + timedelta(hours=8, minutes=30)
    session.status, session.started_at = SessionStatus.ENDED.value, start
    session.ended_at = start + timedelta(minutes=minutes)
    session.attendance_confirmed_at = session.ended_at if confirm else None
    for name, state in states.items():
        db.session.add(Attendance(session_id=session.id, participant_id=course.participant(name),
                                  present=state == PRESENT, excused=state == EXCUSED))
    db.session.commit()


def sheet_offer(group: TrainingGroup, session: TrainingSession) -> dict[str, int]:
    """A group published as an offer whose first half-day is this session (the roles matrix's sign-in sheets)."""
    assert group.siae_id is not None
    offer = CourseOffer(siae_id=group.siae_id, group_id=group.id, animator_id=group.animator_id,
                        place_name="Salle", place_address="1 rue de la Gare", region="Hauts-de-France",
                        departement="59", enrol_deadline=session.day, contact_phone="0300000000")
    db.session.add(offer)
    db.session.flush()
    start = datetime.combine(session.day, datetime.min.time(), UTC)
    db.session.add(CourseHalfDay(offer_id=offer.id, number=1, module_slug=session.module_slug, starts_at=start,
                                 ends_at=start + timedelta(hours=3), session_id=session.id))
    db.session.commit()
    return {"sheet_offer": offer.id}
