"""The live state as each audience may see it: phones, one phone, the animators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from slides import Deck

from ..extensions import db
from ..models import Attendance, Participant, QuestionState, SessionQuestion, TrainingSession, as_utc, utcnow
from . import presence
from .service import answers_of, tally


def public_state(session: TrainingSession, deck: Deck) -> dict[str, Any]:
    """What every phone of the session may know. The key appears only once revealed."""
    return _state(session, deck, with_results=False)


def _state(session: TrainingSession, deck: Deck, with_results: bool,
           answers: dict[int, list[int]] | None = None) -> dict[str, Any]:
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
        question = db.session.get(SessionQuestion, (session.id, session.current_quiz))
        if question is not None:
            state["question"] = _question(session, deck, question, with_results, answers)
    return state


def _question(session: TrainingSession, deck: Deck, question: SessionQuestion, with_results: bool,
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
    }
    revealed = question.state == QuestionState.REVEALED
    if revealed or with_results:
        if answers is None:
            answers = answers_of(session.id, quiz.number)
        payload["tally"] = tally(answers, quiz)
        payload["answered"] = len(answers)
    if revealed:
        payload["key"] = quiz.key()
    return payload


def animator_state(session: TrainingSession, deck: Deck) -> dict[str, Any]:
    """What the projector and presenter windows see: results as they come, and the join details."""
    return animator_view(session, deck)[0]


def animator_view(session: TrainingSession, deck: Deck) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The animators' state and the roster together, reading answers and attendance once."""
    answers = answers_of(session.id, session.current_quiz) if session.current_quiz else {}
    present = set(db.session.scalars(sa.select(Attendance.participant_id).where(
        Attendance.session_id == session.id, Attendance.present)))
    state = _state(session, deck, with_results=True, answers=answers)
    state["join_code"] = session.join_code
    state["present"] = len(present)
    return state, _roster(session, answers, present)


def participant_state(session: TrainingSession, deck: Deck, participant_id: int) -> dict[str, Any]:
    """The public state plus this participant's own answer to the current question."""
    state = public_state(session, deck)
    question = state["question"]
    if question is not None:
        mine = answers_of_one(session.id, question["number"], participant_id)
        question["my_answer"] = mine
    return state


def answers_of_one(session_id: int, number: int, participant_id: int) -> list[int] | None:
    """One participant's stored answer, or None."""
    from ..models import Answer

    choices = db.session.scalar(sa.select(Answer.choices).where(
        Answer.session_id == session_id, Answer.quiz_number == number, Answer.participant_id == participant_id))
    return [int(c) for c in choices.split(",") if c] if choices is not None else None


def roster(session: TrainingSession) -> list[dict[str, Any]]:
    """The group's participants: connected, present, and whether they answered the current question."""
    return _roster(session)


def _roster(session: TrainingSession, answered: dict[int, list[int]] | None = None,
            present: set[int] | None = None) -> list[dict[str, Any]]:
    connected = presence.connected_participants(session.id)
    if present is None:
        present = set(db.session.scalars(sa.select(Attendance.participant_id).where(
            Attendance.session_id == session.id, Attendance.present)))
    if answered is None:
        answered = answers_of(session.id, session.current_quiz) if session.current_quiz else {}
    # Plain columns, not ORM objects: this runs several times a second with a whole group.
    people = db.session.execute(sa.select(Participant.id, Participant.nickname, Participant.avatar)
                                .where(Participant.group_id == session.group_id).order_by(Participant.nickname_key))
    return [{"id": pid, "nickname": nickname, "avatar": avatar, "connected": pid in connected,
             "present": pid in present, "answer": answered.get(pid)} for pid, nickname, avatar in people]
