"""The digital-autonomy diagnostic: the SIAE's employees, their interviews, the answers and the tasks observed.

An employee record holds the least the work needs (first name, the initial of the family name,
the month their pathway started, optional notes). Erasing it blanks those and keeps the
diagnostics, which then only count, anonymously, in the figures.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kit.models.base import Base, utcnow
from kit.models.people import Siae, User


class Employee(Base):
    """A salarié·e en insertion of one SIAE, known to its counselors."""

    __tablename__ = "employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    siae_id: Mapped[int] = mapped_column(sa.ForeignKey("siae.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(60))
    family_initial: Mapped[str] = mapped_column(sa.String(2))
    pathway_month: Mapped[date] = mapped_column(sa.Date)  # the first day of the month the pathway started
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # The consent line of the guide, read to the person: when, by whom, which wording (the guide's version).
    consent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    consent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    consent_version: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The retention period runs from here: the record's creation, then each diagnostic.
    last_activity_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # Set when the record was erased on request or anonymised at the end of the retention period.
    erased_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)

    siae: Mapped[Siae] = relationship()
    diagnostics: Mapped[list[Diagnostic]] = relationship(
        back_populates="employee", order_by="Diagnostic.started_at", cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        """« Karim B. », or a neutral placeholder once erased."""
        if self.erased_at is not None:
            return "Personne effacée"
        return f"{self.first_name} {self.family_initial}."


class Diagnostic(Base):
    """One interview with an employee, saved step by step; scored when its last step is answered."""

    __tablename__ = "diagnostic"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    counselor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    guide_version: Mapped[str] = mapped_column(sa.String(20))
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The step on screen: where an interrupted interview resumes.
    current_step: Mapped[str | None] = mapped_column(sa.String(40))
    last_step_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Time spent in the interview, step by step (a long pause counts for a capped time, see docs/diagnostic.md).
    active_seconds: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    level: Mapped[str | None] = mapped_column(sa.String(32))
    recommendation: Mapped[str | None] = mapped_column(sa.String(32))  # what the scoring rules gave
    reason: Mapped[str | None] = mapped_column(sa.String(32))  # why a prior step, when there is one
    override_recommendation: Mapped[str | None] = mapped_column(sa.String(32))  # the counselor's choice
    override_reason: Mapped[str | None] = mapped_column(sa.String(300))

    employee: Mapped[Employee] = relationship(back_populates="diagnostics")
    counselor: Mapped[User | None] = relationship()
    answers: Mapped[list[DiagnosticAnswer]] = relationship(cascade="all, delete-orphan")
    observations: Mapped[list[TaskObservation]] = relationship(cascade="all, delete-orphan")

    @property
    def final_recommendation(self) -> str | None:
        """The counselor's override when there is one, else the rules'."""
        return self.override_recommendation or self.recommendation


class DiagnosticAnswer(Base):
    """An answer to a question of the guide (equipment, uses, conditions), by the question's stable id."""

    __tablename__ = "diagnostic_answer"
    __table_args__ = (sa.UniqueConstraint("diagnostic_id", "question_id", name="uq_diagnostic_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(sa.ForeignKey("diagnostic.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[str] = mapped_column(sa.String(200))  # a choice's value; several, comma-separated


class TaskObservation(Base):
    """A "show me" task seen on the person's own phone: « seul », « avec aide » or « pas encore ».

    Keyed by the guide's stable task id, so that the course's own checks (evidence of learning)
    can be set beside it task by task.
    """

    __tablename__ = "task_observation"
    __table_args__ = (sa.UniqueConstraint("diagnostic_id", "task_id", name="uq_task_observation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(sa.ForeignKey("diagnostic.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    result: Mapped[str] = mapped_column(sa.String(16))  # seul, avec_aide, pas_encore
    observed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
