"""Answers and attendance: the hot path of a live session.

A phone's answer is checked against the question's state, stored by one atomic upsert and committed
before the caller acknowledges it. The statements are built once: building one costs more than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kit.extensions import db
from kit.live.errors import LiveError
from kit.live.service import quiz_of
from kit.models import (
    Answer,
    Attendance,
    QuestionState,
    SessionQuestion,
    SessionStatus,
    TrainingSession,
    as_utc,
    utcnow,
)
from slides import Deck, Quiz

TIMER_GRACE = timedelta(seconds=2)  # network latency after a countdown reaches zero

_SESSIONS = TrainingSession.__table__
_QUESTIONS = SessionQuestion.__table__
_ANSWERS = Answer.__table__
_ATTENDANCE = Attendance.__table__

# Built once: the session's status and the question's state, read before every answer.
_ANSWERABLE = (
    sa.select(_SESSIONS.c.status, _QUESTIONS.c.state, _QUESTIONS.c.opened_at)
    .outerjoin(_QUESTIONS, sa.and_(_QUESTIONS.c.session_id == _SESSIONS.c.id,
                                   _QUESTIONS.c.quiz_number == sa.bindparam("number")))
    .where(_SESSIONS.c.id == sa.bindparam("session_id"))
)
_ANSWERS_OF = sa.select(_ANSWERS.c.participant_id, _ANSWERS.c.choices).where(
    _ANSWERS.c.session_id == sa.bindparam("session_id"), _ANSWERS.c.quiz_number == sa.bindparam("number"))

def submit_answer(session_id: int, revision_deck: Deck, participant_id: int, number: int,
                  choices: Sequence[int], entered_by: str = "phone") -> list[int]:
    """Record an answer, committed before the caller acknowledges it. Returns the stored choices.

    A participant may change their answer while the question is open.
    """
    # The session's connection runs the prebuilt statements directly (Session.execute costs more than they do).
    connection = db.session.connection()
    row = connection.execute(_ANSWERABLE, {"session_id": session_id, "number": number}).one_or_none()
    if row is None or row.status != SessionStatus.LIVE:
        raise LiveError("Cette séance n'est pas en cours.", "pas_en_cours")
    quiz = quiz_of(revision_deck, number)
    if row.state is None:
        raise LiveError("Cette question n'est pas encore ouverte.", "pas_ouverte")
    if row.state != QuestionState.OPEN:
        raise LiveError("Trop tard : les réponses à cette question sont fermées.", "fermee")
    if quiz.timer_seconds and utcnow() > as_utc(row.opened_at) + timedelta(seconds=quiz.timer_seconds) + TIMER_GRACE:
        raise LiveError("Trop tard : le temps de cette question est écoulé.", "temps_ecoule")
    stored = check_choices(quiz, choices)
    _upsert_answer(connection, session_id, number, participant_id, stored, entered_by)
    db.session.commit()
    return stored


def check_choices(quiz: Quiz, choices: Sequence[int]) -> list[int]:
    """Validate chosen indexes against the question; return them sorted."""
    unique = sorted(set(choices))
    if len(unique) != len(choices) or not unique:
        raise LiveError("Choisissez une réponse.", "choix_invalide")
    if any(not 0 <= c < len(quiz.choices) for c in unique):
        raise LiveError("Cette réponse n'existe pas.", "choix_invalide")
    if not quiz.multiple and len(unique) != 1:
        raise LiveError("Une seule réponse est possible pour cette question.", "choix_invalide")
    return unique


_UPSERTS: dict[str, sa.Insert] = {}


def _upsert_statement(dialect_name: str) -> sa.Insert:
    """INSERT … ON CONFLICT DO UPDATE for answers, built once per dialect (building it costs more
    than running it on the hot path)."""
    statement = _UPSERTS.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        insert = dialect.insert(_ANSWERS)
        statement = _UPSERTS[dialect_name] = insert.on_conflict_do_update(
            index_elements=["session_id", "quiz_number", "participant_id"],
            set_={"choices": insert.excluded.choices, "entered_by": insert.excluded.entered_by,
                  "answered_at": insert.excluded.answered_at})
    return statement


def _upsert_answer(connection: sa.Connection, session_id: int, number: int, participant_id: int, choices: list[int],
                   entered_by: str) -> None:
    # One statement, atomic under concurrency: the unique constraint decides, not a prior SELECT.
    statement = _upsert_statement(connection.dialect.name)
    connection.execute(statement, {"session_id": session_id, "quiz_number": number, "participant_id": participant_id,
                                   "choices": choices, "entered_by": entered_by,
                                   "answered_at": utcnow()})


_ATTENDS: dict[str, sa.Insert] = {}


def _attend_statement(dialect_name: str) -> sa.Insert:
    """INSERT … ON CONFLICT for attendance, built once per dialect: only an « excusé » row changes (to present)."""
    statement = _ATTENDS.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        statement = _ATTENDS[dialect_name] = dialect.insert(_ATTENDANCE).on_conflict_do_update(
            index_elements=["session_id", "participant_id"], set_={"present": True, "excused": False},
            where=_ATTENDANCE.c.excused)
    return statement


def record_attendance(session_id: int, participant_id: int, commit: bool = True) -> None:
    """Mark a participant present at a session when they join (once: a row the animator corrected stays,
    except « excusé », told beforehand: the person came after all, so they are present).

    One statement, atomic when two phones of the same participant join at once. With `commit=False`
    the caller commits it with the rest of its transaction.
    """
    db.session.execute(_attend_statement(db.session.get_bind().dialect.name),
                       {"session_id": session_id, "participant_id": participant_id, "present": True,
                        "joined_at": utcnow()})
    if commit:
        db.session.commit()


def answers_of(session_id: int, number: int) -> dict[int, list[int]]:
    """Every participant's stored answer to a question."""
    rows = db.session.execute(_ANSWERS_OF, {"session_id": session_id, "number": number})
    return {pid: choices for pid, choices in rows}


def tally(answers: dict[int, list[int]], quiz: Quiz) -> list[int]:
    """How many participants chose each answer."""
    counts = [0] * len(quiz.choices)
    for choices in answers.values():
        for choice in choices:
            if 0 <= choice < len(counts):
                counts[choice] += 1
    return counts
