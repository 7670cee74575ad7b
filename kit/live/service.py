"""What can happen in a live session, as plain functions over the database.

Each function checks the session's state, changes it, bumps its version and
commits, or raises LiveError and changes nothing. The hot paths (an answer, a
phone joining) run prebuilt Core statements on the tables: building a statement,
or going through the ORM, costs more than running it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from slides import Deck, Quiz

from ..extensions import db
from ..models import (
    Answer,
    Attendance,
    QuestionState,
    SessionQuestion,
    SessionStatus,
    TrainingSession,
    as_utc,
    utcnow,
)
from .codes import new_join_code
from .errors import LiveError

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
# One or two questions of a session, as objects (not an expanding IN: its SQL is rebuilt at each execution).
_QUESTIONS_OF = sa.select(SessionQuestion).where(
    SessionQuestion.session_id == sa.bindparam("session_id"),
    sa.or_(SessionQuestion.quiz_number == sa.bindparam("first"), SessionQuestion.quiz_number == sa.bindparam("second")))
_ANSWERS_OF = sa.select(_ANSWERS.c.participant_id, _ANSWERS.c.choices).where(
    _ANSWERS.c.session_id == sa.bindparam("session_id"), _ANSWERS.c.quiz_number == sa.bindparam("number"))


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
        session.current_quiz = quiz.number if asked else None
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
    """Show the results, the right answer and the explanation (closing the question first)."""
    question = _opened_question(session, deck, number)
    now = utcnow()
    if question.state == QuestionState.OPEN:
        question.closed_at = now
    if question.state != QuestionState.REVEALED:
        question.state = QuestionState.REVEALED.value
        question.revealed_at = now
    session.current_quiz = number
    _bump(session)


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
                                   "choices": ",".join(map(str, choices)), "entered_by": entered_by,
                                   "answered_at": utcnow()})


_ATTENDS: dict[str, sa.Insert] = {}


def _attend_statement(dialect_name: str) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING for attendance, built once per dialect."""
    statement = _ATTENDS.get(dialect_name)
    if statement is None:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        statement = _ATTENDS[dialect_name] = dialect.insert(_ATTENDANCE).on_conflict_do_nothing(
            index_elements=["session_id", "participant_id"])
    return statement


def record_attendance(session_id: int, participant_id: int, commit: bool = True) -> None:
    """Mark a participant present at a session when they join (once: a row the animator corrected stays).

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
    return {pid: [int(c) for c in choices.split(",") if c] for pid, choices in rows}


def tally(answers: dict[int, list[int]], quiz: Quiz) -> list[int]:
    """How many participants chose each answer."""
    counts = [0] * len(quiz.choices)
    for choices in answers.values():
        for choice in choices:
            if 0 <= choice < len(counts):
                counts[choice] += 1
    return counts


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
