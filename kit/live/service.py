"""What can happen in a live session, as plain functions over the database.

Each change checks the session's state, changes it, bumps its version and commits, or raises LiveError
and changes nothing. Starting and ending a session go through the ORM (pages, rare); the animator's
moves through the deck, a hot path, are kit/live/moves.py, and the functions here that make them are
for callers that hold the session as an ORM object (pages, the CLI, the tests).
"""

from __future__ import annotations

from typing import Any

from kit.extensions import db
from kit.live.codes import new_join_code
from kit.live.errors import LiveError
from kit.live.moves import Action, Driven, drive
from kit.models import QuestionState, SessionQuestion, SessionStatus, TrainingSession, utcnow
from slides import Deck


def start(session: TrainingSession) -> None:
    """Open the session to the phones: it gets a join code and shows the join slide."""
    if session.status == SessionStatus.ENDED:
        raise LiveError("Cette séance est terminée : créez une nouvelle séance.", "terminee")
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.LIVE.value
        session.join_code = new_join_code()
        session.started_at = utcnow()
        session.current_slide = 0
        _bump(session)


def end(session: TrainingSession) -> None:
    """End the session: the join code expires and an open question closes."""
    if session.status == SessionStatus.ENDED:
        return
    if session.current_quiz:
        question = db.session.get(SessionQuestion, (session.id, session.current_quiz))
        if question and question.state == QuestionState.OPEN:
            question.state = QuestionState.CLOSED.value
            question.closed_at = utcnow()
    session.status = SessionStatus.ENDED.value
    session.join_code = None
    session.wifi_ssid = session.wifi_password = None  # the room's Wi-Fi is kept no longer than needed
    session.ended_at = utcnow()
    _bump(session)


def goto(session: Any, deck: Deck, number: int) -> Driven:
    """Show slide `number` (0 is the join slide).

    An open question stays on the phones until it is closed. Otherwise the phones
    show the question of the new slide if it was already asked (closed or revealed),
    so that coming back to a quiz slide shows its results again, and nothing if not.
    """
    return _drive_loaded(session, deck, "goto", number)


def open_question(session: Any, deck: Deck, number: int) -> Driven:
    """Open a question to the phones; the one that was open closes."""
    return _drive_loaded(session, deck, "open", number)


def close_question(session: Any, deck: Deck, number: int) -> Driven:
    """Stop taking answers for a question."""
    return _drive_loaded(session, deck, "close", number)


def reveal_question(session: Any, deck: Deck, number: int) -> Driven:
    """Show the results, the right answer and the explanation (closing the question first).

    A question of the check « avant » is never revealed: the participants see its answer only at the end
    of the course, when the same item is asked again (« après »).
    """
    return _drive_loaded(session, deck, "reveal", number)


def _drive_loaded(session: Any, deck: Deck, action: Action, number: int) -> Driven:
    """`drive`, for a caller that holds the session as an ORM object: it is read again at next use."""
    driven = drive(session.id, deck, action, number)
    if isinstance(session, TrainingSession) and session in db.session:
        db.session.expire(session)
    return driven


def _bump(session: TrainingSession) -> None:
    session.version += 1
    commit_keeping_loaded()


def commit_keeping_loaded() -> None:
    """Commit without expiring the loaded objects.

    They hold what this transaction read and wrote, so the states sent right after the change are built
    from them without reading the session again. The session's objects live for one event (the scoped
    session is removed at the end of each request and Socket.IO event).
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
