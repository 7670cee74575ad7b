"""Employees and diagnostics made directly in the database, for the diagnostic's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kit.extensions import db
from kit.models import Diagnostic, DiagnosticAnswer, Employee, Role, Siae, TaskObservation, User
from tests.factories import make_user

TASKS = ("deverrouiller", "wifi", "navigateur", "recherche", "application")


def make_counselor(email: str, siae: Siae) -> User:
    return make_user(email, Role.COUNSELOR.value, siae=siae)


def make_employee(siae: Siae, first_name: str = "Karim", initial: str = "B") -> Employee:
    employee = Employee(siae_id=siae.id, first_name=first_name, family_initial=initial,
                        pathway_month=date(2026, 11, 1), consent_version="test")
    db.session.add(employee)
    db.session.commit()
    return employee


def make_diagnostic(employee: Employee, when: datetime | None = datetime(2026, 11, 12, 10, tzinfo=UTC),
                    tasks: tuple[str, ...] = ("seul", "avec_aide", "avec_aide", "pas_encore", "pas_encore"),
                    level: str = "debutant", recommendation: str = "formation",
                    answers: dict[str, str] | None = None) -> Diagnostic:
    """A finished diagnostic (or one in progress when `when` is None, at its first step)."""
    diagnostic = Diagnostic(employee_id=employee.id, guide_version="test", active_seconds=420,
                            started_at=when or datetime.now(UTC), completed_at=when,
                            current_step=None if when else "smartphone",
                            level=level if when else None, recommendation=recommendation if when else None)
    db.session.add(diagnostic)
    db.session.flush()
    for task, result in zip(TASKS, tasks, strict=True):
        db.session.add(TaskObservation(diagnostic_id=diagnostic.id, task_id=task, result=result))
    for question, value in (answers or {"smartphone": "oui", "systeme": "android"}).items():
        db.session.add(DiagnosticAnswer(diagnostic_id=diagnostic.id, question_id=question, value=value))
    db.session.commit()
    return diagnostic
