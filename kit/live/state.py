"""The live state as each audience may see it: phones, one phone, the animators.

These run on every change of a session, for every session: they read with plain columns (no ORM
objects) and as few statements as possible. `session` is a TrainingSession or any row with the same
attribute names (id, group_id, version, status, current_slide, current_quiz, join_code).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from kit.extensions import db
from kit.live import presence
from kit.live.answers import answers_of, tally
from kit.live.prepared import Prepared
from kit.models import (
    Answer,
    Attendance,
    ClaimStatus,
    DeviceClaim,
    Participant,
    Presence,
    QuestionState,
    SessionQuestion,
    Worker,
    as_utc,
    utcnow,
)
from kit.people.nicknames import avatar_id
from kit.reports.rules import attendance_state
from slides import Deck

_QUESTIONS = SessionQuestion.__table__
_ANSWERS = Answer.__table__
_ATTENDANCE = Attendance.__table__
_PARTICIPANTS = Participant.__table__

# A question of a session.
_QUESTION = sa.select(_QUESTIONS.c.quiz_number, _QUESTIONS.c.state, _QUESTIONS.c.opened_at).where(
    _QUESTIONS.c.session_id == sa.bindparam("session_id"), _QUESTIONS.c.quiz_number == sa.bindparam("number"))

# A question of a session and one participant's answer to it, in one statement.
_QUESTION_AND_MINE = (
    sa.select(_QUESTIONS.c.quiz_number, _QUESTIONS.c.state, _QUESTIONS.c.opened_at, _ANSWERS.c.choices)
    .outerjoin(_ANSWERS, sa.and_(_ANSWERS.c.session_id == _QUESTIONS.c.session_id,
                                 _ANSWERS.c.quiz_number == _QUESTIONS.c.quiz_number,
                                 _ANSWERS.c.participant_id == sa.bindparam("participant_id")))
    .where(_QUESTIONS.c.session_id == sa.bindparam("session_id"), _QUESTIONS.c.quiz_number == sa.bindparam("number"))
)

# Participants connected to a session by a live process (the rule of presence.connected_participants),
# with how many different phones: two phones being one participant is shown to the animator.
_CONNECTED = (
    sa.select(Presence.__table__.c.participant_id,
              sa.func.count(sa.distinct(Presence.__table__.c.device)).label("devices"))
    .where(Presence.__table__.c.session_id == sa.bindparam("session_id"),
           Presence.__table__.c.worker_id.in_(sa.select(Worker.__table__.c.id).where(
               Worker.__table__.c.seen_at >= sa.bindparam("alive_since"))))
    .group_by(Presence.__table__.c.participant_id)
    .subquery()
)

# Participants whose name was taken this session by a new phone, freely (their phone was offline) or accepted.
_NEW_DEVICE = (
    sa.select(DeviceClaim.__table__.c.participant_id).distinct()
    .where(DeviceClaim.__table__.c.session_id == sa.bindparam("session_id"),
           DeviceClaim.__table__.c.status.in_((ClaimStatus.FREE.value, ClaimStatus.ACCEPTED.value)))
    .subquery()
)

# The roster: the group's participants, whether they are connected, whether they joined the session and
# their answer to a question, in one statement.
_ROSTER = (
    sa.select(_PARTICIPANTS.c.id, _PARTICIPANTS.c.nickname, _PARTICIPANTS.c.avatar,
              _CONNECTED.c.participant_id.is_not(None).label("connected"), _ATTENDANCE.c.present,
              _ATTENDANCE.c.excused, _ANSWERS.c.choices, _CONNECTED.c.devices,
              _NEW_DEVICE.c.participant_id.is_not(None).label("new_device"))
    .select_from(_PARTICIPANTS)
    .outerjoin(_CONNECTED, _CONNECTED.c.participant_id == _PARTICIPANTS.c.id)
    .outerjoin(_NEW_DEVICE, _NEW_DEVICE.c.participant_id == _PARTICIPANTS.c.id)
    .outerjoin(_ATTENDANCE, sa.and_(_ATTENDANCE.c.session_id == sa.bindparam("session_id"),
                                    _ATTENDANCE.c.participant_id == _PARTICIPANTS.c.id))
    .outerjoin(_ANSWERS, sa.and_(_ANSWERS.c.session_id == sa.bindparam("session_id"),
                                 _ANSWERS.c.quiz_number == sa.bindparam("number"),
                                 _ANSWERS.c.participant_id == _PARTICIPANTS.c.id))
    .where(_PARTICIPANTS.c.group_id == sa.bindparam("group_id"))
    .order_by(_PARTICIPANTS.c.nickname_key)
)

# The answers of the group's participants to a question (those of the roster), and how many of them joined.
# Read after every move, 200 times when 200 rooms open a question in the same second: on the DBAPI cursor
# (kit/live/prepared.py), where SQLAlchemy's execution cost 0.13 ms a statement, most of the animators' state.
_GROUP_ANSWERS = Prepared(
    sa.select(_ANSWERS.c.participant_id, _ANSWERS.c.choices)
    .join(_PARTICIPANTS, sa.and_(_PARTICIPANTS.c.id == _ANSWERS.c.participant_id,
                                 _PARTICIPANTS.c.group_id == sa.bindparam("group_id")))
    .where(_ANSWERS.c.session_id == sa.bindparam("session_id"), _ANSWERS.c.quiz_number == sa.bindparam("number"))
)
_PRESENT = Prepared(
    sa.select(sa.func.count()).select_from(_ATTENDANCE)
    .join(_PARTICIPANTS, sa.and_(_PARTICIPANTS.c.id == _ATTENDANCE.c.participant_id,
                                 _PARTICIPANTS.c.group_id == sa.bindparam("group_id")))
    .where(_ATTENDANCE.c.session_id == sa.bindparam("session_id"), _ATTENDANCE.c.present.is_(True))
)


def public_state(session: Any, deck: Deck, question: Any = None) -> dict[str, Any]:
    """What every phone of the session may know. The key appears only once revealed.

    `question`: the current question's row, when the caller has it (read otherwise).
    """
    return _state(session, deck, with_results=False, question=question)


def _state(session: Any, deck: Deck, with_results: bool, answers: dict[int, list[int]] | None = None,
           question: Any = None) -> dict[str, Any]:
    """`question`: the current question's row (quiz_number, state, opened_at) when the caller has it."""
    number = session.current_slide
    slide = deck.slides[number - 1] if 1 <= number <= len(deck.slides) else None
    state: dict[str, Any] = {
        "session": session.id,
        "version": session.version,
        "status": session.status,
        "module": deck.meta.title,
        "server_time": utcnow().isoformat(),
        "slide": {
            "number": number,
            "count": len(deck.slides),
            "title": slide.title if slide else "Bienvenue",
            "kind": slide.kind if slide else "accueil",
            "activity_html": slide.activity_html if slide and slide.activity_html else None,
            "quiz": slide.quiz.number if slide and slide.quiz else None,
        },
        "question": None,
    }
    if session.current_quiz:
        if question is None:
            # Read, unless the caller passed the question it has just written.
            question = db.session.execute(_QUESTION, {"session_id": session.id,
                                                      "number": session.current_quiz}).first()
        if question is not None:
            state["question"] = _question(session, deck, question, with_results, answers)
    return state


def _question(session: Any, deck: Deck, question: Any, with_results: bool,
              answers: dict[int, list[int]] | None) -> dict[str, Any]:
    quiz = deck.quizzes[question.quiz_number - 1]
    opened = as_utc(question.opened_at)
    payload: dict[str, Any] = {
        "number": quiz.number,
        "state": question.state,
        "quiz": quiz.public(),
        "opened_at": opened.isoformat() if opened else None,
        "deadline": (opened + timedelta(seconds=quiz.timer_seconds)).isoformat()
        if quiz.timer_seconds and opened else None,
        # The before/after check: "avant" is never revealed (the phones reassure instead), "apres" is a quiz.
        "check": quiz.check,
    }
    # Phones get the results and the key once revealed, never for the check « avant »; the animators'
    # windows at all times.
    revealed = question.state == QuestionState.REVEALED and quiz.check != "avant"
    if revealed or with_results:
        if answers is None:
            answers = answers_of(session.id, quiz.number)
        payload["tally"] = tally(answers, quiz)
        payload["answered"] = len(answers)
        payload["key"] = quiz.key()
    return payload


def animator_state(session: Any, deck: Deck) -> dict[str, Any]:
    """What the projector and presenter windows see: results as they come, and the join details."""
    return animator_view(session, deck)[0]


def animator_view(session: Any, deck: Deck) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The animators' state and the roster together, from one reading of the roster.

    The answers counted in the state are those of the roster's participants (the session's group: nobody
    else can answer), and `present` counts the roster's participants who joined.
    """
    people = roster(session)
    answers = {p["id"]: p["answer"] for p in people if p["answer"] is not None}
    return _animators(session, deck, answers, sum(1 for p in people if p["present"])), people


def animator_state_after_move(session: Any, deck: Deck, question: Any = None) -> dict[str, Any]:
    """The animators' state after a move, with `answers`: each participant's choices to the current question.

    A move changes nothing in the roster but the question its answers are for, so the windows get these
    answers in the state instead of a new roster: two short reads instead of the roster's joins, and one
    message instead of two, for each of the 200 rooms that open a question in the same second.
    `question`: the current question as the move wrote it, if the caller has it.
    """
    group = {"session_id": session.id, "group_id": session.group_id}
    connection = db.session.connection()
    answers = ({pid: choices for pid, choices in _GROUP_ANSWERS.rows(
        connection, {**group, "number": session.current_quiz})} if session.current_quiz else {})
    [(present,)] = _PRESENT.rows(connection, group)
    state = _animators(session, deck, answers, present, question)
    state["answers"] = [{"participant": pid, "choices": choices} for pid, choices in answers.items()]
    return state


def _animators(session: Any, deck: Deck, answers: dict[int, list[int]], present: int,
               question: Any = None) -> dict[str, Any]:
    state = _state(session, deck, with_results=True, answers=answers, question=question)
    state["join_code"] = session.join_code
    state["present"] = present
    return state


def participant_state(session: Any, deck: Deck, participant_id: int) -> dict[str, Any]:
    """The public state plus this participant's own answer to the current question."""
    row = None
    if session.current_quiz:
        row = db.session.execute(_QUESTION_AND_MINE, {"session_id": session.id, "number": session.current_quiz,
                                                      "participant_id": participant_id}).first()
    state = _state(session, deck, with_results=False, question=row)
    if state["question"] is not None and row is not None:
        state["question"]["my_answer"] = row.choices
    return state


def roster(session: Any) -> list[dict[str, Any]]:
    """The group's participants: connected, present (and their state), and their answer to the current question."""
    rows = db.session.execute(_ROSTER, {"session_id": session.id, "number": session.current_quiz or 0,
                                        "group_id": session.group_id,
                                        "alive_since": utcnow() - presence.ALIVE_FOR})
    return [{"id": pid, "nickname": nickname, "avatar": avatar_id(avatar), "connected": bool(connected),
             "present": bool(present), "state": attendance_state(present, excused), "answer": choices,
             "devices": devices or 0, "new_device": bool(new_device)}
            for pid, nickname, avatar, connected, present, excused, choices, devices, new_device in rows]
