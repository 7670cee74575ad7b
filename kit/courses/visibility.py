"""What each account sees of the offers and enrolments (data minimisation, docs/courses.md).

- A counselor sees the offers of their region, and only their own SIAE's enrolments.
- The SIAE animatrice (its animators) sees every enrolment of its offers, each as first name + initial
  and the counselor's contact: never a diagnostic detail, never a link to the employee's record.
- A coordinator sees the offers and their places, no name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa

from kit.courses.times import to_utc
from kit.diagnostic.figures import waiting_for_course
from kit.extensions import db
from kit.models import CourseHalfDay, CourseOffer, Employee, Enrolment, EnrolmentStatus, Role, Siae, User
from kit.people.access import is_admin, may_see_employee
from kit.people.course_access import may_manage_offer, offers_region


@dataclass(frozen=True)
class RosterLine:
    """One enrolment as this account may see it."""

    enrolment: Enrolment
    name: str  # first name + initial
    siae_name: str
    counselor: User | None  # their contact: name, e-mail, phone
    own: bool  # the account's own SIAE's employee: the record can be opened


def offer_animators(user: User) -> list[User]:
    """The active animators an offer may name: of one's own SIAE animatrice (of every one, for an admin)."""
    query = (sa.select(User).join(Siae, Siae.id == User.siae_id)
             .where(User.role == Role.ANIMATOR, User.active, Siae.animatrice).order_by(User.name))
    if not is_admin(user):
        query = query.where(User.siae_id == (user.siae_id or 0))
    return list(db.session.scalars(query))


def list_offers(user: User, departement: str | None = None, since: date | None = None) -> list[CourseOffer]:
    """The offers this account sees, by first half-day; filtered by département and first day from `since`."""
    first = (sa.select(sa.func.min(CourseHalfDay.starts_at)).where(CourseHalfDay.offer_id == CourseOffer.id)
             .correlate(CourseOffer).scalar_subquery())
    query = sa.select(CourseOffer).order_by(first, CourseOffer.id)
    region = offers_region(user)
    if region is not None:
        query = query.where(CourseOffer.region == region)
    if departement:
        query = query.where(CourseOffer.departement == departement)
    if since:
        query = query.where(first >= to_utc(since, time(0, 0)))
    return list(db.session.scalars(query))


def departements(user: User) -> list[str]:
    """The départements of the offers this account sees, for the filter."""
    query = sa.select(CourseOffer.departement).distinct().order_by(CourseOffer.departement)
    region = offers_region(user)
    if region is not None:
        query = query.where(CourseOffer.region == region)
    return [d for d in db.session.scalars(query) if d]


def candidates(offer: CourseOffer, user: User) -> list[tuple[Employee, bool]]:
    """The employees this account may enrol, with whether a diagnostic oriented them (those come first).

    Those already enrolled or waiting in this offer are left out.
    """
    if is_admin(user):
        siae_ids = list(db.session.scalars(sa.select(Siae.id).where(Siae.orientatrice, Siae.region == offer.region)))
    else:
        siae_ids = [user.siae_id] if user.siae_id else []
    oriented = {employee.id for employee, _d in waiting_for_course(siae_ids)}
    taken = set(db.session.scalars(sa.select(Enrolment.employee_id).where(
        Enrolment.offer_id == offer.id, Enrolment.status != EnrolmentStatus.CANCELLED.value)))
    employees = db.session.scalars(sa.select(Employee).where(
        Employee.siae_id.in_(siae_ids), Employee.erased_at.is_(None))
        .order_by(Employee.first_name, Employee.family_initial, Employee.id))
    found = [(e, e.id in oriented) for e in employees if e.id not in taken]
    return sorted(found, key=lambda pair: not pair[1])


def roster(offer: CourseOffer, user: User) -> list[RosterLine]:
    """The live enrolments (seats, then waiting list in order) this account may see."""
    manager = may_manage_offer(user, offer)
    lines = []
    for enrolment in db.session.scalars(sa.select(Enrolment).where(
            Enrolment.offer_id == offer.id, Enrolment.status != EnrolmentStatus.CANCELLED.value)
            .order_by(Enrolment.status != EnrolmentStatus.ENROLLED.value, Enrolment.created_at, Enrolment.id)):
        own = may_see_employee(user, enrolment.employee)
        if own or manager:
            lines.append(RosterLine(enrolment, enrolment.employee.display_name, enrolment.employee.siae.name,
                                    enrolment.enrolled_by, own))
    return lines

