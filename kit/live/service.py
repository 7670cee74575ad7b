"""What can happen in a live session, as plain functions over the database.

Each function checks the session's state, changes it, bumps its version and
commits, or raises LiveError and changes nothing. The hot paths (an answer, a
phone joining) run prebuilt Core statements on the tables: building a statement,
or going through the ORM, costs more than running it.
"""

from __future__ import annotations

import sqlalchemy as sa

from kit.extensions import db
from kit.live.codes import new_join_code
from kit.live.errors import LiveError
from kit.models import (
    QuestionState,
    SessionQuestion,
    SessionStatus,
    TrainingSession,
    utcnow,
)
from slides import Deck, Quiz

_SESSIONS = TrainingSession.__table__
_QUESTIONS = SessionQuestion.__table__

# One or two questions of a session, as objects (not an expanding IN: its SQL is rebuilt at each execution).
_QUESTIONS_OF = sa.select(SessionQuestion).where(
    SessionQuestion.session_id == sa.bindparam("session_id"),
    sa.or_(SessionQuestion.quiz_number == sa.bindparam("first"), SessionQuestion.quiz_number == sa.bindparam("second")))


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


def goto(session: TrainingSession, deck: Deck, number: int) -> None:
    """Show slide `number` (0 is the join slide).

    An open question stays on the phones until it is closed. Otherwise the phones
    show the question of the new slide if it was already asked (closed or revealed),
    so that coming back to a quiz slide shows its results again, and nothing if not.
    """
    _require_live(session)
    if not 0 <= number <= len(deck.slides):
        raise LiveError(f"Cette diapo n'existe pas : le module en a {len(deck.slides)}.", "diapo_inconnue")
    quiz = deck.slides[number - 1].quiz if number else None
    questions = _load_questions(session, session.current_quiz, quiz.number if quiz else None)
    session.current_slide = number
    current = questions.get(session.current_quiz) if session.current_quiz else None
    if current is None or current.state != QuestionState.OPEN:
        asked = quiz is not None and quiz.number in questions
        session.current_quiz = quiz.number if quiz is not None and asked else None
    _bump(session)


def open_question(session: TrainingSession, deck: Deck, number: int) -> None:
    """Open a question to the phones; the one that was open closes."""
    _require_live(session)
    quiz_of(deck, number)
    questions = _load_questions(session, number, session.current_quiz)
    question = questions.get(number)
    if question and question.state == QuestionState.REVEALED:
        raise LiveError("La réponse de cette question a déjà été montrée : on ne peut plus la rouvrir.", "revelee")
    if session.current_quiz and session.current_quiz != number:
        previous = questions.get(session.current_quiz)
        if previous and previous.state == QuestionState.OPEN:
            previous.state = QuestionState.CLOSED.value
            previous.closed_at = utcnow()
    if question is None:
        question = SessionQuestion(session_id=session.id, quiz_number=number, state=QuestionState.OPEN.value,
                                   opened_at=utcnow())
        db.session.add(question)
        _keep(question)
    else:  # reopened after a close: the answers already given are kept
        question.state = QuestionState.OPEN.value
        question.opened_at = utcnow()
        question.closed_at = None
    session.current_quiz = number
    _bump(session)


def close_question(session: TrainingSession, deck: Deck, number: int) -> None:
    """Stop taking answers for a question."""
    question = _opened_question(session, deck, number)
    if question.state == QuestionState.OPEN:
        question.state = QuestionState.CLOSED.value
        question.closed_at = utcnow()
        _bump(session)


def reveal_question(session: TrainingSession, deck: Deck, number: int) -> None:
    """Show the results, the right answer and the explanation (closing the question first).

    A question of the check « avant » is never revealed: the participants see its answer only at the end
    of the course, when the same item is asked again (« après »).
    """
    question = _opened_question(session, deck, number)
    if quiz_of(deck, number).check == "avant":
        raise LiveError("Cette question est le positionnement du début : sa réponse n'est jamais montrée. "
                        "On la verra ensemble à la fin du parcours.", "positionnement_avant")
    now = utcnow()
    if question.state == QuestionState.OPEN:
        question.closed_at = now
    if question.state != QuestionState.REVEALED:
        question.state = QuestionState.REVEALED.value
        question.revealed_at = now
    session.current_quiz = number
    _bump(session)


def quiz_of(deck: Deck, number: object) -> Quiz:
    """The question `number` of the deck, or a LiveError."""
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(deck.quizzes):
        raise LiveError("Cette question n'existe pas dans ce module.", "question_inconnue")
    return deck.quizzes[number - 1]


def _opened_question(session: TrainingSession, deck: Deck, number: int) -> SessionQuestion:
    """A question of a live session that was opened at least once."""
    _require_live(session)
    quiz_of(deck, number)
    question = db.session.get(SessionQuestion, (session.id, number))
    if question is None:
        raise LiveError("Cette question n'a pas été ouverte.", "pas_ouverte")
    return question


def _load_questions(session: TrainingSession, *numbers: int | None) -> dict[int, SessionQuestion]:
    """These questions of the session that were opened at least once, read in one statement."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return {}
    first, second = sorted(wanted) if len(wanted) == 2 else (*wanted, 0)
    found = {q.quiz_number: q for q in db.session.scalars(_QUESTIONS_OF, {"session_id": session.id, "first": first,
                                                                          "second": second})}
    for question in found.values():
        _keep(question)
    return found


def _keep(question: SessionQuestion) -> None:
    """Hold the question for the rest of this database session (one request or Socket.IO event).

    The identity map holds unchanged objects weakly: without this, the question would be read again
    by the states built right after the change.
    """
    db.session.info.setdefault("kit_live_questions", []).append(question)


def _require_live(session: TrainingSession) -> None:
    if session.status != SessionStatus.LIVE:
        raise LiveError("Cette séance n'est pas en cours : démarrez-la d'abord.", "pas_en_cours")


def _bump(session: TrainingSession) -> None:
    session.version += 1
    commit_keeping_loaded()


def commit_keeping_loaded() -> None:
    """Commit without expiring the loaded objects.

    They hold what this transaction read and wrote, so the states sent right after the change are built
    from them without reading the session and its questions again. The session's objects live for one
    event (the scoped session is removed at the end of each request and Socket.IO event).
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
