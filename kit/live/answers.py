"""Answers and attendance: the hot path of a live session.

A phone's answer is checked against the question's state, stored by one atomic upsert and committed
before the caller acknowledges it; answers that arrive together share one transaction
(kit/live/group_commit.py). The statements are built once: building one costs more than running it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from kit.extensions import db, socketio
from kit.live import group_commit
from kit.live.errors import LiveError
from kit.live.moves import quiz_of
from kit.live.prepared import Prepared
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

# Built once: for the sessions and question numbers of a batch of answers, each session's status and the
# questions' states (one statement for the whole batch; the pairs are sorted out in Python).
_ANSWERABLE = (
    sa.select(_SESSIONS.c.id, _SESSIONS.c.status, _QUESTIONS.c.quiz_number, _QUESTIONS.c.state,
              _QUESTIONS.c.opened_at)
    .outerjoin(_QUESTIONS, sa.and_(_QUESTIONS.c.session_id == _SESSIONS.c.id,
                                   _QUESTIONS.c.quiz_number.in_(sa.bindparam("numbers", expanding=True))))
    .where(_SESSIONS.c.id.in_(sa.bindparam("session_ids", expanding=True)))
)
# The same for the usual batch, answers to one question of one session, run on the DBAPI cursor
# (kit/live/prepared.py): no expanding IN to render, none of SQLAlchemy's per-call machinery.
_ANSWERABLE_ONE = Prepared(
    sa.select(_SESSIONS.c.id, _SESSIONS.c.status, _QUESTIONS.c.quiz_number, _QUESTIONS.c.state,
              _QUESTIONS.c.opened_at)
    .outerjoin(_QUESTIONS, sa.and_(_QUESTIONS.c.session_id == _SESSIONS.c.id,
                                   _QUESTIONS.c.quiz_number == sa.bindparam("number")))
    .where(_SESSIONS.c.id == sa.bindparam("session_id"))
)
_ANSWERS_OF = sa.select(_ANSWERS.c.participant_id, _ANSWERS.c.choices).where(
    _ANSWERS.c.session_id == sa.bindparam("session_id"), _ANSWERS.c.quiz_number == sa.bindparam("number"))


@dataclass(frozen=True)
class Submitted:
    """One answer as a handler received it, before the database has checked and stored it."""

    session_id: int
    deck: Deck
    participant_id: int
    number: int
    choices: Sequence[int]
    entered_by: str = "phone"
    received_at: datetime = field(default_factory=utcnow)


def submit_answer(session_id: int, revision_deck: Deck, participant_id: int, number: int,
                  choices: Sequence[int], entered_by: str = "phone") -> list[int]:
    """Record an answer, committed before the caller acknowledges it. Returns the stored choices.

    A participant may change their answer while the question is open. Under gevent the process's answer
    writer commits the answers that arrive together in one transaction (kit/live/group_commit.py);
    elsewhere (the test clients, the CLI) the answer is committed here, alone.
    """
    submitted = Submitted(session_id, revision_deck, participant_id, number, choices, entered_by)
    writer = group_commit.for_app(current_app, socketio.async_mode)
    if writer is not None:
        return writer.write(write_batch, submitted, first=True)
    [outcome] = write_batch(db.session.connection(), [submitted])
    if isinstance(outcome, LiveError):
        db.session.rollback()
        raise outcome
    db.session.commit()
    return outcome


def write_batch(connection: sa.Connection, batch: Sequence[Submitted]) -> list[list[int] | LiveError]:
    """Check and store a batch of answers in the caller's transaction; each answer's stored choices, or the
    French refusal of that answer alone. The caller commits before anyone is acknowledged."""
    session_ids = sorted({s.session_id for s in batch})
    numbers = sorted({s.number for s in batch if isinstance(s.number, int)})
    statuses: dict[int, str] = {}
    questions: dict[tuple[int, int], tuple[str, datetime]] = {}  # (session, number) → state, opened
    rows: Iterable[Sequence[Any]]
    if len(session_ids) == 1 and len(numbers) == 1:
        rows = _ANSWERABLE_ONE.rows(connection, {"session_id": session_ids[0], "number": numbers[0]})
    else:
        rows = connection.execute(_ANSWERABLE, {"session_ids": session_ids, "numbers": numbers or [0]})
    for session_id, status, quiz_number, state, opened_at in rows:
        statuses[session_id] = status
        if quiz_number is not None:
            questions[(session_id, quiz_number)] = (state, opened_at)
    outcomes: list[list[int] | LiveError] = []
    accepted: list[dict[str, Any]] = []
    for submitted in batch:
        try:
            stored = _accept(submitted, statuses.get(submitted.session_id),
                             questions.get((submitted.session_id, submitted.number)))
        except LiveError as refusal:
            outcomes.append(refusal)
            continue
        outcomes.append(stored)
        accepted.append({"session_id": submitted.session_id, "quiz_number": submitted.number,
                         "participant_id": submitted.participant_id, "choices": stored,
                         "entered_by": submitted.entered_by, "answered_at": submitted.received_at})
    if accepted:
        # One statement for the batch, atomic under concurrency: the unique constraint decides, not a prior
        # SELECT. Two answers of one phone in the same batch: the later one stays, as it would one by one.
        _prepared_upsert(connection.dialect.name).run_many(connection, accepted)
    return outcomes


def _accept(submitted: Submitted, status: str | None, question: tuple[str, datetime] | None) -> list[int]:
    """The stored choices of an answer, or the LiveError that refuses it (checked in this order).
    `question`: its state and the time it was opened, if it was."""
    if status != SessionStatus.LIVE:
        raise LiveError("Cette séance n'est pas en cours.", "pas_en_cours")
    quiz = quiz_of(submitted.deck, submitted.number)
    if question is None:
        raise LiveError("Cette question n'est pas encore ouverte.", "pas_ouverte")
    state, opened_at = question
    if state != QuestionState.OPEN:
        raise LiveError("Trop tard : les réponses à cette question sont fermées.", "fermee")
    deadline = as_utc(opened_at) + timedelta(seconds=quiz.timer_seconds or 0) + TIMER_GRACE
    if quiz.timer_seconds and submitted.received_at > deadline:
        raise LiveError("Trop tard : le temps de cette question est écoulé.", "temps_ecoule")
    return check_choices(quiz, submitted.choices)


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


_PREPARED_UPSERTS: dict[str, Prepared] = {}
_UPSERT_COLUMNS = ("session_id", "quiz_number", "participant_id", "choices", "entered_by", "answered_at")


def _prepared_upsert(dialect_name: str) -> Prepared:
    """The answers' upsert of `_upsert_statement`, run on the DBAPI cursor (kit/live/prepared.py)."""
    prepared = _PREPARED_UPSERTS.get(dialect_name)
    if prepared is None:
        prepared = _PREPARED_UPSERTS[dialect_name] = Prepared(_upsert_statement(dialect_name), _UPSERT_COLUMNS)
    return prepared


_ATTENDS: dict[str, sa.Insert] = {}


def attend_statement(dialect_name: str) -> sa.Insert:
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
    db.session.execute(attend_statement(db.session.get_bind().dialect.name),
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
