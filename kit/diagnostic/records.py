"""The employee records: create, change, erase on request, and anonymise once the retention period is over.

Erasing keeps the diagnostics (dates, level, recommendation, tasks seen) without a name or any free
text, so that the month's figures stay true; nothing then ties them to a person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from kit.diagnostic.guide import Guide
from kit.extensions import db
from kit.models import Diagnostic, Employee, User, utcnow

ERASED_NAME = ""


def create_employee(siae_id: int, first_name: str, initial: str, pathway_month: date, notes: str | None,
                    counselor: User, guide: Guide) -> Employee:
    """A new record; the consent line was read to the person (the form requires it)."""
    employee = Employee(siae_id=siae_id, consent_by_id=counselor.id, consent_version=guide.version)
    update_employee(employee, first_name, initial, pathway_month, notes)
    db.session.add(employee)
    db.session.commit()
    return employee


def update_employee(employee: Employee, first_name: str, initial: str, pathway_month: date,
                    notes: str | None) -> None:
    """Set the record's fields (the caller commits)."""
    employee.first_name = " ".join(first_name.split())
    employee.family_initial = initial.strip()[:1].upper()
    employee.pathway_month = pathway_month.replace(day=1)
    employee.notes = (notes or "").strip() or None


def erase(employee: Employee, now: datetime | None = None) -> None:
    """Blank what identifies the person; keep the anonymous diagnostics for the counts."""
    employee.first_name = ERASED_NAME
    employee.family_initial = ERASED_NAME
    employee.notes = None
    employee.consent_by_id = None
    employee.erased_at = now or utcnow()
    for diagnostic in employee.diagnostics:
        diagnostic.override_reason = None  # free text: it may name the person
        diagnostic.counselor_id = None
    db.session.commit()


def months_ago(now: datetime, months: int) -> datetime:
    """The same moment `months` months earlier (counted as 30.44 days each: a day's margin is enough here)."""
    return now - timedelta(days=round(months * 30.44))


def anonymise_expired(months: int, now: datetime | None = None) -> int:
    """Erase every record untouched for `months` months (no new record, no diagnostic); how many."""
    now = now or utcnow()
    limit = months_ago(now, months)
    expired = list(db.session.scalars(sa.select(Employee).where(
        Employee.erased_at.is_(None), Employee.last_activity_at < limit)))
    for employee in expired:
        erase(employee, now)
    return len(expired)


def latest_completed(employee_ids: list[int]) -> dict[int, Diagnostic]:
    """Each employee's last finished diagnostic."""
    found: dict[int, Diagnostic] = {}
    for diagnostic in db.session.scalars(sa.select(Diagnostic).where(
            Diagnostic.employee_id.in_(employee_ids), Diagnostic.completed_at.is_not(None))
            .order_by(Diagnostic.completed_at, Diagnostic.id)):
        found[diagnostic.employee_id] = diagnostic
    return found
