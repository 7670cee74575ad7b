"""The animator's moves in a live session: a slide shown, a question opened, closed or revealed.

The rules are pure functions over plain copies of the session and its questions; a batch of moves is read and
written by statements prepared once, in the caller's transaction. Under gevent the process's writer commits
the moves and answers that arrive together in one transaction (kit/live/group_commit.py): 200 rooms opening a
question in the same second commit a few times, not 200 times, and the handler reads nothing first. The
window's rights are checked in the move's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, cast

import sqlalchemy as sa
from flask import current_app

from kit.extensions import db, socketio
from kit.live import group_commit
from kit.live.errors import LiveError
from kit.live.prepared import Prepared, PreparedIn
from kit.models import QuestionState, SessionQuestion, SessionStatus, TrainingSession, User, utcnow
from kit.people.access import may_drive
from slides import Deck, Quiz

Action = Literal["goto", "open", "close", "reveal"]

_SESSIONS = cast(sa.Table, TrainingSession.__table__)
_QUESTIONS = cast(sa.Table, SessionQuestion.__table__)
_USERS = cast(sa.Table, User.__table__)
NOT_YOURS = "Cette séance n'est pas la vôtre."


@dataclass
class Live:
    """A session's columns as the rules read and change them, and as the states are built from them."""

    id: int
    group_id: int
    animator_id: int
    revision_id: int
    status: str
    join_code: str | None
    current_slide: int
    current_quiz: int | None
    version: int


@dataclass
class Asked:
    """A question of a session that was opened at least once."""

    quiz_number: int
    state: str
    opened_at: datetime
    closed_at: datetime | None = None
    revealed_at: datetime | None = None


@dataclass(frozen=True)
class Driver:
    """Who asks for a move from an animator's window: checked in the move's own transaction."""

    user_id: int
    token: str | None  # the account's session token when the window connected (signing out rotates it)


@dataclass(frozen=True)
class Drive:
    """One move of the animator (a slide, or a question opened, closed or revealed), as a handler received it."""

    session_id: int
    deck: Deck
    action: Action
    number: int
    driver: Driver | None = None  # None: a caller that has checked the rights itself (a page, the CLI)


@dataclass(frozen=True)
class Driven:
    """The session after a move, and its current question: the states are built from these, without a read."""

    session: Live
    question: Asked | None


_LIVE_COLUMNS = [getattr(_SESSIONS.c, name) for name in Live.__dataclass_fields__]
_ASKED_COLUMNS = [_QUESTIONS.c.session_id, *(getattr(_QUESTIONS.c, name) for name in Asked.__dataclass_fields__)]
# Run on the DBAPI cursor (kit/live/prepared.py): 200 rooms opening a question in the same second come a few at
# a time, and SQLAlchemy's per-call work was most of a transaction of one move.
# The sessions of a batch, locked in id order (PostgreSQL: another process's move waits; SQLite ignores it).
_LOCK_SESSIONS = PreparedIn(lambda ids: sa.select(*_LIVE_COLUMNS).where(_SESSIONS.c.id.in_(ids))
                            .order_by(_SESSIONS.c.id).with_for_update())
# The accounts of the windows that asked: still active, still signed in, and allowed to drive.
_DRIVERS = PreparedIn(lambda ids: sa.select(_USERS.c.id, _USERS.c.role, _USERS.c.active, _USERS.c.session_token)
                      .where(_USERS.c.id.in_(ids)))
_ASKED = PreparedIn(lambda ids: sa.select(*_ASKED_COLUMNS).where(_QUESTIONS.c.session_id.in_(ids)))
_UPDATE_SESSION = Prepared(_SESSIONS.update().where(_SESSIONS.c.id == sa.bindparam("b_id"))
                           .values(current_slide=sa.bindparam("b_slide"), current_quiz=sa.bindparam("b_quiz"),
                                   version=sa.bindparam("b_version")))
_INSERT_QUESTION = Prepared(_QUESTIONS.insert(), [column.key for column in _ASKED_COLUMNS])
_UPDATE_QUESTION = Prepared(_QUESTIONS.update()
                            .where(_QUESTIONS.c.session_id == sa.bindparam("b_session"),
                                   _QUESTIONS.c.quiz_number == sa.bindparam("b_number"))
                            .values(state=sa.bindparam("b_state"), opened_at=sa.bindparam("b_opened"),
                                    closed_at=sa.bindparam("b_closed"), revealed_at=sa.bindparam("b_revealed")))


@dataclass(frozen=True)
class _Account:
    """A window's account as the move's transaction reads it."""

    id: int
    role: str
    active: bool
    session_token: str | None


def drive(session_id: int, deck: Deck, action: Action, number: int, driver: Driver | None = None) -> Driven:
    """Apply one move of the animator and commit it; the session and its current question after it.

    `driver`: the account of the window that asked, whose rights are checked with the move. Under gevent
    the process's writer commits the moves and answers that arrive together in one transaction
    (kit/live/group_commit.py); elsewhere (the test clients, the CLI) the move is committed here, with
    whatever the caller's database session holds.
    """
    move = Drive(session_id, deck, action, number, driver)
    writer = group_commit.for_app(current_app, socketio.async_mode)
    if writer is not None:
        return writer.write(write_drives, move)
    db.session.flush()
    [outcome] = write_drives(db.session.connection(), [move])
    if isinstance(outcome, LiveError):  # nothing was written for it
        raise outcome
    db.session.commit()
    return outcome


def write_drives(connection: sa.Connection, moves: Sequence[Drive]) -> list[Driven | LiveError]:
    """Check and apply a batch of moves in the caller's transaction, in order of arrival; each move's result,
    or the French refusal of that move alone. The caller commits before anyone is acknowledged."""
    ids = sorted({move.session_id for move in moves})
    lives = {row[0]: Live(*row) for row in _LOCK_SESSIONS.rows(connection, ids)}
    asked: dict[int, dict[int, Asked]] = {session_id: {} for session_id in lives}
    stored: set[tuple[int, int]] = set()
    for session_id, *question in _ASKED.rows(connection, ids):
        asked[session_id][question[0]] = Asked(*question)
        stored.add((session_id, question[0]))
    driver_ids = sorted({move.driver.user_id for move in moves if move.driver})
    drivers = {row[0]: _Account(*row) for row in _DRIVERS.rows(connection, driver_ids)} if driver_ids else {}
    outcomes: list[Driven | LiveError] = []
    moved: set[int] = set()
    changed: set[tuple[int, int]] = set()
    for move in moves:
        live = lives.get(move.session_id)
        try:
            if live is None:
                raise LiveError(NOT_YOURS if move.driver else "Cette séance n'existe plus.",
                                "interdit" if move.driver else "pas_en_cours")
            if move.driver and not _may_move(live, move.driver, drivers.get(move.driver.user_id)):
                raise LiveError(NOT_YOURS, "interdit")
            touched = _RULES[move.action](live, asked[live.id], move.deck, move.number)
        except LiveError as refusal:
            outcomes.append(refusal)
            continue
        if touched is not None:
            live.version += 1
            moved.add(live.id)
            changed.update((live.id, number) for number in touched)
        current = asked[live.id].get(live.current_quiz) if live.current_quiz else None
        # Copies: a later move of the same session in this batch changes the originals.
        outcomes.append(Driven(replace(live), replace(current) if current else None))
    if moved:
        _UPDATE_SESSION.run_many(connection, [
            {"b_id": lives[i].id, "b_slide": lives[i].current_slide, "b_quiz": lives[i].current_quiz,
             "b_version": lives[i].version} for i in sorted(moved)])
    new = [{"session_id": s, "quiz_number": n, "state": asked[s][n].state, "opened_at": asked[s][n].opened_at,
            "closed_at": asked[s][n].closed_at, "revealed_at": asked[s][n].revealed_at}
           for s, n in sorted(changed - stored)]
    if new:
        _INSERT_QUESTION.run_many(connection, new)
    updated = [{"b_session": s, "b_number": n, "b_state": asked[s][n].state, "b_opened": asked[s][n].opened_at,
                "b_closed": asked[s][n].closed_at, "b_revealed": asked[s][n].revealed_at}
               for s, n in sorted(changed & stored)]
    if updated:
        _UPDATE_QUESTION.run_many(connection, updated)
    return outcomes


def _may_move(live: Live, driver: Driver, account: _Account | None) -> bool:
    """The window's account still exists, is active, is still signed in, and drives this session."""
    return (account is not None and account.active and account.session_token == driver.token
            and may_drive(cast(TrainingSession, live), driver.user_id, account.role))


# The rules. Each one checks everything before it changes anything: a refused move leaves the batch's
# copies as they were. It returns the numbers of the questions it changed (the session's version is then
# bumped), or None when nothing changed.

def _goto(live: Live, asked: dict[int, Asked], deck: Deck, number: int) -> set[int] | None:
    _require_live(live)
    if not 0 <= number <= len(deck.slides):
        raise LiveError(f"Cette diapo n'existe pas : le module en a {len(deck.slides)}.", "diapo_inconnue")
    quiz = deck.slides[number - 1].quiz if number else None
    live.current_slide = number
    current = asked.get(live.current_quiz) if live.current_quiz else None
    if current is None or current.state != QuestionState.OPEN:
        live.current_quiz = quiz.number if quiz is not None and quiz.number in asked else None
    return set()


def _open(live: Live, asked: dict[int, Asked], deck: Deck, number: int) -> set[int] | None:
    _require_live(live)
    quiz_of(deck, number)
    question = asked.get(number)
    if question and question.state == QuestionState.REVEALED:
        raise LiveError("La réponse de cette question a déjà été montrée : on ne peut plus la rouvrir.", "revelee")
    touched = {number}
    now = utcnow()
    previous = asked.get(live.current_quiz) if live.current_quiz and live.current_quiz != number else None
    if previous and previous.state == QuestionState.OPEN:
        previous.state, previous.closed_at = QuestionState.CLOSED.value, now
        touched.add(previous.quiz_number)
    if question is None:
        asked[number] = Asked(number, QuestionState.OPEN.value, now)
    else:  # reopened after a close: the answers already given are kept
        question.state, question.opened_at, question.closed_at = QuestionState.OPEN.value, now, None
    live.current_quiz = number
    return touched


def _close(live: Live, asked: dict[int, Asked], deck: Deck, number: int) -> set[int] | None:
    question = _opened_question(live, asked, deck, number)
    if question.state != QuestionState.OPEN:
        return None
    question.state, question.closed_at = QuestionState.CLOSED.value, utcnow()
    return {number}


def _reveal(live: Live, asked: dict[int, Asked], deck: Deck, number: int) -> set[int] | None:
    question = _opened_question(live, asked, deck, number)
    if quiz_of(deck, number).check == "avant":
        raise LiveError("Cette question est le positionnement du début : sa réponse n'est jamais montrée. "
                        "On la verra ensemble à la fin du parcours.", "positionnement_avant")
    now = utcnow()
    if question.state == QuestionState.OPEN:
        question.closed_at = now
    if question.state != QuestionState.REVEALED:
        question.state, question.revealed_at = QuestionState.REVEALED.value, now
    live.current_quiz = number
    return {number}


_RULES = {"goto": _goto, "open": _open, "close": _close, "reveal": _reveal}


def quiz_of(deck: Deck, number: object) -> Quiz:
    """The question `number` of the deck, or a LiveError."""
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(deck.quizzes):
        raise LiveError("Cette question n'existe pas dans ce module.", "question_inconnue")
    return deck.quizzes[number - 1]


def _opened_question(live: Live, asked: dict[int, Asked], deck: Deck, number: int) -> Asked:
    """A question of a live session that was opened at least once."""
    _require_live(live)
    quiz_of(deck, number)
    question = asked.get(number)
    if question is None:
        raise LiveError("Cette question n'a pas été ouverte.", "pas_ouverte")
    return question


def _require_live(session: Any) -> None:
    if session.status != SessionStatus.LIVE:
        raise LiveError("Cette séance n'est pas en cours : démarrez-la d'abord.", "pas_en_cours")
