"""The diagnostic's figures: diagnosed and oriented per SIAE and month, levels, employees waiting for a course.

Computed from the diagnostics, erased records included (they count, anonymously); never typed.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from kit.extensions import db
from kit.models import Diagnostic, Employee, Enrolment, EnrolmentStatus, Siae

ORIENTED = "formation"


@dataclass(frozen=True)
class DiagnosticCounts:
    """An SIAE's (or a region's) month: people diagnosed, and people oriented to the 14 h course."""

    diagnosed: int = 0
    oriented: int = 0


def _bounds(year: int, month: int) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC)


def _month_diagnostics(siae_ids: list[int], year: int, month: int) -> list[Diagnostic]:
    start, end = _bounds(year, month)
    return list(db.session.scalars(
        sa.select(Diagnostic).join(Employee, Employee.id == Diagnostic.employee_id)
        .where(Employee.siae_id.in_(siae_ids), Diagnostic.completed_at >= start, Diagnostic.completed_at <= end)
        .order_by(Diagnostic.completed_at, Diagnostic.id)))


def counts(siae_ids: list[int], year: int, month: int) -> DiagnosticCounts:
    """People diagnosed in the month (once each, even if diagnosed twice) and, of them, oriented to the course.

    A person counts as oriented when the last diagnostic of their month orients them (the counselor's
    override included).
    """
    last: dict[int, Diagnostic] = {}
    for diagnostic in _month_diagnostics(siae_ids, year, month):
        last[diagnostic.employee_id] = diagnostic
    return DiagnosticCounts(len(last), sum(1 for d in last.values() if d.final_recommendation == ORIENTED))


def region_counts(siaes: list[Siae], year: int, month: int) -> list[tuple[str, DiagnosticCounts]]:
    """The month's counts summed per region, regions in alphabetical order."""
    regions: dict[str, list[int]] = {}
    for siae in siaes:
        regions.setdefault(siae.region, []).append(siae.id)
    return [(region, counts(ids, year, month)) for region, ids in sorted(regions.items())]


def level_distribution(siae_ids: list[int], level_ids: list[str]) -> list[tuple[str, int]]:
    """How many people are at each level, by their last diagnostic (erased records included)."""
    last: dict[int, str | None] = {}
    for employee_id, level in db.session.execute(
            sa.select(Diagnostic.employee_id, Diagnostic.level).join(Employee, Employee.id == Diagnostic.employee_id)
            .where(Employee.siae_id.in_(siae_ids), Diagnostic.completed_at.is_not(None))
            .order_by(Diagnostic.completed_at, Diagnostic.id)):
        last[employee_id] = level
    tally = Counter(last.values())
    return [(level, tally.get(level, 0)) for level in level_ids]


def waiting_for_course(siae_ids: list[int]) -> list[tuple[Employee, Diagnostic]]:
    """The people (not erased) whose last diagnostic orients them to the course, and who hold no live
    enrolment (a seat or a place on a waiting list) in any offer: those are no longer waiting for a course.
    """
    last: dict[int, Diagnostic] = {}
    for diagnostic in db.session.scalars(
            sa.select(Diagnostic).join(Employee, Employee.id == Diagnostic.employee_id)
            .where(Employee.siae_id.in_(siae_ids), Employee.erased_at.is_(None), Diagnostic.completed_at.is_not(None))
            .order_by(Diagnostic.completed_at, Diagnostic.id)):
        last[diagnostic.employee_id] = diagnostic
    booked = set(db.session.scalars(sa.select(Enrolment.employee_id).where(
        Enrolment.employee_id.in_(list(last)), Enrolment.status != EnrolmentStatus.CANCELLED.value)))
    return sorted(((d.employee, d) for d in last.values()
                   if d.final_recommendation == ORIENTED and d.employee_id not in booked),
                  key=lambda pair: pair[1].completed_at or datetime.min.replace(tzinfo=UTC))
