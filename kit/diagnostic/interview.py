"""The interview, saved step by step: start or resume, answer, skip, go back, finish, override.

Every step is written to the database as soon as it is answered, and the diagnostic remembers
the step on screen: a closed tab or a lost network loses nothing, the interview resumes there.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from kit.diagnostic.guide import Guide, Step
from kit.diagnostic.scoring import Result, score
from kit.extensions import db
from kit.models import Diagnostic, DiagnosticAnswer, Employee, TaskObservation, User, as_utc, utcnow

# A pause longer than this between two steps (a phone call, a closed tab) counts for this long only.
STEP_TIME_CAP_SECONDS = 180


class StepError(ValueError):
    """An answer that the step does not accept (a French message for the counselor)."""


def in_progress(employee: Employee) -> Diagnostic | None:
    """The employee's interview started and not finished, if any."""
    return next((d for d in employee.diagnostics if d.completed_at is None), None)


def completed(employee: Employee) -> list[Diagnostic]:
    """The employee's finished diagnostics, oldest first."""
    return [d for d in employee.diagnostics if d.completed_at is not None]


def start_or_resume(employee: Employee, counselor: User, guide: Guide) -> Diagnostic:
    """The interview in progress, or a new one (a first diagnostic or a re-diagnosis)."""
    current = in_progress(employee)
    if current is not None:
        return current
    diagnostic = Diagnostic(employee=employee, counselor_id=counselor.id, guide_version=guide.version,
                            current_step=guide.steps[0].id, active_seconds=0)
    db.session.add(diagnostic)
    db.session.commit()
    return diagnostic


def answers_of(diagnostic: Diagnostic) -> dict[str, str]:
    """Question id → stored value, tasks included (task id → result)."""
    found = {a.question_id: a.value for a in diagnostic.answers}
    found.update({o.task_id: o.result for o in diagnostic.observations})
    return found


def observations_of(diagnostic: Diagnostic) -> dict[str, str]:
    return {o.task_id: o.result for o in diagnostic.observations}


def visible_steps(guide: Guide, answers: dict[str, str]) -> list[Step]:
    """The steps asked, given the answers so far (e.g. no task to show without a smartphone)."""
    shown: list[Step] = []
    hidden: set[str] = set()
    for step in guide.steps:  # in order: a step hidden hides the steps that depend on it
        if step.applies(answers, hidden):
            shown.append(step)
        else:
            hidden.add(step.id)
    return shown


def _tick(diagnostic: Diagnostic, now: datetime) -> None:
    last = as_utc(diagnostic.last_step_at) or now
    diagnostic.active_seconds += max(0, min(STEP_TIME_CAP_SECONDS, int((now - last).total_seconds())))
    diagnostic.last_step_at = now


def _check(step: Step, guide: Guide, values: list[str]) -> str:
    allowed = {r.id for r in guide.results} if step.kind == "task" else {c.value for c in step.choices}
    if not values or any(v not in allowed for v in values):
        raise StepError("Choisissez une des réponses proposées, ou « Passer cette étape ».")
    if step.kind != "multiple" and len(values) > 1:
        raise StepError("Une seule réponse pour cette étape.")
    return ",".join(v for v in (c.value for c in step.choices) if v in values) if step.kind == "multiple" else values[0]


def _store(diagnostic: Diagnostic, step: Step, value: str | None) -> None:
    model = TaskObservation if step.kind == "task" else DiagnosticAnswer
    key = TaskObservation.task_id if step.kind == "task" else DiagnosticAnswer.question_id
    db.session.execute(sa.delete(model).where(model.diagnostic_id == diagnostic.id, key == step.id))
    if value is not None:
        if step.kind == "task":
            db.session.add(TaskObservation(diagnostic_id=diagnostic.id, task_id=step.id, result=value))
        else:
            db.session.add(DiagnosticAnswer(diagnostic_id=diagnostic.id, question_id=step.id, value=value))
    db.session.flush()
    db.session.expire(diagnostic, ["answers", "observations"])


def record_step(diagnostic: Diagnostic, step: Step, guide: Guide, values: list[str] | None) -> Step | None:
    """Save a step's answer (None: skipped) and move on; the next step, or None when the interview is done."""
    value = None if values is None else _check(step, guide, values)
    now = utcnow()
    _tick(diagnostic, now)
    _store(diagnostic, step, value)
    steps = visible_steps(guide, answers_of(diagnostic))
    later = [s for s in steps if guide.steps.index(s) > guide.steps.index(step)]
    # Answers to steps that an answer now hides (e.g. "no smartphone" after tasks were seen) no longer count.
    for hidden in (s for s in guide.steps if s not in steps):
        _store(diagnostic, hidden, None)
    if later:
        diagnostic.current_step = later[0].id
        db.session.commit()
        return later[0]
    _finish(diagnostic, guide, now)
    db.session.commit()
    return None


def go_back(diagnostic: Diagnostic, step: Step, guide: Guide) -> Step:
    """The step before this one (this one when it is the first); nothing is erased."""
    steps = visible_steps(guide, answers_of(diagnostic))
    earlier = [s for s in steps if guide.steps.index(s) < guide.steps.index(step)]
    target = earlier[-1] if earlier else step
    _tick(diagnostic, utcnow())
    diagnostic.current_step = target.id
    db.session.commit()
    return target


def result_of(diagnostic: Diagnostic, guide: Guide) -> Result:
    """The result as the rules give it now, from the stored answers."""
    return score(guide, answers_of(diagnostic), observations_of(diagnostic))


def _finish(diagnostic: Diagnostic, guide: Guide, now: datetime) -> None:
    result = result_of(diagnostic, guide)
    diagnostic.completed_at = now
    diagnostic.current_step = None
    # Kept as they were given: a later change of the rules does not rewrite past figures.
    diagnostic.level = result.level.id
    diagnostic.recommendation = result.recommendation.id
    diagnostic.reason = result.reason.id if result.reason else None
    diagnostic.employee.last_activity_at = now


def override(diagnostic: Diagnostic, recommendation: str | None, reason: str | None) -> None:
    """The counselor's own recommendation, with their reason; None goes back to the rules'."""
    diagnostic.override_recommendation = recommendation or None
    diagnostic.override_reason = (reason or "").strip() or None if recommendation else None
    db.session.commit()
